"""Every setting that comes from the environment, read in one place.

Each function reads its variable when called (not at import), so tests and notebooks can
change the environment and see the change. One exception: ECSLAB_LANG is read by
ecslab.i18n, beside the locale it falls back to (this module's errors are translated, so
it imports i18n, never the other way round).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ecslab.i18n import _

#: The root of the source checkout (where pyproject.toml lives), when running from one.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: The region of the book's examples.
DEFAULT_REGION = "ap-northeast-1"

#: The account the local cloud files everything under (moto's DEFAULT_ACCOUNT_ID; a test
#: checks they agree). Local mode pins the workspace to it (tf/overrides.py).
LOCAL_ACCOUNT_ID = "123456789012"


def _project_dir(name: str) -> Path:
    """A folder of the checkout when running from one, else of the current directory."""
    root = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").exists() else Path.cwd()
    return root / name


def _learner_dir(name: str) -> Path:
    """A folder of this learner's: in their HOME on a hub (learners may share one checkout,
    and even one OS user, but never a HOME), else of the checkout (or current directory)."""
    return Path.home() / name if on_hub() else _project_dir(name)


def home() -> Path:
    """ECSLAB_HOME: pid file, logs and state of the local cloud (default: ./.ecslab; on a
    hub ~/.ecslab)."""
    return Path(os.environ.get("ECSLAB_HOME") or _learner_dir(".ecslab")).resolve()


#: The port of the local cloud's API when nobody chose one (the one the README's examples
#: show); a cloud that finds it taken, or runs on a hub, asks the kernel for a free one.
DEFAULT_PORT = 4566


def cloud_state_file() -> Path:
    """JSON in ECSLAB_HOME, written when the local cloud starts: its pid and its port."""
    return home() / "cloud.json"


def port() -> int:
    """The local cloud's API port on 127.0.0.1: the one this home's running cloud recorded,
    else ECSLAB_PORT, else 4566.

    The recorded port wins while its cloud lives: a kernel, a terminal or Terraform of one
    learner then reach that learner's cloud whatever port it had to take (see
    ecslab.cloud.daemon, which picks it and records it).
    """
    return recorded_port() or requested_port() or DEFAULT_PORT


def requested_port() -> int | None:
    """ECSLAB_PORT: the port the learner asked for (the cloud then refuses any other)."""
    value = os.environ.get("ECSLAB_PORT")
    return int(value) if value else None


def recorded_port() -> int | None:
    """The port this home's local cloud serves on, while its process lives (else None)."""
    from ecslab import pids

    try:
        data = json.loads(cloud_state_file().read_text())
        pid, number = int(data["pid"]), int(data["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return number if pids.alive(pid) else None


def on_hub() -> bool:
    """JUPYTERHUB_USER: set by JupyterHub (and Binder) in every learner's server."""
    return bool(os.environ.get("JUPYTERHUB_USER"))


def local_endpoint(port_number: int | None = None) -> str:
    """The local cloud's AWS endpoint URL (loopback only), on `port_number` or port().

    The one place that builds it: Terraform, the AWS CLI, boto3, the admin API and the
    server itself all take it from here.
    """
    return f"http://127.0.0.1:{port_number or port()}"


def region() -> str:
    """ECSLAB_REGION: the region used in local mode (default: ap-northeast-1, as the book)."""
    return os.environ.get("ECSLAB_REGION") or DEFAULT_REGION


def target() -> str:
    """ECSLAB_TARGET: `local` (the default, offline and free) or `aws` (a real account)."""
    value = (os.environ.get("ECSLAB_TARGET") or "local").strip().lower()
    if value not in ("local", "aws"):
        from ecslab.errors import SettingError

        raise SettingError(
            _("ECSLAB_TARGET must be 'local' or 'aws', not {value!r}").format(value=value)
        )
    return value


def time_scale() -> float:
    """ECSLAB_TIME_SCALE: how many times faster than AWS the local data plane runs (default 10).

    1 gives AWS's own timings (e.g. a 30 s health-check interval); 10 makes it 3 s.
    """
    return float(os.environ.get("ECSLAB_TIME_SCALE") or 10)


#: The container runtimes of the local data plane (ecslab.dataplane.runtime).
RUNTIMES = ("process", "docker")


def runtime() -> str:
    """ECSLAB_RUNTIME: `process` (the default: Debian's nginx as the nginx image) or `docker`
    (opt-in: any image, on a Docker engine, limited to the task's size)."""
    value = (os.environ.get("ECSLAB_RUNTIME") or "process").strip().lower()
    if value not in RUNTIMES:
        from ecslab.errors import SettingError

        raise SettingError(
            _("ECSLAB_RUNTIME must be 'process' or 'docker', not {value!r}").format(value=value)
        )
    return value


def provider_mirror() -> Path | None:
    """ECSLAB_PROVIDER_MIRROR: a Terraform provider filesystem mirror (default: auto-detected)."""
    value = os.environ.get("ECSLAB_PROVIDER_MIRROR")
    return Path(value).expanduser() if value else None


def desk() -> Path:
    """ECSLAB_DESK: the learner's folder, JupyterLab's root (default: ./desk, gitignored; on
    a hub ~/desk).

    It holds the learner's own copies of the lab notebooks and, by default, the workspace,
    so one file tree shows both (see ecslab.desk).
    """
    return Path(os.environ.get("ECSLAB_DESK") or _learner_dir("desk")).resolve()


def workspace() -> Path:
    """ECSLAB_WORKSPACE: where the learner's Terraform lives (default: workspace/ in the desk)."""
    value = os.environ.get("ECSLAB_WORKSPACE")
    return Path(value).resolve() if value else desk() / "workspace"


def snapshots() -> Path:
    """ECSLAB_SNAPSHOTS: the recorded section starts (default: ./.ecslab/snapshots).

    Not inside ECSLAB_HOME: every local cloud of the checkout (a learner's, the tests',
    the notebook runs') restores the same recordings (see ecslab.cloud.starts).
    """
    value = os.environ.get("ECSLAB_SNAPSHOTS")
    return Path(value).resolve() if value else _project_dir(".ecslab") / "snapshots"


def name_prefix() -> str:
    """ECSLAB_NAME_PREFIX: a prefix for resource names in AWS mode (default: empty)."""
    return os.environ.get("ECSLAB_NAME_PREFIX", "")


def on_binder() -> bool:
    """Binder sets BINDER_LAUNCH_HOST / BINDER_REQUEST: its sessions keep no file."""
    return bool(os.environ.get("BINDER_LAUNCH_HOST") or os.environ.get("BINDER_REQUEST"))


def jupyterhub_prefix() -> str:
    """JUPYTERHUB_SERVICE_PREFIX: set by JupyterHub and Binder (e.g. /user/ana/), else empty."""
    return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "")
