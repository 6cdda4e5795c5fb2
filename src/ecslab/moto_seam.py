"""The one seam between ecslab and moto's internals (moto is pinned in requirements.txt).

moto is a server with a public API, but the local cloud also lives inside its process:
the data plane drives moto's models (tasks, services, target health) and fixes a few of
its answers. Every such touch goes through this module, so that a moto upgrade breaks
in one place, loudly:

- `WRAPPED` is the table of every moto callable ecslab replaces, with the signature the
  pinned moto has (tests/test_moto_seam.py checks each one against the installed moto).
- `wrap(key, adapter, by=...)` adds one layer around a wrapped callable and
  `unwrap(by=...)` removes that owner's layers; with no layer left, moto's own callable
  is back (install and uninstall are symmetric, and installing twice replaces a layer).
  An adapter gets a `Call`: moto's arguments by name (bound against the pinned
  signature, defaults filled in), never by position; `call.proceed(**changes)` runs the
  next layer, then moto's own.
- Readers give the data plane moto's state as ecslab's own frozen values (`TaskFacts`,
  `TaskState`, `Service`, `TaskDefinition`, `TargetGroup`, `LoadBalancer`, `Certificate`,
  `Ingress`...), so deciding code never reads a model. Where the data plane must change
  moto's state (a task's status and times, a service's counts, deployments and events,
  targets, ENIs), a named writer does it; a model's `handle` is for those writers only.
- `MODEL_ATTRIBUTES` lists every attribute of moto's models the readers and writers
  touch; `TASK_FIELDS` and `CONTAINER_FIELDS`, the DescribeTasks fields the data plane
  sets. tests/test_moto_seam.py checks both against the pinned moto and botocore.
- moto's server app, account, error classes and bundled files are reached here too: no
  other module of ecslab imports moto (the same test parses every import).

It sits beneath every layer of the package (it imports nothing of ecslab), since both
the local cloud (ecslab.cloud) and its data plane (ecslab.dataplane) use it.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar


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


# --- moto's server, its account, its errors and its files -----------------------------


def default_account_id() -> str:
    """The account moto files resources under for the fake credentials we hand out."""
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return str(DEFAULT_ACCOUNT_ID)


def server_app() -> Any:
    """moto's own WSGI app, which dispatches each request to its service's Flask app."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def backend(service: str, account_id: str, region: str) -> Any:
    """moto's backend of one service (`region` is "aws" or "global" for IAM, Route 53)."""
    return _get_backend(service, account_id, region)


def _get_backend(service: str, account_id: str, region: str) -> Any:
    from moto.backends import get_backend

    return get_backend(service)[account_id][region]  # type: ignore[call-overload]


def region_of(backend: Any) -> str:
    """The region a moto backend serves."""
    return str(backend.region_name)


def sibling_backend(backend: Any, service: str) -> Any:
    """moto's backend of `service` in the account and region of `backend`."""
    return _get_backend(service, backend.account_id, backend.region_name)


def request_param(call: Call, name: str) -> Any:
    """A parameter of the request a wrapped responses-layer method is answering."""
    return call.self._get_param(name)


def result_model(result: Any, key: str) -> Any:
    """The model a responses-layer method answered with (its `ActionResult`), by key."""
    return result.result[key]


def responder_ecs(call: Call) -> Any:
    """The ECS backend of the responses-layer method being called."""
    return call.self.ecs_backend


def keep_parameter(model: Any, parameter: str, value: Any) -> None:
    """Keep a request parameter moto dropped on its model, under the attribute name its
    serializer reads (botocore's snake case: `healthCheckGracePeriodSeconds` ->
    `health_check_grace_period_seconds`), unless moto kept it itself."""
    from botocore import xform_name

    if getattr(model, xform_name(parameter), None) is None:
        setattr(model, xform_name(parameter), value)


def set_event_id(event: Any, make: Callable[[int], int]) -> None:
    """Give a moto log event the id `make(its timestamp in ms)`."""
    event.event_id = make(int(event.timestamp))


def ecs_client_exception(message: str) -> Exception:
    """ECS's `ClientException` with AWS's message, as moto serialises it."""
    from moto.ecs.exceptions import EcsClientException

    return EcsClientException(message)


def ecs_invalid_parameter(message: str) -> Exception:
    """ECS's `InvalidParameterException` with AWS's message, as moto serialises it."""
    from moto.ecs.exceptions import InvalidParameterException

    return InvalidParameterException(message)


def elbv2_validation_error(message: str) -> Exception:
    """ELBv2's `ValidationError` with AWS's message, as moto serialises it."""
    from moto.elbv2.exceptions import ValidationError

    return ValidationError(message)


def load_resource(path: str) -> Any:
    """One of moto's bundled JSON files (path under moto/), gzipped or not."""
    from moto.utilities.utils import load_resource as load

    return load(path)


