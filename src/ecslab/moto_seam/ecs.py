"""ECS tasks, services and target groups: read as ecslab's values, written by name.

Part of the seam to moto (ecslab.moto_seam): see its docstring."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecslab.moto_seam.network import _all, _one, container_class, task_class
from ecslab.moto_seam.wrapping import _BACKEND, _ECS, _ECS_RESPONSES

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
