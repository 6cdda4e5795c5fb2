"""Apply a section's prerequisites, in the foreground or in the background.

The network and load balancer of chapter 8 take about 80 s to apply, nearly all of it
fixed waits inside the AWS provider. So the lab applies them as soon as it starts
(`ecslab prepare --background`, the setup cell of every notebook), and a learner going
through the sections in order never waits: by the time they plan their first ECS
resource, the prerequisites are in the state.

The background apply is a child process that holds the workspace lock (handed over by
its parent, so no plan can slip in between) and records its progress in
`.ecslab/prepare.json` and `.ecslab/prepare.log` inside the workspace.

On the local cloud, a recorded start of the section is restored instead of applied
(ecslab.cloud.starts, in seconds): `run` takes that step as its `restore` argument, since
this layer cannot call the cloud, and the background child is that module's entry point.

Run: `python -m ecslab.tf.prepare SECTION [--lock-fd FD]` (applies, never restores).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ecslab import pids, sections
from ecslab.errors import EcslabError
from ecslab.i18n import N_, _
from ecslab.tf import overrides, runner, workspace
from ecslab.tf.events import ChangeSummary

STATUS_FILE = "prepare.json"
LOG_FILE = "prepare.log"
#: The background child: restores a recorded start when it can, else applies (`run`).
CHILD_MODULE = "ecslab.cloud.starts"

#: restore(stem, ws) -> True when it brought the section's start without applying.
Restore = Callable[[str, Path], bool]

#: How each state reads (the state itself is data: "none", "running", "done", "failed").
STATE_TEXTS = {"running": N_("running"), "done": N_("done"), "failed": N_("failed")}
#: Why a run failed when no error of its own says it (recorded in English, shown with `_`).
DIED = N_("the process died")
STOPPED = N_("stopped")
UNKNOWN = N_("unknown error")


@dataclass(frozen=True)
class PrepareStatus:
    """The last background apply: running, done or failed, and for which section."""

    state: str  # "none", "running", "done" or "failed"
    section: str = ""
    pid: int = 0
    error: str = ""
    started: float = 0.0
    finished: float = 0.0

    def __str__(self) -> str:
        if self.state == "none":
            return _("prerequisites: not started")
        state = _(STATE_TEXTS.get(self.state, self.state))
        text = _("prerequisites of {section}: {state}").format(section=self.section, state=state)
        if not self.error:
            return text
        error = _(self.error) if self.error in (DIED, STOPPED, UNKNOWN) else self.error
        return f"{text} ({error})"  # Terraform's and AWS's words stay theirs


def status(ws: Path) -> PrepareStatus:
    """What the last prepare in this workspace recorded (a dead 'running' is 'failed')."""
    path = workspace.state_dir(ws) / STATUS_FILE
    if not path.exists():
        return PrepareStatus("none")
    data: dict[str, Any] = json.loads(path.read_text())
    current = PrepareStatus(**data)
    if current.state == "running" and not pids.alive(current.pid):
        return PrepareStatus("failed", current.section, current.pid, DIED)
    return current


def _record(ws: Path, current: PrepareStatus) -> None:
    path = workspace.state_dir(ws) / STATUS_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(current)))
    tmp.replace(path)


def satisfied(ws: Path, stem: str) -> bool:
    """Whether the state already holds every prerequisite of the section."""
    wanted = sections.section(stem).prerequisites or ()
    return set(wanted) <= workspace.state_addresses(ws)


def init_if_needed(ws: Path) -> None:
    """`terraform init` when the workspace is new or declares a module not installed yet."""
    if workspace.needs_init(ws):
        runner.init(ws)


def apply_targets(ws: Path, targets: Iterable[str]) -> ChangeSummary:
    """`terraform apply -target=...` for each target (with their dependencies)."""
    return runner.apply(ws, targets=list(targets))


def run(
    stem: str, ws: Path, lock_fd: int | None = None, restore: Restore | None = None
) -> PrepareStatus:
    """Apply the section's prerequisites now, holding the workspace lock (or restore
    them with `restore`, when it can)."""
    targets = sections.section(stem).prerequisites
    started = time.time()
    _record(ws, PrepareStatus("running", stem, os.getpid(), started=started))
    fd = lock_fd if lock_fd is not None else workspace.open_lock(ws)
    try:
        workspace.acquire(fd)
        if targets:
            init_if_needed(ws)
            overrides.sync(ws)
            if not (restore and restore(stem, ws)):
                apply_targets(ws, targets)
        done = PrepareStatus("done", stem, os.getpid(), started=started, finished=time.time())
    except EcslabError as e:
        print(f"{e}\n{e.hint}".rstrip(), file=sys.stderr)  # the whole story, in the log
        done = PrepareStatus("failed", stem, os.getpid(), _first_line(e), started)
    except KeyboardInterrupt:  # `stop()`: Terraform was interrupted and has exited cleanly
        done = PrepareStatus("failed", stem, os.getpid(), STOPPED, started)
    finally:
        os.close(fd)
    _record(ws, done)
    return done


def _first_line(error: Exception) -> str:
    """The first line of an error that says something (Terraform's own words, not the
    header ours put above them)."""
    text = error.details if isinstance(error, runner.TerraformDiagnosticError) else str(error)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return (lines or [UNKNOWN])[0]


def start(stem: str, ws: Path) -> PrepareStatus:
    """Start `run` in a child process that owns the workspace lock; return at once.

    The lock is taken here and handed to the child, so a plan started right after this
    returns waits for the prerequisites instead of racing them. If another operation
    holds the lock, nothing is started (it is that operation's turn).
    """
    current = status(ws)
    if current.state == "running":
        return current
    fd = workspace.open_lock(ws)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return current
    try:
        pid = _spawn(stem, ws, fd)
    finally:
        os.close(fd)  # the child keeps the lock through its inherited copy
    started = PrepareStatus("running", stem, pid, started=time.time())
    _record(ws, started)
    return started


#: Children started by this process: kept so they are reaped (no zombies, no warnings).
_CHILDREN: list[subprocess.Popen[bytes]] = []


def _spawn(stem: str, ws: Path, fd: int) -> int:
    log = open(workspace.state_dir(ws) / LOG_FILE, "w")  # noqa: SIM115 (child owns it)
    argv = [sys.executable, "-m", CHILD_MODULE, stem, "--lock-fd", str(fd)]
    with log:
        child = subprocess.Popen(
            argv,
            cwd=ws,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(fd,),
            start_new_session=True,
        )
    _CHILDREN[:] = [c for c in _CHILDREN if c.poll() is None]
    _CHILDREN.append(child)
    return child.pid


def wait(ws: Path, timeout: float = 600.0) -> PrepareStatus:
    """Block until no prepare runs in the workspace (or timeout); return its status."""
    deadline = time.monotonic() + timeout
    while status(ws).state == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
    _reap(max(0.0, deadline - time.monotonic()))
    return status(ws)


def _reap(timeout: float) -> None:
    """Wait for our children that have recorded their result and are exiting."""
    for child in list(_CHILDREN):
        try:
            child.wait(timeout=min(timeout, 5.0))
            _CHILDREN.remove(child)
        except subprocess.TimeoutExpired:
            pass


def stop(ws: Path) -> bool:
    """Stop a running background prepare (tests, and `lab.reset`); False if none ran."""
    if not ws.is_dir():  # no setup ever ran there (asking status() would create it)
        return False
    current = status(ws)
    if current.state != "running":
        return False
    import signal

    try:
        os.killpg(current.pid, signal.SIGINT)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + 60
    while pids.alive(current.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    return True


def main(argv: list[str] | None = None) -> int:
    """The child's entry point: apply one section's prerequisites."""
    parser = argparse.ArgumentParser(prog="python -m ecslab.tf.prepare")
    parser.add_argument("section")
    parser.add_argument("--lock-fd", type=int, default=None)
    args = parser.parse_args(argv)
    result = run(args.section, workspace.root(), args.lock_fd)
    print(result)
    return 0 if result.state == "done" else 1


if __name__ == "__main__":
    raise SystemExit(main())
