"""The local Application Load Balancer: one loopback nginx per ALB listener.

Each HTTP listener of each ALB in moto gets an nginx on 127.0.0.1:<free port> that
forwards, round robin, to the healthy targets of its target group (all of them when all
are unhealthy: ALB fails open), translated to their loopback ports, adds
X-Forwarded-For/Proto/Port, answers ALB's 503 when no target can be routed to and ALB's
502 when a target fails. nginx rather than Python: the proxy must keep
up with nginx itself (the benchmark asks for at least half of direct throughput).
The configuration is rewritten and reloaded (SIGHUP) when the healthy set changes.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecslab.dataplane import nginxconf
from ecslab.dataplane.health import HealthChecker
from ecslab.dataplane.network import Endpoints, lb_node_ips
from ecslab.dataplane.process import Child, free_port, wait_for_port
from ecslab.dataplane.runtime import NGINX


@dataclass
class Listener:
    """A running local listener for one ALB listener."""

    arn: str
    load_balancer: str
    dns_name: str
    protocol: str
    aws_port: int
    port: int
    target_group: str | None
    workdir: Path
    fixed: nginxconf.Fixed | None = None
    child: Child | None = None
    backends: list[tuple[str, int, str]] = field(default_factory=list)
    #: (backends, fixed) last written to nginx.conf, and last loaded by nginx.
    written: Any = None
    applied: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def view(self) -> dict[str, Any]:
        """What the admin API and `ecslab url` show."""
        return {
            "load_balancer": self.load_balancer,
            "dns_name": self.dns_name,
            "listener_arn": self.arn,
            "protocol": self.protocol,
            "listener_port": self.aws_port,
            "target_group_arn": self.target_group,
            "url": self.url,
            "healthy_targets": len(self.backends),
        }


def forward_target_group(listener: Any) -> str | None:
    """The target group a listener's default action forwards to (None if it does not)."""
    for action in listener.default_actions:
        data = getattr(action, "data", {})
        if data.get("Type") != "forward":
            continue
        if data.get("TargetGroupArn"):
            return str(data["TargetGroupArn"])
        groups = data.get("ForwardConfig", {}).get("TargetGroups", [])
        if groups:
            return str(groups[0]["TargetGroupArn"])
    return None


def fixed_response(listener: Any) -> nginxconf.Fixed | None:
    """The fixed response of a listener's default action (None if it forwards)."""
    for action in listener.default_actions:
        data = getattr(action, "data", {})
        if data.get("Type") == "fixed-response":
            config = data.get("FixedResponseConfig", {})
            code = int(config.get("StatusCode", 200))
            return code, config.get("ContentType", "text/plain"), config.get("MessageBody", "")
    return None


def _subnet_ids(lb: Any) -> list[str]:
    return [getattr(s, "id", s) for s in lb.subnets]


class LoadBalancers:
    """Keeps one local listener per ALB listener moto holds; routes to healthy targets."""

    def __init__(self, home: Path, health: HealthChecker, endpoints: Endpoints) -> None:
        self.home = home
        self.health = health
        self.endpoints = endpoints
        self.listeners: dict[str, Listener] = {}

    def reconcile(self, regions: list[tuple[Any, Any]]) -> None:
        """Start listeners for new ALB listeners, stop removed ones, refresh backends, over
        the (elbv2, ec2) backends of every region at once: a listener is removed only when
        no region holds it any more."""
        seen = set()
        for elbv2, ec2 in regions:
            for lb in list(elbv2.load_balancers.values()):
                if getattr(lb, "loadbalancer_type", "application") != "application":
                    continue
                nodes = lb_node_ips(ec2, _subnet_ids(lb))
                for arn, aws_listener in list(lb.listeners.items()):
                    seen.add(arn)
                    listener = self.listeners.get(arn) or self._start(lb, aws_listener)
                    listener.target_group = forward_target_group(aws_listener)
                    listener.fixed = fixed_response(aws_listener)
                    self._route(listener, nodes)
        for arn in set(self.listeners) - seen:
            self._stop(self.listeners.pop(arn))

    def _start(self, lb: Any, aws_listener: Any) -> Listener:
        listener = Listener(
            arn=aws_listener.arn,
            load_balancer=lb.name,
            dns_name=lb.dns_name,
            protocol=aws_listener.protocol,
            aws_port=int(aws_listener.port),
            port=free_port(),
            target_group=forward_target_group(aws_listener),
            fixed=fixed_response(aws_listener),
            # named from the listener's id (the ARN's last part), never from a name
            workdir=self.home / "loadbalancers" / aws_listener.arn.rsplit("/", 1)[-1],
        )
        self._write(listener)
        listener.child = Child(
            nginxconf.command(
                NGINX, listener.workdir, "nginx.conf", str(listener.workdir / "error.log")
            ),
            listener.workdir,
            None,
            ready_file=listener.workdir / "nginx.pid",
        )
        wait_for_port(listener.port, listener.child, timeout=5)
        listener.written = listener.applied = (listener.backends, listener.fixed)
        self.listeners[listener.arn] = listener
        return listener

    def _route(self, listener: Listener, nodes: list[str]) -> None:
        backends = []
        if listener.target_group:
            for index, (ip, port) in enumerate(self.health.routable(listener.target_group)):
                local = self.endpoints.resolve(ip, port)
                if local:
                    backends.append(
                        (local[0], local[1], nodes[index % len(nodes)] if nodes else ip)
                    )
        desired = (backends, listener.fixed)
        if desired != listener.written:
            listener.backends = backends
            self._write(listener)
            listener.written = desired
        if listener.applied != listener.written and self._reload(listener):
            listener.applied = listener.written

    def _write(self, listener: Listener) -> None:
        listener.workdir.mkdir(parents=True, exist_ok=True)
        conf = nginxconf.listener_conf(
            listener.workdir, listener.port, listener.aws_port, listener.backends, listener.fixed
        )
        (listener.workdir / "nginx.conf").write_text(conf)

    @staticmethod
    def _reload(listener: Listener) -> bool:
        """SIGHUP nginx's master; False (retried next tick) until its pid file exists,
        since a signal sent before nginx has set up its handlers could kill it."""
        try:
            pid = int((listener.workdir / "nginx.pid").read_text())
            os.kill(pid, signal.SIGHUP)
        except (OSError, ValueError):
            return False
        return True

    @staticmethod
    def _stop(listener: Listener) -> None:
        if listener.child is not None:
            listener.child.stop()

    def close(self) -> None:
        """Stop every local listener."""
        while self.listeners:
            self._stop(self.listeners.popitem()[1])

    def views(self) -> list[dict[str, Any]]:
        return [listener.view() for listener in self.listeners.values()]
