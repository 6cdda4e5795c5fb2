"""Where ECS API calls meet the data plane: moto's backend methods, wrapped in-process.

- RunTask (Fargate): the tasks moto files become real tasks (PROVISIONING, a 32-hex id,
  an ENI in the subnet), not moto's instantly RUNNING records.
- StopTask: the task stops through its lifecycle (UserInitiated), not at once.
- ListTasks: filters by serviceName, and by desiredStatus RUNNING when none is given,
  as AWS does (moto ignores the first and lists stopped tasks by default).
- UpdateService: the scheduler follows the update before the response is built, so the
  response shows what AWS's does: the new PRIMARY deployment first (IN_PROGRESS), the
  previous one after it (ACTIVE), the resolved task definition ARN and the real counts
  (moto rewrites the old deployment's id in place and counts desiredCount as running).
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from ecslab import moto_seam
from ecslab.dataplane import launch
from ecslab.dataplane.tasks import USER_INITIATED, LocalTask


class Adopter(Protocol):
    """The data plane, as the hooks see it."""

    lock: threading.RLock

    def adopt(self, backend: Any, task: Any) -> LocalTask: ...

    def find(self, task_ref: str) -> LocalTask | None: ...

    def watch(self, backend: Any, service: moto_seam.Service) -> None: ...

    def follow(self, backend: Any, service: moto_seam.Service) -> None: ...


_BY = "ecslab.dataplane.hooks"


def install(plane: Adopter) -> None:
    """Route RunTask, StopTask, ListTasks, UpdateService and DeleteService of moto's ECS
    backend through `plane` (through the seam: ecslab.moto_seam)."""

    def run_task(call: moto_seam.Call) -> Any:
        config = call["networking_configuration"]
        tasks = call.proceed(networking_configuration=_with_groups(call.self, config))
        return [
            plane.adopt(call.self, t).record if moto_seam.task_facts(t).eni_id else t for t in tasks
        ]

    def stop_task(call: moto_seam.Call) -> Any:
        with plane.lock:
            local = plane.find(call["task_str"])
            if local is None:
                return call.proceed()
            moto_seam.check_cluster(call.self, call["cluster_str"])
            local.request_stop(USER_INITIATED, call["reason"] or "Task stopped by user")
            return local.record

    def list_tasks(call: moto_seam.Call) -> Any:
        service_name = call["service_name"]
        tasks = call.proceed(service_name=None, desiredStatus=call["desiredStatus"] or "RUNNING")
        if service_name:
            group = f"service:{service_name.split('/')[-1]}"
            tasks = [t for t in tasks if moto_seam.task_facts(t).group == group]
        return tasks

    def serialized(call: moto_seam.Call) -> Any:
        with plane.lock:  # never between the scheduler reading and writing a service
            return call.proceed()

    def update_service(call: moto_seam.Call) -> Any:
        properties = call["service_properties"]
        with plane.lock:  # never between the scheduler reading and writing a service
            cluster = str(properties.get("cluster") or "default").split("/")[-1]
            name = str(properties.get("service") or "").split("/")[-1]
            before = moto_seam.find_service(call.self, cluster, name)
            if before is not None:
                plane.watch(call.self, before)  # the deployment the update replaces
            service = call.proceed()
            plane.follow(call.self, moto_seam.service_view(service))
            return service

    def resources(call: moto_seam.Call) -> dict[str, Any]:
        return _resources(moto_seam.task_definition_view(call["task_definition"]))

    moto_seam.wrap("ecs.task_resources", resources, by=_BY)
    moto_seam.wrap("ecs.update_service", update_service, by=_BY)
    moto_seam.wrap("ecs.delete_service", serialized, by=_BY)
    moto_seam.wrap("ecs.run_task", run_task, by=_BY)
    moto_seam.wrap("ecs.stop_task", stop_task, by=_BY)
    moto_seam.wrap("ecs.list_tasks", list_tasks, by=_BY)


def _with_groups(backend: Any, config: dict[str, Any] | None) -> dict[str, Any] | None:
    """A network configuration without securityGroups gets its VPC's default group, as on
    AWS (moto's RunTask fails on the missing key, a KeyError)."""
    vpc = (config or {}).get("awsvpcConfiguration")
    if not vpc or vpc.get("securityGroups") or not vpc.get("subnets"):
        return config
    ec2 = moto_seam.sibling_backend(backend, "ec2")
    groups = moto_seam.security_group_ids(ec2, [], moto_seam.subnet_vpc(ec2, vpc["subnets"][0]))
    return {**config, "awsvpcConfiguration": {**vpc, "securityGroups": groups}}  # type: ignore[dict-item]


def _resources(task_definition: moto_seam.TaskDefinition) -> dict[str, Any]:
    """moto's version adds up container memory and fails (None + int) on a Fargate task
    definition, whose size is set at the task level: use the task's size."""
    cpu = sum(int(c.get("cpu") or 0) for c in task_definition.container_definitions)
    memory = sum(int(c.get("memory") or 0) for c in task_definition.container_definitions)
    return {
        "CPU": cpu or int(task_definition.cpu or 0),
        "MEMORY": memory or int(task_definition.memory or 0),
        "PORTS": [],
        "PORTS_UDP": [],
    }


def uninstall() -> None:
    """Give moto back its own methods (the layers of `install`, and only those)."""
    moto_seam.unwrap(by=_BY)


def adopt_fargate(backend: Any, ec2: Any, task: Any) -> LocalTask:
    """A task filed by moto's RunTask, made a Fargate task in its first subnet."""
    facts = moto_seam.task_facts(task)
    return launch.prepare(backend, ec2, task, facts.subnets[0], list(facts.security_groups))
