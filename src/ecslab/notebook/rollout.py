"""A rolling deployment watched live: which revisions serve requests through the ALB, over time.

Which revision answered a request? Found the way one would on AWS, with nothing the
local cloud adds: each request carries a marker in its User-Agent,
`ecslab-rollout/<run>/<n>`; the task that served it writes that line to its access log,
in its own stream `nginx/example/<task-id>`; a filter pattern query
(`filter-log-events --filter-pattern '"ecslab-rollout/<run>/"'`) finds the lines, the
stream names the task, and DescribeTasks names the task's revision. Logs arrive a little
late (seconds locally, up to minutes on AWS), so the picture fills in behind the requests.

The plain functions (phases, counts per second, attribution) take data and return data;
`Rollout` runs them on a live service and `Rollout.view` is its thin widget.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import requests

from ecslab import settings
from ecslab.account import clients
from ecslab.book import CLUSTER, LOG_GROUP, SERVICE, lab_name
from ecslab.i18n import _, ngettext
from ecslab.notebook import checks, diagram, polling

#: What every probe's User-Agent starts with; a run adds its own id and the request's number.
MARKER = "ecslab-rollout"
#: Seconds between two probes of one sender (real time), and how many senders: enough
#: requests that a stretch of a second where both revisions serve is never missed.
INTERVAL = 0.05
SENDERS = 4

Revision = str  # "example:3"


@dataclass(frozen=True)
class Sample:
    """One request sent through the load balancer: its number, when, and the answer."""

    seq: int
    at: float  # seconds since the watch began
    status: int  # HTTP status, 0 when nothing answered


@dataclass(frozen=True)
class Second:
    """The requests of one second of the watch: how many each revision served, and failures."""

    at: int
    served: dict[Revision, int]
    failed: int
    unknown: int  # answered, but not (yet) found in any task's log


def user_agent(run: str, seq: int) -> str:
    """The User-Agent of request `seq` of watch `run`: what finds it in the access logs."""
    return f"{MARKER}/{run}/{seq}"


def served_by(events: Iterable[dict[str, Any]], run: str) -> dict[int, str]:
    """Request number -> id of the task whose log holds it, from filter-log-events' events."""
    found = re.compile(rf"{re.escape(MARKER)}/{re.escape(run)}/(\d+)\b")
    tasks: dict[int, str] = {}
    for event in events:
        match = found.search(event.get("message", ""))
        if match:
            tasks[int(match.group(1))] = event["logStreamName"].rsplit("/", 1)[-1]
    return tasks


def phases(order: Sequence[Revision]) -> list[tuple[Revision, ...]]:
    """Who served, phase by phase, from the revisions in the order requests were sent.

    A revision is serving from its first request to its last; a phase is a stretch where
    the same revisions serve. ["a", "a", "b", "a", "b", "b"] -> [("a",), ("a", "b"), ("b",)].
    """
    first: dict[Revision, int] = {}
    last: dict[Revision, int] = {}
    for index, revision in enumerate(order):
        first.setdefault(revision, index)
        last[revision] = index
    found: list[tuple[Revision, ...]] = []
    for index in range(len(order)):
        serving = tuple(sorted(r for r in first if first[r] <= index <= last[r]))
        if not found or found[-1] != serving:
            found.append(serving)
    return found


def seconds(samples: Sequence[Sample], revisions: dict[int, Revision]) -> list[Second]:
    """Counts per second of the watch: per revision, failed, not yet attributed."""
    if not samples:
        return []
    counts: list[Second] = []
    for at in range(int(max(s.at for s in samples)) + 1):
        these = [s for s in samples if int(s.at) == at]
        served: dict[Revision, int] = {}
        for sample in these:
            if sample.seq in revisions:
                served[revisions[sample.seq]] = served.get(revisions[sample.seq], 0) + 1
        failed = sum(1 for s in these if not 200 <= s.status < 400)
        unknown = len(these) - failed - sum(served.values())
        counts.append(Second(at, served, failed, unknown))
    return counts


