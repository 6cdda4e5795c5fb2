"""Is moto installed with just the services the lab reaches, and is that enough?

The list of services is pyproject.toml's moto extras (tests/moto_support.py reads it). It
must name every moto service ecslab's code reaches, and no other; and the runtime lock
alone must import each of them and the local cloud's modules: checked here in a
subprocess that cannot import any distribution the lock lacks. (bench/image_size.py does
the same in a fresh venv built from binder/requirements.txt; the integration tests run
the chapters against a local cloud.)
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from fixtures_cloud import _apply_env, free_port
from moto_support import (
    BLOCKER,
    REACHED_BY_MOTO,
    ROOT,
    WITHOUT_EXTRA,
    canonical,
    importable_only,
    locked,
    moto_extras,
    probe,
)

from ecslab.account import clients
from ecslab.cloud import client, daemon
from ecslab.tf.environment import local_env

#: Where ecslab's code names a moto service: a moto module (`moto.ecs.models`), a backend
#: looked up by name (cloud/inventory.py's `backend("iam", ...)`), or a boto3 client.
NAMED = (
    re.compile(r"\bmoto\.([a-z0-9]+)\b"),
    re.compile(r"\bbackend\(\"([a-z0-9]+)\""),
    re.compile(r"\bclient\(\s*\"([a-z0-9]+)\""),
)


def _services_named_in_code() -> set[str]:
    """The moto services (moto's extras, but its bundles) named in src/ecslab."""
    services = set(metadata.metadata("moto").get_all("Provides-Extra") or [])
    services -= {"all", "proxy", "server"}
    named: set[str] = set()
    for path in (ROOT / "src" / "ecslab").rglob("*.py"):
        text = path.read_text()
        named |= {name for pattern in NAMED for name in pattern.findall(text)}
    return named & services


def _runtime() -> set[str]:
    """What the Binder image installs: the runtime lock, and ecslab (postBuild)."""
    return locked() | {"ecslab"}


def test_the_extras_are_the_services_the_code_reaches() -> None:
    """Does pyproject's moto requirement name every service ecslab's code reaches (the
    chapters': EC2, ELBv2, ECS, IAM, Logs, STS, ACM, Route 53) or moto's own backends
    import (classic ELB), and nothing else?"""
    reached = _services_named_in_code()
    assert set(WITHOUT_EXTRA) <= reached, "a service listed as reached without extra is unused"
    assert set(moto_extras()) == (reached | set(REACHED_BY_MOTO)) - set(WITHOUT_EXTRA)


def test_the_runtime_lock_imports_every_service_and_the_cloud() -> None:
    """With only the runtime lock importable, do moto's WSGI app, the local cloud's modules
    and the backend of every service ecslab reaches import?"""
    services = [*moto_extras(), *WITHOUT_EXTRA]
    found = probe(sys.executable, services, only=_runtime())
    assert found == dict.fromkeys(found), {name: e for name, e in found.items() if e}
    assert set(services) <= set(found)


def test_the_probe_refuses_what_the_lock_lacks() -> None:
    """Does the check above have teeth: is pytest (installed here for the tests, not in the
    runtime lock) refused, and does CloudFormation, whose extra is dropped, fail?"""
    assert probe(sys.executable, [], modules=["pytest"]) == {"pytest": None}
    found = probe(sys.executable, ["cloudformation"], modules=["pytest"], only=_runtime())
    assert found["pytest"] == "ModuleNotFoundError: No module named 'pytest' (outside the set)"
    assert (found["cloudformation"] or "").startswith("ModuleNotFoundError: No module named")


@pytest.mark.parametrize("dropped", ["cfn-lint", "sympy", "docker", "aws-xray-sdk"])
def test_the_runtime_lock_leaves_out_the_other_services_needs(dropped: str) -> None:
    """Does the runtime lock (and so the Binder image) leave out what only moto services
    the lab never reaches need?"""
    assert dropped not in locked()


@pytest.mark.parametrize("kept", ["flask", "flask-cors", "moto", "werkzeug"])
def test_the_runtime_lock_keeps_what_motos_server_needs(kept: str) -> None:
    """Does the runtime lock keep moto's WSGI app's own needs (its `server` extra, without
    the services')?"""
    assert canonical(kept) in locked()


@pytest.fixture
def runtime_only_cloud(tmp_path: Path) -> Iterator[Path]:
    """A local cloud of its own (home, port) whose process can import the runtime lock
    only: `BLOCKER` as its sitecustomize, first on its PYTHONPATH. Yields its home."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER)
    home = tmp_path / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECSLAB_HOME", str(home))
        mp.setenv("ECSLAB_PORT", str(free_port()))
        mp.setenv("ECSLAB_TARGET", "local")
        env = importable_only(_runtime(), local_env())
        env["PYTHONPATH"] = ":".join(p for p in (str(site), env.get("PYTHONPATH")) if p)
        _apply_env(mp, env)
        daemon.up()
        try:
            yield home
        finally:
            daemon.down()


def _one_call_each(aws: Any) -> None:
    """Make each service the lab reaches build its backend, leaving something to keep."""
    aws("ec2").create_vpc(CidrBlock="10.0.0.0/16")
    aws("elbv2").describe_load_balancers()
    aws("ecs").create_cluster(clusterName="example")
    aws("iam").list_roles()
    aws("logs").create_log_group(logGroupName="/ecs/example")
    aws("sts").get_caller_identity()
    aws("acm").list_certificates()
    aws("route53").create_hosted_zone(Name="example.com", CallerReference="once")
    aws("resourcegroupstaggingapi").get_resources()


@pytest.mark.integration
def test_a_runtime_only_cloud_serves_every_service_and_snapshots(
    runtime_only_cloud: Path,
) -> None:
    """Does a local cloud that can import the runtime lock only answer every service the
    lab reaches, and save and restore a snapshot holding only those services?"""
    # The cloud's environment (os.environ here) does block: pytest is installed, not locked.
    blocked = subprocess.run(
        [sys.executable, "-c", "import pytest"], capture_output=True, text=True
    )
    assert "No module named 'pytest' (outside the set)" in blocked.stderr
    aws = lambda service: clients.client(service, target="local")  # noqa: E731
    _one_call_each(aws)
    path = runtime_only_cloud / "all.cloud"
    assert client.admin("snapshot/save", timeout=60, post={"path": str(path)})["bytes"] > 0
    aws("ecs").delete_cluster(cluster="example")
    restored = client.admin("snapshot/restore", timeout=60, post={"path": str(path)})
    assert set(restored["services"]) <= {*moto_extras(), *WITHOUT_EXTRA}, restored
    assert {"ec2", "ecs", "logs", "route53"} <= set(restored["services"])
    clusters = aws("ecs").describe_clusters(clusters=["example"])["clusters"]
    assert [c["status"] for c in clusters] == ["ACTIVE"]
