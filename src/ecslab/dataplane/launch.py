"""Making a moto ECS task into a Fargate task: 32-hex id, ENI in its subnet, one container
record per container definition, PROVISIONING, and the fields DescribeTasks shows.
(moto's models are made and written through ecslab.moto_seam only.)"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from typing import Any

from ecslab import fargate, moto_seam
from ecslab.dataplane.network import attach_eni
from ecslab.dataplane.tasks import ContainerRun, LocalTask, utcnow

PLATFORM_VERSION = "1.4.0"


def _containers(
    task: Any, facts: moto_seam.TaskFacts, definition: moto_seam.TaskDefinition, ip: str
) -> list[ContainerRun]:
    runs = []
    account = moto_seam.account_of(task)
    prefix = f"arn:aws:ecs:{facts.region}:{account}:container/{facts.cluster}"
    for container_def in definition.container_definitions:
        record = moto_seam.new_container(
            definition,
            container_arn=f"{prefix}/{facts.id}/{uuid.uuid4()}",
            task_arn=facts.arn,
            name=container_def.get("name"),
            image=container_def.get("image"),
            cpu=str(container_def.get("cpu", 0)),
            memory=container_def.get("memory"),
            exit_code=None,
            health_status="UNKNOWN",
            last_status="PENDING",
            network_interfaces=[{"attachmentId": facts.attachment_id, "privateIpv4Address": ip}],
        )
        runs.append(ContainerRun(container_def, record))
    return runs


def _fill(
    task: Any, definition: moto_seam.TaskDefinition, zone: str, runs: list[ContainerRun]
) -> None:
    moto_seam.manual_lifecycle(task)  # moto's describe-driven transitions: ours are real
    size = fargate.validate(definition.cpu or 256, definition.memory or 512)
    moto_seam.set_task_status(
        task,
        "PROVISIONING",
        containers=[run.record for run in runs],
        desired_status="RUNNING",
        created_at=utcnow(),
        cpu=str(size.cpu),
        memory=str(size.memory),
        availability_zone=zone,
        platform_version=PLATFORM_VERSION,
        platform_family="Linux",
        connectivity="CONNECTED",
        health_status="UNKNOWN",
        launch_type="FARGATE",
        version=1,
        stop_code=None,
        ephemeral_storage={"sizeInGiB": 20},
    )


def prepare(backend: Any, ec2: Any, task: Any, subnet_id: str, groups: list[str]) -> LocalTask:
    """Turn a freshly created moto task into a PROVISIONING Fargate task."""
    definition = moto_seam.task_definition(backend, moto_seam.task_definition_ref(task))
    moto_seam.refile_task(backend, task, uuid.uuid4().hex)  # AWS's 32-hex id, not a UUID
    ip = attach_eni(task, ec2, subnet_id, groups)
    runs = _containers(task, moto_seam.task_facts(task), definition, ip)
    _fill(task, definition, moto_seam.subnet_zone(ec2, subnet_id), runs)
    return LocalTask(record=task, task_definition=definition, ip=ip, containers=runs)


def pick_subnet(subnets: list[str], siblings: list[LocalTask]) -> str:
    """The subnet with fewest of the service's tasks (AWS spreads across AZs)."""
    used = Counter(t.facts.subnet_id for t in siblings if t.facts.subnet_id)
    fewest = min(used.get(s, 0) for s in subnets)
    return random.choice([s for s in subnets if used.get(s, 0) == fewest])


def create(
    backend: Any,
    ec2: Any,
    service: moto_seam.Service,
    task_definition_arn: str,
    deployment_id: str,
    siblings: list[LocalTask],
) -> LocalTask:
    """A new task of a service, filed in moto like RunTask files one."""
    definition = moto_seam.task_definition(backend, task_definition_arn)
    task = moto_seam.new_service_task(
        backend, service, definition, started_by=deployment_id, platform=PLATFORM_VERSION
    )
    config = (service.network_configuration or {})["awsvpcConfiguration"]
    subnet = pick_subnet(config["subnets"], siblings)
    local = prepare(backend, ec2, task, subnet, config.get("securityGroups", []))
    local.service = (service.cluster, service.name)
    local.load_balancers = list(service.load_balancers)
    return local
