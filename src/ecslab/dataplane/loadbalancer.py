"""The local Application Load Balancer: one loopback nginx per ALB listener.

Each HTTP or HTTPS listener of each ALB in moto gets an nginx on 127.0.0.1:<free port>
that applies the listener's rules and default action (ecslab.dataplane.rules): forward,
round robin, to the healthy targets of a target group (all of them when all are
unhealthy: ALB fails open), translated to their loopback ports, with
X-Forwarded-For/Proto/Port; fixed-response; redirect. It answers ALB's 503 when no target
can be routed to and ALB's 502 when a target fails. An HTTPS listener serves the
certificate the local CA issued for its ACM certificate's names (ecslab.dataplane.acm).
nginx rather than Python: the proxy must keep up with nginx itself (the benchmark asks
for at least half of direct throughput). The configuration is rewritten and reloaded
(SIGHUP) when the rules, the healthy set or the certificate change.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecslab import moto_seam
from ecslab.dataplane import nginxconf, reach
from ecslab.dataplane.acm import Certificates
from ecslab.dataplane.health import HealthChecker
from ecslab.dataplane.network import Endpoints, lb_node_ips
from ecslab.dataplane.process import Child, free_port, wait_for_port
from ecslab.dataplane.rules import Forward, Rule, listener_rules
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
    workdir: Path
    rules: tuple[Rule, ...] = ()
    tls: tuple[Path, Path] | None = None
    child: Child | None = None
    #: The routing last written to nginx.conf, and last loaded by nginx.
    written: nginxconf.Routing | None = None
    applied: nginxconf.Routing | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.protocol == "HTTPS" else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def target_group(self) -> str | None:
        """The target group the default action forwards to (None if it does not)."""
        default = self.rules[-1].action if self.rules else None
        return default.target_group if isinstance(default, Forward) else None

    def target_groups(self) -> list[str]:
        """Every target group the rules and the default action forward to, in rule order."""
        arns = [r.action.target_group for r in self.rules if isinstance(r.action, Forward)]
        return list(dict.fromkeys(arns))

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
            "healthy_targets": self.healthy_targets(),
            "rules": len(self.rules) - 1,
        }

    def healthy_targets(self) -> int:
        """Targets the default action's group routes to (0 when it does not forward)."""
        routing = self.written.backends if self.written else ()
        return sum(len(b) for arn, b in routing if arn == self.target_group)


class LoadBalancers:
    """Keeps one local listener per ALB listener moto holds; routes to healthy targets."""

    def __init__(
        self,
        home: Path,
        health: HealthChecker,
        endpoints: Endpoints,
        certificates: Certificates | None = None,
    ) -> None:
        self.home = home
        self.health = health
        self.endpoints = endpoints
        self.certificates = certificates
        self.listeners: dict[str, Listener] = {}

    def reconcile(self, regions: list[tuple[Any, Any]]) -> None:
        """Start listeners for new ALB listeners, stop removed ones, refresh backends, over
        the (elbv2, ec2) backends of every region at once: a listener is removed only when
        no region holds it any more."""
        seen = set()
        for elbv2, ec2 in regions:
            for lb in moto_seam.load_balancers(elbv2):
                if lb.type != "application":
                    continue
                nodes = lb_node_ips(ec2, list(lb.subnet_ids))
                for aws_listener in lb.listeners:
                    if not reach.internet_reaches_listener(ec2, lb, aws_listener.port):
                        continue  # its security groups shut the internet out: not served
                    arn = aws_listener.arn
                    seen.add(arn)
                    listener = self.listeners.get(arn) or self._start(lb, aws_listener)
                    self._read(listener, aws_listener)
                    self._route(listener, nodes)
        for arn in set(self.listeners) - seen:
            self._stop(self.listeners.pop(arn))

    def _start(self, lb: moto_seam.LoadBalancer, aws_listener: moto_seam.Listener) -> Listener:
        listener = Listener(
            arn=aws_listener.arn,
            load_balancer=lb.name,
            dns_name=lb.dns_name,
            protocol=aws_listener.protocol,
            aws_port=aws_listener.port,
            port=free_port(),
            # named from the listener's id (the ARN's last part), never from a name
            workdir=self.home / "loadbalancers" / aws_listener.arn.rsplit("/", 1)[-1],
        )
        self._read(listener, aws_listener)
        listener.written = self._routing(listener, [])
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
        listener.applied = listener.written
        self.listeners[listener.arn] = listener
        return listener

    def _read(self, listener: Listener, aws_listener: moto_seam.Listener) -> None:
        """The listener's rules and, for HTTPS, its certificate, as moto holds them now."""
        listener.rules = listener_rules(aws_listener)
        certificate = aws_listener.certificate
        if listener.protocol == "HTTPS" and certificate and self.certificates:
            listener.tls = self.certificates.files_for(certificate)

    def _routing(self, listener: Listener, nodes: list[str]) -> nginxconf.Routing:
        groups = tuple((arn, tuple(self._backends(arn, nodes))) for arn in listener.target_groups())
        return nginxconf.Routing(
            listener.aws_port, listener.rules, groups, listener.protocol, listener.tls
        )

    def _backends(self, target_group: str, nodes: list[str]) -> list[nginxconf.Backend]:
        backends = []
        for index, (ip, port) in enumerate(self.health.routable(target_group)):
            local = self.endpoints.resolve(ip, port)
            if local:
                backends.append((local[0], local[1], nodes[index % len(nodes)] if nodes else ip))
        return backends

    def _route(self, listener: Listener, nodes: list[str]) -> None:
        desired = self._routing(listener, nodes)
        if desired != listener.written:
            listener.written = desired
            self._write(listener)
        if listener.applied != listener.written and self._reload(listener):
            listener.applied = listener.written

    def _write(self, listener: Listener) -> None:
        assert listener.written is not None
        listener.workdir.mkdir(parents=True, exist_ok=True)
        conf = nginxconf.listener_conf(listener.workdir, listener.port, listener.written)
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
        return [listener.view() for listener in list(self.listeners.values())]
