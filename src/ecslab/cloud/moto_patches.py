"""Fixes to moto, applied inside the local cloud's process before it serves.

Each patch says what moto does wrong and what AWS does. They are small on purpose: keep
what the client sent, at the model level, so every later read returns it. Each is a
layer added through ecslab.moto_seam (whose table pins the signature of what it wraps),
so `apply()` can run twice and `remove()` undoes it; each names the moto version it was
written for (moto is pinned exactly in requirements.txt).

How they were found: apply `terraform/chapter9`, then `terraform plan -detailed-exitcode`
must exit 0; every attribute in the diff is something moto did not keep
(tests/test_moto_patches.py runs the check through boto3).
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from ecslab import moto_seam

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

_BY = "ecslab.cloud.moto_patches"


def apply(region: str | None = None) -> None:
    """Apply every patch (idempotent); `region` is the one the local cloud serves."""
    keep_create_service_parameters()
    resolve_update_service_task_definition()
    aws_event_ids()
    if region:
        load_instance_offerings_lazily(region)


def keep_create_service_parameters() -> None:
    """Make CreateService keep the parameters in KEPT_CREATE_SERVICE_PARAMETERS.

    The value is set on moto's `Service` model under the attribute name moto's serializer
    reads (botocore's `xform_name`, e.g. `health_check_grace_period_seconds`), which is
    also the name moto's own UpdateService sets; so UpdateService keeps working unchanged.
    """

    def create_service(call: moto_seam.Call) -> Any:
        result = call.proceed()
        service = moto_seam.result_model(result, "service")
        for name in KEPT_CREATE_SERVICE_PARAMETERS:
            value = moto_seam.request_param(call, name)
            if value is not None:
                moto_seam.keep_parameter(service, name, value)
        return result

    moto_seam.wrap("ecs.responses.create_service", create_service, by=_BY)


def resolve_update_service_task_definition() -> None:
    """Make UpdateService keep the task definition's full ARN, as AWS does.

    moto 5.2.5 stores `taskDefinition` as sent, so `--task-definition example` makes the
    response (and every later DescribeServices) show `example` where AWS shows
    `arn:aws:ecs:<region>:<account>:task-definition/example:<latest revision>`. (For
    Fargate services the data plane resolves it too, with their deployments; this covers
    every service.)
    """

    def update_service(call: moto_seam.Call) -> Any:
        result = call.proceed()
        service = moto_seam.service_view(moto_seam.result_model(result, "service"))
        if moto_seam.request_param(call, "taskDefinition"):
            ecs = moto_seam.responder_ecs(call)
            arn = moto_seam.task_definition_arn(ecs, service.task_definition)
            moto_seam.set_service_task_definition(service, arn)
        return result

    moto_seam.wrap("ecs.responses.update_service", update_service, by=_BY)


def event_id(timestamp: int, ingestion_time: int, shard: int, sequence: int) -> int:
    """An eventId laid out as CloudWatch Logs' own (read from the ids the book prints):
    the event's timestamp (ms) from bit 144, its ingestion time (ms) from bit 80, 64 bits
    of the writer from bit 16, and the event's place in its batch in the lowest 16 bits.
    A 56-digit number today, rising with time, as `aws logs filter-log-events` shows."""
    return (
        (timestamp << 144)
        | (ingestion_time << 80)
        | ((shard & (2**64 - 1)) << 16)
        | (sequence & 0xFFFF)
    )


def aws_event_ids() -> None:
    """Give log events AWS's eventIds instead of moto 5.2.5's counter ("0", "1", ...).

    The id is the model's `event_id` (an int that moto turns into a string where it
    serves it), so FilterLogEvents, its pagination and subscriptions read it unchanged.
    """
    shard = random.getrandbits(64)
    counter = itertools.count()

    def init(call: moto_seam.Call) -> None:
        call.proceed()
        ingestion_time, sequence = call["ingestion_time"], next(counter)
        moto_seam.set_event_id(
            call.self, lambda timestamp: event_id(timestamp, ingestion_time, shard, sequence)
        )

    moto_seam.wrap("logs.event_init", init, by=_BY)


def remove() -> None:
    """Give moto back the methods `apply` wrapped."""
    moto_seam.unwrap(by=_BY)


class _LazyOfferings(dict[str, Any]):
    """A region -> offerings dict that reads a region's file the first time it is asked for."""

    def __init__(self, location_type: str, loaded: dict[str, Any]) -> None:
        super().__init__(loaded)
        self.location_type = location_type

    def __missing__(self, region: str) -> Any:
        path = f"ec2/resources/instance_type_offerings/{self.location_type}/{region}.json"
        try:
            offerings = moto_seam.load_resource(path + ".gz")
        except FileNotFoundError:
            offerings = moto_seam.load_resource(path)
        for offering in offerings:
            offering["LocationType"] = self.location_type
        self[region] = offerings
        return offerings

    def get(self, region: str, default: Any = None) -> Any:
        try:
            return self[region]
        except OSError:  # a region moto has no file for
            return default


def load_instance_offerings_lazily(region: str) -> None:
    """Keep EC2's instance type offerings of the served region only; load others on use.

    Not an AWS behaviour but a cost: moto parses, when EC2 is imported, the offerings of
    every region and zone (about 30 MB of the local cloud's memory), though the chapter
    runs Fargate in one region and never asks for them. Other regions still answer,
    read from moto's files on first use.
    """
    offerings = moto_seam.instance_type_offerings()
    for location_type, regions in offerings.items():
        if not isinstance(regions, _LazyOfferings):
            kept = {region: regions[region]} if region in regions else {}
            offerings[location_type] = _LazyOfferings(location_type, kept)
