"""Benchmark: how long a learner waits for a section's start, now that starts are restored
from recorded snapshots instead of applied (issue 14). Not a test: it prints numbers.

Measured on a local cloud of its own (a free port, a tmp ECSLAB_HOME and workspace):

- fresh cloud -> section ready: `ecslab reset`, an empty workspace, then `ecslab prepare
  --section STEM` (files placed, `terraform init`, the start restored) until it returns;
  for 9.4 also until nginx answers through the load balancer (goal <= 10 s);
- `ecslab reset --to 9.4` from a workspace and cloud at 9.4's start (goal <= 10 s);
- optional (`--nbval`): the strict nbval run over solutions/ (goal <= 120 s).

The section starts must be recorded first (`make snapshots`): the script says so and
stops otherwise, rather than timing applies.

    python bench/sections.py            # the sections and reset --to
    python bench/sections.py --nbval    # and the notebook suite
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from ecslab import sections
from ecslab.cloud import starts
from ecslab.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ecslab(*args: str) -> str:
    """Run the `ecslab` command in this environment; its output (raise on failure)."""
    done = subprocess.run(
        [sys.executable, "-m", "ecslab.cli", *args], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"ecslab {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


def nginx_answers(timeout: float = 120) -> float:
    """Seconds until the load balancer's URL answers 200 (polling, as a learner reloads)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            url = ecslab("url").strip()
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except (RuntimeError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError("nginx never answered through the load balancer")


def section_ready(stem: str, root: Path) -> tuple[float, float | None]:
    """(seconds to a prepared section on a fresh cloud, then to nginx answering, if any)."""
    ecslab("reset")
    os.environ["ECSLAB_WORKSPACE"] = str(root / f"ws-{stem}")
    start = time.monotonic()
    ecslab("prepare", "--section", stem)
    took = time.monotonic() - start
    serves = any("aws_ecs_service" in t for t in sections.section(stem).prerequisites or ())
    return took, (took + nginx_answers()) if serves else None


def reset_to(book: str, root: Path) -> float:
    """Seconds of `ecslab reset --to BOOK` from a workspace and cloud at 9.4's start."""
    os.environ["ECSLAB_WORKSPACE"] = str(root / "ws-reset")
    ecslab("reset")
    ecslab("prepare", "--section", next(s.stem for s in sections.SECTIONS if s.book == book))
    start = time.monotonic()
    ecslab("reset", "--to", book)
    return time.monotonic() - start


def nbval() -> float:
    """Seconds of the strict nbval run over solutions/ (tests/test_notebooks.py's test)."""
    start = time.monotonic()
    test = "tests/test_notebooks.py::test_solutions_reproduce_their_stored_outputs"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=PROJECT_ROOT,
        check=True,
    )
    return time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nbval", action="store_true", help="also time the notebook suite")
    args = parser.parse_args()
    missing = [s for s in starts.distinct_starts() if not starts.recorded(s)]
    if missing:
        print(f"not recorded: {', '.join(missing)}; run `make snapshots` first", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ecslab-bench-") as tmp:
        root = Path(tmp)
        os.environ.update(
            ECSLAB_HOME=str(root / "home"), ECSLAB_PORT=str(free_port()), ECSLAB_TARGET="local"
        )
        ecslab("up")
        try:
            for item in sections.SECTIONS:
                if item.prerequisites:
                    took, serving = section_ready(item.stem, root)
                    more = f", nginx answers at {serving:.1f} s" if serving else ""
                    print(f"fresh cloud -> {item.book} ready: {took:.1f} s{more}")
            print(f"ecslab reset --to 9.4: {reset_to('9.4', root):.1f} s")
        finally:
            ecslab("down")
    if args.nbval:
        print(f"strict nbval over solutions/: {nbval():.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
