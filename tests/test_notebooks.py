"""The lab's notebooks, run for real against a local cloud of their own.

- The solutions of each edition (solutions/, solutions/ja/), in order, under
  `pytest --nbval` (strict: every output compared with the stored one, through
  tests/nbval_sanitize.cfg for ids, ports, IPs, times). The two editions run the same
  code at the same time, each on a local cloud of its own: most of a run is waiting on
  the AWS provider, so two cost little more than one.
- Each lab notebook, run as a learner gets it (answers missing): it stops at its first
  exercise with that exercise's hint, or, without exercises, runs to the end; each check
  it ran shows what the solution's stored run showed (✓, or the ✗ the text expects).

Kernels start as a learner's would: the lab's settings (ECSLAB_HOME, ECSLAB_PORT,
ECSLAB_WORKSPACE) and a stock machine's PATH, no AWS_* variable and no venv on PATH.
Pointing the kernel at the local cloud (`!aws` included) is `lab.setup`'s job, tested here.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbval.plugin import get_sanitize_patterns

from ecslab import i18n
from ecslab.authoring.run import learner_env, notebook_cloud
from ecslab.notebook.checks import Result
from ecslab.settings import PROJECT_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.restores_starts]

SANITIZE = PROJECT_ROOT / "tests" / "nbval_sanitize.cfg"
SOLUTIONS = PROJECT_ROOT / "solutions"
#: Each edition's folder: English in solutions/ and labs/, others in a subfolder.
EDITIONS = {lang: Path(lang) if lang != i18n.SOURCE else Path() for lang in i18n.LANGUAGES}
LABS = [
    p
    for folder in EDITIONS.values()
    for p in sorted((PROJECT_ROOT / "labs" / folder).glob("[0-9][0-9]_*.ipynb"))
]
#: Hiragana, katakana or a CJK ideograph.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
#: The whole suite of solutions must run within this (seconds), on this machine.
SUITE_BUDGET = 300


@pytest.fixture(scope="module")
def cloud_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A local cloud for this module only: the notebooks use the book's resource names."""
    with notebook_cloud(tmp_path_factory.mktemp("notebooks")) as env:
        yield env


