"""Checks AWS makes on ECS requests that moto does not, with AWS's own messages.

Pure functions raise moto's ECS and ELBv2 exceptions, made by ecslab.moto_seam (so the
client sees AWS's error code and text); `install()` wraps moto's backend methods to run
them first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ecslab import fargate, moto_seam
from ecslab.errors import FargateSizeError

#: Platform versions a new Fargate (Linux) service or task may ask for.
PLATFORM_VERSIONS = ("LATEST", "1.4.0")

AWSVPC_ONLY = "Fargate only supports network mode ‘awsvpc’."
AWSLOGS_NEEDS_ROLE = (
    "Fargate requires task definition to have execution role ARN to support log driver awslogs."
)
NO_NETWORK_CONFIGURATION = (
    "Network Configuration must be provided when networkMode 'awsvpc' is specified."
)
GRACE_WITHOUT_LB = (
    "Health check grace period is only valid for services configured to use load balancers"
)
NOT_FARGATE = "Task definition does not support launch_type FARGATE."
AWSVPC_PORTS = (
    "When networkMode=awsvpc, the host ports and container ports in port mappings must match."
)
FAMILY_INVALID = "Family contains invalid characters."
CONTAINER_NAME_INVALID = "Container.name contains invalid characters."
IMAGE_INVALID = "Container.image contains invalid characters."
IMAGE_MISSING = "The container.image should not be null or empty"

#: Family and container names: "Up to 255 letters (uppercase and lowercase), numbers,
#: underscores, and hyphens are allowed" (ECS task definition parameters).
ECS_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
#: Images: "Up to 255 letters (uppercase and lowercase), numbers, hyphens, underscores,
#: colons, periods, forward slashes, and number signs are allowed" (`@` for digests).
ECS_IMAGE = re.compile(r"[A-Za-z0-9_\-:./#@]{1,255}")
#: Load balancer names: at most 32 alphanumerics or hyphens, no hyphen at either end,
#: not starting with "internal-" (ELBv2 CreateLoadBalancer).
LB_NAME_LENGTH = 32
NO_PLATFORM = "The specified platform does not exist."


def _option(options: list[str] | None, name: str) -> bool:
    return bool(options) and name in (options or [])


def check_names(family: str, containers: list[dict[str, Any]]) -> None:
    """RegisterTaskDefinition, any launch type: family, container names and images as ECS
    allows them. (The data plane never names a file from them; this is AWS's answer.)"""
    if not ECS_NAME.fullmatch(str(family)):
        raise moto_seam.ecs_client_exception(FAMILY_INVALID)
    for container in containers:
        if not ECS_NAME.fullmatch(str(container.get("name") or "")):
            raise moto_seam.ecs_client_exception(CONTAINER_NAME_INVALID)
        image = container.get("image")
        if not image:
            raise moto_seam.ecs_client_exception(IMAGE_MISSING)
        if not ECS_IMAGE.fullmatch(str(image)):
            raise moto_seam.ecs_client_exception(IMAGE_INVALID)


def check_port_mappings(network_mode: str | None, containers: list[dict[str, Any]]) -> None:
    """RegisterTaskDefinition: every mapping has a containerPort; in awsvpc mode a hostPort
    is either left out or equal to it (AWS's ClientException messages)."""
    for container in containers:
        for mapping in container.get("portMappings") or []:
            port = mapping.get("containerPort")
            if port is None or not 0 < int(port) < 65536:
                raise moto_seam.ecs_client_exception(
                    f"Invalid 'containerPort' setting for container '{container.get('name')}'."
                )
            host = mapping.get("hostPort")
            if network_mode == "awsvpc" and host not in (None, 0) and int(host) != int(port):
                raise moto_seam.ecs_client_exception(AWSVPC_PORTS)


def check_load_balancer_name(name: str) -> None:
    """CreateLoadBalancer: the name rules of ELBv2, with its ValidationError messages."""
    if len(name) > LB_NAME_LENGTH:
        raise moto_seam.elbv2_validation_error(
            f"The load balancer name '{name}' cannot be longer than '{LB_NAME_LENGTH}' characters"
        )
    if not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise moto_seam.elbv2_validation_error(
            f"Load balancer name '{name}' can only contain characters that are alphanumeric "
            "characters or hyphens(-)"
        )
    if name.startswith("-") or name.endswith("-"):
        raise moto_seam.elbv2_validation_error(
            f"Load balancer name '{name}' cannot begin or end with '-'"
        )
    if name.startswith("internal-"):
        raise moto_seam.elbv2_validation_error(
            f"Load balancer name '{name}' cannot begin with 'internal-'"
        )


def check_task_definition(
    requires: list[str] | None,
    network_mode: str | None,
    cpu: str | None,
    memory: str | None,
    execution_role_arn: str | None,
    containers: list[dict[str, Any]],
) -> None:
    """RegisterTaskDefinition for FARGATE: network mode, task size, awslogs role."""
    if not _option(requires, "FARGATE"):
        return
    if network_mode != "awsvpc":
        raise moto_seam.ecs_client_exception(AWSVPC_ONLY)
    for name, value in (("cpu", cpu), ("memory", memory)):
        if not value:
            raise moto_seam.ecs_client_exception(
                f"Fargate requires that '{name}' be defined at the task level."
            )
    try:
        fargate.validate(str(cpu), str(memory))
    except FargateSizeError as e:
        raise moto_seam.ecs_client_exception(str(e)) from e
    uses_awslogs = any(
        (c.get("logConfiguration") or {}).get("logDriver") == "awslogs" for c in containers
    )
    if uses_awslogs and not execution_role_arn:
        raise moto_seam.ecs_client_exception(AWSLOGS_NEEDS_ROLE)


def check_launch(
    task_definition: moto_seam.TaskDefinition,
    launch_type: str | None,
    network: dict[str, Any] | None,
    platform: str | None,
) -> None:
    """RunTask/CreateService with launch type FARGATE: compatibility, network, platform."""
    if launch_type != "FARGATE":
        return
    if "FARGATE" not in task_definition.requires_compatibilities:
        raise moto_seam.ecs_invalid_parameter(NOT_FARGATE)
    if task_definition.network_mode == "awsvpc" and not (network or {}).get("awsvpcConfiguration"):
        raise moto_seam.ecs_invalid_parameter(NO_NETWORK_CONFIGURATION)
    if platform and platform not in PLATFORM_VERSIONS:
        raise moto_seam.ecs_invalid_parameter(NO_PLATFORM)


def check_load_balancers(
    load_balancers: list[dict[str, Any]] | None,
    grace_period: int | None,
    task_definition: moto_seam.TaskDefinition | None,
    elbv2: Any,
) -> None:
    """CreateService/UpdateService: a target group must be behind a load balancer, the
    container and port must exist, and a grace period needs a load balancer."""
    if grace_period and not load_balancers:
        raise moto_seam.ecs_invalid_parameter(GRACE_WITHOUT_LB)
    for lb in load_balancers or []:
        arn = lb.get("targetGroupArn")
        group = moto_seam.find_target_group(elbv2, arn) if arn else None
        if group is not None and not group.load_balancer_arns:
            raise moto_seam.ecs_invalid_parameter(
                f"The target group with targetGroupArn {arn} "
                "does not have an associated load balancer."
            )
        if task_definition is not None:
            _check_container_port(task_definition, lb.get("containerName"), lb.get("containerPort"))


def _check_container_port(
    task_definition: moto_seam.TaskDefinition, name: str | None, port: int | None
) -> None:
    for container in task_definition.container_definitions:
        if container.get("name") == name:
            ports = {int(m.get("containerPort", 0)) for m in container.get("portMappings", [])}
            if port is not None and int(port) in ports:
                return
            break
    raise moto_seam.ecs_invalid_parameter(
        f"The container {name} did not have a container port {port} defined."
    )


def _elbv2(backend: Any) -> Any:
    return moto_seam.sibling_backend(backend, "elbv2")


_BY = "ecslab.dataplane.validation"


def _checked(check: Callable[[moto_seam.Call], None]) -> moto_seam.Adapter:
    """An adapter that runs `check` on the call's named arguments, then moto's method."""

    def adapter(call: moto_seam.Call) -> Any:
        check(call)
        return call.proceed()

    return adapter


def _on_register(call: moto_seam.Call) -> None:
    containers = call["container_definitions"]
    check_names(call["family"], containers)
    check_port_mappings(call["network_mode"], containers)
    check_task_definition(
        call["requires_compatibilities"],
        call["network_mode"],
        call["cpu"],
        call["memory"],
        call["execution_role_arn"],
        containers,
    )


def _on_run_task(call: moto_seam.Call) -> None:
    definition = moto_seam.task_definition(call.self, call["task_definition_str"])
    check_launch(
        definition,
        call["launch_type"],
        call["networking_configuration"],
        call["platform_version"],
    )


def _on_create_service(call: moto_seam.Call) -> None:
    td = call["task_definition_str"]
    definition = moto_seam.task_definition(call.self, td) if td else None
    if definition is not None:
        check_launch(
            definition,
            call["launch_type"],
            call["network_configuration"],
            call["platform_version"],
        )
    # the grace period never reaches moto's backend: `_on_create_service_request` checks it
    check_load_balancers(call["load_balancers"], None, definition, _elbv2(call.self))


def _on_update_service(call: moto_seam.Call) -> None:
    properties = call["service_properties"]
    service = moto_seam.existing_service(
        call.self, properties.get("cluster", "default"), properties["service"].split("/")[-1]
    )
    td = properties.get("task_definition")
    definition = moto_seam.task_definition(call.self, td) if td else None
    if definition is not None:
        check_launch(
            definition,
            service.launch_type,
            service.network_configuration or None,
            properties.get("platform_version"),
        )
    grace = properties.get("health_check_grace_period_seconds")
    check_load_balancers(
        properties.get("load_balancers") or list(service.load_balancers),
        grace,
        None,
        _elbv2(call.self),
    )


def _on_create_service_request(call: moto_seam.Call) -> None:
    """The grace period never reaches moto's backend: check it on the request."""
    grace = moto_seam.request_param(call, "healthCheckGracePeriodSeconds")
    if grace and not moto_seam.request_param(call, "loadBalancers"):
        raise moto_seam.ecs_invalid_parameter(GRACE_WITHOUT_LB)


def _on_create_load_balancer(call: moto_seam.Call) -> None:
    check_load_balancer_name(call["name"])


def install() -> None:
    """Wrap moto's ECS and ELBv2 backends (through ecslab.moto_seam) so each request is
    checked first; installing again replaces these layers."""
    moto_seam.wrap("elbv2.create_load_balancer", _checked(_on_create_load_balancer), by=_BY)
    moto_seam.wrap("ecs.responses.create_service", _checked(_on_create_service_request), by=_BY)
    moto_seam.wrap("ecs.register_task_definition", _checked(_on_register), by=_BY)
    moto_seam.wrap("ecs.run_task", _checked(_on_run_task), by=_BY)
    moto_seam.wrap("ecs.create_service", _checked(_on_create_service), by=_BY)
    moto_seam.wrap("ecs.update_service", _checked(_on_update_service), by=_BY)


def uninstall() -> None:
    """Give moto back the methods `install` wrapped."""
    moto_seam.unwrap(by=_BY)