def instance_type_offerings() -> dict[str, Any]:
    """moto's EC2 instance type offerings: {location type: {region: [offering]}}, the
    module-level dict its EC2 backend reads (changed in place by whoever trims it)."""
    from moto.ec2.models import instance_types

    return instance_types.INSTANCE_TYPE_OFFERINGS


# --- readers: moto's state as plain values --------------------------------------------

View = TypeVar("View")


def _all(models: dict[str, Any], view: Callable[[Any], View]) -> list[View]:
    """Each model of one of moto's dicts as ecslab's value (copied at once: requests may
    change the dict meanwhile)."""
    return [view(model) for model in list(models.values())]


def _one(models: dict[str, Any], key: str, view: Callable[[Any], View]) -> View | None:
    found = models.get(key)
    return view(found) if found is not None else None


def ecs_backends(account_id: str) -> Iterator[Any]:
    """moto's ECS backends of an account that exist (one per region used)."""
    from moto.ecs.models import ecs_backends as backends

    yield from list(backends[account_id].values())


def ecs_backend(account_id: str, region: str) -> Any:
    from moto.ecs.models import ecs_backends as backends

    return backends[account_id][region]


def acm_backends(account_id: str) -> Iterator[Any]:
    """moto's ACM backends of an account that exist (one per region used)."""
    from moto.acm.models import acm_backends as backends

    yield from list(backends[account_id].values())


def route53_backends(account_id: str) -> Iterator[Any]:
    """moto's Route 53 backend of an account (a global service: one, "global")."""
    from moto.route53.models import route53_backends as backends

    yield from list(backends[account_id].values())


def ec2_backend(account_id: str, region: str) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region]


def elbv2_backends(account_id: str) -> Iterator[tuple[Any, Any]]:
    """(elbv2, ec2) moto backends of an account, per region used."""
    from moto.elbv2.models import elbv2_backends as backends

    for region, elbv2 in list(backends[account_id].items()):
        yield elbv2, ec2_backend(account_id, region)


def elbv2_backend(account_id: str, region: str) -> Any:
    from moto.elbv2.models import elbv2_backends as backends

    return backends[account_id][region]


def task_class() -> Any:
    """moto's ECS Task model (the data plane files its service tasks as moto's RunTask)."""
    from moto.ecs.models import Task

    return Task


def container_class() -> Any:
    from moto.ecs.models import Container

    return Container


def health_status(*args: Any) -> Any:
    """moto's FakeHealthStatus (what DescribeTargetHealth serialises)."""
    from moto.elbv2.models import FakeHealthStatus

    return FakeHealthStatus(*args)


@dataclass(frozen=True)
class Certificate:
    """An ACM certificate: its names, and (while it waits for DNS validation) the
    (name, type, value) records ACM asks for."""

    arn: str
    names: tuple[str, ...]  # its domain name first, then its other alternative names
    pending_validation: bool  # an AMAZON_ISSUED certificate in PENDING_VALIDATION
    validation_records: tuple[tuple[str, str, str], ...]  # asked for while pending


def certificates(acm: Any) -> list[Certificate]:
    """Every certificate of moto's ACM backend, read at once."""
    return _all(acm._certificates, _certificate)


def find_certificate(acm: Any, arn: str) -> Certificate | None:
    return _one(acm._certificates, arn, _certificate)


def _certificate(cert: Any) -> Certificate:
    first = str(cert.common_name)
    pending = cert.type == "AMAZON_ISSUED" and cert.status == "PENDING_VALIDATION"
    options = cert.describe()["Certificate"].get("DomainValidationOptions", []) if pending else []
    asked = [o.get("ResourceRecord") for o in options]
    records = tuple((str(r["Name"]), str(r["Type"]), str(r["Value"])) for r in asked if r)
    return Certificate(
        arn=str(cert.arn),
        names=(first, *[str(n) for n in cert.sans if n != first]),
        pending_validation=pending,
        # a record ACM has not named yet: nothing can validate the certificate
        validation_records=records if all(asked) else (),
    )


def issue_certificate(acm: Any, arn: str) -> None:
    """Mark a certificate ISSUED, as ACM does once its DNS validation succeeds."""
    acm._certificates[arn].status = "ISSUED"


def public_dns_records(route53: Any) -> list[tuple[str, str, str]]:
    """(name, type, value) of every record of every public hosted zone of moto's
    Route 53 backend (ACM resolves through public DNS only)."""
    return [
        (str(rrset.name), str(rrset.type), str(value))
        for zone in list(route53.zones.values())
        if not getattr(zone, "private_zone", False)
        for rrset in list(zone.rrsets)
        for value in rrset.records or []
    ]


@dataclass(frozen=True)
class Ingress:
    """One inbound rule of a security group: a port range from a CIDR or from a group."""

    protocol: str  # "tcp", "udp", "icmp" or "-1" (all)
    from_port: int | None
    to_port: int | None
    cidr: str | None = None
    source_group: str | None = None


