"""The 9.3 drill: stop one task, and watch the service replace it while the ALB answers.

This is what `desired_count = 2` buys (section 9.3.3): with one task gone, the other
keeps serving, and the service starts a replacement and registers it with the target
group. With `desired_count = 1` the load balancer has no target until the replacement is
healthy, and answers 503. The drill sends requests to the load balancer the whole time and
counts how many failed; it says how long the replacement took here and what that is in
AWS time (the local cloud runs ECSLAB_TIME_SCALE times faster).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass

import requests

from ecslab import book, settings
from ecslab.account import clients
from ecslab.errors import CheckFailed
from ecslab.i18n import _
from ecslab.notebook import checks, diagram

#: The reason StopTask records (AWS's field, read through the API: stays English).
REASON = "ecslab drill: stopped on purpose to watch the service replace it"


@dataclass(frozen=True)
class DrillReport:
    """What happened during the drill, in stable words (ids and timings sanitised)."""

    stopped: str
    replacement: str  # "" when no replacement started
    answers: Counter[int]
    steady: checks.Result
    seconds: float
    #: How many times faster than AWS the cloud ran (1 on AWS itself).
    scale: float = 1.0

    @property
    def total(self) -> int:
        """Requests sent to the load balancer during the drill."""
        return sum(self.answers.values())

    @property
    def failed(self) -> int:
        """Requests not answered with nginx's page (HTTP 200): a 503, a 502, no answer."""
        return self.total - self.answers[200]

    @property
    def all_answered(self) -> bool:
        return self.failed == 0

    def __repr__(self) -> str:
        return "\n".join(
            [
                _("Stopped task {task} (as a crash would).").format(task=self.stopped),
                _("The service started task {task} to replace it: {took}").format(
                    task=self.replacement or _("(none)"), took=self._took()
                ),
                self._served(),
                repr(self.steady),
            ]
        )

    def _took(self) -> str:
        """How long until the service was steady again, here and in AWS time."""
        if self.scale == 1:
            return _("took {seconds:.1f} s until the service was steady again.").format(
                seconds=self.seconds
            )
        return _(
            "took {seconds:.1f} s until the service was steady again, here, where time "
            "runs {scale:g} times faster than on AWS (about {aws:.0f} s on AWS)."
        ).format(seconds=self.seconds, scale=self.scale, aws=self.seconds * self.scale)

    def _served(self) -> str:
        if self.all_answered:
            return _(
                "The load balancer answered all {total} requests with nginx's page "
                "(HTTP 200): none failed."
            ).format(total=self.total)
        codes = ", ".join(
            f"HTTP {code} ×{count}" if code else _("no answer ×{count}").format(count=count)
            for code, count in sorted(self.answers.items())
            if code != 200
        )
        return _(
            "The load balancer failed {failed} of {total} requests ({codes}); "
            "nginx's page answered the rest."
        ).format(failed=self.failed, total=self.total, codes=codes)


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
        raise CheckFailed(_("The service has no task to stop."), hint=_("Apply 9.3.3 first."))
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
    scale = settings.time_scale() if settings.target() == "local" else 1.0
    replacement = new[0] if new else ""
    return DrillReport(victim, replacement, prober.answers, steady, seconds, scale)
