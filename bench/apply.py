"""Benchmark: how long the chapter's Terraform takes against the local cloud, and how often
an apply/destroy cycle fails. Not a test: it prints numbers (issue 2, part 7).

Each cycle copies terraform/ into a fresh folder, then times `init`, `apply` (plan and
apply, auto-approved: what a learner waits for), an immediate no-op `plan` (which must
show no changes) and `destroy`. A cycle fails when any step raises or the no-op plan is
not empty; the local cloud is then reset so the next cycle starts clean.

The floor. About 80 s of a full apply are fixed sleeps inside the AWS provider, not
server time: the ALB waiter runs twice with a 30 s initial delay, setting the VPC's DNS
hostnames and the public subnets' map_public_ip_on_launch each wait 10 s (the cluster
waits 10 s in parallel). No server can make the apply faster than that chain, so apply
times are reported against that chain as each apply measured it (the VPC's, a public
subnet's and the ALB's creation times, from Terraform's events; FLOOR_SECONDS when
unknown), and the slowest resources of the last apply are listed.

    python bench/apply.py                 # 30 cycles against `ecslab up` (about 50 min)
    python bench/apply.py --cycles 3      # a quick look
    python bench/apply.py --server moto   # the same against a plain moto server
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ecslab.settings import PROJECT_ROOT
from ecslab.tf.events import ApplyComplete, Event
from ecslab.tf.runner import Terraform

#: Fixed sleeps of the AWS provider on the critical path of the chapter's apply (see above).
FLOOR_SECONDS = 80.0

STEPS = ("init", "apply", "no-op plan", "destroy")

LB = "module.loadbalancer"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def local_cloud(kind: str, home: Path) -> Iterator[Callable[[], None]]:
    """Run a local cloud (ecslab's, or plain moto) on a free port; yield its reset()."""
    port = free_port()
    os.environ.update(ECSLAB_HOME=str(home), ECSLAB_PORT=str(port), ECSLAB_TARGET="local")
    if kind == "moto":
        with plain_moto(port, home) as reset:
            yield reset
        return
    from ecslab.cloud import daemon

    def reset() -> None:
        daemon.reset()

    daemon.up()
    try:
        yield reset
    finally:
        daemon.down()


@contextlib.contextmanager
def plain_moto(port: int, home: Path) -> Iterator[Callable[[], None]]:
    """`python -m moto.server` with managed policies, as the issue's first measurements."""
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    log = (home / "moto.log").open("w")
    argv = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/moto-api/reset"
    try:
        wait_for_port(port)
        yield lambda: urllib.request.urlopen(urllib.request.Request(url, method="POST")).close()
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def one_cycle(workdir: Path, durations: dict[str, list[float]], slowest: list[Any]) -> None:
    """init, apply, no-op plan, destroy in workdir; raise on any failure."""
    terraform = Terraform(workdir, "local")
    completions: list[ApplyComplete] = []

    def keep(event: Event) -> None:
        if isinstance(event, ApplyComplete):
            completions.append(event)

    steps: list[tuple[str, Callable[[], Any]]] = [
        ("init", terraform.init),
        ("apply", lambda: terraform.apply(on_event=keep)),
        ("no-op plan", terraform.plan),
        ("destroy", terraform.destroy),
    ]
    for name, step in steps:
        seconds, result = timed(step)
        durations[name].append(seconds)
        if name == "apply":
            durations["floor"].append(provider_waits(completions))
        if name == "no-op plan" and not result.empty:
            changed = ", ".join(c.address for c in result.changes)
            terraform.destroy()
            raise RuntimeError(f"second plan not empty: {result} ({changed})")
    slowest[:] = sorted(completions, key=lambda c: -c.elapsed_seconds)[:5]


def provider_waits(completions: list[ApplyComplete]) -> float:
    """This apply's chain of provider waits: the VPC, then a public subnet, then the ALB."""
    took = {c.address: c.elapsed_seconds for c in completions}
    subnet = max(took.get(f"{LB}.aws_subnet.public_{i}", 0) for i in (0, 1))
    return float(
        took.get(f"{LB}.aws_vpc.example", 0) + subnet + took.get(f"{LB}.aws_lb.example", 0)
    )


def run(cycles: int, server: str, keep_going: bool) -> dict[str, Any]:
    """Run the cycles against a fresh local cloud; the numbers and failures."""
    result: dict[str, Any] = {"server": server, "cycles": cycles, "failures": [], "slowest": []}
    result["durations"] = {step: [] for step in (*STEPS, "floor")}
    with (
        tempfile.TemporaryDirectory(prefix="ecslab-bench-") as tmp,
        local_cloud(server, Path(tmp) / "home") as reset,
    ):
        for n in range(1, cycles + 1):
            ok = cycle(n, Path(tmp) / f"cycle{n}", result, reset)
            print(f"cycle {n}/{cycles}: {'ok' if ok else 'FAILED'} {last(result)}", file=sys.stderr)
            if not (ok or keep_going):
                break
    return result


def cycle(n: int, folder: Path, result: dict[str, Any], reset: Callable[[], None]) -> bool:
    """One apply/destroy cycle in its own folder; on failure, record it and reset the cloud."""
    slowest: list[ApplyComplete] = []
    try:
        one_cycle(copy_chapter(folder), result["durations"], slowest)
        result["slowest"] = [(c.address, c.elapsed_seconds) for c in slowest]
        return True
    except Exception as e:  # a benchmark counts failures, it does not stop at one
        result["failures"].append(f"cycle {n}: {type(e).__name__}: {e}")
        traceback.print_exc(file=sys.stderr)
        reset()
        return False
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def last(result: dict[str, Any]) -> str:
    return " ".join(f"{k}={v[-1]:.1f}s" for k, v in result["durations"].items() if v)


def copy_chapter(dest: Path) -> Path:
    skip = shutil.ignore_patterns(".terraform*", "*.tfstate*", "*.tfplan")
    shutil.copytree(PROJECT_ROOT / "terraform", dest / "terraform", symlinks=True, ignore=skip)
    return dest / "terraform" / "chapter9"


def table(result: dict[str, Any]) -> str:
    rows = [f"{'step':<12} {'median':>8} {'min':>8} {'max':>8} {'n':>4}"]
    for step, values in result["durations"].items():
        if values and step != "floor":
            rows.append(
                f"{step:<12} {statistics.median(values):>7.1f}s {min(values):>7.1f}s "
                f"{max(values):>7.1f}s {len(values):>4}"
            )
    applies, floors = result["durations"]["apply"], result["durations"]["floor"]
    if applies:
        floor = statistics.median(floors) if floors else FLOOR_SECONDS
        over = statistics.median(applies) - floor
        rows.append(f"{'floor':<12} {floor:>7.1f}s  provider waits VPC+subnet+ALB (nominal 80 s)")
        rows.append(f"apply median is {over:+.1f}s over the floor")
    rows.append(
        f"failed cycles: {len(result['failures'])} of {result['cycles']} ({result['server']})"
    )
    rows += [f"  {f}" for f in result["failures"]]
    rows.append(
        "slowest resources of the last apply: "
        + ", ".join(f"{address} {seconds}s" for address, seconds in result["slowest"])
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=30, help="apply/destroy cycles (default 30)")
    parser.add_argument("--server", choices=["ecslab", "moto"], default="ecslab")
    parser.add_argument("--stop-on-failure", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args(argv)
    result = run(args.cycles, args.server, keep_going=not args.stop_on_failure)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