def security_group_ids(ec2: Any, group_ids: list[str], vpc_id: str | None) -> list[str]:
    """The groups as given, or the VPC's default group when none is (as AWS assigns it)."""
    if group_ids:
        return list(group_ids)
    default = ec2.get_default_security_group(vpc_id) if vpc_id else None
    return [default.id] if default is not None else []


def ingress(ec2: Any, group_id: str) -> list[Ingress]:
    """The inbound rules of a security group ([] when the group is gone)."""
    group = ec2.get_security_group_from_id(group_id)
    if group is None:
        return []
    return [
        Ingress(
            protocol=str(rule.ip_protocol or "-1"),
            from_port=rule.from_port,
            to_port=rule.to_port,
            cidr=rule.ip_range.get("CidrIp"),
            source_group=rule.source_group.get("GroupId"),
        )
        for rule in list(group.ingress_rules)
    ]


def eni_with_ip(ec2: Any, ip: str, vpc_id: str) -> tuple[str | None, list[str]] | None:
    """(VPC id, security group ids) of the ENI holding private IP `ip` in VPC `vpc_id`
    (VPCs may share a CIDR), if any."""
    for eni in list(ec2.enis.values()):
        if eni.private_ip_address == ip and getattr(eni.subnet, "vpc_id", None) == vpc_id:
            return vpc_id, [g.id for g in eni.group_set]
    return None


def subnet_vpc(ec2: Any, subnet_id: str) -> str | None:
    return str(ec2.get_subnet(subnet_id).vpc_id)


def subnet_zone(ec2: Any, subnet_id: str) -> str:
    """The availability zone of a subnet."""
    return str(ec2.get_subnet(subnet_id).availability_zone)


def subnet_cidr(ec2: Any, subnet_id: str) -> str:
    return str(ec2.get_subnet(subnet_id).cidr_block)


def ips_in_use(ec2: Any, subnet_id: str) -> set[str]:
    """The private IPs of the ENIs in a subnet."""
    return {
        str(eni.private_ip_address)
        for eni in list(ec2.enis.values())
        if getattr(eni.subnet, "id", None) == subnet_id
    }


@dataclass(frozen=True)
class Eni:
    """A network interface the data plane made for a task."""

    id: str
    mac_address: str


def create_task_eni(ec2: Any, subnet_id: str, ip: str, groups: list[str], description: str) -> Eni:
    """An in-use ENI with private IP `ip`, as Fargate attaches one to a task."""
    eni = ec2.create_network_interface(
        subnet=subnet_id, private_ip_address=ip, group_ids=groups, description=description
    )
    eni.status = "in-use"
    eni.device_index = 1
    eni.interface_type = "interface"
    return Eni(str(eni.id), str(eni.mac_address))


def delete_eni(ec2: Any, eni_id: str) -> None:
    """Delete an ENI if it still exists (its IP returns to the subnet)."""
    if eni_id in ec2.enis:
        ec2.delete_network_interface(eni_id)


def default_route(ec2: Any, subnet_id: str) -> str | None:
    """The target id (nat-..., igw-...) of the 0.0.0.0/0 route of the subnet's route
    table: its explicitly associated table, else its VPC's main table."""
    vpc_id = subnet_vpc(ec2, subnet_id)
    tables = [t for t in list(ec2.route_tables.values()) if t.vpc_id == vpc_id]
    explicit = [t for t in tables if subnet_id in t._associations.values()]
    main = [t for t in tables if t.main_association_id is not None]
    for table in explicit or main:
        for route in table.routes:
            if route.destination_cidr_block != "0.0.0.0/0":
                continue
            if route.nat_gateway is not None:
                return str(route.nat_gateway.id)
            if route.gateway is not None:
                return str(route.gateway.id)
    return None


def nat_gateway_subnet(ec2: Any, nat_id: str) -> str | None:
    """The subnet of an available NAT gateway (None when it is gone or not available)."""
    nat = ec2.nat_gateways.get(nat_id)
    if nat is None or nat.state != "available":
        return None
    return str(nat.subnet_id)


@dataclass(frozen=True)
class ListenerRule:
    """One rule of a listener, in AWS's shapes (Action, RuleCondition)."""

    priority: int | None  # None: the listener's default rule
    actions: tuple[dict[str, Any], ...]
    conditions: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Listener:
    """An ALB listener: its port and protocol, its certificate (HTTPS) and its rules."""

    arn: str
    protocol: str
    port: int
    certificate: str | None
    rules: tuple[ListenerRule, ...]


@dataclass(frozen=True)
class LoadBalancer:
    """An ALB as the data plane needs it (the field names are AWS's, in snake case)."""

    arn: str
    name: str
    type: str | None  # "application", "network", "gateway"
    dns_name: str
    vpc_id: str
    subnet_ids: tuple[str, ...]
    security_groups: tuple[str, ...]  # as given (none: its VPC's default group applies)
    listeners: tuple[Listener, ...]


