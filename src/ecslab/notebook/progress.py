"""Live progress of a Terraform operation: a panel in a notebook, lines in a terminal.

Progress is volatile by nature (timings, order of completion), so in a notebook it never
goes into the cell's printed output: a panel is updated in place, and the cell's output
is only the stable summary the operation returns. When the run ends, the panel shows
Terraform's own closing line ("Plan: 2 to add, 0 to change, 1 to destroy.").

lab.plan/apply/destroy take a reporter from their caller (the widgets hand in theirs);
`reporter()` is the default. Nothing here imports lab or the widgets: they sit above.
"""

from __future__ import annotations

import sys
from typing import Protocol

import ipywidgets as w
from IPython.display import display

from ecslab.i18n import _
from ecslab.tf.events import Event, Progress


class Reporter(Protocol):
    """What lab.plan/apply/destroy tell while they work."""

    def step(self, text: str) -> None: ...
    def feed(self, event: Event) -> None: ...
    def waiting(self, seconds: float) -> None: ...
    def note(self, text: str) -> None: ...
    def finish(self, headline: str) -> None: ...
    def close(self) -> None: ...


def live_line(kind: str, progress: Progress) -> str:
    """The line shown while Terraform works: a plan counts changes, an apply counts done."""
    if kind == "plan":
        found = _("{count} change(s) found so far").format(count=progress.total)
        return f"terraform plan: {found}"
    done = _("{done}/{total} done").format(done=len(progress.done), total=progress.total)
    running = ", ".join(sorted(progress.in_progress))
    if running:
        done += _("; in progress: {resources}").format(resources=running)
    return f"terraform {kind}: {done}"


def waiting_line(seconds: float) -> str:
    """What a run waiting for the workspace lock shows."""
    return _(
        "waiting {seconds} s for another Terraform run in the workspace "
        "(the background apply of the prerequisites?)"
    ).format(seconds=int(seconds))


class TextReporter:
    """Progress as lines on stderr (outside notebooks: scripts, the CLI)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.progress = Progress()
        self._last = ""
        self._waited = False

    def step(self, text: str) -> None:
        self._say(text)

    def feed(self, event: Event) -> None:
        self.progress.feed(event)
        line = live_line(self.kind, self.progress)
        if line != self._last and self.progress.total:
            self._say(line)
            self._last = line

    def waiting(self, seconds: float) -> None:
        if not self._waited:
            self._say(waiting_line(seconds))
            self._waited = True

    def note(self, text: str) -> None:
        self._say(text)

    def finish(self, headline: str) -> None:
        self._say(headline)

    def close(self) -> None:
        return None

    def _say(self, text: str) -> None:
        print(f"[{self.kind}] {text}", file=sys.stderr)


class ProgressPanel(w.HBox):  # type: ignore[misc]
    """A progress bar and a line: the step, resources done / total, what is in progress;
    at the end, Terraform's closing line."""

    def __init__(self, kind: str) -> None:
        self.kind, self.progress = kind, Progress()
        self.finished = False
        self.bar = w.IntProgress(value=0, min=0, max=1, description=kind)
        self.label = w.Label(value=_("starting"))
        super().__init__([self.bar, self.label])
        self.add_class("ecslab-progress")

    @classmethod
    def show(cls, kind: str) -> ProgressPanel:
        """Display a new panel and return it (it is the reporter of one operation)."""
        panel = cls(kind)
        display(panel)  # type: ignore[no-untyped-call]
        return panel

    def step(self, text: str) -> None:
        self.label.value = text

    def feed(self, event: Event) -> None:
        self.progress.feed(event)
        self.bar.max = max(1, self.progress.total)
        self.bar.value = len(self.progress.done)
        if self.progress.total:
            self.label.value = live_line(self.kind, self.progress)

    def waiting(self, seconds: float) -> None:
        self.label.value = waiting_line(seconds)

    def note(self, text: str) -> None:
        self.label.value = text

    def finish(self, headline: str) -> None:
        self.finished = True
        self.label.value = headline

    def close(self) -> None:
        ok = self.finished and not self.progress.failed
        self.bar.bar_style = "success" if ok else "danger"
        self.bar.value = self.bar.max
        if not self.finished:
            self.label.value = _("terraform {kind} failed: see the message below").format(
                kind=self.kind
            )

    def __repr__(self) -> str:
        return _("Progress of terraform {kind} (live)").format(kind=self.kind)


def in_notebook() -> bool:
    """Whether we run in a Jupyter kernel (where widgets can be shown)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"


def reporter(kind: str) -> Reporter:
    """The default reporter: a panel in a notebook, lines on stderr elsewhere."""
    if in_notebook():
        return ProgressPanel.show(kind)
    return TextReporter(kind)
