"""The ECS service scheduler: keeps each Fargate service's desired count of tasks running.

Per ACTIVE Fargate service, every tick: start tasks of the primary deployment up to the
desired count (within maximumPercent), stop tasks of older deployments as long as
minimumHealthyPercent holds, scale in, replace tasks that stopped or that the load
balancer found unhealthy after the grace period, back off when tasks keep failing to
start, and write runningCount/pendingCount, deployments and events as DescribeServices
shows them. A new task definition revision runs only once the service is updated to it.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecslab import moto_seam
from ecslab.dataplane import launch
from ecslab.dataplane.agent import FargateAgent, event
from ecslab.dataplane.tasks import (
    SERVICE_SCHEDULER_INITIATED,
    LocalTask,
    utcnow,
)
from ecslab.moto_seam import Service

log = logging.getLogger("ecslab.dataplane.scheduler")

#: Backoff between launches after consecutive failures (AWS seconds), capped.
BACKOFF_BASE, BACKOFF_CAP = 10.0, 300.0
UNABLE_TO_START = (
    "is unable to consistently start tasks successfully. For more information, "
    "see the Troubleshooting section of the Amazon ECS Developer Guide."
)


@dataclass
class ServiceState:
    """What the scheduler remembers of one service between ticks."""

    primary: dict[str, Any]
    old: list[dict[str, Any]] = field(default_factory=list)
    steady: bool = False
    failures: int = 0
    next_launch: float = 0.0


def _deployment(
    service: Service, task_definition: str, deployment_id: str | None = None
) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": deployment_id or f"ecs-svc/{uuid.uuid4().int % 10**19:019d}",
        "status": "PRIMARY",
        "taskDefinition": task_definition,
        "desiredCount": service.desired_count,
        "pendingCount": 0,
        "runningCount": 0,
        "failedTasks": 0,
        "createdAt": now,
        "updatedAt": now,
        "launchType": "FARGATE",
        "platformVersion": launch.PLATFORM_VERSION,
        "platformFamily": "Linux",
        "networkConfiguration": service.network_configuration,
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": "ECS deployment in progress.",
    }


def _task_list(tasks: list[LocalTask]) -> str:
    return " ".join(f"(task {t.id})" for t in tasks)


class Scheduler:
    """Reconciles services with their tasks; `tasks` is every task of the local cloud."""

    def __init__(self, agent: FargateAgent) -> None:
        self.agent = agent
        self.tasks: dict[str, LocalTask] = {}
        self.states: dict[tuple[str, int], ServiceState] = {}
        self._said: dict[str, str] = {}  # what -> the error last logged for it

    def add(self, task: LocalTask) -> None:
        self.tasks[task.id] = task

    def plan(self) -> list[tuple[Any, Service]]:
        """Decide, from moto's state only (no I/O), which tasks each Fargate service starts
        and stops; a tick is `plan`, `step` for every task, then `settle`. One broken
        service is logged and skipped, never allowed to stall the others. Returns the
        services, for `settle`."""
        services = [
            (backend, service)
            for backend in self.agent.ecs_backends()
            for service in moto_seam.services(backend)
            if service.launch_type == "FARGATE"
        ]
        for backend, service in services:
            self._guard(f"service {service.name}", self._reconcile, backend, service)
        return services

    def settle(self, services: list[tuple[Any, Service]]) -> None:
        """Write the counts and deployments the lifecycles led to; drop what expired."""
        for _, service in services:
            self._count(service)
        self._forget(services)

    def _guard(self, what: str, step: Callable[..., None], *args: Any) -> None:
        """Run one service's step; its error is logged once (until it changes or heals)."""
        try:
            step(*args)
        except Exception as e:
            said = self._said.get(what)
            self._said[what] = repr(e)
            if said != repr(e):
                log.exception("%s: scheduler step failed (said once; retried every tick)", what)
        else:
            self._said.pop(what, None)

    def step(self, task: LocalTask) -> None:
        """One task's lifecycle step (where the I/O is: processes, files, API calls); an
        error stops that task with a reason, logged once."""
        try:
            task.step(self.agent)
        except Exception as e:
            if task.fault(e, self.agent.clock):
                log.exception("task %s: stopped after an error in its lifecycle", task.id)

    def _forget(self, services: list[tuple[Any, Service]]) -> None:
        """Drop what AWS no longer shows: stopped tasks past their retention (from moto
        too) and the state of services that are gone."""
        for task in [t for t in self.tasks.values() if t.expired(self.agent.clock)]:
            del self.tasks[task.id]
            for backend in self.agent.ecs_backends():
                moto_seam.drop_task(backend, task.facts)
        alive = {(service.arn, service.identity) for _, service in services}
        for key in set(self.states) - alive:
            del self.states[key]

    def service_tasks(self, service: Service, live_only: bool = True) -> list[LocalTask]:
        key = (service.cluster, service.name)  # names repeat across regions: check both
        return [
            t
            for t in self.tasks.values()
            if t.service == key
            and t.facts.region == service.region
            and not (live_only and (t.stop_request or t.status == "STOPPED"))
        ]

    def watch(self, backend: Any, service: Service) -> None:
        """UpdateService is about to change `service`: learn its current deployment first
        (a service created a moment ago may not have been ticked yet)."""
        self._state(backend, service)

    def follow(self, backend: Any, service: Service) -> None:
        """UpdateService changed `service`: start its new deployment and publish deployments
        and counts now, as the next tick would, so that UpdateService's response shows them."""
        if service.status == "ACTIVE":
            self._follow_updates(backend, service, self._state(backend, service))
        self._count(service)

    def _state(self, backend: Any, service: Service) -> ServiceState:
        key = (service.arn, service.identity)  # re-created under the same ARN: afresh
        state = self.states.get(key)
        if state is None:
            td = moto_seam.task_definition_arn(backend, service.task_definition)
            deployment = _deployment(service, td, service.moto_deployment_id)
            state = self.states[key] = ServiceState(deployment)
        return state

    def _follow_updates(self, backend: Any, service: Service, state: ServiceState) -> None:
        """UpdateService to a new revision, or forceNewDeployment, starts a new deployment."""
        td = moto_seam.task_definition_arn(backend, service.task_definition)
        moto_id = service.moto_deployment_id or state.primary["id"]
        if td != state.primary["taskDefinition"] or moto_id != state.primary["id"]:
            state.primary["status"] = "ACTIVE"
            state.old.insert(0, state.primary)
            new_id = moto_id if moto_id != state.primary["id"] else None
            state.primary = _deployment(service, td, new_id)
            state.steady = False
        moto_seam.set_service_task_definition(service, td)

    def _reconcile(self, backend: Any, service: Service) -> None:
        state = self._state(backend, service)
        if service.status != "ACTIVE":
            self._stop(service, self.service_tasks(service), state)
            return
        self._follow_updates(backend, service, state)
        self._note_failures(service, state)
        self._replace_unhealthy(service)
        live = self.service_tasks(service)
        new = [t for t in live if t.facts.started_by == state.primary["id"]]
        old = [t for t in live if t not in new]
        desired = service.desired_count
        config = service.deployment_configuration
        max_total = max(
            desired * int(config.get("maximumPercent", 200)) // 100, desired if not old else 0
        )
        min_healthy = math.ceil(desired * int(config.get("minimumHealthyPercent", 100)) / 100)
        self._launch(backend, service, state, min(desired - len(new), max_total - len(live)), live)
        self._retire(service, state, old, new, desired, min_healthy)
        self._check_steady(service, state, old)

    def _launch(
        self, backend: Any, service: Service, state: ServiceState, count: int, live: list[LocalTask]
    ) -> None:
        if count <= 0 or self.agent.clock.now() < state.next_launch:
            return
        ec2 = self.agent.ec2_for(moto_seam.region_of(backend))
        started: list[LocalTask] = []
        for _ in range(count):
            task = launch.create(
                backend,
                ec2,
                service,
                state.primary["taskDefinition"],
                state.primary["id"],
                live + started,
            )
            self.add(task)
            started.append(task)
        state.steady = False
        event(service, f"has started {len(started)} tasks: {_task_list(started)}.")

    def _retire(
        self,
        service: Service,
        state: ServiceState,
        old: list[LocalTask],
        new: list[LocalTask],
        desired: int,
        min_healthy: int,
    ) -> None:
        healthy = sum(1 for t in old + new if self._healthy(t))
        victims = []
        for task in sorted(old, key=self._healthy):
            if not self._healthy(task):
                victims.append(task)
            elif healthy - 1 >= min_healthy or desired == 0:
                victims.append(task)
                healthy -= 1
        extra = len(new) - desired
        if extra > 0:
            victims += sorted(new, key=lambda t: (self._healthy(t), t.facts.created_at))[:extra]
        self._stop(service, victims, state)

    def _stop(self, service: Service, victims: list[LocalTask], state: ServiceState) -> None:
        if not victims:
            return
        reason = f"Scaling activity initiated by (deployment {state.primary['id']})"
        for task in victims:
            task.request_stop(SERVICE_SCHEDULER_INITIATED, reason)
        state.steady = False
        event(service, f"has stopped {len(victims)} running tasks: {_task_list(victims)}.")

    def _healthy(self, task: LocalTask) -> bool:
        """RUNNING, and healthy in every target group it is registered with."""
        if task.status != "RUNNING" or task.stop_request:
            return False
        return all(
            self.agent.target_state(arn, ip, port) == "healthy" for arn, ip, port in task.registered
        )

    def _replace_unhealthy(self, service: Service) -> None:
        grace = service.grace_period
        for task in self.service_tasks(service):
            if task.status != "RUNNING" or task.uptime(self.agent.clock) < self.agent.clock.real(
                grace
            ):
                continue
            for arn, ip, port in task.registered:
                if self.agent.target_state(arn, ip, port) == "unhealthy":
                    why = self.agent.target_reason(arn, ip, port)
                    where = f"(port {port}) is unhealthy in (target-group {arn})"
                    event(service, f"{where} due to (reason {why}).")
                    task.request_stop(
                        SERVICE_SCHEDULER_INITIATED,
                        f"Task failed ELB health checks in (target-group {arn})",
                    )
                    event(service, f"has stopped 1 running tasks: (task {task.id}).")
                    break

    def _note_failures(self, service: Service, state: ServiceState) -> None:
        """Count tasks that failed to start; back off launches as ECS does."""
        for task in self.service_tasks(service, live_only=False):
            if not task.take_stop():
                continue
            if task.failed_to_start():
                state.failures += 1
                state.primary["failedTasks"] = state.primary.get("failedTasks", 0) + 1
                delay = min(BACKOFF_BASE * 2 ** (state.failures - 1), BACKOFF_CAP)
                state.next_launch = self.agent.clock.deadline(delay)
                if state.failures == 3:
                    event(service, UNABLE_TO_START)
        if any(self._healthy(t) for t in self.service_tasks(service)):
            state.failures = 0

    def _check_steady(self, service: Service, state: ServiceState, old: list[LocalTask]) -> None:
        live = self.service_tasks(service)
        ready = (
            not old and len(live) == service.desired_count and all(self._healthy(t) for t in live)
        )
        if ready and not state.steady:
            state.steady = True
            state.old.clear()
            if state.primary["rolloutState"] != "COMPLETED":
                state.primary["rolloutState"] = "COMPLETED"
                state.primary["rolloutStateReason"] = (
                    f"ECS deployment {state.primary['id']} completed."
                )
                event(service, f"(deployment {state.primary['id']}) deployment completed.")
            event(service, "has reached a steady state.")

    def _count(self, service: Service) -> None:
        """Counts on the service and its deployments; the deployments are published as
        copies, so that moto's forceNewDeployment (which rewrites the first deployment's
        id in place) shows up as a change next tick instead of rewriting our record."""
        tasks = self.service_tasks(service, live_only=False)
        running = [t for t in tasks if t.status == "RUNNING"]
        pending = [t for t in tasks if t.status in ("PROVISIONING", "PENDING")]
        state = self.states.get((service.arn, service.identity))
        if state is None:
            moto_seam.publish_service(service, len(running), len(pending), None)
            return
        for deployment in [state.primary, *state.old]:
            mine = deployment["id"]
            deployment["runningCount"] = sum(1 for t in running if t.facts.started_by == mine)
            deployment["pendingCount"] = sum(1 for t in pending if t.facts.started_by == mine)
            if deployment["status"] == "PRIMARY":
                deployment["desiredCount"] = service.desired_count
        deployments = [dict(d) for d in [state.primary, *state.old]]
        moto_seam.publish_service(service, len(running), len(pending), deployments)