def load_balancers(elbv2: Any) -> list[LoadBalancer]:
    """Every load balancer of moto's ELBv2 backend, read at once."""
    return _all(elbv2.load_balancers, _load_balancer)


def find_load_balancer(elbv2: Any, arn: str) -> LoadBalancer | None:
    return _one(elbv2.load_balancers, arn, _load_balancer)


def _load_balancer(lb: Any) -> LoadBalancer:
    return LoadBalancer(
        arn=str(lb.arn),
        name=str(lb.name),
        type=lb.type,  # moto's name (its constructor's argument is `loadbalancer_type`)
        dns_name=str(lb.dns_name),
        vpc_id=str(lb.vpc_id),
        subnet_ids=tuple(str(getattr(s, "id", s)) for s in lb.subnets),
        security_groups=tuple(lb.security_groups or ()),
        listeners=tuple(_listener(x) for x in list(lb.listeners.values())),
    )


def _listener(listener: Any) -> Listener:
    return Listener(
        arn=str(listener.arn),
        protocol=str(listener.protocol),
        port=int(listener.port),
        certificate=listener.certificate,
        rules=tuple(_rule(rule) for rule in list(listener.rules.values())),
    )


def _rule(rule: Any) -> ListenerRule:
    default = bool(rule.is_default)
    return ListenerRule(
        priority=None if default else int(rule.priority),
        actions=tuple(dict(getattr(a, "data", a)) for a in rule.actions),
        conditions=tuple(rule.conditions or ()),
    )


def load_balancer_groups(ec2: Any, lb: LoadBalancer) -> list[str]:
    """An ALB's security groups (its VPC's default group when it was given none)."""
    return security_group_ids(ec2, list(lb.security_groups or []), lb.vpc_id)


def load_balancer_vpc(lb: LoadBalancer) -> str:
    return lb.vpc_id


# --- ECS tasks, services and target groups: read as ecslab's values, written by name ---

#: Attributes of moto's models the seam reads or writes (key -> module, class, names
#: separated by spaces).
#: tests/test_moto_seam.py checks each on the pinned moto: a property or class attribute
#: of the class (or its bases), or an instance attribute one of its methods assigns.
MODEL_ATTRIBUTES: dict[str, tuple[str, str, str]] = {
    "ecs.Task": (
        _ECS,
        "Task",
        "id task_arn cluster_name region_name started_by group status _status "
        "desired_status stopped_reason attachments network_configuration _account_id "
        "_transitions task_definition_arn containers",
    ),
    "ecs.Container": (
        _ECS,
        "Container",
        "container_arn task_arn name image cpu memory exitCode health_status last_status "
        "network_interfaces",
    ),
    "ecs.Backend": (
        _ECS,
        _BACKEND,
        "tasks services describe_task_definition _get_service _get_cluster",
    ),
    "elbv2.FakeLoadBalancer": (
        "moto.elbv2.models",
        "FakeLoadBalancer",
        "arn name type dns_name vpc_id subnets security_groups listeners",
    ),
    "elbv2.FakeListener": (
        "moto.elbv2.models",
        "FakeListener",
        "arn protocol port certificate rules",
    ),
    "elbv2.FakeListenerRule": (
        "moto.elbv2.models",
        "FakeListenerRule",
        "priority actions conditions is_default",
    ),
    "elbv2.FakeRule": ("moto.elbv2.models", "FakeRule", "priority actions conditions is_default"),
    "elbv2.FakeAction": ("moto.elbv2.models", "FakeAction", "data"),
    "acm.Backend": ("moto.acm.models", "AWSCertificateManagerBackend", "_certificates"),
    "acm.CertBundle": (
        "moto.acm.models",
        "CertBundle",
        "arn type status common_name sans describe",
    ),
    "route53.Backend": ("moto.route53.models", "Route53Backend", "zones"),
    "route53.FakeZone": ("moto.route53.models", "FakeZone", "private_zone rrsets"),
    "route53.RecordSet": ("moto.route53.models", "RecordSet", "name type records"),
    "ecs.Service": (
        _ECS,
        "Service",
        "arn name cluster_name region_name status launch_type desired_count "
        "task_definition deployments network_configuration load_balancers events "
        "running_count pending_count",
    ),
    "ecs.TaskDefinition": (
        _ECS,
        "TaskDefinition",
        "arn family revision cpu memory network_mode requires_compatibilities "
        "container_definitions",
    ),
    "elbv2.Backend": ("moto.elbv2.models", "ELBv2Backend", "target_groups load_balancers"),
    "ec2.Backend": (
        "moto.ec2.models",
        "EC2Backend",
        "enis route_tables nat_gateways vpcs subnets groups internet_gateways addresses "
        "get_subnet get_security_group_from_id get_default_security_group "
        "create_network_interface delete_network_interface",
    ),
    "ec2.NetworkInterface": (
        "moto.ec2.models.elastic_network_interfaces",
        "NetworkInterface",
        "id private_ip_address subnet group_set status device_index interface_type mac_address",
    ),
    "ec2.SecurityGroup": (
        "moto.ec2.models.security_groups",
        "SecurityGroup",
        "id name ingress_rules",
    ),
    "ec2.SecurityGroupRule": (
        "moto.ec2.models.security_groups",
        "SecurityGroupRule",
        "ip_protocol from_port to_port ip_range source_group",
    ),
    "ec2.RouteTable": (
        "moto.ec2.models.route_tables",
        "RouteTable",
        "vpc_id _associations main_association_id routes",
    ),
    "ec2.Route": (
        "moto.ec2.models.route_tables",
        "Route",
        "destination_cidr_block nat_gateway gateway",
    ),
    "ec2.NatGateway": ("moto.ec2.models.nat_gateways", "NatGateway", "id state subnet_id"),
    "ec2.Subnet": ("moto.ec2.models.subnets", "Subnet", "id vpc_id availability_zone cidr_block"),
    "ec2.VPC": ("moto.ec2.models.vpcs", "VPC", "is_default"),
    "ecs.Backend.inventory": (_ECS, _BACKEND, "clusters task_definitions"),
    "iam.Backend": ("moto.iam.models", "IAMBackend", "roles managed_policies"),
    "logs.Backend": ("moto.logs.models", "LogsBackend", "groups"),
    "logs.LogEvent": ("moto.logs.models", "LogEvent", "event_id timestamp"),
    "core.ActionResult": ("moto.core.responses", "ActionResult", "result"),
    "ecs.Response": (_ECS_RESPONSES, "EC2ContainerServiceResponse", "ecs_backend _get_param"),
    "elbv2.FakeTargetGroup": (
        "moto.elbv2.models",
        "FakeTargetGroup",
        "arn targets port load_balancer_arns attributes matcher health_check_path "
        "health_check_port health_check_interval_seconds health_check_timeout_seconds "
        "healthy_threshold_count unhealthy_threshold_count health_check_enabled",
    ),
}

