"""Live progress of a Terraform operation: a widget in a notebook, lines in a terminal.

Progress is volatile by nature (timings, order of completion), so in a notebook it never
goes into the cell's printed output: it updates a widget in place (ecslab.notebook.widgets), and
the cell's output is only the stable summary the operation returns.
"""

from __future__ import annotations

import sys
from typing import Protocol

from ecslab.tf.events import Event, Progress


class Reporter(Protocol):
    """What lab.plan/apply/destroy tell while they work."""

    def step(self, text: str) -> None: ...
    def feed(self, event: Event) -> None: ...
    def waiting(self, seconds: float) -> None: ...
    def note(self, text: str) -> None: ...
    def close(self) -> None: ...


class TextReporter:
    """Progress as lines on stderr (outside notebooks: scripts, the CLI)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.progress = Progress()
        self._last = ""
        self._waited = False

    def step(self, text: str) -> None:
        print(f"[{self.kind}] {text}", file=sys.stderr)

    def feed(self, event: Event) -> None:
        self.progress.feed(event)
        line = str(self.progress)
        if line != self._last and self.progress.total:
            print(f"[{self.kind}] {line}", file=sys.stderr)
            self._last = line

    def waiting(self, seconds: float) -> None:
        if not self._waited:
            print(
                f"[{self.kind}] waiting for another Terraform run in the workspace...",
                file=sys.stderr,
            )
            self._waited = True

    def note(self, text: str) -> None:
        print(f"[{self.kind}] {text}", file=sys.stderr)

    def close(self) -> None:
        return None


def in_notebook() -> bool:
    """Whether we run in a Jupyter kernel (where widgets can be shown)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"


def reporter(kind: str) -> Reporter:
    """A widget reporter in a notebook, a text reporter elsewhere."""
    if in_notebook():
        from ecslab.notebook.widgets import ProgressPanel

        return ProgressPanel.show(kind)
    return TextReporter(kind)
