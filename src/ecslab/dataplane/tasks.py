"""The Fargate task model: one moto task, really running, through AWS's lifecycle.

PROVISIONING (ENI attached) -> PENDING (image pulled, log stream created) -> RUNNING
(containers up, registered with the target group) -> DEACTIVATING (deregistered,
draining) -> STOPPING (containers stopped) -> DEPROVISIONING (ENI deleted) -> STOPPED,
each step timed in AWS seconds through the clock. A failure carries AWS's stopCode and
stoppedReason. The moto task object is the state every API reads; this module writes it.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from ecslab import moto_seam
from ecslab.dataplane import clock as timing
from ecslab.dataplane import reach
from ecslab.dataplane.awslogs import AwsLogs, LogStream
from ecslab.dataplane.clock import Clock
from ecslab.dataplane.network import Endpoints, detach_eni
from ecslab.dataplane.process import Child, free_port, wait_for_port
from ecslab.dataplane.runtime import ContainerSpec, Runtime, docker_ref, pull_error
from ecslab.errors import TaskFailedToStart

TASK_FAILED_TO_START = "TaskFailedToStart"
ESSENTIAL_CONTAINER_EXITED = "EssentialContainerExited"
USER_INITIATED = "UserInitiated"
SERVICE_SCHEDULER_INITIATED = "ServiceSchedulerInitiated"

ESSENTIAL_EXITED_REASON = "Essential container in task exited"
#: How long a container gets to open its port before the task is failed (AWS seconds).
START_TIMEOUT = 30.0
#: How long a stopped task stays visible to DescribeTasks (AWS: at least an hour).
STOPPED_RETENTION = 3600.0


class Agent(Protocol):
    """What a task needs from the data plane: the things an ECS agent on Fargate has."""

    clock: Clock
    runtime: Runtime
    logs: AwsLogs
    endpoints: Endpoints
    home: Path

    def ec2_for(self, region: str) -> Any: ...

    def route_out(self, task: LocalTask) -> bool: ...

    def register(self, task: LocalTask) -> list[str]: ...

    def deregister(self, task: LocalTask) -> float: ...


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class ContainerRun:
    """One container of a task: its definition, its moto record, its process."""

    definition: dict[str, Any]
    record: Any  # moto's container: read and written through ecslab.moto_seam only
    ports: dict[int, int] = field(default_factory=dict)
    child: Child | None = None
    stream: LogStream | None = None

    @property
    def name(self) -> str:
        return str(self.definition["name"])

    @property
    def essential(self) -> bool:
        return bool(self.definition.get("essential", True))


@dataclass
class LocalTask:
    """A task of the local cloud; `step()` moves it on when its time has come."""

    record: Any  # moto's task: read and written through ecslab.moto_seam only
    task_definition: Any
    ip: str
    service: tuple[str, str] | None = None  # (cluster name, service name)
    load_balancers: list[dict[str, Any]] = field(default_factory=list)
    containers: list[ContainerRun] = field(default_factory=list)
    next_at: float = 0.0
    stop_request: tuple[str, str] | None = None
    registered: list[tuple[str, str, int]] = field(default_factory=list)
    started_monotonic: float | None = None
    stopped_monotonic: float | None = None
    facts: moto_seam.TaskFacts = field(init=False)
    _stop_taken: bool = field(default=False, repr=False)
    _faults: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        self.facts = moto_seam.task_facts(self.record)

    @property
    def id(self) -> str:
        return self.facts.id

    @property
    def status(self) -> str:
        return self.state().status

    def state(self) -> moto_seam.TaskState:
        """The task's state in moto's record (what DescribeTasks shows)."""
        return moto_seam.task_state(self.record)

    def _set(self, status: str, **times: datetime | str) -> None:
        moto_seam.set_task_status(self.record, status, **times)

    def request_stop(self, code: str, reason: str) -> None:
        """Ask the task to stop (once); the lifecycle does the rest."""
        if self.stop_request is None and self.status != "STOPPED":
            self.stop_request = (code, reason)
            moto_seam.set_task_stopping(self.record, code, reason)

    def take_stop(self) -> bool:
        """True exactly once, the first time it is asked after the task STOPPED: the
        scheduler counts each stopped task once, without keeping its own set of ids."""
        if self.status != "STOPPED" or self._stop_taken:
            return False
        self._stop_taken = True
        return True

    def failed_to_start(self) -> bool:
        """Stopped before it ever ran, or with AWS's TaskFailedToStart code."""
        return self.state().stop_code == TASK_FAILED_TO_START or self.started_monotonic is None

    def fault(self, error: Exception, clock: Clock) -> bool:
        """An unexpected error inside this task's life: the task stops with a reason, as
        AWS stops a task it cannot keep running, instead of failing again every tick. A
        second fault while stopping stops it at once. True the first time (log it then)."""
        self._faults += 1
        if self._faults == 1:
            ran = self.started_monotonic is not None
            code = ESSENTIAL_CONTAINER_EXITED if ran else TASK_FAILED_TO_START
            self.request_stop(code, f"InternalError: {type(error).__name__}: {error}")
            return True
        if self.status != "STOPPED":
            self.kill()
            self._set("STOPPED", stopped_at=utcnow())
            self._set_containers("STOPPED")
            self.stopped_monotonic = clock.now()
        return False

    def expired(self, clock: Clock) -> bool:
        """Stopped longer ago than AWS keeps a stopped task (time-scaled)."""
        return (
            self.stopped_monotonic is not None
            and clock.now() - self.stopped_monotonic >= clock.real(STOPPED_RETENTION)
        )

    def step(self, agent: Agent) -> None:
        """Advance the lifecycle by at most one step."""
        now = agent.clock.now()
        if now < self.next_at:
            return
        if self.stop_request and self.status in ("PROVISIONING", "PENDING", "RUNNING"):
            self._deactivate(agent)
            return
        handler = getattr(self, f"_after_{self.status.lower()}", None)
        if handler is not None:
            handler(agent)

    def _after_provisioning(self, agent: Agent) -> None:
        moto_seam.set_attachment_status(self.record, "ATTACHED")
        self._set("PENDING", pull_started_at=utcnow())
        self._set_containers("PENDING")
        if not agent.route_out(self):
            self.request_stop(TASK_FAILED_TO_START, self._unreachable_reason())
            return
        try:
            for container in self.containers:
                agent.runtime.check_image(container.definition["image"])
                container.stream = _open_logs(agent, container, self.id)
        except TaskFailedToStart as e:
            self.request_stop(TASK_FAILED_TO_START, str(e))
            return
        self.next_at = agent.clock.deadline(timing.PENDING_SECONDS)

    def _unreachable_reason(self) -> str:
        """AWS's stoppedReason for a task with no route out: the awslogs driver is set up
        (and times out) before the image is pulled; without it, the pull times out."""
        for container in self.containers:
            config = container.definition.get("logConfiguration") or {}
            if config.get("logDriver") == "awslogs":
                region = (config.get("options") or {}).get("awslogs-region")
                return reach.logs_timeout(region or self.facts.region)
        image = str(self.containers[0].definition["image"]) if self.containers else ""
        return str(pull_error(image, reach.pull_timeout(docker_ref(image))))

    def subnet_id(self) -> str:
        """The subnet of the task's ENI."""
        return str(self.facts.subnet_id)

    def public_ip(self) -> bool:
        """Was the task asked for a public IP (`assignPublicIp` ENABLED)?"""
        return self.facts.public_ip

    def _after_pending(self, agent: Agent) -> None:
        if not all(agent.runtime.ready(c.definition["image"]) for c in self.containers):
            return  # still pulling: stay PENDING
        moto_seam.stamp_task(self.record, pull_stopped_at=utcnow())
        try:
            self._start_containers(agent)
        except TaskFailedToStart as e:
            for container in self.containers:
                moto_seam.set_container(container.record, reason=str(e))
            self.request_stop(TASK_FAILED_TO_START, str(e))
            return
        now = utcnow()
        self._set("RUNNING", started_at=now, connectivity="CONNECTED", connectivity_at=now)
        self._set_containers("RUNNING")
        self.started_monotonic = agent.clock.now()
        agent.register(self)

    def _start_containers(self, agent: Agent) -> None:
        for index, container in enumerate(self.containers):
            image = container.definition["image"]
            mapped = [int(m["containerPort"]) for m in container.definition.get("portMappings", [])]
            listens = agent.runtime.image_ports(image) or tuple(mapped)
            # every port of the task's ENI reaches the container (awsvpc), mapped or not
            ports = {port: free_port() for port in dict.fromkeys([*mapped, *listens])}
            container.ports = ports
            spec = ContainerSpec(
                container.name,
                image,
                ports,
                cpu_units=int(self.task_definition.cpu or 256),
                memory_mib=int(self.task_definition.memory or 512),
            )
            # Folders are named from ids and indexes, never from names a request chose.
            workdir = agent.home / "tasks" / self.id / str(index)
            container.child = agent.runtime.start(spec, workdir, _sink(agent, container))
            for cport in listens:
                if not wait_for_port(
                    ports[cport], container.child, timeout=agent.clock.real(START_TIMEOUT) + 5
                ):
                    raise TaskFailedToStart(
                        f"CannotStartContainerError: container {container.name} "
                        f"did not listen on port {cport}"
                    )
            for cport, local in ports.items():
                agent.endpoints.add(self.ip, cport, local)

    def _after_running(self, agent: Agent) -> None:
        for container in self.containers:
            code = container.child.exit_code() if container.child else None
            if code is not None:
                moto_seam.set_container(container.record, last_status="STOPPED", exit_code=code)
                if container.essential:
                    self.request_stop(ESSENTIAL_CONTAINER_EXITED, ESSENTIAL_EXITED_REASON)

    def _deactivate(self, agent: Agent) -> None:
        self._set("DEACTIVATING", stopping_at=utcnow())
        delay = agent.deregister(self)
        self.next_at = agent.clock.deadline(delay)

    def _after_deactivating(self, agent: Agent) -> None:
        self._set("STOPPING")
        for container in self.containers:
            if container.child is not None:
                code = container.child.stop(timeout=max(agent.clock.real(30), 5))
                if moto_seam.container_state(container.record).exit_code is None:
                    exit_code = max(code, 0) if code >= 0 else 137
                    moto_seam.set_container(container.record, exit_code=exit_code)
            if container.stream is not None:
                agent.logs.close_stream(container.stream)
        self._set_containers("STOPPED")
        shutil.rmtree(agent.home / "tasks" / self.id, ignore_errors=True)
        agent.endpoints.remove(self.ip)
        moto_seam.stamp_task(self.record, execution_stopped_at=utcnow())
        self.next_at = agent.clock.deadline(timing.STOPPING_SECONDS)

    def _after_stopping(self, agent: Agent) -> None:
        self._set("DEPROVISIONING")
        with contextlib.suppress(Exception):
            detach_eni(self.record, agent.ec2_for(self.facts.region))
        self.next_at = agent.clock.deadline(timing.STOPPING_SECONDS)

    def _after_deprovisioning(self, agent: Agent) -> None:
        self._set("STOPPED", stopped_at=utcnow())
        self.stopped_monotonic = agent.clock.now()

    def _set_containers(self, status: str) -> None:
        for container in self.containers:
            if moto_seam.container_state(container.record).last_status != "STOPPED":
                moto_seam.set_container(container.record, last_status=status)

    def kill(self) -> None:
        """Stop every process now (the local cloud is shutting down)."""
        for container in self.containers:
            if container.child is not None:
                container.child.stop(timeout=2)

    def uptime(self, clock: Clock) -> float:
        """Wall-clock seconds since RUNNING (0 before)."""
        if self.started_monotonic is None or self.status == "STOPPED":
            return 0.0
        return clock.now() - self.started_monotonic


def _open_logs(agent: Agent, container: ContainerRun, task_id: str) -> LogStream | None:
    config = container.definition.get("logConfiguration") or {}
    if config.get("logDriver") != "awslogs":
        return None
    return agent.logs.open(config.get("options") or {}, container.name, task_id)


def _sink(agent: Agent, container: ContainerRun) -> Any:
    def sink(_stream: str, line: str) -> None:
        if container.stream is not None:
            agent.logs.write(container.stream, line)

    return sink