def table_html(rows: Sequence[Second], last: int = 60) -> str:
    """The live table: one row per second (the latest `last`), a bar per revision."""
    names = sorted({r for row in rows for r in row.served})
    head = "".join(f"<th>{escape(n)}</th>" for n in names)
    body = "".join(
        f"<tr><td>{row.at} s</td>"
        + "".join(f"<td>{'█' * row.served.get(n, 0)} {row.served.get(n, 0)}</td>" for n in names)
        + f"<td>{row.failed}</td><td>{row.unknown}</td></tr>"
        for row in rows[-last:]
    )
    time_, failed = escape(_("time")), escape(_("failed"))
    unknown = escape(_("not in the logs yet"))
    return (
        f"<table class='ecslab-rollout'><tr><th>{time_}</th>"
        f"{head}<th>{failed}</th><th>{unknown}</th></tr>{body}</table>"
    )


def _failures_text(statuses: tuple[int, ...]) -> str:
    return ", ".join(f"HTTP {s}" if s else _("no answer") for s in statuses)


def _phase_text(phase: tuple[Revision, ...]) -> str:
    if len(phase) == 1:
        return _("{revision} only").format(revision=phase[0])
    # TRANSLATORS: " and " joins the revisions that serve at once: "example:1 and example:2".
    return _("{revisions} (both serving)").format(revisions=_(" and ").join(phase))


@dataclass
class RolloutReport:
    """What the watch saw, in a stable text form: the phases, failures, how long it took."""

    phases: list[tuple[Revision, ...]]
    requests: int
    failed: tuple[int, ...]  # the status of each failed request (0: no answer)
    switch: float  # seconds from the first request of the new revision to the last of the old
    completed: float  # seconds from the first request of the new revision to steady state
    drain: float  # the deregistration delay, in AWS seconds

    def __repr__(self) -> str:
        lines = [
            _("Every request through the load balancer was answered: none failed.")
            if not self.failed
            else ngettext(
                "{count} request failed: {statuses}.",
                "{count} requests failed: {statuses}.",
                len(self.failed),
            ).format(count=len(self.failed), statuses=_failures_text(self.failed)),
            _("Who served them, in order:"),
        ]
        lines += [f"  {i}. {_phase_text(p)}" for i, p in enumerate(self.phases, 1)]
        if any(len(p) > 1 for p in self.phases):
            lines.append(
                _(
                    "Both revisions served requests for a while: the switch took {seconds:.1f} s."
                ).format(seconds=self.switch)
            )
        scale = settings.time_scale() if settings.target() == "local" else 1.0
        lines.append(
            _(
                "The old tasks drained before they stopped: from the new revision's first "
                "request to the end of the deployment took {completed:.1f} s "
                "(deregistration_delay {drain:.0f} s: {here:.0f} s here, "
                "at {scale:g} times AWS's speed)."
            ).format(
                completed=self.completed, drain=self.drain, here=self.drain / scale, scale=scale
            )
        )
        return "\n".join(lines)


def report(
    samples: Sequence[Sample], revisions: dict[int, Revision], completed_at: float, drain: float
) -> RolloutReport:
    """The report of a watch: `completed_at` is when the service was steady again."""
    answered = sorted((s for s in samples if s.seq in revisions), key=lambda s: s.at)
    order = [revisions[s.seq] for s in answered]
    found = phases(order)
    new = found[-1][0] if found else ""
    first_new = next((s.at for s in answered if revisions[s.seq] == new), 0.0)
    last_old = max((s.at for s in answered if revisions[s.seq] != new), default=first_new)
    failed = tuple(s.status for s in samples if not 200 <= s.status < 400)
    return RolloutReport(
        found,
        len(samples),
        failed,
        max(last_old - first_new, 0.0),
        max(completed_at - first_new, 0.0),
        drain,
    )


# --- the live service ------------------------------------------------------------------


def events_of(run: str, start_ms: int) -> list[dict[str, Any]]:
    """The access-log lines of watch `run`: a filter pattern query, every page."""
    return matching(f'"{MARKER}/{run}/"', start_ms)


def matching(pattern: str, start_ms: int = 0) -> list[dict[str, Any]]:
    """The log group's events that match a filter pattern, as filter-log-events returns them."""
    logs = clients.client("logs")
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName=lab_name(LOG_GROUP), startTime=start_ms, filterPattern=pattern
    )
    return [event for page in pages for event in page.get("events", [])]


