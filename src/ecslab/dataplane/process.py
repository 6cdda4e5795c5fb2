"""Child processes of the local cloud that cannot outlive it.

Every task and listener process is started here, in its own process group, behind a
tiny `sh` supervisor. The supervisor's stdin is the read end of a pipe whose only write
end this process holds (the *lifeline*): when the local cloud dies, however it dies, the
kernel closes that end, the supervisor reads end-of-file and stops its child (nginx
stops its own workers). No code runs between fork and exec (`preexec_fn` can deadlock
in a threaded process), and any thread may start a child. The group id is written under
ECSLAB_HOME so the next start can reap what a hard crash left behind (`reap_stale`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

#: Runs "$@" in the background, forwards TERM/INT/HUP to it, and TERMs it when stdin (the
#: lifeline) reaches end-of-file; exits with its status. `read` is a builtin: the watcher
#: is one subshell, which the supervisor ends once the child has exited. The child's pid
#: goes to `child.pid`: `stop` signals the child itself, since a supervisor whose `wait`
#: a trapped TERM cuts short may report 143 instead of the child's own status. The
#: watcher TERMs the child until it is gone: a TERM that lands between the fork and the
#: exec runs the inherited trap in the child, and would be lost.
_SUPERVISOR = (
    "exec 3<&0 </dev/null\n"
    "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT HUP\n"
    '"$@" 3<&- &\n'
    "child=$!\n"
    'echo "$child" > child.pid\n'
    "{ while read -r _ <&3; do :; done; "
    'while kill -TERM "$child" 2>/dev/null; do sleep 1; done; } &\n'
    "watcher=$!\n"
    "exec 3<&-\n"
    'wait "$child"; status=$?\n'
    'while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done\n'
    'kill "$watcher" 2>/dev/null\n'
    "exit $status\n"
)

_lifeline: tuple[int, int] | None = None
_lifeline_lock = threading.Lock()


def lifeline() -> int:
    """The read end of this process's lifeline pipe (made once; both ends close-on-exec,
    so no child holds the write end and end-of-file means this process is gone)."""
    global _lifeline
    with _lifeline_lock:
        if _lifeline is None:
            _lifeline = os.pipe()
        return _lifeline[0]


LineSink = Callable[[str, str], None]
"""Receives (stream name, line) for each line a child writes: "stdout" or "stderr"."""


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (the only interface the local cloud uses)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Child:
    """A supervised child process whose output lines go to a sink."""

    def __init__(
        self,
        argv: Sequence[str],
        workdir: Path,
        sink: LineSink | None,
        ready_file: Path | None = None,
    ) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        #: A file the program writes once it handles signals (nginx's pid file: nginx
        #: listens before it installs its handlers, and a TERM in between kills it, 143).
        self.ready_file = ready_file
        out = subprocess.PIPE if sink else subprocess.DEVNULL
        self.popen = subprocess.Popen(
            ["/bin/sh", "-c", _SUPERVISOR, "ecslab-supervisor", *argv],
            cwd=workdir,
            stdin=lifeline(),
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
        (workdir / "pgid").write_text(f"{self.popen.pid}\n")
        self._readers = [self._pump(name, sink) for name in ("stdout", "stderr") if sink]

    def _pump(self, name: str, sink: LineSink) -> threading.Thread:
        stream = getattr(self.popen, name)

        def run() -> None:
            for raw in iter(stream.readline, b""):
                sink(name, raw.decode("utf-8", "replace").rstrip("\n"))
            stream.close()

        thread = threading.Thread(target=run, name=f"pump-{self.popen.pid}-{name}", daemon=True)
        thread.start()
        return thread

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exit_code(self) -> int | None:
        """The exit status once the child has exited, else None."""
        return self.popen.poll()

    def signal(self, signum: int) -> None:
        """Send a signal to the supervisor only (it forwards TERM to its child)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.popen.pid, signum)

    def _child_pid(self) -> int | None:
        """The supervised child's pid, while it is still the supervisor's child."""
        try:
            pid = int((self.workdir / "child.pid").read_text())
            stat = Path(f"/proc/{pid}/stat").read_text()
        except (OSError, ValueError):
            return None
        return pid if int(stat.rsplit(")", 1)[1].split()[1]) == self.popen.pid else None

    def stop(self, timeout: float = 5.0) -> int:
        """TERM the child (through the supervisor until its pid is known), KILL the whole
        group if it lingers; returns the exit status."""
        child = self._child_pid()
        if child is None:
            self.signal(signal.SIGTERM)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            code = -signal.SIGKILL
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()
        for reader in self._readers:
            reader.join(timeout=1)
        for name in ("pgid", "child.pid"):
            (self.workdir / name).unlink(missing_ok=True)
        return code


def reap_stale(root: Path) -> int:
    """Kill process groups a crashed local cloud left under root; returns how many."""
    reaped = 0
    for pgid_file in root.glob("**/pgid"):
        with contextlib.suppress(ValueError, OSError):
            pgid = int(pgid_file.read_text().strip())
            if _is_ours(pgid):
                os.killpg(pgid, signal.SIGKILL)
                reaped += 1
        pgid_file.unlink(missing_ok=True)
    return reaped


def _is_ours(pgid: int) -> bool:
    """Only our supervisors carry this name; guards against a recycled pid."""
    try:
        cmdline = Path(f"/proc/{pgid}/cmdline").read_bytes()
    except OSError:
        return _group_alive(pgid)
    return b"ecslab-supervisor" in cmdline


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except OSError:
        return False
    return _group_members_ours(pgid)


def _group_members_ours(pgid: int) -> bool:
    """The supervisor died but its group lives on: accept nginx processes only."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and b"nginx" in (proc / "cmdline").read_bytes():
                return True
    return False


def _written(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def wait_for_port(port: int, child: Child, timeout: float) -> bool:
    """Poll until 127.0.0.1:port accepts a connection and the child's ready file (if it
    has one) exists; False if the child exits or time runs out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.exit_code() is None:
        ready = child.ready_file is None or _written(child.ready_file)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.2)
            if ready and sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.01)
    return False
