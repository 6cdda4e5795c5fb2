"""Benchmark: what the Binder image's Python layer weighs, and that it is enough.

A script, not a test (issue 13). repo2docker installs binder/requirements.txt (the runtime
lock) in a pip layer of its own; this installs the same file, hashes checked, into a fresh
venv and reports what it adds: the bytes under site-packages (as `du -sb`, the empty venv's
own pip and setuptools subtracted) and the number of distributions. With `--against REV`
it measures the file as it was at a git revision too (e.g. the parent of the commit that
trimmed moto's extras), and the difference.

No Docker engine on the machine this was written on: repo2docker's layers cannot be built,
so this measures the content of the pip layer, not the image (its base, the apt packages
of binder/apt.txt, Terraform and the provider mirror of binder/postBuild come on top).

It also proves the lock is enough for the local cloud: in the fresh venv (ecslab from this
checkout's src/, as postBuild installs it without dependencies), moto's WSGI app, the local
cloud's modules and the backend of every moto service the lab reaches import
(tests/moto_support.py's probe; nothing blocked: the venv holds the lock only).

    .venv/bin/python bench/image_size.py                  # this checkout's lock (~1 min)
    .venv/bin/python bench/image_size.py --against REV    # and REV's, for the difference
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from moto_support import REACHED_BY_MOTO, WITHOUT_EXTRA, moto_extras, probe  # noqa: E402

LOCK = "binder/requirements.txt"
MB = 1000 * 1000


@dataclass(frozen=True)
class Layer:
    """What a requirements file adds to a fresh venv."""

    label: str
    distributions: int
    size: int
    seconds: float

    def line(self) -> str:
        return (
            f"{self.label}: {self.distributions} distributions, "
            f"{self.size / MB:.1f} MB in site-packages (installed in {self.seconds:.0f} s)"
        )


def site_packages(venv: Path) -> Path:
    (found,) = (venv / "lib").glob("python3*/site-packages")
    return found


def du(path: Path) -> int:
    """Bytes of the files under path (as `du -sb`: apparent sizes, links not followed)."""
    total = 0
    for folder, dirs, files in os.walk(path):
        total += sum(os.lstat(os.path.join(folder, name)).st_size for name in files + dirs)
    return total


def distributions(venv: Path) -> int:
    return len(list(site_packages(venv).glob("*.dist-info")))


def fresh_venv(python: str, where: Path) -> Path:
    subprocess.run([python, "-m", "venv", str(where)], check=True)
    return where


def measure(label: str, requirements: str, python: str, work: Path) -> tuple[Layer, Path]:
    """Install `requirements` (a lock's text) into a fresh venv: what it added, the venv."""
    empty = fresh_venv(python, work / "empty")
    before_size, before_count = du(site_packages(empty)), distributions(empty)
    venv = fresh_venv(python, work / "venv")
    lock = work / "requirements.txt"
    lock.write_text(requirements)
    started = time.monotonic()
    pip = [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(lock)], check=True)
    seconds = time.monotonic() - started
    size = du(site_packages(venv)) - before_size
    return Layer(label, distributions(venv) - before_count, size, seconds), venv


def lock_at(revision: str) -> str:
    """binder/requirements.txt as it was at a git revision."""
    shown = ["git", "-C", str(ROOT), "show", f"{revision}:{LOCK}"]
    return subprocess.run(shown, check=True, capture_output=True, text=True).stdout


def prove_enough(venv: Path) -> str:
    """Run the probe in the venv: every import the local cloud needs, or SystemExit."""
    services = sorted({*moto_extras(), *WITHOUT_EXTRA, *REACHED_BY_MOTO})
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    found = probe(str(venv / "bin" / "python"), services, env=env)
    failed = {name: error for name, error in found.items() if error}
    if failed:
        raise SystemExit(f"the lock is not enough: {failed}")
    return f"enough: {len(found) - len(services)} modules and {len(services)} moto services import"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="REV", help="also measure REV's binder lock")
    parser.add_argument("--python", default=sys.executable, help="the Python of the venvs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecslab-image-size-") as tmp:
        work = Path(tmp)
        (work / "now").mkdir()
        now, venv = measure(
            f"{LOCK} (this checkout)", (ROOT / LOCK).read_text(), args.python, work / "now"
        )
        print(now.line(), flush=True)
        print(f"  {prove_enough(venv)}", flush=True)
        if args.against:
            (work / "then").mkdir()
            then, _ = measure(
                f"{LOCK} at {args.against}", lock_at(args.against), args.python, work / "then"
            )
            print(then.line())
            print(
                f"difference: {now.distributions - then.distributions:+d} distributions, "
                f"{(now.size - then.size) / MB:+.1f} MB ({(now.size - then.size) / then.size:+.0%})"
            )


if __name__ == "__main__":
    main()
