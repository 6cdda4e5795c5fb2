"""Start, stop, inspect and reset the local cloud as a background process.

The process is `python -m ecslab.cloud.server`, detached in its own session so it outlives
the command that started it. Its pid file and log live under `settings.home()`; the pid
file is the only claim that a local cloud is ours, checked against the process's command
line so a recycled pid is never mistaken for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ecslab import credentials, pids, settings
from ecslab.cloud import dataplane_dir, log_file, pid_file, state_file
from ecslab.errors import LocalCloudError
from ecslab.i18n import _

#: The module the background process runs; also how we recognise it in /proc.
SERVER_MODULE = "ecslab.cloud.server"

#: Seconds `up` waits for the server to answer before giving up with the log's tail.
START_TIMEOUT = 60.0

#: How many free ports `up` tries when a neighbour's cloud took the one it chose first.
PORT_ATTEMPTS = 3

#: Seconds `down` waits after SIGTERM before SIGKILL.
STOP_TIMEOUT = 15.0


@dataclass(frozen=True)
class Status:
    """What `status()` knows about the local cloud."""

    running: bool
    endpoint: str
    pid: int | None = None
    uptime_seconds: float | None = None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    services: list[str] = field(default_factory=list)
    log: Path | None = None
    problems: list[str] = field(default_factory=list)


def endpoint(port: int | None = None) -> str:
    """The local cloud's AWS endpoint URL."""
    return settings.local_endpoint(port)


def up() -> Status:
    """Start the local cloud in the background unless it runs; return once it answers,
    with what its data plane says is wrong here (e.g. no nginx), for the learner to see."""
    with _exclusive():
        started = _up()
    return replace(started, problems=dataplane_problems(_port()))


def dataplane_problems(port: int) -> list[str]:
    """GET /_ecslab/dataplane's problems: what keeps tasks from running on this machine."""
    data = _admin_get(port, "dataplane") or {}
    return [str(problem) for problem in data.get("problems", [])]


def _up() -> Status:
    """`up`, holding the lock."""
    current = status()
    if current.running:
        return current
    if current.pid is not None:  # ours, still starting (another `up` started it)
        return _wait_ready(current.pid, _port(), time.monotonic() + START_TIMEOUT)
    requested = settings.requested_port()
    if requested is not None:
        _check_port_free(requested)
        return _start_on(requested)
    for _attempt in range(PORT_ATTEMPTS - 1):
        port = _choose_port()
        try:
            return _start_on(port)
        except LocalCloudError:
            if not _port_busy(port):
                raise  # it failed for a reason of its own, not a neighbour's race
    return _start_on(_choose_port())


def _start_on(port: int) -> Status:
    """Spawn the server on port and wait until it answers."""
    pid = _spawn(port)
    return _wait_ready(pid, port, time.monotonic() + START_TIMEOUT)


def _choose_port() -> int:
    """The port a cloud with no ECSLAB_PORT takes: 4566 on a learner's own machine when it
    is free; on a hub, or when 4566 is taken, one the kernel hands out as free.

    Learners of one hub share the machine's loopback, whatever their spawner gives them
    (one OS user for all, or containers with one uid): a port derived from the user could
    collide, a free one cannot. The recorded port (settings.recorded_port) then leads the
    learner's kernel, terminal and Terraform to it.
    """
    if not settings.on_hub() and not _port_busy(settings.DEFAULT_PORT):
        return settings.DEFAULT_PORT
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def down() -> bool:
    """Stop the local cloud (SIGTERM, then SIGKILL); False when it was not running."""
    with _exclusive():
        return _down()


def _down() -> bool:
    """`down`, holding the lock."""
    pid = _our_pid()
    if pid is None:
        return False
    _terminate(pid)
    pid_file().unlink(missing_ok=True)
    state_file().unlink(missing_ok=True)
    return True


def status() -> Status:
    """Whether the local cloud runs, where, since when, and what it holds."""
    pid = _our_pid()
    if pid is None:
        return Status(running=False, endpoint=endpoint())
    here = endpoint(_port())
    data = _admin_get(_port(), "status")
    if data is None or data.get("pid") != pid:
        return Status(running=False, endpoint=here, pid=pid, log=log_file())
    return Status(
        running=bool(data.get("ready")),
        endpoint=here,
        pid=pid,
        uptime_seconds=data.get("uptime_seconds"),
        counts=data.get("counts", {}),
        services=data.get("services", []),
        log=log_file(),
    )