@dataclass(frozen=True)
class Sent:
    """Requests sent to `/?<mark>`: their answers, and how many the logs hold."""

    mark: str
    statuses: tuple[int, ...]
    logged: int

    def __repr__(self) -> str:
        answers = ", ".join(str(s) for s in self.statuses)
        return ngettext(
            "Sent {count} request to /?{mark} (HTTP {answers}); "
            "{logged} of them in the tasks' access logs.",
            "Sent {count} requests to /?{mark} (HTTP {answers}); "
            "{logged} of them in the tasks' access logs.",
            len(self.statuses),
        ).format(count=len(self.statuses), mark=self.mark, answers=answers, logged=self.logged)


def send_marked(mark: str, count: int = 3, wait: float = 120.0) -> Sent:
    """Send `count` requests through the load balancer to `/?<mark>`, then wait (AWS
    seconds) until the tasks' access logs hold them: the logs arrive a little late."""
    start_ms = int(time.time() * 1000) - 1000
    url = f"{checks.lb_url()}/?{mark}"
    statuses = tuple(requests.get(url, timeout=5).status_code for _ in range(count))
    deadline = polling.deadline(wait)
    found = matching(f'"{mark}"', start_ms)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.5)
        found = matching(f'"{mark}"', start_ms)
    return Sent(mark, statuses, len(found))


def revisions_of(task_ids: Iterable[str]) -> dict[str, Revision]:
    """Task id -> the revision it runs (stopped tasks included, while ECS still shows them)."""
    ecs = clients.client("ecs")
    ids = sorted(set(task_ids))
    found: dict[str, Revision] = {}
    for start in range(0, len(ids), 100):
        described = ecs.describe_tasks(cluster=lab_name(CLUSTER), tasks=ids[start : start + 100])
        for task in described.get("tasks", []):
            found[task["taskArn"].rsplit("/", 1)[-1]] = diagram.revision_of(
                task["taskDefinitionArn"]
            )
    return found


def deregistration_delay() -> float:
    """The target group's deregistration delay (AWS seconds): how long a target drains."""
    elbv2 = clients.client("elbv2")
    groups = elbv2.describe_target_groups().get("TargetGroups", [])
    for group in groups:
        attributes = elbv2.describe_target_group_attributes(TargetGroupArn=group["TargetGroupArn"])
        for item in attributes.get("Attributes", []):
            if item["Key"] == "deregistration_delay.timeout_seconds":
                return float(item["Value"])
    return 300.0


def _deployments() -> list[dict[str, Any]]:
    found = clients.client("ecs").describe_services(
        cluster=lab_name(CLUSTER), services=[lab_name(SERVICE)]
    )
    services = found.get("services", [])
    return list(services[0].get("deployments", [])) if services else []


def running_tasks() -> list[str]:
    """Ids of the service's tasks that ECS wants running now."""
    arns = clients.client("ecs").list_tasks(
        cluster=lab_name(CLUSTER), serviceName=lab_name(SERVICE)
    )
    return [arn.rsplit("/", 1)[-1] for arn in arns.get("taskArns", [])]


def stopped(task_ids: Sequence[str]) -> bool:
    """Every one of these tasks has stopped (or is no longer shown)."""
    if not task_ids:
        return True
    described = clients.client("ecs").describe_tasks(
        cluster=lab_name(CLUSTER), tasks=list(task_ids)
    )
    return all(t.get("lastStatus") == "STOPPED" for t in described.get("tasks", []))


def rolled_out(before: str, old_tasks: Sequence[str]) -> bool:
    """A deployment newer than `before` is the service's primary, and the tasks that
    ran before it (`old_tasks`) have drained and stopped."""
    found = _deployments()
    primary = next((d for d in found if d.get("status") == "PRIMARY"), None)
    return primary is not None and primary["id"] != before and stopped(old_tasks)