#: Fields of DescribeTasks' `Task` the data plane sets on moto's task (many of them moto's
#: model lacks): moto's serializer reads each member of botocore's ECS `Task` shape from
#: the model attribute of the same name in snake case (tests/test_moto_seam.py checks).
TASK_FIELDS = frozenset(
    {
        "attachments",
        "containers",
        "cpu",
        "memory",
        "desired_status",
        "platform_version",
        "platform_family",
        "health_status",
        "launch_type",
        "version",
        "ephemeral_storage",
        "created_at",
        "pull_started_at",
        "pull_stopped_at",
        "started_at",
        "connectivity",
        "connectivity_at",
        "stopping_at",
        "execution_stopped_at",
        "stopped_at",
        "stop_code",
        "availability_zone",
    }
)


@dataclass(frozen=True)
class TaskFacts:
    """What stays true of a task once the data plane has made it a Fargate task."""

    id: str
    arn: str
    cluster: str
    region: str
    started_by: str  # a service's deployment id, or what RunTask was given
    group: str  # "service:<name>" or "family:<name>"
    subnet_id: str | None  # of its ENI
    private_ip: str | None  # of its ENI
    attachment_id: str | None  # of its ENI
    eni_id: str | None
    public_ip: bool  # asked for with assignPublicIp ENABLED
    subnets: tuple[str, ...]  # of its awsvpc network configuration
    security_groups: tuple[str, ...]  # of its awsvpc network configuration
    created_at: Any  # a datetime once the data plane filled the task
    availability_zone: str | None


@dataclass(frozen=True)
class TaskState:
    """Where a task is in its life, as DescribeTasks shows it."""

    status: str
    desired_status: str
    stop_code: str | None
    stopped_reason: str | None


def task_facts(task: Any) -> TaskFacts:
    """The facts of a moto ECS task."""
    details = {d["name"]: d["value"] for a in task.attachments for d in a.get("details", [])}
    network = getattr(task, "network_configuration", None)  # set for awsvpc tasks only
    awsvpc = (network or {}).get("awsvpcConfiguration") or {}
    return TaskFacts(
        id=str(task.id),
        arn=str(task.task_arn),
        cluster=str(task.cluster_name),
        region=str(task.region_name),
        started_by=str(task.started_by or ""),
        group=str(task.group or ""),
        subnet_id=details.get("subnetId"),
        private_ip=details.get("privateIPv4Address"),
        attachment_id=task.attachments[0]["id"] if task.attachments else None,
        eni_id=details.get("networkInterfaceId"),
        public_ip=str(awsvpc.get("assignPublicIp", "DISABLED")).upper() == "ENABLED",
        subnets=tuple(awsvpc.get("subnets") or ()),
        security_groups=tuple(awsvpc.get("securityGroups") or ()),
        created_at=getattr(task, "created_at", None),
        availability_zone=getattr(task, "availability_zone", None),
    )


