"""Terraform's machine-readable UI (`-json`), as typed events and readable diagnostics.

`terraform plan|apply|destroy -json` prints one JSON object per line while it works
(https://developer.hashicorp.com/terraform/internals/machine-readable-ui). `parse_event`
turns the lines a learner needs to see into small frozen dataclasses; `Progress` folds
them into "resources done / total, and what is in progress" for the notebook widgets;
`render_diagnostic` prints a diagnostic the way Terraform itself does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Diagnostic:
    """One of Terraform's own errors or warnings, with where it points in the code."""

    severity: str
    summary: str
    detail: str = ""
    filename: str = ""
    line: int = 0
    snippet: str = ""
    snippet_line: int = 0
    context: str = ""
    address: str = ""

    def __str__(self) -> str:
        return render_diagnostic(self)


@dataclass(frozen=True)
class PlannedChange:
    """The plan will create/update/delete/replace this resource."""

    address: str
    action: str


@dataclass(frozen=True)
class ChangeSummary:
    """Terraform's closing count: "Plan: 36 to add, ..." or "Apply complete! ..."."""

    add: int
    change: int
    remove: int
    operation: str


@dataclass(frozen=True)
class ApplyStart:
    """Terraform started creating/updating/deleting this resource."""

    address: str
    action: str


@dataclass(frozen=True)
class ApplyProgress:
    """Still working on this resource (every 10 s)."""

    address: str
    action: str
    elapsed_seconds: int


@dataclass(frozen=True)
class ApplyComplete:
    """This resource is done."""

    address: str
    action: str
    elapsed_seconds: int
    id_value: str = ""


@dataclass(frozen=True)
class ApplyErrored:
    """This resource failed; a Diagnostic with the reason follows."""

    address: str
    action: str
    elapsed_seconds: int


Event = (
    Diagnostic
    | PlannedChange
    | ChangeSummary
    | ApplyStart
    | ApplyProgress
    | ApplyComplete
    | ApplyErrored
)


def parse_event(line: str) -> Event | None:
    """The event one line of `-json` output carries, or None for lines we do not show."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if not isinstance(message, dict):
        return None
    parser = _PARSERS.get(str(message.get("type")))
    return parser(message) if parser else None


def parse_diagnostic(raw: dict[str, Any]) -> Diagnostic:
    """A Diagnostic from the `diagnostic` object of `-json` output (also `validate -json`)."""
    where = raw.get("range") or {}
    snippet = raw.get("snippet") or {}
    return Diagnostic(
        severity=str(raw.get("severity", "error")),
        summary=str(raw.get("summary", "")),
        detail=str(raw.get("detail", "")),
        filename=str(where.get("filename", "")),
        line=int((where.get("start") or {}).get("line", 0)),
        snippet=str(snippet.get("code", "")),
        snippet_line=int(snippet.get("start_line", 0)),
        context=str(snippet.get("context") or ""),
        address=str(raw.get("address", "")),
    )


def _hook(message: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    hook = message.get("hook") or message.get("change") or {}
    return str(hook.get("resource", {}).get("addr", "")), str(hook.get("action", "")), hook


def _planned(message: dict[str, Any]) -> Event:
    address, action, _ = _hook(message)
    return PlannedChange(address, action)


def _summary(message: dict[str, Any]) -> Event:
    changes = message.get("changes") or {}
    return ChangeSummary(
        add=int(changes.get("add", 0)),
        change=int(changes.get("change", 0)),
        remove=int(changes.get("remove", 0)),
        operation=str(changes.get("operation", "")),
    )


def _start(message: dict[str, Any]) -> Event:
    address, action, _ = _hook(message)
    return ApplyStart(address, action)


def _progress(message: dict[str, Any]) -> Event:
    address, action, hook = _hook(message)
    return ApplyProgress(address, action, int(hook.get("elapsed_seconds", 0)))


def _complete(message: dict[str, Any]) -> Event:
    address, action, hook = _hook(message)
    seconds = int(hook.get("elapsed_seconds", 0))
    return ApplyComplete(address, action, seconds, str(hook.get("id_value") or ""))


def _errored(message: dict[str, Any]) -> Event:
    address, action, hook = _hook(message)
    return ApplyErrored(address, action, int(hook.get("elapsed_seconds", 0)))


def _diagnostic(message: dict[str, Any]) -> Event:
    return parse_diagnostic(message.get("diagnostic") or {})


_PARSERS = {
    "planned_change": _planned,
    "change_summary": _summary,
    "apply_start": _start,
    "apply_progress": _progress,
    "apply_complete": _complete,
    "apply_errored": _errored,
    "diagnostic": _diagnostic,
}


def render_diagnostic(diag: Diagnostic) -> str:
    """The diagnostic as Terraform prints it (without colour or box drawing)."""
    lines = [f"{diag.severity.capitalize()}: {diag.summary}"]
    if diag.filename:
        where = f"  on {diag.filename} line {diag.line}"
        lines += ["", where + (f", in {diag.context}:" if diag.context else ":")]
        first = diag.snippet_line or diag.line
        lines += [f"  {first + i:>3}: {code}" for i, code in enumerate(diag.snippet.split("\n"))]
    if diag.detail:
        lines += ["", diag.detail]
    return "\n".join(lines)


@dataclass
class Progress:
    """What a progress bar shows: resources done out of the total, and those in progress.

    Feed it every event of a plan-then-apply (or of a destroy): `PlannedChange`s set the
    total, `ApplyStart`/`ApplyComplete` move the rest. Data-source reads are not counted:
    Terraform does not count them in its "Plan: N to add" either.
    """

    planned: set[str] = field(default_factory=set)
    done: set[str] = field(default_factory=set)
    in_progress: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def feed(self, event: Event) -> None:
        """Update the counts from one event."""
        if getattr(event, "action", "") == "read":
            return
        if isinstance(event, PlannedChange):
            self.planned.add(event.address)
        elif isinstance(event, ApplyStart):
            self.in_progress[event.address] = 0
        elif isinstance(event, ApplyProgress):
            self.in_progress[event.address] = event.elapsed_seconds
        elif isinstance(event, ApplyComplete):
            self.in_progress.pop(event.address, None)
            self.done.add(event.address)
        elif isinstance(event, ApplyErrored):
            self.in_progress.pop(event.address, None)
            self.failed.append(event.address)

    @property
    def total(self) -> int:
        """Resources the plan changes (at least those already done)."""
        return len(self.planned | self.done)

    @property
    def fraction(self) -> float:
        """Done / total, in [0, 1]."""
        return len(self.done) / self.total if self.total else 0.0

    def __str__(self) -> str:
        running = ", ".join(sorted(self.in_progress))
        return f"{len(self.done)}/{self.total} done" + (
            f"; in progress: {running}" if running else ""
        )
