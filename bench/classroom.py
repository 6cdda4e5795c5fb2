"""Benchmark: a classroom on one machine, through a real JupyterHub (issue 13).

A script, not a test. For each class size N (default 1, 3 and 6), a fresh hub of
tests/hub_support.py (pinned JupyterHub, configurable-http-proxy, SimpleLocalProcessSpawner,
every server started by `binder/start`) and N learners who press "Sign in" at the same
moment, each in a headless Chromium of their own, and work as tests/test_hub.py's do: 9.3
run to the nginx check and the load balancer's page, then 9.4 to its logs check.

Per class size it prints, over the learners: seconds from "Sign in" to the first lab
ready (server spawned, the learner's cloud up, JupyterLab showing the lab with its kernel
idle), to the first nginx page, and to the logs; each learner's peak memory, the sum of the
RSS of every process of theirs (server, kernels, local cloud and its nginx, Terraform and
its AWS provider: the processes whose environment has JUPYTERHUB_USER=<them>), sampled
every second; and the whole machine's peak. Then the largest class one node of this
machine's size holds, by memory and by time. The machine's load before each run is printed:
it is shared, and other work slows every number.

    .venv/bin/python bench/classroom.py                  # N = 1, 3, 6 (~15 min)
    .venv/bin/python bench/classroom.py --learners 3     # one class size
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hub_support import Session, at_once, running_hub  # noqa: E402

MB = 1024 * 1024
NAMES = ("ana", "bo", "chen", "dai", "eli", "fumi", "gus", "hana", "ivo", "jun")
#: What a learner may wait for their first nginx page before a class stalls (a guess of
#: an instructor's patience, used only to turn the measured times into a class size).
PATIENCE_S = 600.0


class MemorySampler:
    """Every second, the RSS of each learner's processes (by JUPYTERHUB_USER); keeps peaks."""

    def __init__(self, learners: list[str]) -> None:
        self.learners = set(learners)
        self.peak: dict[str, float] = defaultdict(float)
        self.machine_peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            now: dict[str, float] = defaultdict(float)
            for process in psutil.process_iter():
                name, rss = _learner_of(process), _rss(process)
                if name in self.learners:
                    now[name] += rss
            for name, total in now.items():
                self.peak[name] = max(self.peak[name], total)
            used = psutil.virtual_memory().total - psutil.virtual_memory().available
            self.machine_peak = max(self.machine_peak, used / MB)


def _learner_of(process: psutil.Process) -> str | None:
    try:
        return process.environ().get("JUPYTERHUB_USER")
    except (psutil.Error, OSError):
        return None


def _rss(process: psutil.Process) -> float:
    try:
        return float(process.memory_info().rss) / MB
    except psutil.Error:
        return 0.0


def run_class(count: int) -> tuple[dict[str, Session], MemorySampler]:
    """N learners at once through a fresh hub; their sessions and memory."""
    learners = list(NAMES[:count])
    with (
        tempfile.TemporaryDirectory(prefix="ecslab-classroom-") as tmp,
        running_hub(Path(tmp), learners) as hub,
        MemorySampler(learners) as sampler,
    ):
        sessions = at_once(hub, learners)
    return sessions, sampler


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):6.1f}  max {max(values):6.1f}"


def report(count: int, load: str, sessions: dict[str, Session], sampler: MemorySampler) -> float:
    """Print one class size's numbers; return the slowest first nginx page (s)."""
    print(f"\n== {count} learner(s) at once (load before: {load})")
    for step in ("first_lab", "nginx_page", "logs"):
        print(f"  {step:<11} s  {_spread([s.times[step] for s in sessions.values()])}")
    peaks = [sampler.peak[name] for name in sessions]
    print(f"  peak RSS per learner MB  {_spread(peaks)}")
    print(f"  machine's peak used memory MB {sampler.machine_peak:.0f}")
    return max(s.times["nginx_page"] for s in sessions.values())


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} (1/5/15 min), {os.cpu_count()} cores"


def largest_class(peak_mb: float, slowest: dict[int, float]) -> None:
    """By memory: the node's memory over the largest learner peak; by time: the class size
    at which the slowest first nginx page, growing as measured, passes PATIENCE_S."""
    node_mb = psutil.virtual_memory().total / MB
    print(f"\n== one node of this size ({node_mb / 1024:.0f} GB, {os.cpu_count()} cores)")
    print(f"  by memory: {int(node_mb * 0.9 // peak_mb)} learners at {peak_mb:.0f} MB peak each")
    sizes = sorted(slowest)
    if len(sizes) >= 2:
        first, last = sizes[0], sizes[-1]
        per_learner = (slowest[last] - slowest[first]) / (last - first)
        fits = first + (PATIENCE_S - slowest[first]) / per_learner if per_learner > 0 else 0
        print(
            f"  by time: +{per_learner:.0f} s to the first nginx page per learner more; "
            f"{PATIENCE_S:.0f} s reached at about {int(fits)} learners starting together"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, action="append", help="class size (repeatable)")
    sizes = parser.parse_args().learners or [1, 3, 6]
    slowest: dict[int, float] = {}
    peak = 0.0
    for count in sizes:
        load = _load()
        sessions, sampler = run_class(count)
        slowest[count] = report(count, load, sessions, sampler)
        peak = max(peak, *(sampler.peak[name] for name in sessions))
    largest_class(peak, slowest)


if __name__ == "__main__":
    main()
