"""Benchmark: the memory one learner needs, and N learners' local clouds started at once.

A script, not a test (issue 5). For the sizing of a classroom (docs/instructor.md):

1. one learner: a local cloud of its own (free port, tmp ECSLAB_HOME), then the
   chapter's Terraform applied against it while the memory of every process involved is
   sampled (the local cloud and its children: nginx tasks and load balancer listeners;
   Terraform and its AWS provider). Reports the local cloud idle, the peak during the
   apply (the AWS provider is most of it) and the steady state after it (2 tasks), as RSS
   (what a cgroup limit counts, pessimistic) and PSS (shared pages split);
2. `--learners N`: N local clouds started at the same moment, each with its own home and
   port; reports how many answered, the time until the last did, and the RSS of each.

    .venv/bin/python bench/learner_memory.py                # one learner (~2 min)
    .venv/bin/python bench/learner_memory.py --learners 30  # classroom start only
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
ECSLAB = str(Path(sys.executable).parent / "ecslab")
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree(pid: int) -> list[psutil.Process]:
    """A process and all its descendants (those still alive)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def memory(processes: list[psutil.Process]) -> tuple[float, float]:
    """Total RSS and PSS in MB of these processes."""
    rss = pss = 0
    for process in processes:
        try:
            info = process.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss, pss = rss + info.rss, pss + info.pss
    return rss / MB, pss / MB


class Sampler:
    """Samples the memory of some process trees every 0.2 s in a thread; keeps the peak."""

    def __init__(self, roots: list[int]) -> None:
        self.roots, self.peak = roots, (0.0, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            processes = [p for root in self.roots for p in tree(root)]
            rss, pss = memory(processes)
            self.peak = (max(self.peak[0], rss), max(self.peak[1], pss))
            time.sleep(0.2)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def local_cloud(home: Path) -> Iterator[dict[str, str]]:
    """A local cloud of the benchmark's own; yields the environment that targets it."""
    env = {**os.environ, "ECSLAB_HOME": str(home), "ECSLAB_PORT": str(free_port())}
    env.pop("JUPYTERHUB_USER", None)
    subprocess.run([ECSLAB, "up"], env=env, check=True, capture_output=True)
    exports = subprocess.run([ECSLAB, "env"], env=env, check=True, capture_output=True, text=True)
    for line in exports.stdout.splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            env[name] = value.strip("'")
        elif line.startswith("unset "):
            env.pop(line.removeprefix("unset "), None)
    try:
        yield env
    finally:
        subprocess.run([ECSLAB, "down"], env=env, capture_output=True)


def cloud_pid(home: Path) -> int:
    return int((home / "cloud.pid").read_text().strip())


def one_learner() -> None:
    """Idle, peak during apply and steady state of one learner's processes."""
    with tempfile.TemporaryDirectory() as tmp:
        home, work = Path(tmp) / "home", Path(tmp) / "chapter9"
        shutil.copytree(ROOT / "terraform" / "chapter9", work, symlinks=False)
        with local_cloud(home) as env:
            pid = cloud_pid(home)
            idle = memory(tree(pid))
            tf = ["terraform", f"-chdir={work}"]
            subprocess.run([*tf, "init", "-input=false"], env=env, check=True, capture_output=True)
            started = time.monotonic()
            apply = subprocess.Popen(
                [*tf, "apply", "-auto-approve", "-input=false"], env=env, stdout=subprocess.DEVNULL
            )
            with Sampler([pid, apply.pid]) as during:
                apply.wait()
            seconds = time.monotonic() - started
            time.sleep(10)  # tasks started, health checks running
            steady = memory(tree(pid))
            tasks = len([p for p in tree(pid) if p.name() == "nginx"])
            subprocess.run([*tf, "destroy", "-auto-approve"], env=env, capture_output=True)
    print(f"local cloud idle:            RSS {idle[0]:6.0f} MB  PSS {idle[1]:6.0f} MB")
    print(
        f"peak during apply ({seconds:.0f} s):   RSS {during.peak[0]:6.0f} MB  "
        f"PSS {during.peak[1]:6.0f} MB  (local cloud + terraform + AWS provider)"
    )
    print(
        f"after apply (2 tasks):       RSS {steady[0]:6.0f} MB  PSS {steady[1]:6.0f} MB  "
        f"({tasks} nginx processes)"
    )


def many_learners(count: int) -> None:
    """N local clouds started at once: all answer? how long? how much memory each?"""
    with tempfile.TemporaryDirectory() as tmp:
        envs = [
            {**os.environ, "ECSLAB_HOME": f"{tmp}/learner{i}", "ECSLAB_PORT": str(free_port())}
            for i in range(count)
        ]
        started = time.monotonic()
        procs = [subprocess.Popen([ECSLAB, "up"], env=e, stdout=subprocess.DEVNULL) for e in envs]
        codes = [p.wait() for p in procs]
        seconds = time.monotonic() - started
        try:
            sizes = [memory(tree(cloud_pid(Path(e["ECSLAB_HOME"])))) for e in envs if e]
        finally:
            for env in envs:
                subprocess.run([ECSLAB, "down"], env=env, capture_output=True)
    rss = sorted(s[0] for s in sizes)
    print(
        f"{count} learners started at once: {codes.count(0)} answered, last after {seconds:.0f} s"
    )
    print(f"RSS per idle local cloud: min {rss[0]:.0f} MB, median {rss[len(rss) // 2]:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=0, help="start N clouds at once")
    args = parser.parse_args()
    if args.learners:
        many_learners(args.learners)
    else:
        one_learner()


if __name__ == "__main__":
    main()
