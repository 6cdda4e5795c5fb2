"""Run the solution notebooks for real, against a local cloud of their own.

`python -m ecslab.authoring.run` executes solutions/NN_*.ipynb in order, in place, and
saves them with their outputs: the outputs `pytest --nbval` compares later (tests/
test_notebooks.py). Run it after editing a solution notebook, then `make labs`.

The notebooks build the chapter with the book's names ("example", "/ecs/example"), so
they never share a cloud with anything else: `notebook_cloud` starts a second local
cloud (a free port, a tmp ECSLAB_HOME, a tmp workspace) through `ecslab up` in a
subprocess, and yields the environment a client needs to use it. The kernels do not get
that environment: they start from `learner_env` (the lab's settings, a stock PATH), and
each notebook's `lab.setup` points them at the cloud, as it does for a learner.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: A stock machine's PATH: no venv, no AWS CLI. A kernel starts from sys.executable anyway;
#: `lab.setup` puts the venv's bin (`aws`, `ecslab`) first.
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
#: What a learner's shell hands the kernel: where the lab's cloud, workspace and recorded
#: section starts are (the starts are restored, not applied: ecslab.cloud.starts).
LAB_SETTINGS = (
    "ECSLAB_HOME",
    "ECSLAB_PORT",
    "ECSLAB_WORKSPACE",
    "ECSLAB_TARGET",
    "ECSLAB_SNAPSHOTS",
)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ecslab(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ecslab.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"ecslab {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def notebook_cloud(root: Path) -> Iterator[dict[str, str]]:
    """Start a local cloud under root/home with a workspace root/workspace; yield the env.
    The section starts recorded for the checkout (settings.snapshots()) are restored."""
    from ecslab import settings

    snapshots = str(settings.snapshots())
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECSLAB_"))}
    base.update(
        ECSLAB_SNAPSHOTS=snapshots,
        ECSLAB_HOME=str(root / "home"),
        ECSLAB_PORT=str(free_port()),
        ECSLAB_WORKSPACE=str(root / "workspace"),
        ECSLAB_TARGET="local",
    )
    base.pop("TF_CLI_CONFIG_FILE", None)
    _ecslab(base, "up")
    try:
        exports = _ecslab(base, "env")
        yield {**base, **_parse_exports(exports)}
    finally:
        try:
            _stop_prepare(base)
        finally:
            _ecslab(base, "down")


def learner_env(cloud_env: dict[str, str], home: Path) -> dict[str, str]:
    """A kernel's environment before `lab.setup`: the lab's settings from cloud_env, a fresh
    HOME, a stock PATH, and nothing of the cloud's own (no AWS_*, no TF_CLI_CONFIG_FILE)."""
    home.mkdir(parents=True, exist_ok=True)
    env = {name: cloud_env[name] for name in LAB_SETTINGS}
    env.update(HOME=str(home), PATH=SYSTEM_PATH, LANG="C.UTF-8")
    return env


def _parse_exports(text: str) -> dict[str, str]:
    """The variables of `ecslab env`'s `export NAME=value` lines."""
    import shlex

    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            env[name] = shlex.split(value)[0] if value else ""
    return env


def _stop_prepare(env: dict[str, str]) -> None:
    """Stop a background apply the notebooks may have left running."""
    code = (
        "from pathlib import Path; from ecslab.tf import prepare; "
        f"prepare.stop(Path({env['ECSLAB_WORKSPACE']!r}))"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def execute(paths: list[Path], env: dict[str, str], timeout: int = 600) -> dict[str, float]:
    """Execute each notebook in place with nbclient (kernel env: `env`); seconds per file.

    No timing or widget state is recorded: they would be noise in the committed files.
    """
    import time

    import nbformat
    from nbclient import NotebookClient

    seconds: dict[str, float] = {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        start = time.monotonic()
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            record_timing=False,
            store_widget_state=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute(env=env)
        seconds[str(path.relative_to(path.parents[1]))] = time.monotonic() - start
        nbformat.write(nb, path)  # type: ignore[no-untyped-call]
    return seconds


def edition_notebooks() -> list[list[Path]]:
    """Each edition's solutions in reading order (English first, then solutions/<lang>/)."""
    from ecslab import i18n
    from ecslab.settings import PROJECT_ROOT

    solutions = PROJECT_ROOT / "solutions"
    folders = [solutions, *(solutions / lang for lang in i18n.LANGUAGES[1:])]
    return [found for f in folders if (found := sorted(f.glob("[0-9][0-9]_*.ipynb")))]


def run_editions_at_once() -> int:
    """Every edition in a process (and a local cloud) of its own, at the same time: the
    notebooks mostly wait on the AWS provider, so two editions take little more than one."""
    runs = [
        subprocess.Popen([sys.executable, "-m", "ecslab.authoring.run", *map(str, paths)])
        for paths in edition_notebooks()
    ]
    return max(run.wait() for run in runs)


def main(argv: list[str] | None = None) -> int:
    """Store real outputs in the solution notebooks (every edition, or those named)."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m ecslab.authoring.run", description=__doc__)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if not args.notebooks:
        return run_editions_at_once()
    with (
        tempfile.TemporaryDirectory(prefix="ecslab-notebooks-") as tmp,
        notebook_cloud(Path(tmp)) as env,
    ):
        seconds = execute(args.notebooks, learner_env(env, Path(tmp) / "learner"))
    for name, took in seconds.items():  # by path: both editions have each name
        print(f"{name}: {took:.1f} s")
    print(f"total: {sum(seconds.values()):.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
