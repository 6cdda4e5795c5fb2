"""Readers of moto's EC2, ELB, ACM and Route 53 state, as ecslab's own frozen values.

Part of the seam to moto (ecslab.moto_seam): see its docstring."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

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
