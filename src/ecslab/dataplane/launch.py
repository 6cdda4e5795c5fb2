"""Making a moto ECS task into a Fargate task: 32-hex id, ENI in its subnet, one container
record per container definition, PROVISIONING, and the fields DescribeTasks shows."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from typing import Any

from ecslab import fargate, moto_seam
from ecslab.dataplane.network import attach_eni
from ecslab.dataplane.tasks import ContainerRun, LocalTask, utcnow

PLATFORM_VERSION = "1.4.0"


def rekey(backend: Any, task: Any) -> None:
    """Give a moto task AWS's 32-hex id (moto uses a dashed UUID) and re-file it."""
    tasks = backend.tasks.setdefault(task.cluster_name, {})
    tasks.pop(task.task_arn, None)
    task.id = uuid.uuid4().hex
    tasks[task.task_arn] = task


def _containers(task: Any, definition: Any) -> list[ContainerRun]:
    runs = []
    prefix = f"arn:aws:ecs:{task.region_name}:{task._account_id}:container/{task.cluster_name}"
    for container_def in definition.container_definitions:
        record: Any = moto_seam.container_class()(definition)
        record.container_arn = f"{prefix}/{task.id}/{uuid.uuid4()}"
        record.task_arn = task.task_arn
        record.name = container_def.get("name")
        record.image = container_def.get("image")
        record.cpu = str(container_def.get("cpu", 0))
        record.memory = container_def.get("memory")
        record.exitCode = None
        record.health_status = "UNKNOWN"
        record.last_status = "PENDING"
        runs.append(ContainerRun(container_def, record))
    task.containers = [run.record for run in runs]
    return runs


def _fill(task: Any, definition: Any, subnet: Any) -> None:
    task._transitions = []  # moto's describe-driven transitions: ours are real
    task.status = "PROVISIONING"
    task.desired_status = "RUNNING"
    task.created_at = utcnow()
    size = fargate.validate(definition.cpu or 256, definition.memory or 512)
    task.cpu, task.memory = str(size.cpu), str(size.memory)
    task.availability_zone = subnet.availability_zone
    task.platform_version = PLATFORM_VERSION
    task.platform_family = "Linux"
    task.connectivity = "CONNECTED"
    task.health_status = "UNKNOWN"
    task.launch_type = "FARGATE"
    task.version = 1
    task.stop_code = None
    task.ephemeral_storage = {"sizeInGiB": 20}


def prepare(backend: Any, ec2: Any, task: Any, subnet_id: str, groups: list[str]) -> LocalTask:
    """Turn a freshly created moto task into a PROVISIONING Fargate task."""
    definition = backend.describe_task_definition(task.task_definition_arn)
    rekey(backend, task)
    ip = attach_eni(task, ec2, subnet_id, groups)
    runs = _containers(task, definition)
    _fill(task, definition, ec2.get_subnet(subnet_id))
    for run in runs:
        run.record.network_interfaces = [
            {"attachmentId": task.attachments[0]["id"], "privateIpv4Address": ip}
        ]
    return LocalTask(record=task, task_definition=definition, ip=ip, containers=runs)


def pick_subnet(subnets: list[str], siblings: list[LocalTask]) -> str:
    """The subnet with fewest of the service's tasks (AWS spreads across AZs)."""
    used = Counter(t.facts.subnet_id for t in siblings if t.facts.subnet_id)
    fewest = min(used.get(s, 0) for s in subnets)
    return random.choice([s for s in subnets if used.get(s, 0) == fewest])


def create(
    backend: Any,
    ec2: Any,
    service: Any,
    task_definition_arn: str,
    deployment_id: str,
    siblings: list[LocalTask],
) -> LocalTask:
    """A new task of a service, filed in moto like RunTask files one."""
    cluster = backend._get_cluster(service.cluster_name)
    definition = backend.describe_task_definition(task_definition_arn)
    network = service.network_configuration
    task = moto_seam.task_class()(
        cluster=cluster,
        task_definition=definition,
        container_instance_arn=None,
        resource_requirements=None,
        backend=backend,
        group=f"service:{service.name}",
        launch_type="FARGATE",
        started_by=deployment_id,
        networking_configuration=network,
        platform_version=PLATFORM_VERSION,
    )
    config = network["awsvpcConfiguration"]
    subnet = pick_subnet(config["subnets"], siblings)
    local = prepare(backend, ec2, task, subnet, config.get("securityGroups", []))
    local.service = (service.cluster_name, service.name)
    local.load_balancers = list(service.load_balancers or [])
    return local
