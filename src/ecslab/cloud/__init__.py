"""The local cloud: one process hosting moto's server (the AWS control plane) and our plugins.

- `server`: the host process itself (`python -m ecslab.cloud.server`), its admin API under
  `/_ecslab/` and the `HostedService` contract the data plane implements.
- `auth`: the home's own key, and the SigV4 check every request passes first.
- `daemon`: start, stop, inspect and reset that process from the CLI, tests and notebooks.
- `moto_patches`: the few places where moto does not keep what AWS keeps.
"""

from __future__ import annotations

from pathlib import Path

from ecslab import settings

__all__ = ["dataplane_dir", "log_file", "pid_file", "state_file"]


def pid_file() -> Path:
    """The pid of the running host, written by `daemon.up` and removed by `daemon.down`."""
    return settings.home() / "cloud.pid"


def log_file() -> Path:
    """Everything the host prints: moto's and waitress's logs, the plugins' messages."""
    return settings.home() / "cloud.log"


def state_file() -> Path:
    """JSON written by `daemon.up` beside the pid file: the pid and the port it serves on."""
    return settings.cloud_state_file()


def dataplane_dir() -> Path:
    """Where the data plane keeps its state (tasks' files); `reset` removes it."""
    return settings.home() / "dataplane"
