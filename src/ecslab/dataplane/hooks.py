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

import functools
import threading
from collections.abc import Callable
from typing import Any, Protocol

from ecslab.dataplane import launch
from ecslab.dataplane.tasks import USER_INITIATED, LocalTask


class Adopter(Protocol):
    """The data plane, as the hooks see it."""

    lock: threading.RLock

    def adopt(self, backend: Any, task: Any) -> LocalTask: ...

    def find(self, task_ref: str) -> LocalTask | None: ...

    def watch(self, backend: Any, service: Any) -> None: ...

    def follow(self, backend: Any, service: Any) -> None: ...


def _replace(cls: Any, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    current = getattr(cls, name)
    original = getattr(current, "_ecslab_hook_original", current)
    wrapper = functools.update_wrapper(make(original), original, updated=())
    wrapper._ecslab_hook_original = original  # type: ignore[attr-defined]
    setattr(cls, name, wrapper)


def install(plane: Adopter) -> None:
    """Route RunTask, StopTask and ListTasks of moto's ECS backend through `plane`."""
    from moto.ecs.models import EC2ContainerServiceBackend as Backend

    def run_task(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            tasks = original(self, *args, **kwargs)
            return [plane.adopt(self, t).record if t.attachments else t for t in tasks]

        return wrapper

    def stop_task(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, cluster_str: str, task_str: str, reason: str | None) -> Any:
            with plane.lock:
                local = plane.find(task_str)
                if local is None:
                    return original(self, cluster_str, task_str, reason)
                self._get_cluster(cluster_str)
                local.request_stop(USER_INITIATED, reason or "Task stopped by user")
                return local.record

        return wrapper

    def list_tasks(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(
            self: Any,
            cluster_str: str | None = None,
            container_instance: str | None = None,
            family: str | None = None,
            started_by: str | None = None,
            service_name: str | None = None,
            desiredStatus: str | None = None,
        ) -> Any:
            tasks = original(
                self,
                cluster_str,
                container_instance,
                family,
                started_by,
                None,
                desiredStatus or "RUNNING",
            )
            if service_name:
                tasks = [t for t in tasks if t.group == f"service:{service_name.split('/')[-1]}"]
            return tasks

        return wrapper

    Backend._calculate_task_resource_requirements = staticmethod(_resources)  # type: ignore[method-assign]

    def serialized(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            with plane.lock:  # never between the scheduler reading and writing a service
                return original(self, *args, **kwargs)

        return wrapper

    def update_service(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, service_properties: dict[str, Any]) -> Any:
            with plane.lock:  # never between the scheduler reading and writing a service
                cluster = str(service_properties.get("cluster") or "default").split("/")[-1]
                name = str(service_properties.get("service") or "").split("/")[-1]
                before = self.services.get(f"{cluster}:{name}")
                if before is not None:
                    plane.watch(self, before)  # the deployment the update replaces
                service = original(self, service_properties)
                plane.follow(self, service)
                return service

        return wrapper

    _replace(Backend, "update_service", update_service)
    _replace(Backend, "delete_service", serialized)
    _replace(Backend, "run_task", run_task)
    _replace(Backend, "stop_task", stop_task)
    _replace(Backend, "list_tasks", list_tasks)


def _resources(task_definition: Any) -> dict[str, Any]:
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
    """Give moto back its own methods."""
    from moto.ecs.models import EC2ContainerServiceBackend as Backend

    for name in ("run_task", "stop_task", "list_tasks", "update_service", "delete_service"):
        original = getattr(getattr(Backend, name), "_ecslab_hook_original", None)
        if original is not None:
            setattr(Backend, name, original)


def adopt_fargate(backend: Any, ec2: Any, task: Any) -> LocalTask:
    """A task filed by moto's RunTask, made a Fargate task in its first subnet."""
    config = task.network_configuration["awsvpcConfiguration"]
    subnet = config["subnets"][0]
    return launch.prepare(backend, ec2, task, subnet, config.get("securityGroups", []))