@pytest.fixture(scope="module")
def kernel_env(
    cloud_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """What a learner's kernel starts from: no AWS_*, no venv on PATH (see learner_env)."""
    return learner_env(cloud_env, tmp_path_factory.mktemp("learner"))


def _nbval(edition: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """pytest --nbval on one edition's solutions, started (the caller waits)."""
    notebooks = sorted(str(p) for p in (SOLUTIONS / edition).glob("[0-9][0-9]_*.ipynb"))
    argv = [sys.executable, "-m", "pytest", "--nbval", *notebooks]
    argv += ["--nbval-sanitize-with", str(SANITIZE), "-p", "no:cacheprovider", "-q"]
    return subprocess.Popen(
        argv, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_solutions_reproduce_their_stored_outputs(
    kernel_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Do the solution notebooks of every edition, run in order, give the outputs stored
    in them?"""
    start = time.monotonic()
    english = _nbval(EDITIONS[i18n.SOURCE], kernel_env)
    with notebook_cloud(tmp_path_factory.mktemp("edition")) as other:
        others = {
            lang: _nbval(folder, learner_env(other, tmp_path_factory.mktemp(f"learner-{lang}")))
            for lang, folder in EDITIONS.items()
            if lang != i18n.SOURCE
        }  # one more edition would need a cloud of its own
        runs = {i18n.SOURCE: english, **others}
        shown = {lang: run.communicate()[0] for lang, run in runs.items()}
    took = time.monotonic() - start
    failed = {lang: shown[lang][-6000:] for lang, run in runs.items() if run.returncode}
    assert not failed, "\n".join(f"--- {lang} ---\n{text}" for lang, text in failed.items())
    print(f"notebook suites, {len(runs)} editions at once: {took:.0f} s (budget {SUITE_BUDGET} s)")


def _first_exercise(nb: Any) -> int | None:
    """Index of the first cell a learner must write (a TODO left by ecslab.authoring.release)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and ("### TODO:" in cell.source or "lab.todo(" in cell.source):
            return index
    return None


def _run_lab(path: Path, env: dict[str, str]) -> tuple[Any, CellExecutionError | None]:
    """Run a lab as Jupyter would: its kernel in the notebook's folder (its edition)."""
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute(env=env)
    except CellExecutionError as e:
        return nb, e
    return nb, None


def _stop_background_apply(workspace: Path, env: dict[str, str]) -> None:
    code = "from pathlib import Path; from ecslab.tf import prepare; "
    code += f"prepare.stop(Path({str(workspace)!r}))"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def _reset_cloud(env: dict[str, str]) -> None:
    """An empty local cloud (`ecslab reset`): what an earlier lab's stopped background
    apply left there is no part of this lab (its setup restores its section's start)."""
    ecslab = str(Path(sys.executable).parent / "ecslab")
    subprocess.run([ecslab, "reset"], env=env, check=True, capture_output=True)


def _edition_of(lab: Path) -> str:
    return lab.parent.name if lab.parent.name in i18n.LANGUAGES else i18n.SOURCE


@pytest.mark.parametrize("path", LABS, ids=[f"{_edition_of(p)}-{p.stem}" for p in LABS])
def test_lab_stops_at_its_first_exercise(
    path: Path, kernel_env: dict[str, str], tmp_path: Path
) -> None:
    """Does each lab, run as is, stop at its first exercise with its hint (not a traceback),
    its checks on the way showing what the solution's run showed?"""
    env = {**kernel_env, "ECSLAB_WORKSPACE": str(tmp_path / "workspace")}
    _reset_cloud(env)  # started on its own, as a learner jumping to it would
    try:
        nb, error = _run_lab(path, env)
    finally:
        _stop_background_apply(tmp_path / "workspace", env)
    exercise = _first_exercise(nb)
    if exercise is None:
        assert error is None, f"{path.name} failed without an exercise: {error}"
    else:
        _assert_stopped_with_hint(nb, exercise, error, _edition_of(path))
    ran = len(nb.cells) if exercise is None else exercise
    assert _checks_shown(nb, ran) == _checks_shown(_solution_of(path), ran)


def _assert_stopped_with_hint(
    nb: Any, exercise: int, error: CellExecutionError | None, lang: str
) -> None:
    """The lab stopped at cell `exercise`, with its hint (in the edition's language) and no
    traceback, and nowhere else."""
    assert error is not None, "the lab ran past its first exercise"
    failed = [i for i, c in enumerate(nb.cells) if _has_error(c)]
    assert failed == [exercise]
    output = next(o for o in nb.cells[exercise].outputs if o.output_type == "error")
    assert output.ename == "ExerciseIncomplete"
    shown = "\n".join(output.traceback)
    if lang == "ja":
        assert JAPANESE.search(shown.split("TODO:")[0]), shown
    else:
        assert "Your turn" in shown and "Hint:" in shown
    assert "src/ecslab" not in shown and "Traceback" not in shown
    # the TODO's first line: a Japanese hint has few spaces, so its words run on into the
    # next line's "###" marker
    hint_words = nb.cells[exercise].source.split("TODO:")[1].splitlines()[0].split()[:4]
    assert " ".join(hint_words) in " ".join(shown.split())


def _has_error(cell: Any) -> bool:
    return cell.cell_type == "code" and any(o.output_type == "error" for o in cell.outputs)


def _solution_of(lab: Path) -> Any:
    """The solution notebook a lab was generated from (cell for cell, as the release keeps)."""
    path = SOLUTIONS / lab.relative_to(PROJECT_ROOT / "labs")
    return nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]


def _checks_shown(nb: Any, cells: int) -> list[tuple[int, str, bool]]:
    """(cell, check name, passed) of every check result shown by the first `cells` cells."""
    return [
        (index, name, passed)
        for index, cell in enumerate(nb.cells[:cells])
        if cell.cell_type == "code"
        for output in cell.outputs
        for name, passed in _check_outcomes(output.get("data", {}).get("text/html", ""))
    ]


class _CheckReader(HTMLParser):
    """Collects the data-check/data-passed attributes of checks.Result's HTML boxes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("data-check") is not None:
            self.found.append((str(found["data-check"]), found.get("data-passed") == "True"))


def _check_outcomes(html: str) -> list[tuple[str, bool]]:
    reader = _CheckReader()
    reader.feed(html)
    return reader.found


@pytest.mark.parametrize("passed", [True, False])
def test_check_outcomes_are_read_from_a_results_html(passed: bool) -> None:
    """Is a check's outcome read from the data a Result shows (not from its text)?"""
    html = Result("nginx", passed, "summary ✓ ✗", hint="✓")._repr_html_()
    assert _check_outcomes(html) == [("nginx", passed)]


def _sanitized(text: str) -> str:
    """text as nbval compares it, through tests/nbval_sanitize.cfg."""
    for regex, replace in get_sanitize_patterns(SANITIZE.read_text()):
        text = re.sub(regex, replace, text)
    return text


def _stored_log_events() -> str:
    """The stored output of the book's `!aws logs filter-log-events` cell in solutions/04."""
    nb = _solution_of(PROJECT_ROOT / "labs" / "04_logging.ipynb")
    (cell,) = [c for c in nb.cells if c.source.startswith(BOOK_LOG_COMMAND)]
    # one stream, however the kernel chunked it (as nbval compares it)
    return "".join(str(o.text) for o in cell.outputs if o.output_type == "stream")


#: The book's command (9.4.3), typed as is in a cell of solutions/04.
BOOK_LOG_COMMAND = "!aws logs filter-log-events --log-group-name /ecs/example"


@pytest.mark.parametrize(
    "shown",
    [
        "/bin/bash: line 1: aws: command not found\r\n",
        '{\r\n    "events": [],\r\n    "searchedLogStreams": []\r\n}\r\n',
        "\r\nAn error occurred (ResourceNotFoundException) when calling the FilterLogEvents "
        "operation: The specified log group does not exist.\r\n",
    ],
    ids=["no-aws-cli", "no-events", "error"],
)
def test_log_events_cell_compares_only_with_events(shown: str) -> None:
    """Does the book's filter-log-events cell fail nbval when it shows no events?"""
    stored = _sanitized(_stored_log_events())
    assert '"events": [\r\n        LOG_EVENTS\r\n    ]' in stored
    assert _sanitized(shown) != stored


def _edition_of(lab: Path) -> str:
    return lab.parent.name if lab.parent.name in i18n.LANGUAGES else i18n.SOURCE


@pytest.mark.parametrize("path", LABS, ids=[f"{_edition_of(p)}-{p.stem}" for p in LABS])
def test_solution_imports_resolve(path: Path) -> None:
    """Does each notebook's `from ecslab import ...` line import (the short import line)?"""
    code = [c.source for c in _solution_of(path).cells if c.cell_type == "code"]
    lines = [line for source in code for line in source.splitlines()]
    imports = [line for line in lines if line.startswith("from ecslab import ")]
    assert imports, f"{path.name} has no `from ecslab import` line"
    for line in imports:
        exec(line, {})  # the very statement a learner's kernel runs first


#: nbval's ways to leave a cell's output unchecked (comment markers and cell tags).
IGNORED = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "nbval-ignore-output", "nbval-skip")


def _edition_of(lab: Path) -> str:
    return lab.parent.name if lab.parent.name in i18n.LANGUAGES else i18n.SOURCE


@pytest.mark.parametrize("path", LABS, ids=[f"{_edition_of(p)}-{p.stem}" for p in LABS])
def test_no_solution_output_is_ignored(path: Path) -> None:
    """Is every output a learner sees compared (sanitized where it varies), none ignored?"""
    for index, cell in enumerate(_solution_of(path).cells):
        words = {*cell.source.replace("#", " ").split(), *cell.metadata.get("tags", [])}
        assert not words & set(IGNORED), f"{path.name} cell {index}"
