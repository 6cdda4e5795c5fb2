"""Fixes to moto, applied inside the local cloud's process before it serves.

Each patch says what moto does wrong and what AWS does. They are small on purpose: keep
what the client sent, at the model level, so every later read returns it. Each one is
guarded so `apply()` can run twice, and each names the moto version it was written for
(moto is pinned exactly in requirements.txt); re-check them when the pin moves.

How they were found: apply `terraform/chapter9`, then `terraform plan -detailed-exitcode`
must exit 0; every attribute in the diff is something moto did not keep
(tests/test_moto_patches.py runs the check through boto3).
"""

from __future__ import annotations

from typing import Any

from botocore import xform_name

#: CreateService parameters moto 5.2.5 accepts but drops: its responses layer passes only
#: a fixed list of arguments to the model, so DescribeServices never returns these, and
#: Terraform plans an update after every apply (`health_check_grace_period_seconds`
#: 0 -> 60, `+ availability_zone_rebalancing`). AWS returns each one as it was sent. The
#: data plane also reads two of them: the grace period, and the rolling update limits.
KEPT_CREATE_SERVICE_PARAMETERS = (
    "healthCheckGracePeriodSeconds",
    "availabilityZoneRebalancing",
    "deploymentConfiguration",
    "enableECSManagedTags",
    "enableExecuteCommand",
    "placementConstraints",
    "placementStrategy",
    "capacityProviderStrategy",
)

_PATCHED = "_ecslab_patched"


def apply() -> None:
    """Apply every patch (idempotent)."""
    keep_create_service_parameters()


def keep_create_service_parameters() -> None:
    """Make CreateService keep the parameters in KEPT_CREATE_SERVICE_PARAMETERS.

    The value is set on moto's `Service` model under the attribute name moto's serializer
    reads (botocore's `xform_name`, e.g. `health_check_grace_period_seconds`), which is
    also the name moto's own UpdateService sets; so UpdateService keeps working unchanged.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    original = EC2ContainerServiceResponse.create_service
    if getattr(original, _PATCHED, False):
        return

    def create_service(self: EC2ContainerServiceResponse) -> Any:
        result = original(self)
        service = result.result["service"]  # type: ignore[index]
        for name in KEPT_CREATE_SERVICE_PARAMETERS:
            value = self._get_param(name)
            if value is not None and getattr(service, xform_name(name), None) is None:
                setattr(service, xform_name(name), value)
        return result

    setattr(create_service, _PATCHED, True)
    EC2ContainerServiceResponse.create_service = create_service  # type: ignore[method-assign]
