"""Target health: the load balancer's health checks and the states DescribeTargetHealth shows.

moto reports every registered target healthy. Here every target registered in a target
group (by ECS or by hand) is really checked, by the group's settings (protocol, path,
port, matcher, interval, timeout, thresholds), from each load-balancer node with the
`ELB-HealthChecker/2.0` user agent, and goes initial -> healthy/unhealthy, or draining
for the deregistration delay, with AWS's reason codes. `routable` says where the load
balancer sends requests (healthy targets, or all of them when all are unhealthy).
`install()` makes moto's DescribeTargetHealth answer from here.
"""

from __future__ import annotations

import dataclasses
import http.client
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ecslab import moto_seam
from ecslab.dataplane.clock import Clock
from ecslab.dataplane.network import Endpoints
from ecslab.dataplane.nginxconf import PEER_HEADER

USER_AGENT = "ELB-HealthChecker/2.0"

REGISTERING = ("initial", "Elb.RegistrationInProgress", "Target registration is in progress")
CHECKING = ("initial", "Elb.InitialHealthChecking", "Initial health checks in progress")
DRAINING = ("draining", "Target.DeregistrationInProgress", "Target deregistration is in progress")
NOT_IN_USE = (
    "unused",
    "Target.NotInUse",
    "Target group is not configured to receive traffic from the load balancer",
)
DISABLED = ("unavailable", "Target.HealthCheckDisabled", "Health checks are disabled")
HEALTHY = ("healthy", None, None)

Key = tuple[str, str, int]  # target group arn, target id, port
Admits = Callable[[str, int], bool]  # (target ip, port) -> may the ALB open it?


@dataclass
class TargetState:
    """One target of one target group, as its health checks left it."""

    state: tuple[str, str | None, str | None] = REGISTERING
    successes: int = 0
    failures: int = 0
    next_check: float = 0.0
    checking: bool = False
    drain_until: float | None = None
    #: May the load balancer open the target's traffic port (its security groups)?
    reachable: bool = True


def matches(code: int, matcher: str) -> bool:
    """ALB matcher syntax: "200", "200,202", "200-299"."""
    for part in re.split(r"\s*,\s*", matcher.strip() or "200"):
        low, _, high = part.partition("-")
        if low.isdigit() and int(low) <= code <= int(high or low):
            return True
    return False


def settings_of(group: moto_seam.TargetGroup) -> dict[str, Any]:
    """The health-check settings of a target group, with AWS's defaults."""
    return dataclasses.asdict(group.health_check)


def _check_port(config: dict[str, Any], traffic_port: int) -> int:
    return traffic_port if config["port"] == "traffic-port" else int(config["port"])


def probe(address: tuple[str, int] | None, host: str, path: str, timeout: float, peer: str) -> int:
    """One health-check request; returns the status code, -1 on timeout, 0 on failure."""
    if address is None:
        return -1
    conn = http.client.HTTPConnection(address[0], address[1], timeout=timeout)
    try:
        conn.request(
            "GET", path, headers={"User-Agent": USER_AGENT, "Host": host, PEER_HEADER: peer}
        )
        response = conn.getresponse()
        response.read()
        return response.status
    except TimeoutError:
        return -1
    except OSError:
        return 0
    finally:
        conn.close()


def failure_state(code: int) -> tuple[str, str, str]:
    """AWS's unhealthy reason for one failed check."""
    if code == -1:
        return ("unhealthy", "Target.Timeout", "Request timed out")
    if code == 0:
        return ("unhealthy", "Target.FailedHealthChecks", "Health checks failed")
    return (
        "unhealthy",
        "Target.ResponseCodeMismatch",
        f"Health checks failed with these codes: [{code}]",
    )


