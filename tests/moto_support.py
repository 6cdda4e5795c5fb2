"""The moto services the lab installs, and a probe that imports them (tests, bench).

pyproject.toml asks moto for the extras of the chapters' services only, not for
`moto[server]` (whose extras are every service's: cfn-lint, sympy, docker...). This module
reads that list and the runtime lock's distributions, and runs `PROBE` in some Python:
moto's WSGI app, ecslab's cloud and each service's backend imported, optionally with every
installed distribution outside a given set made unimportable. That lets the test venv,
which holds more (the test tools), stand in for the Binder image's runtime-only one;
bench/image_size.py runs the same probe in a venv built from binder/requirements.txt.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from collections.abc import Iterable
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]

#: Modules the local cloud imports besides the backends: moto's WSGI app (flask,
#: flask-cors) and ecslab's host, data plane and snapshots.
MODULES = (
    "moto.moto_server.werkzeug_app",
    "ecslab.cloud.server",
    "ecslab.cloud.snapshot",
    "ecslab.dataplane",
)

#: Services ecslab reaches whose moto extra is not installed, each with why that is safe:
#: the probe proves its backend imports with the runtime lock alone.
WITHOUT_EXTRA = {
    # `ecslab leftovers --target local` asks the tagging API; moto lists for it the whole
    # of `server`'s dependencies, yet its backend (moto.core.resource_tagging) needs none.
    "resourcegroupstaggingapi": "ecslab.account.leftovers",
}

#: The name of the variable that, when set (comma-separated distribution names), makes
#: every other installed distribution unimportable in a Python running `BLOCKER`.
ONLY = "MOTO_SUPPORT_IMPORTABLE_ONLY"

#: Services moto's own backends import, each with who does: ecslab never names them.
REACHED_BY_MOTO = {
    "elb": "moto.elbv2.models (classic ELB's certificate registry)",
}

#: Run first in a Python (as its sitecustomize, or as the start of `PROBE`).
BLOCKER = r"""
import importlib.metadata as _md, os as _os, re as _re, sys as _sys

if _os.environ.get("@ONLY@"):
    _allowed = set(_os.environ["@ONLY@"].split(","))
    _blocked = {
        top
        for top, dists in _md.packages_distributions().items()
        if not any(_re.sub(r"[-_.]+", "-", d).lower() in _allowed for d in dists)
    }

    class _Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in _blocked:
                raise ModuleNotFoundError(f"No module named {name!r} (outside the set)", name=name)
            return None

    _sys.meta_path.insert(0, _Blocker())
""".replace("@ONLY@", ONLY)

#: Run as `python -c PROBE '{"modules": [...], "services": [...]}'`; prints {module or
#: service: null or the error} as JSON.
PROBE = (
    BLOCKER
    + r"""
import importlib, json


def attempt(load):
    try:
        load()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None


args = json.loads(_sys.argv[1])
from moto.backends import get_backend

found = {m: attempt(lambda m=m: importlib.import_module(m)) for m in args["modules"]}
found.update({s: attempt(lambda s=s: get_backend(s)) for s in args["services"]})
print(json.dumps(found))
"""
)


def canonical(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def moto_extras(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The extras pyproject.toml's moto requirement asks for (moto's service names)."""
    dependencies = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    (moto,) = [Requirement(d) for d in dependencies if Requirement(d).name == "moto"]
    return sorted(moto.extras)


def locked(path: Path = ROOT / "requirements.txt") -> set[str]:
    """The distributions a lock file pins (canonical names)."""
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", path.read_text(), flags=re.MULTILINE)
    return {canonical(name) for name in pins}


def importable_only(only: set[str] | None, env: dict[str, str] | None = None) -> dict[str, str]:
    """`env` (default: os.environ) for a Python running `BLOCKER`: where only the
    distributions `only` can be imported (all of them when None)."""
    changed = dict(os.environ if env is None else env)
    changed.pop(ONLY, None)
    if only is not None:
        changed[ONLY] = ",".join(sorted(canonical(name) for name in only))
    return changed


def probe(
    python: str,
    services: Iterable[str],
    modules: Iterable[str] = MODULES,
    only: set[str] | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, str | None]:
    """Import `modules` and each service's backend in `python`, where only the
    distributions `only` (all installed ones when None) can be imported: {name: error}."""
    args = {"modules": list(modules), "services": list(services)}
    done = subprocess.run(
        [python, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=importable_only(only, env),
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the probe failed in {python}:\n{done.stderr[-3000:]}")
    found: dict[str, str | None] = json.loads(done.stdout.splitlines()[-1])
    return found
