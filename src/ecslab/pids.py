"""Is a process still alive? One answer for the local cloud and the background apply.

Both keep a pid in a file and must tell a running process from one that has exited,
including an exited child of ours not reaped yet (a zombie), which `kill(pid, 0)` alone
reports as alive.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def alive(pid: int) -> bool:
    """Whether pid is a live process; an exited one not yet reaped (a zombie) is not."""
    if reap(pid):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if zombie(pid):
        reap(pid)
        return False
    return True


def reap(pid: int) -> bool:
    """Collect pid's exit status if it is our exited child."""
    with contextlib.suppress(ChildProcessError):
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    return False


def zombie(pid: int) -> bool:
    """Whether pid has fully exited but is not reaped yet (Linux: /proc).

    The main thread of an exiting process shows as a zombie while its other threads
    still run (and still hold a port): only a zombie with no thread left is gone.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return False
    return fields[0] == "Z" and int(fields[17]) <= 1
