"""Whole backends: snapshots of the local cloud (ecslab.cloud.snapshot).

Part of the seam to moto (ecslab.moto_seam): see its docstring."""

from __future__ import annotations

from typing import Any

# moto keeps each service's state in a module-level `BackendDict` (account id ->
# `AccountSpecificBackend`, region -> the service's backend object). The dicts are
# imported by moto's own modules (and ours) by reference, so a restore refills them in
# place and never replaces them.

Dumped = dict[str, dict[str, dict[str, Any]]]


def _backend_dicts(skipped: frozenset[str]) -> dict[str, Any]:
    """The BackendDicts moto has created so far, by service name."""
    from moto.core.base_backend import BackendDict

    return {
        bd.service_name: bd
        for bd in list(BackendDict._instances)  # type: ignore[misc]
        if bd.service_name not in skipped
    }


def dump_backends(skipped: frozenset[str] = frozenset()) -> Dumped:
    """{service: {account: {region: backend}}} of every service in use (one object graph,
    so that backends pointing at each other still do after loading)."""
    return {
        name: {account: dict(per_account.items()) for account, per_account in bd.items()}
        for name, bd in _backend_dicts(skipped).items()
    }


def load_backends(dumped: Dumped, skipped: frozenset[str] = frozenset()) -> None:
    """Refill moto's BackendDicts with `dumped`; services not in it are emptied (their
    backends are made afresh on first use, as in a new cloud)."""
    from moto.backends import get_backend

    for bd in _backend_dicts(skipped).values():
        for per_account in bd.values():
            dict.clear(per_account)
    for name, accounts in dumped.items():
        bd = get_backend(name)  # type: ignore[call-overload]
        for account, regions in accounts.items():
            per_account = bd[account]
            for region, backend in regions.items():
                dict.__setitem__(per_account, region, backend)


def created_vpc_ids() -> set[str]:
    """The ids of the VPCs someone created (not the default ones), in every account and
    region: what tells a cloud that holds a workspace's network from one that lost it."""
    from moto.ec2.models import ec2_backends

    return {
        vpc_id
        for _account, _region, ec2 in ec2_backends.iter_backends()
        for vpc_id, vpc in list(ec2.vpcs.items())  # type: ignore[attr-defined]
        if not vpc.is_default
    }