def task_state(task: Any) -> TaskState:
    """A moto ECS task's state, read without moving moto's own state machine on."""
    return TaskState(
        status=str(task._status),
        desired_status=str(task.desired_status),
        stop_code=getattr(task, "stop_code", None),
        stopped_reason=task.stopped_reason or None,
    )


def set_task_status(task: Any, status: str, **fields: Any) -> None:
    """Move a moto ECS task to `status`, setting some of TASK_FIELDS (its times) with it."""
    task.status = status
    stamp_task(task, **fields)


def stamp_task(task: Any, **fields: Any) -> None:
    """Set some of TASK_FIELDS of a moto ECS task (a time, its zone), its status unchanged."""
    unknown = set(fields) - TASK_FIELDS
    if unknown:
        raise ValueError(f"not a field of a task ecslab sets: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(task, name, value)


def set_task_stopping(task: Any, code: str, reason: str) -> None:
    """What DescribeTasks shows once a task is asked to stop: desired STOPPED, code, reason."""
    task.desired_status = "STOPPED"
    task.stop_code = code
    task.stopped_reason = reason


def drop_task(ecs: Any, facts: TaskFacts) -> None:
    """Remove a task from moto's ECS backend (DescribeTasks no longer finds it)."""
    ecs.tasks.get(facts.cluster, {}).pop(facts.arn, None)


def drop_every_task(ecs: Any) -> list[Any]:
    """Remove every task of moto's ECS backend and zero its services' counts (a restored
    cloud: no process runs them); the removed tasks."""
    dropped = []
    for cluster_tasks in list(ecs.tasks.values()):
        dropped += list(cluster_tasks.values())
        cluster_tasks.clear()
    for service in list(ecs.services.values()):
        service.running_count = service.pending_count = 0
    return dropped


@dataclass(frozen=True)
class Service:
    """An ECS service as the scheduler reads it at one moment (`handle` is moto's model:
    only the seam's writers use it)."""

    arn: str
    identity: int  # a service deleted and created again under one ARN is another one
    name: str
    cluster: str
    region: str
    status: str
    launch_type: str | None
    desired_count: int
    task_definition: str  # as the service holds it: an ARN, or what UpdateService was sent
    moto_deployment_id: str | None  # the id moto gave its first deployment, if any
    network_configuration: dict[str, Any] | None
    load_balancers: tuple[dict[str, Any], ...]
    deployment_configuration: dict[str, Any]
    grace_period: float
    handle: Any = field(repr=False, compare=False)


def services(ecs: Any) -> list[Service]:
    """Every service of moto's ECS backend, read at once."""
    return _all(ecs.services, service_view)


def find_service(ecs: Any, cluster: str, name: str) -> Service | None:
    return _one(ecs.services, f"{cluster}:{name}", service_view)


def service_view(service: Any) -> Service:
    """The scheduler's view of one moto ECS service."""
    deployments = service.deployments or []
    return Service(
        arn=str(service.arn),
        identity=id(service),
        name=str(service.name),
        cluster=str(service.cluster_name),
        region=str(service.region_name),
        status=str(service.status),
        launch_type=service.launch_type,
        desired_count=int(service.desired_count),
        task_definition=str(service.task_definition),
        moto_deployment_id=deployments[0]["id"] if deployments else None,
        network_configuration=service.network_configuration,
        load_balancers=tuple(service.load_balancers or []),
        deployment_configuration=getattr(service, "deployment_configuration", None) or {},
        grace_period=float(getattr(service, "health_check_grace_period_seconds", None) or 0),
        handle=service,
    )


def set_service_task_definition(service: Service, arn: str) -> None:
    """The task definition (full ARN) the service runs, as DescribeServices shows it."""
    service.handle.task_definition = arn


def publish_service(
    service: Service, running: int, pending: int, deployments: list[dict[str, Any]] | None
) -> None:
    """The counts and deployments (None: left as they are) DescribeServices shows."""
    model = service.handle
    model.running_count, model.pending_count = running, pending
    if deployments is not None:
        model.deployments = deployments


def add_service_event(service: Service, entry: dict[str, Any], keep: int = 100) -> None:
    """A service event, newest first, as DescribeServices lists them (the newest `keep`)."""
    service.handle.events.insert(0, entry)
    del service.handle.events[keep:]


def existing_service(ecs: Any, cluster: str, name: str) -> Service:
    """A service by cluster and name; ECS's ClusterNotFoundException or
    ServiceNotFoundException (moto's own) when there is none."""
    return service_view(ecs._get_service(cluster, name))


@dataclass(frozen=True)
class TaskDefinition:
    """A task definition revision as the data plane needs it (`handle` is moto's model:
    only the seam's builders use it)."""

    arn: str
    family: str
    revision: int
    cpu: str | None
    memory: str | None
    network_mode: str | None
    requires_compatibilities: tuple[str, ...]
    container_definitions: tuple[dict[str, Any], ...]
    handle: Any = field(repr=False, compare=False)


def task_definition(ecs: Any, reference: str) -> TaskDefinition:
    """A task definition given as family, family:revision or ARN (ECS's
    ClientException, moto's own, when there is none)."""
    return task_definition_view(ecs.describe_task_definition(reference))


def task_definition_view(definition: Any) -> TaskDefinition:
    return TaskDefinition(
        arn=str(definition.arn),
        family=str(definition.family),
        revision=int(definition.revision),
        cpu=definition.cpu,
        memory=definition.memory,
        network_mode=definition.network_mode,
        requires_compatibilities=tuple(definition.requires_compatibilities or []),
        container_definitions=tuple(definition.container_definitions),
        handle=definition,
    )


def task_definition_arn(ecs: Any, reference: str) -> str:
    """The full ARN of a task definition given as family, family:revision or ARN."""
    return task_definition(ecs, reference).arn


def new_service_task(
    ecs: Any, service: Service, definition: TaskDefinition, started_by: str, platform: str
) -> Any:
    """A moto ECS task of a service, made as moto's RunTask makes one (not yet filed)."""
    return task_class()(
        cluster=ecs._get_cluster(service.cluster),
        task_definition=definition.handle,
        container_instance_arn=None,
        resource_requirements=None,
        backend=ecs,
        group=f"service:{service.name}",
        launch_type="FARGATE",
        started_by=started_by,
        networking_configuration=service.network_configuration,
        platform_version=platform,
    )


def task_definition_ref(task: Any) -> str:
    """The task definition ARN a moto task was made from."""
    return str(task.task_definition_arn)


def refile_task(ecs: Any, task: Any, task_id: str) -> None:
    """Give a moto task another id, filed under its new ARN (and no longer the old one)."""
    tasks = ecs.tasks.setdefault(task.cluster_name, {})
    tasks.pop(task.task_arn, None)
    task.id = task_id
    tasks[task.task_arn] = task


def manual_lifecycle(task: Any) -> None:
    """Stop moto's own lifecycle (it moves a task on when it is described): the data
    plane moves it, as the task really starts and stops."""
    task._transitions = []


def check_cluster(ecs: Any, cluster: str) -> None:
    """ECS's ClusterNotFoundException (moto's own) when there is no such cluster."""
    ecs._get_cluster(cluster)


def account_of(task: Any) -> str:
    """The account a moto task belongs to."""
    return str(task._account_id)


def set_attachment_status(task: Any, status: str) -> None:
    """PRECREATED -> ATTACHED -> DELETED, as DescribeTasks shows the task's ENI."""
    for attachment in task.attachments:
        attachment["status"] = status


#: Fields of DescribeTasks' `Container` the data plane sets on moto's container model.
CONTAINER_FIELDS = frozenset(
    {
        "container_arn",
        "task_arn",
        "name",
        "image",
        "cpu",
        "memory",
        "exit_code",
        "health_status",
        "last_status",
        "network_interfaces",
        "reason",
    }
)


def new_container(definition: TaskDefinition, **fields: Any) -> Any:
    """A moto container of a task of `definition`, with some of CONTAINER_FIELDS."""
    container = container_class()(definition.handle)
    set_container(container, **fields)
    return container


@dataclass(frozen=True)
class ContainerState:
    """A container of a task, as DescribeTasks shows it."""

    last_status: str
    exit_code: int | None


def container_state(container: Any) -> ContainerState:
    return ContainerState(str(container.last_status), getattr(container, "exitCode", None))


def set_container(container: Any, **fields: Any) -> None:
    """Set some of CONTAINER_FIELDS of a moto container (moto names the exit code
    `exitCode`)."""
    unknown = set(fields) - CONTAINER_FIELDS
    if unknown:
        raise ValueError(f"not a field of a container ecslab sets: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(container, "exitCode" if name == "exit_code" else name, value)


@dataclass(frozen=True)
class Target:
    """A target registered in a target group: its id (an IP for `ip` groups) and port."""

    id: str
    port: int


@dataclass(frozen=True)
class HealthCheck:
    """A target group's health check settings, with AWS's defaults where it gave none."""

    path: str
    port: str  # "traffic-port" or a number
    interval: float
    timeout: float
    healthy: int
    unhealthy: int
    matcher: str
    enabled: bool


@dataclass(frozen=True)
class TargetGroup:
    """A target group as the data plane needs it: its targets, health check, load balancers."""

    arn: str
    port: int | None
    load_balancer_arns: tuple[str, ...]
    targets: tuple[Target, ...]
    health_check: HealthCheck
    health_check_port: str | None  # as DescribeTargetHealth reports it
    deregistration_delay: str | None  # its attribute, as moto keeps it (a string)


def target_groups(elbv2: Any) -> list[TargetGroup]:
    """Every target group of moto's ELBv2 backend, read at once."""
    return _all(elbv2.target_groups, target_group)


def find_target_group(elbv2: Any, arn: str) -> TargetGroup | None:
    return _one(elbv2.target_groups, arn, target_group)


def target_group(group: Any) -> TargetGroup:
    """The data plane's view of one moto target group."""
    delay = group.attributes.get("deregistration_delay.timeout_seconds")
    return TargetGroup(
        arn=str(group.arn),
        port=int(group.port) if group.port else None,
        load_balancer_arns=tuple(group.load_balancer_arns),
        targets=tuple(
            Target(str(t["Id"]), int(t.get("Port") or group.port))
            for t in list(group.targets.values())
        ),
        health_check=_health_check(group),
        health_check_port=group.health_check_port,
        deregistration_delay=None if delay is None else str(delay),
    )


def _health_check(group: Any) -> HealthCheck:
    matcher = (getattr(group, "matcher", None) or {}).get("HttpCode", "200")
    return HealthCheck(
        path=group.health_check_path or "/",
        port=str(group.health_check_port or "traffic-port"),
        interval=float(group.health_check_interval_seconds or 30),
        timeout=float(group.health_check_timeout_seconds or 5),
        healthy=int(group.healthy_threshold_count or 5),
        unhealthy=int(group.unhealthy_threshold_count or 2),
        matcher=str(matcher),
        enabled=group.health_check_enabled is not False,
    )


def target_port(group: Any, target_id: str) -> int:
    """The port a target is registered on (the group's own when it gave none, or is not
    registered)."""
    return int((group.targets.get(target_id) or {}).get("Port") or group.port)


def forget_targets(elbv2: Any, target_ids: set[str]) -> None:
    """Deregister targets from every target group of moto's ELBv2 backend at once (their
    tasks are gone: no draining)."""
    for group in list(elbv2.target_groups.values()):
        for key in [k for k in group.targets if k in target_ids]:
            del group.targets[key]


# --- what the learner created, counted (ecslab.cloud.inventory, `ecslab status`) -------
# Things moto makes on its own (the default VPC and its subnets and security group, AWS
# managed IAM policies) are left out: the learner did not create them.


def resource_counts(account_id: str, region: str) -> dict[str, dict[str, int]]:
    """{service: {resource kind: number}} for the services the chapter uses."""

    def of(name: str, key: str = region) -> Any:
        return _get_backend(name, account_id, key)

    return {
        "ec2": _ec2(of("ec2")),
        "elbv2": _elbv2(of("elbv2")),
        "ecs": _ecs(of("ecs")),
        "iam": _iam(of("iam", "aws")),
        "logs": {"log_groups": len(of("logs").groups)},
    }


def _snapshot(mapping: dict[Any, Any]) -> list[Any]:
    """The values of one of moto's dicts, copied at once: requests may change it meanwhile."""
    return list(mapping.copy().values())


def _ec2(ec2: Any) -> dict[str, int]:
    """VPC resources outside the default VPC."""
    vpcs = {vpc_id for vpc_id, vpc in list(ec2.vpcs.items()) if not vpc.is_default}
    subnets = [s for zone in _snapshot(ec2.subnets) for s in _snapshot(zone) if s.vpc_id in vpcs]
    groups = [g for vpc_id in vpcs for g in _snapshot(ec2.groups.get(vpc_id, {}))]
    return {
        "vpcs": len(vpcs),
        "subnets": len(subnets),
        "security_groups": sum(1 for g in groups if g.name != "default"),
        "internet_gateways": len(ec2.internet_gateways),
        "nat_gateways": sum(1 for n in _snapshot(ec2.nat_gateways) if n.state != "deleted"),
        "elastic_ips": len(ec2.addresses),
    }


def _elbv2(elbv2: Any) -> dict[str, int]:
    """Load balancers, their listeners, and target groups."""
    lbs = _snapshot(elbv2.load_balancers)
    return {
        "load_balancers": len(lbs),
        "listeners": sum(len(lb.listeners) for lb in lbs),
        "target_groups": len(elbv2.target_groups),
    }


def _ecs(ecs: Any) -> dict[str, int]:
    """Clusters, services, active task definition revisions and tasks."""
    revisions = [td for family in _snapshot(ecs.task_definitions) for td in _snapshot(family)]
    return {
        "clusters": len(ecs.clusters),
        "services": sum(1 for s in _snapshot(ecs.services) if s.status != "INACTIVE"),
        "task_definitions": sum(1 for td in revisions if td.status == "ACTIVE"),
        "tasks": sum(len(tasks) for tasks in _snapshot(ecs.tasks)),
    }


def _iam(iam: Any) -> dict[str, int]:
    """Roles, and policies other than AWS managed ones."""
    own = [arn for arn in list(iam.managed_policies) if ":aws:policy/" not in arn]
    return {"roles": len(iam.roles), "policies": len(own)}


# --- whole backends: snapshots of the local cloud (ecslab.cloud.snapshot) -------------
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
