"""moto's callables ecslab wraps or replaces: the table, and the layers (install and uninstall).

Part of the seam to moto (ecslab.moto_seam): see its docstring."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Wrapped:
    """One moto callable ecslab replaces: where it lives and its pinned signature."""

    module: str
    owner: str
    name: str
    signature: str
    static: bool = False

    def owner_class(self) -> Any:
        return getattr(importlib.import_module(self.module), self.owner)


_ECS = "moto.ecs.models"
_ECS_RESPONSES = "moto.ecs.responses"
_BACKEND = "EC2ContainerServiceBackend"
_ANY = "dict[str, typing.Any]"

#: Every moto callable ecslab wraps (key -> what and where), with moto 5.2.5's signature.
WRAPPED: dict[str, Wrapped] = {
    "ecs.run_task": Wrapped(
        _ECS,
        _BACKEND,
        "run_task",
        f"(self, cluster_str: str, task_definition_str: str, count: int, overrides: {_ANY} | "
        "None, started_by: str, tags: list[dict[str, str]] | None, launch_type: str | None, "
        f"networking_configuration: {_ANY} | None = None, group: str | None = None, "
        "platform_version: str | None = None, capacity_provider_strategy: "
        f"list[{_ANY}] | None = None) -> list[moto.ecs.models.Task]",
    ),
    "ecs.stop_task": Wrapped(
        _ECS,
        _BACKEND,
        "stop_task",
        "(self, cluster_str: str, task_str: str, reason: str) -> moto.ecs.models.Task",
    ),
    "ecs.list_tasks": Wrapped(
        _ECS,
        _BACKEND,
        "list_tasks",
        "(self, cluster_str: str | None = None, container_instance: str | None = None, "
        "family: str | None = None, started_by: str | None = None, service_name: str | None = "
        "None, desiredStatus: str | None = None) -> list[moto.ecs.models.Task]",
    ),
    "ecs.update_service": Wrapped(
        _ECS,
        _BACKEND,
        "update_service",
        f"(self, service_properties: {_ANY}) -> moto.ecs.models.Service",
    ),
    "ecs.delete_service": Wrapped(
        _ECS,
        _BACKEND,
        "delete_service",
        "(self, cluster_name: str, service_name: str, force: bool) -> moto.ecs.models.Service",
    ),
    "ecs.register_task_definition": Wrapped(
        _ECS,
        _BACKEND,
        "register_task_definition",
        f"(self, family: str, container_definitions: list[{_ANY}], volumes: list[{_ANY}] | "
        f"None = None, network_mode: str | None = None, tags: list[dict[str, str]] | None = "
        f"None, placement_constraints: list[dict[str, str]] | None = None, "
        f"requires_compatibilities: list[str] | None = None, cpu: str | None = None, memory: "
        f"str | None = None, task_role_arn: str | None = None, execution_role_arn: str | None "
        f"= None, proxy_configuration: {_ANY} | None = None, inference_accelerators: "
        f"list[dict[str, str]] | None = None, runtime_platform: dict[str, str] | None = None, "
        f"ipc_mode: str | None = None, pid_mode: str | None = None, ephemeral_storage: "
        f"dict[str, int] | None = None) -> moto.ecs.models.TaskDefinition",
    ),
    "ecs.create_service": Wrapped(
        _ECS,
        _BACKEND,
        "create_service",
        "(self, cluster_str: str, service_name: str, desired_count: int, task_definition_str: "
        f"str | None = None, load_balancers: list[{_ANY}] | None = None, scheduling_strategy: "
        f"list[{_ANY}] | None = None, tags: list[dict[str, str]] | None = None, "
        "deployment_controller: dict[str, str] | None = None, launch_type: str | None = None, "
        f"service_registries: list[{_ANY}] | None = None, platform_version: str | None = None, "
        "propagate_tags: str = 'NONE', network_configuration: dict[str, dict[str, list[str]]] "
        "| None = None, role_arn: str | None = None) -> moto.ecs.models.Service",
    ),
    "ecs.task_resources": Wrapped(
        _ECS,
        _BACKEND,
        "_calculate_task_resource_requirements",
        f"(task_definition: moto.ecs.models.TaskDefinition) -> {_ANY}",
        static=True,
    ),
    "ecs.responses.create_service": Wrapped(
        _ECS_RESPONSES, "EC2ContainerServiceResponse", "create_service", "(self) -> 'ActionResult'"
    ),
    "ecs.responses.update_service": Wrapped(
        _ECS_RESPONSES, "EC2ContainerServiceResponse", "update_service", "(self) -> 'ActionResult'"
    ),
    "elbv2.create_load_balancer": Wrapped(
        "moto.elbv2.models",
        "ELBv2Backend",
        "create_load_balancer",
        "(self, name: str, security_groups: list[str], subnet_ids: list[str], subnet_mappings: "
        "list[dict[str, str]] | None = None, scheme: str = 'internet-facing', loadbalancer_type: "
        "str | None = None, ip_address_type: str = 'ipv4', tags: list[dict[str, str]] | None = "
        "None) -> moto.elbv2.models.FakeLoadBalancer",
    ),
    "elbv2.health_for": Wrapped(
        "moto.elbv2.models",
        "FakeTargetGroup",
        "health_for",
        f"(self, target: {_ANY}, ec2_backend: moto.ec2.models.EC2Backend) -> "
        "moto.elbv2.models.FakeHealthStatus",
    ),
    "logs.event_init": Wrapped(
        "moto.logs.models",
        "LogEvent",
        "__init__",
        f"(self, ingestion_time: int, log_event: {_ANY})",
    ),
}


@dataclass
class Call:
    """One call of a wrapped moto callable, its arguments by name (defaults filled in)."""

    arguments: dict[str, Any]
    _next: Callable[[dict[str, Any]], Any] = field(repr=False)

    @property
    def self(self) -> Any:
        return self.arguments.get("self")

    def __getitem__(self, name: str) -> Any:
        return self.arguments[name]

    def proceed(self, **changes: Any) -> Any:
        """Run the next layer (moto's own last) with these arguments, some changed."""
        return self._next(self.arguments | changes)


Adapter = Callable[[Call], Any]

_originals: dict[str, Any] = {}  # key -> moto's own attribute (as found on the class)
_layers: dict[str, list[tuple[str, Adapter]]] = {}  # key -> (owner, adapter), outermost last
_replaced: dict[str, str] = {}  # REPLACED key -> its owner


def original(key: str) -> Any:
    """moto's own callable behind `key` (the function, never a layer of ours)."""
    wrapped = WRAPPED[key]
    raw = _originals.get(key) or inspect.getattr_static(wrapped.owner_class(), wrapped.name)
    return raw.__func__ if isinstance(raw, staticmethod) else raw


def wrap(key: str, adapter: Adapter, *, by: str) -> None:
    """Add `by`'s layer around WRAPPED[key] (replacing `by`'s previous layer there)."""
    wrapped = WRAPPED[key]
    cls = wrapped.owner_class()
    if key not in _originals:
        _originals[key] = inspect.getattr_static(cls, wrapped.name)
    layers = [(owner, a) for owner, a in _layers.get(key, []) if owner != by]
    _layers[key] = [*layers, (by, adapter)]
    _install(key)


def unwrap(*, by: str) -> None:
    """Remove every layer `by` added, and what it replaced; moto's own returns where
    nothing of ecslab is left."""
    for key in list(_layers):
        _layers[key] = [(owner, a) for owner, a in _layers[key] if owner != by]
        if _layers[key]:
            _install(key)
        else:
            _restore(key)
            del _layers[key]
    for key in [k for k, owner in _replaced.items() if owner == by]:
        _restore(key)
        del _replaced[key]


def _install(key: str) -> None:
    wrapped = WRAPPED[key]
    moto_own = original(key)
    signature = inspect.signature(moto_own)
    layers = [a for _, a in _layers[key]]

    def run(depth: int, arguments: dict[str, Any]) -> Any:
        if depth < 0:
            return moto_own(**arguments)
        return layers[depth](Call(arguments, lambda args: run(depth - 1, args)))

    def replacement(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return run(len(layers) - 1, dict(bound.arguments))

    replacement.__name__ = replacement.__qualname__ = wrapped.name
    replacement.__doc__ = moto_own.__doc__
    value: Any = staticmethod(replacement) if wrapped.static else replacement
    setattr(wrapped.owner_class(), wrapped.name, value)


#: Attributes ecslab sets on moto's classes (or its settings module) that are not
#: methods (key -> module, owner in it, name).
REPLACED: dict[str, tuple[str, str, str]] = {
    # moto issues an ACM certificate on a timer; a local one is issued only when its DNS
    # validation record exists in the local Route 53 (ecslab.dataplane.acm).
    "acm.validation_wait": ("moto", "settings", "ACM_VALIDATION_WAIT"),
    # moto's ENI has `private_dns_name` only when some code path sets it (NAT gateways
    # do); its own ECS RunTask reads it on every ENI and fails. A property defaults it.
    "ec2.eni.private_dns_name": (
        "moto.ec2.models.elastic_network_interfaces",
        "NetworkInterface",
        "private_dns_name",
    ),
}

_ABSENT = object()


def replace(key: str, value: Any, *, by: str) -> None:
    """Set REPLACED[key] to `value` for `by`; `unwrap(by=...)` puts moto's back."""
    module, owner, name = REPLACED[key]
    cls = getattr(importlib.import_module(module), owner)
    if key not in _originals:
        _originals[key] = cls.__dict__.get(name, _ABSENT)
    _replaced[key] = by
    setattr(cls, name, value)


def _restore(key: str) -> None:
    if key in REPLACED:
        module, owner, name = REPLACED[key]
    else:
        module, owner, name = WRAPPED[key].module, WRAPPED[key].owner, WRAPPED[key].name
    cls = getattr(importlib.import_module(module), owner)
    value = _originals.pop(key)
    if value is _ABSENT:
        delattr(cls, name)
    else:
        setattr(cls, name, value)


def installed() -> dict[str, list[str]]:
    """Which owners have layers (or replacements) where: for tests."""
    found = {key: [owner for owner, _ in layers] for key, layers in _layers.items()}
    return found | {key: [owner] for key, owner in _replaced.items()}
