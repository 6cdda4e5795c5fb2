"""The local Fargate data plane: tasks really run, the load balancer really routes, logs
really arrive. `DataPlane` is a hosted service of the local cloud (ecslab.cloud.server):
it lives in moto's process, drives moto's models in-process, and calls the public API
where an ECS agent would.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecslab import moto_seam, settings
from ecslab.dataplane import acm, health, hooks, network, reach, runtime, validation, views
from ecslab.dataplane.agent import FargateAgent
from ecslab.dataplane.clock import Clock
from ecslab.dataplane.controller import Scheduler
from ecslab.dataplane.loadbalancer import LoadBalancers
from ecslab.dataplane.network import lb_node_ips
from ecslab.dataplane.process import reap_stale
from ecslab.dataplane.runtime import Runtime, default_runtime
from ecslab.dataplane.tasks import LocalTask

__all__ = ["DataPlane"]

log = logging.getLogger("ecslab.dataplane")

#: How often the scheduler, lifecycles and health checks look around (real seconds).
TICK = 0.05


class DataPlane:
    """Hosted service: the scheduler thread, the load balancers and the admin routes."""

    def __init__(
        self, clock: Clock | None = None, runtime: Runtime | None = None, home: Path | None = None
    ) -> None:
        self.clock = clock or Clock()
        self._runtime = runtime
        self._home = home
        self.lock = threading.RLock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.agent: FargateAgent | None = None
        self.scheduler: Scheduler | None = None
        self.loadbalancers: LoadBalancers | None = None
        self.certificates: acm.Certificates | None = None

    def start(self, host: Any) -> None:
        """Reap a crashed run's processes, hook moto, serve admin routes, start ticking."""
        home = (self._home or settings.home()) / "dataplane"
        reaped = reap_stale(home)
        if reaped:
            log.warning("stopped %d processes left by a previous local cloud", reaped)
        for leftover in ("tasks", "loadbalancers"):  # their state died with that cloud
            shutil.rmtree(home / leftover, ignore_errors=True)
        self.agent = FargateAgent(
            clock=self.clock,
            runtime=self._runtime or default_runtime(home),
            endpoint=host.endpoint,
            account_id=host.account_id,
            region=host.region,
            home=home,
            credential=host.credential,
        )
        self.scheduler = Scheduler(self.agent)
        self.certificates = acm.Certificates(home.parent, host.account_id)
        self.loadbalancers = LoadBalancers(
            home, self.agent.health, self.agent.endpoints, self.certificates
        )
        network.install()
        acm.install()
        validation.install()
        hooks.install(self)
        health.install(self.agent.health)
        host.register_admin_route("/_ecslab/tasks", self.tasks_view)
        host.register_admin_route("/_ecslab/loadbalancers", self.loadbalancers_view)
        host.register_admin_route("/_ecslab/dataplane", self.about)
        for problem in runtime.problems():
            log.error("%s", problem)
        self._thread = threading.Thread(target=self._run, name="dataplane", daemon=True)
        self._thread.start()
        log.info(
            "local Fargate ready (runtime %s, time scale %g)",
            self.agent.runtime.name,
            self.clock.scale,
        )

    def _run(self) -> None:
        """The one thread that spawns processes (see ecslab.dataplane.process)."""
        while not self._stopping.wait(TICK):
            try:
                self.tick()
            except Exception:
                log.exception("data plane tick failed")

    def tick(self) -> None:
        """Scheduler, task lifecycles, ACM validation, target health, listeners.

        `lock` is held only while deciding and writing moto's state in memory (the
        scheduler's plan and counts, health bookkeeping), which is what the API hooks
        serialise with. Everything that blocks runs outside it: the task lifecycles
        (starting and stopping processes, task files, RegisterTargets, CreateLogStream),
        the listeners (nginx files, processes, reload signals), and the health checks
        (HTTP, on their own pool). So an UpdateService or a StopTask never waits for an
        nginx to come up (tests/test_dataplane_faults.py holds a start to show it).
        """
        assert self.scheduler and self.agent and self.loadbalancers and self.certificates
        with self.lock:
            services = self.scheduler.plan()
            tasks = list(self.scheduler.tasks.values())
        for task in tasks:
            self.scheduler.step(task)
        with self.lock:
            self.scheduler.settle(services)
            self.certificates.validate()
            regions = list(self.agent.elbv2_backends())
            self._health(regions)
        self.loadbalancers.reconcile(regions)

    def _health(self, regions: list[tuple[Any, Any]]) -> None:
        """Track every target group's targets; start the checks that are due."""
        assert self.agent
        groups = set()
        for elbv2, ec2 in regions:
            for group in moto_seam.target_groups(elbv2):
                groups.add(group.arn)
                delay = self.agent.deregistration_delay(moto_seam.region_of(elbv2), group.arn)
                self.agent.health.sync(group, bool(group.load_balancer_arns), delay)
                self._check_due(elbv2, ec2, group)
        self.agent.health.forget_groups_but(groups)

    def _check_due(self, elbv2: Any, ec2: Any, group: moto_seam.TargetGroup) -> None:
        """Health checks of `group` from its (first) ALB's nodes, through its security
        groups as they are now."""
        assert self.agent
        found = [moto_seam.find_load_balancer(elbv2, arn) for arn in group.load_balancer_arns]
        lb = next((x for x in found if x is not None), None)
        if lb is None:
            self.agent.health.due(group, [])
            return
        nodes = lb_node_ips(ec2, list(lb.subnet_ids))

        def admits(ip: str, port: int) -> bool:
            return reach.alb_reaches_target(ec2, lb, nodes, ip, port)

        self.agent.health.due(group, nodes, admits)

    def adopt(self, backend: Any, task: Any) -> LocalTask:
        """A task moto's RunTask just filed becomes a real Fargate task."""
        assert self.scheduler and self.agent
        with self.lock:
            ec2 = self.agent.ec2_for(moto_seam.region_of(backend))
            local = hooks.adopt_fargate(backend, ec2, task)
            self.scheduler.add(local)
            return local

    def find(self, task_ref: str) -> LocalTask | None:
        """A task by id or ARN."""
        assert self.scheduler
        return self.scheduler.tasks.get(task_ref.split("/")[-1])

    def watch(self, backend: Any, service: moto_seam.Service) -> None:
        """UpdateService is about to change `service` (see Scheduler.watch)."""
        if self.scheduler is not None:
            self._guarded(self.scheduler.watch, backend, service)

    def follow(self, backend: Any, service: moto_seam.Service) -> None:
        """UpdateService changed `service` (see Scheduler.follow); the update itself stands
        if this fails: the next tick tries again."""
        if self.scheduler is not None:
            self._guarded(self.scheduler.follow, backend, service)

    def _guarded(
        self,
        step: Callable[[Any, moto_seam.Service], None],
        backend: Any,
        service: moto_seam.Service,
    ) -> None:
        if service.launch_type != "FARGATE":
            return
        with self.lock:
            try:
                step(backend, service)
            except Exception:
                log.exception("service %s: scheduler step %s failed", service.name, step.__name__)

    def about(self, _request: Any) -> dict[str, Any]:
        """GET /_ecslab/dataplane: runtime, time scale, and what is wrong, if anything."""
        assert self.agent
        return {
            "runtime": self.agent.runtime.name,
            "time_scale": self.clock.scale,
            "problems": runtime.problems(),
        }

    def tasks_view(self, request: Any) -> list[dict[str, Any]]:
        assert self.scheduler and self.agent
        with self.lock:
            everything = str(request.query.get("all", "")).lower() in ("1", "true", "yes")
            return views.task_rows(list(self.scheduler.tasks.values()), self.agent, everything)

    def loadbalancers_view(self, _request: Any) -> list[dict[str, Any]]:
        assert self.loadbalancers
        return self.loadbalancers.views()

    def stop(self) -> None:
        """Stop ticking, every task's processes, the listeners; unhook moto."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self.lock:
            tasks = list(self.scheduler.tasks.values()) if self.scheduler else []
        for task in tasks:
            task.kill()
        if self.loadbalancers:
            self.loadbalancers.close()
        if self.agent:
            self.agent.close()
        hooks.uninstall()
        health.uninstall()
        acm.uninstall()
        validation.uninstall()
        network.uninstall()