class Rollout:
    """Sends requests through the load balancer until `wait()` sees the deployment done."""

    def __init__(self, interval: float = INTERVAL) -> None:
        self.run = uuid.uuid4().hex[:8]
        self.url = checks.lb_url()
        self.interval = interval
        self.samples: list[Sample] = []
        self.revisions: dict[int, Revision] = {}
        self.served: dict[int, str] = {}  # request number -> task id
        self.before = (_deployments() or [{"id": ""}])[0]["id"]
        self.old_tasks = running_tasks()
        self.start = time.monotonic()
        self.start_ms = int(time.time() * 1000) - 1000
        self._stop = threading.Event()
        self._view: Any = None
        self._numbers = itertools.count()
        self._threads = [
            threading.Thread(target=self._probe, daemon=True, name="rollout-probe")
            for _ in range(SENDERS)
        ]
        self._threads.append(
            threading.Thread(target=self._attribute_loop, daemon=True, name="rollout-logs")
        )
        for thread in self._threads:
            thread.start()

    def _probe(self) -> None:
        with requests.Session() as session:
            while not self._stop.is_set():
                seq = next(self._numbers)
                at = time.monotonic() - self.start
                try:
                    headers = {"User-Agent": user_agent(self.run, seq)}
                    status = session.get(self.url, headers=headers, timeout=5).status_code
                except requests.RequestException:
                    status = 0
                self.samples.append(Sample(seq, at, status))
                self._stop.wait(self.interval)

    def _attribute_loop(self) -> None:
        while not self._stop.wait(1.0):
            self.attribute()

    def attribute(self) -> None:
        """Find the requests sent so far in the tasks' logs; refresh the live table."""
        self.served = served_by(events_of(self.run, self.start_ms), self.run)
        known = revisions_of(self.served.values())
        self.revisions = {seq: known[t] for seq, t in self.served.items() if t in known}
        if self._view is not None:
            self._view.value = table_html(seconds(list(self.samples), self.revisions))

    def view(self) -> Any:
        """The live table as a widget: one row per second, requests per revision."""
        import ipywidgets as w

        self._view = w.HTML(table_html([]))
        return self._view

    def wait(self, timeout: float = 900.0) -> RolloutReport:
        """Wait (`timeout` in AWS seconds) until the new deployment completed, then stop
        sending and report: the phases of who served, failures, how long it took."""
        deadline = polling.deadline(timeout)
        while not rolled_out(self.before, self.old_tasks) and time.monotonic() < deadline:
            time.sleep(0.5)
        completed_at = time.monotonic() - self.start
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self._settle(polling.deadline(30))
        return report(self.samples, self.revisions, completed_at, deregistration_delay())

    def _settle(self, deadline: float) -> None:
        """Wait for the last answered requests to show up in the logs."""
        answered = {s.seq for s in self.samples if 200 <= s.status < 400}
        self.attribute()
        while not answered <= set(self.revisions) and time.monotonic() < deadline:
            time.sleep(0.5)
            self.attribute()


# --- scaling ---------------------------------------------------------------------------


def scale(count: int, wait: float = 600.0) -> checks.Result:
    """Set the service's desired count through the API, as `aws ecs update-service
    --desired-count` does, and wait (AWS seconds) until it is steady with `count` tasks.
    Scaling in takes the deregistration delay: a task drains before it stops."""
    clients.client("ecs").update_service(
        cluster=lab_name(CLUSTER), service=lab_name(SERVICE), desiredCount=count
    )
    return checks.service_steady(count, wait)


def scaler(start: int = 2, most: int = 4) -> Any:
    """A slider and a button that scale the service and show it settle (see `scale`)."""
    return Scaler(start, most)


class Scaler:
    """The scaling widget: thin, it calls `scale` and shows its check result."""

    def __init__(self, start: int, most: int) -> None:
        import ipywidgets as w

        self.slider = w.IntSlider(value=start, min=1, max=most, description=_("tasks"))
        self.button = w.Button(description=_("Scale the service"))
        self.shown = w.HTML()
        self.button.on_click(lambda _: self._scale())
        self.widget = w.VBox([w.HBox([self.slider, self.button]), self.shown])
        self.widget.add_class("ecslab-scaler")

    def _scale(self) -> None:
        self.button.disabled = True
        count = self.slider.value
        self.shown.value = escape(
            ngettext("Scaling to {count} task...", "Scaling to {count} tasks...", count)
        ).format(count=count)
        try:
            self.shown.value = scale(self.slider.value)._repr_html_()
        finally:
            self.button.disabled = False

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)  # type: ignore[no-untyped-call]

    def __repr__(self) -> str:
        return _("Scaler: pick a number of tasks, press the button, watch the service settle")
