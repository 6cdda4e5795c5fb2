"""The lab's notebooks, run for real against a local cloud of their own.

- The solutions, in order, under `pytest --nbval` (strict: every output compared with the
  stored one, through tests/nbval_sanitize.cfg for ids, ports, IPs, times).
- Each lab notebook, run as a learner gets it (answers missing): it stops at its first
  exercise with that exercise's hint, or, without exercises, runs to the end.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from ecslab.authoring.run import notebook_cloud
from ecslab.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

SANITIZE = PROJECT_ROOT / "tests" / "nbval_sanitize.cfg"
LABS = sorted((PROJECT_ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
#: The whole suite of solutions must run within this (seconds), on this machine.
SUITE_BUDGET = 300


@pytest.fixture(scope="module")
def cloud_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A local cloud for this module only: the notebooks use the book's resource names."""
    with notebook_cloud(tmp_path_factory.mktemp("notebooks")) as env:
        yield env


def test_solutions_reproduce_their_stored_outputs(cloud_env: dict[str, str]) -> None:
    """Do the solution notebooks, run in order, give the outputs stored in them?"""
    argv = [sys.executable, "-m", "pytest", "--nbval", str(PROJECT_ROOT / "solutions")]
    argv += ["--nbval-sanitize-with", str(SANITIZE), "-p", "no:cacheprovider", "-q"]
    start = time.monotonic()
    done = subprocess.run(argv, env=cloud_env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    took = time.monotonic() - start
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    print(f"notebook suite: {took:.0f} s (budget {SUITE_BUDGET} s)")


def _first_exercise(nb: Any) -> int | None:
    """Index of the first cell a learner must write (a TODO left by ecslab.authoring.release)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and ("### TODO:" in cell.source or "lab.todo(" in cell.source):
            return index
    return None


def _run_lab(path: Path, env: dict[str, str]) -> tuple[Any, CellExecutionError | None]:
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False)
    try:
        client.execute(env=env)
    except CellExecutionError as e:
        return nb, e
    return nb, None


def _stop_background_apply(workspace: Path, env: dict[str, str]) -> None:
    code = "from pathlib import Path; from ecslab import prepare; "
    code += f"prepare.stop(Path({str(workspace)!r}))"
    subprocess.run([sys.executable, "-c", code], env=env, check=False)


@pytest.mark.parametrize("path", LABS, ids=[p.stem for p in LABS])
def test_lab_stops_at_its_first_exercise(
    path: Path, cloud_env: dict[str, str], tmp_path: Path
) -> None:
    """Does each lab, run as is, stop at its first exercise with its hint (not a traceback)?"""
    env = {**cloud_env, "ECSLAB_WORKSPACE": str(tmp_path / "workspace")}
    try:
        nb, error = _run_lab(path, env)
    finally:
        _stop_background_apply(tmp_path / "workspace", env)
    exercise = _first_exercise(nb)
    if exercise is None:
        assert error is None, f"{path.name} failed without an exercise: {error}"
        return
    assert error is not None, f"{path.name} ran past its first exercise"
    failed = [i for i, c in enumerate(nb.cells) if _has_error(c)]
    assert failed == [exercise]
    output = next(o for o in nb.cells[exercise].outputs if o.output_type == "error")
    assert output.ename == "ExerciseIncomplete"
    shown = "\n".join(output.traceback)
    assert "Your turn" in shown and "Hint:" in shown
    assert "src/ecslab" not in shown and "Traceback" not in shown
    hint_words = nb.cells[exercise].source.split("TODO:")[1].split()[:4]
    assert " ".join(hint_words) in " ".join(shown.split())


def _has_error(cell: Any) -> bool:
    return cell.cell_type == "code" and any(o.output_type == "error" for o in cell.outputs)