class HealthChecker:
    """Keeps a TargetState for every registered target and checks each on its interval."""

    def __init__(self, clock: Clock, endpoints: Endpoints) -> None:
        self.clock = clock
        self.endpoints = endpoints
        self.lock = threading.RLock()
        self.targets: dict[Key, TargetState] = {}
        self.changed = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="health")

    def sync(self, group: moto_seam.TargetGroup, in_use: bool, delay: float) -> None:
        """Track new targets of `group`, start draining deregistered ones, drop drained ones."""
        now = self.clock.now()
        current = {(group.arn, t.id, t.port) for t in group.targets}
        with self.lock:
            for key in current:
                known = self.targets.get(key)
                if known is None or known.drain_until is not None:
                    self.targets[key] = TargetState()
                    self.changed.set()
                elif in_use and known.state == NOT_IN_USE:
                    known.state = REGISTERING
            for key, target in list(self.targets.items()):
                if key[0] != group.arn or key in current:
                    continue
                if target.drain_until is None:
                    target.drain_until = now + self.clock.real(delay)
                    target.state = DRAINING
                    self.changed.set()
                elif now >= target.drain_until:
                    del self.targets[key]
            if not in_use:
                for key in current:
                    self.targets[key].state = NOT_IN_USE

    def forget_groups_but(self, groups: set[str]) -> None:
        """Drop the targets of target groups that no longer exist (deleted groups)."""
        with self.lock:
            for key in [k for k in self.targets if k[0] not in groups]:
                del self.targets[key]

    def due(
        self, group: moto_seam.TargetGroup, nodes: list[str], admits: Admits = lambda ip, port: True
    ) -> None:
        """Start the checks of `group` whose interval has come. `admits(ip, port)` says
        whether the ALB may open that port of the target (ecslab.dataplane.reach); it is
        asked here, on the caller's thread, so that checks never read moto's state."""
        config = settings_of(group)
        now = self.clock.now()
        with self.lock:
            for key, target in self.targets.items():
                if key[0] != group.arn or target.drain_until is not None or target.checking:
                    continue
                if target.state == NOT_IN_USE:
                    continue
                if not config["enabled"]:
                    target.state = DISABLED
                    continue
                if now >= target.next_check:
                    target.checking = True
                    target.next_check = now + self.clock.real(config["interval"])
                    _, ip, traffic_port = key
                    target.reachable = admits(ip, traffic_port)
                    port = _check_port(config, traffic_port)
                    open_ = target.reachable if port == traffic_port else admits(ip, port)
                    self._pool.submit(self._check, key, config, nodes, open_)

    def _check(self, key: Key, config: dict[str, Any], nodes: list[str], open_: bool) -> None:
        """One round of checks, from every ALB node; a port the target's security groups
        close times out, as the ALB's SYN gets no answer on AWS."""
        _, ip, traffic_port = key
        port = _check_port(config, traffic_port)
        address = self.endpoints.resolve(ip, port) if open_ else None
        timeout = max(self.clock.real(config["timeout"]), 0.2)
        codes = [
            probe(address, f"{ip}:{port}", config["path"], timeout, peer) for peer in nodes or [ip]
        ]
        bad = next((c for c in codes if not matches(c, config["matcher"])), None)
        with self.lock:
            target = self.targets.get(key)
            if target is not None and target.drain_until is None:
                self._record(target, bad, config)
                target.checking = False

    def _record(self, target: TargetState, bad: int | None, config: dict[str, Any]) -> None:
        before = target.state
        if bad is None:
            target.successes, target.failures = target.successes + 1, 0
            initial = target.state[0] == "initial"
            if initial or target.successes >= config["healthy"]:
                target.state = HEALTHY
        else:
            target.failures, target.successes = target.failures + 1, 0
            if target.state[0] == "initial" and target.failures < config["unhealthy"]:
                target.state = CHECKING
            elif target.state == HEALTHY and target.failures < config["unhealthy"]:
                pass
            else:
                target.state = failure_state(bad)
        if target.state[0] != before[0]:
            self.changed.set()

    def state(
        self, arn: str, target_id: str, port: int
    ) -> tuple[str, str | None, str | None] | None:
        """The (State, Reason, Description) of a target, or None if not tracked."""
        with self.lock:
            target = self.targets.get((arn, target_id, port))
            return target.state if target else None

    def healthy(self, arn: str) -> list[tuple[str, int]]:
        """The (id, port) of the healthy targets of a group, in registration order."""
        with self.lock:
            return [
                (k[1], k[2])
                for k, t in self.targets.items()
                if k[0] == arn and t.state == HEALTHY and t.reachable
            ]

    def routable(self, arn: str) -> list[tuple[str, int]]:
        """Where the load balancer sends requests for group `arn`, as an ALB does: to the
        healthy targets; when every registered target is unhealthy, to all of them (it
        fails open); else (none registered, or still `initial`) nowhere: a 503. A target
        whose security groups shut the ALB out gets nothing: on AWS the request would time
        out (504 after the ALB's connect timeout); locally it is left out at once."""
        healthy = self.healthy(arn)
        if healthy:
            return healthy
        with self.lock:
            serving = [
                (k, t) for k, t in self.targets.items() if k[0] == arn and t.drain_until is None
            ]
            if serving and all(t.state[0] == "unhealthy" for _, t in serving):
                return [(k[1], k[2]) for k, t in serving if t.reachable]
        return []

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_BY = "ecslab.dataplane.health"


def install(checker: HealthChecker) -> None:
    """Make moto's DescribeTargetHealth report the checker's states (never moto's own)."""

    def health_for(call: moto_seam.Call) -> Any:
        group, target = moto_seam.target_group(call.self), call["target"]
        port = int(target.get("Port") or moto_seam.target_port(call.self, target["Id"]))
        # A target the checker has not picked up yet is being registered, as on AWS (moto's
        # own answer would be an instant `healthy`).
        state, reason, description = checker.state(group.arn, target["Id"], port) or REGISTERING
        return moto_seam.health_status(
            target["Id"], str(port), group.health_check_port, state, reason, description
        )

    moto_seam.wrap("elbv2.health_for", health_for, by=_BY)


def uninstall() -> None:
    """Give moto back its own DescribeTargetHealth."""
    moto_seam.unwrap(by=_BY)
