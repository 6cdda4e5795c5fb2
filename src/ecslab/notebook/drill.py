"""The 9.3 drill: stop one task, and watch the service replace it while the ALB answers.

This is what `desired_count = 2` buys (section 9.3.3): with one task gone, the other
keeps serving, and the service starts a replacement and registers it with the target
group. The drill sends requests to the load balancer the whole time and reports how many
were answered by nginx.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass

import requests

from ecslab import book
from ecslab.account import clients
from ecslab.errors import CheckFailed
from ecslab.notebook import checks, diagram

REASON = "ecslab drill: stopped on purpose to watch the service replace it"


@dataclass(frozen=True)
class DrillReport:
    """What happened during the drill, in stable words (ids and timings sanitised)."""

    stopped: str
    replacement: str
    answers: Counter[int]
    steady: checks.Result
    seconds: float

    @property
    def all_answered(self) -> bool:
        return set(self.answers) == {200}

    def __repr__(self) -> str:
        served = (
            "The load balancer answered every request with nginx's page (HTTP 200)."
            if self.all_answered
            else f"The load balancer's answers: {dict(sorted(self.answers.items()))}."
        )
        return "\n".join(
            [
                f"Stopped task {self.stopped} (as a crash would).",
                f"The service started task {self.replacement} to replace it "
                f"(took {self.seconds:.1f} s).",
                served,
                repr(self.steady),
            ]
        )


class _Prober(threading.Thread):
    """Sends GET / to the load balancer every 50 ms and counts the status codes."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.answers, self.stop = url, Counter[int](), threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            try:
                self.answers[requests.get(self.url, timeout=10).status_code] += 1
            except requests.RequestException:
                self.answers[0] += 1


def run(timeout: float = 120.0) -> DrillReport:
    """Stop the first task of the service; wait until a replacement runs and is healthy."""
    before = diagram.tasks()
    if not before:
        raise CheckFailed("The service has no task to stop.", hint="Apply 9.3.3 first.")
    victim = before[0].task_id
    prober = _Prober(checks.lb_url())
    prober.start()
    start = time.monotonic()
    clients.client("ecs").stop_task(
        cluster=checks.lab_name(book.CLUSTER), task=victim, reason=REASON
    )
    steady = checks.service_steady(count=len(before), wait=timeout)
    seconds = time.monotonic() - start
    prober.stop.set()
    prober.join()
    new = sorted({t.task_id for t in diagram.tasks()} - {t.task_id for t in before})
    return DrillReport(victim, new[0] if new else "(none)", prober.answers, steady, seconds)