def reset() -> Status:
    """Wipe the local cloud: stop it, drop the data plane's state, start it empty.

    moto keeps everything in memory, so a fresh process is an empty cloud. Learners'
    workspaces live elsewhere (settings.workspace()) and are never touched.
    """
    with _exclusive():
        _down()
        shutil.rmtree(dataplane_dir(), ignore_errors=True)
        return _up()


@contextlib.contextmanager
def _exclusive() -> Iterator[None]:
    """One `up`/`down`/`reset` at a time per ECSLAB_HOME (notebooks and a background
    prepare may start the cloud at the same moment: only one may spawn it)."""
    import fcntl

    settings.home().mkdir(parents=True, exist_ok=True)
    with (settings.home() / "cloud.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def log_tail(lines: int = 20) -> str:
    """The last lines of the local cloud's log, for error messages."""
    try:
        text = log_file().read_text(errors="replace")
    except OSError:
        return _("(no log)")
    return "\n".join(text.splitlines()[-lines:])


def _spawn(port: int) -> int:
    """Start the server in its own session, output appended to the log; write the pid file.

    os.posix_spawn rather than subprocess.Popen: the process outlives this one on purpose,
    and a Popen object would warn, when collected, that its child still runs.
    """
    home = settings.home()
    credentials.ensure(home)  # the key only this home's clients sign with (folder 0700, file 0600)
    command = [sys.executable, "-m", SERVER_MODULE, "--port", str(port)]
    command += ["--region", settings.region()]
    log = os.open(log_file(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        pid = os.posix_spawn(
            sys.executable,
            command,
            dict(os.environ, ECSLAB_HOME=str(home)),
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, log, 1),
                (os.POSIX_SPAWN_DUP2, log, 2),
            ],
            setsid=True,
        )
    finally:
        os.close(log)
    pid_file().write_text(f"{pid}\n")
    state_file().write_text(json.dumps({"pid": pid, "port": port}))
    return pid


def _wait_ready(pid: int, port: int, deadline: float) -> Status:
    """Poll the admin API until the new process says it is ready, or fail with its log."""
    while time.monotonic() < deadline:
        if not pids.alive(pid):
            pid_file().unlink(missing_ok=True)
            raise LocalCloudError(
                _("the local cloud exited while starting; its log ends with:") + f"\n{log_tail()}",
                hint=_("Full log: {log}").format(log=log_file()),
            )
        data = _admin_get(port, "status")
        if data is not None and data.get("pid") == pid and data.get("ready"):
            return status()
        time.sleep(0.1)
    _terminate(pid)
    pid_file().unlink(missing_ok=True)
    silent = _("the local cloud did not answer within {seconds} s; its log ends with:")
    raise LocalCloudError(
        silent.format(seconds=f"{START_TIMEOUT:.0f}") + f"\n{log_tail()}",
        hint=_("Full log: {log}").format(log=log_file()),
    )


def _port_busy(port: int) -> bool:
    """Whether something listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _check_port_free(port: int) -> None:
    """Fail clearly when something else listens on the port (before starting anything)."""
    if _port_busy(port):
        raise LocalCloudError(
            _("port {port} on 127.0.0.1 is already used by another program").format(port=port),
            hint=_("Stop that program, or unset ECSLAB_PORT: ecslab then picks a free port."),
        )


def _port() -> int:
    """The port this home's cloud was started on (its state file), else settings.port()."""
    try:
        return int(json.loads(state_file().read_text())["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return settings.port()


def _admin_get(port: int, route: str) -> dict[str, Any] | None:
    """GET /_ecslab/<route> as a JSON object, or None when nothing (of ours) answers."""
    from ecslab.cloud import client

    try:
        data = client.admin(route, port=port)
    except LocalCloudError:
        return None
    return data if isinstance(data, dict) else None


def _our_pid() -> int | None:
    """The pid in the pid file if that process is our server; a stale pid file is removed."""
    try:
        pid = int(pid_file().read_text().strip())
    except (OSError, ValueError):
        pid_file().unlink(missing_ok=True)
        return None
    if pids.alive(pid) and _is_server(pid):
        return pid
    pid_file().unlink(missing_ok=True)
    return None


def _is_server(pid: int) -> bool:
    """Whether pid runs our server module (Linux: /proc; elsewhere, trust the pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    except OSError:
        return False
    return SERVER_MODULE.encode() in cmdline


def _terminate(pid: int) -> None:
    """SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        if not pids.alive(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    while pids.alive(pid):
        time.sleep(0.05)
