"""Tests of ecslab.authoring.release: labs/ generated from solutions/, nbgrader-style."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ecslab.authoring import release
from ecslab.settings import PROJECT_ROOT

ANSWER = """%%workspace_file cluster.tf
### BEGIN SOLUTION
### HINT: listing 9.1, a cluster named "example".
resource "aws_ecs_cluster" "example" {
  name = "example"
}
### END SOLUTION"""


def _solution() -> nbformat.NotebookNode:
    executed = new_code_cell("print(1)", execution_count=3)
    executed.outputs = [new_output("stream", name="stdout", text="1\n")]
    only = new_markdown_cell("The answer, in full.")
    only.metadata["tags"] = ["solution_only"]
    return new_notebook(
        cells=[
            new_markdown_cell("# Title"),
            new_code_cell(ANSWER),
            new_code_cell("# NBVAL_IGNORE_OUTPUT\nlab.plan()"),
            executed,
            only,
        ]
    )


def _write(folder: Path, name: str, nb: nbformat.NotebookNode) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    return path


def test_answer_is_replaced_by_its_hint() -> None:
    """Does a file cell's solution region become one TODO line carrying the hint?"""
    lab = release.build(_solution(), "01_x.ipynb")
    assert lab.cells[1].source == (
        '%%workspace_file cluster.tf\n### TODO: listing 9.1, a cluster named "example".'
    )


def test_python_region_raises_todo() -> None:
    """Does a Python solution region become a call that stops with the hint?"""
    source = "x = 1\n### BEGIN SOLUTION\n### HINT: call f\nf()\n### END SOLUTION\ny = 2"
    assert release.strip_region(source, is_file_cell=False) == (
        "x = 1\n# TODO: call f\nlab.todo('call f')\ny = 2"
    )


def test_region_without_end_raises() -> None:
    """Does a solution region without an end marker raise, naming the notebook and cell?"""
    nb = new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\nsecret = 1")])
    with pytest.raises(release.ReleaseError, match=r"02_x.ipynb: cell 0: .*has no ### END"):
        release.build(nb, "02_x.ipynb")


def test_end_without_begin_raises() -> None:
    """Does an end marker without a begin marker raise, with its line number?"""
    with pytest.raises(release.ReleaseError, match="line 2: ### END SOLUTION without"):
        release.strip_region("a\n### END SOLUTION", is_file_cell=True)


def test_nested_begin_raises() -> None:
    """Does a begin marker inside a solution region raise?"""
    with pytest.raises(release.ReleaseError, match="inside another solution"):
        release.strip_region("### BEGIN SOLUTION\n### BEGIN SOLUTION", is_file_cell=True)


def test_outputs_and_counts_are_cleared() -> None:
    """Are outputs and execution counts gone from the lab?"""
    lab = release.build(_solution(), "01_x.ipynb")
    code = [c for c in lab.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)


def test_solution_only_cells_are_dropped() -> None:
    """Is a cell tagged solution_only left out of the lab?"""
    lab = release.build(_solution(), "01_x.ipynb")
    assert all("The answer, in full." not in c.source for c in lab.cells)


def test_nbval_markers_are_stripped() -> None:
    """Do the nbval marker comments stay out of the learner's notebook?"""
    lab = release.build(_solution(), "01_x.ipynb")
    assert lab.cells[2].source == "lab.plan()"


def test_lab_is_stamped_with_its_generator() -> None:
    """Does the lab's metadata name its generator and source?"""
    meta = release.build(_solution(), "01_x.ipynb").metadata["ecslab"]
    assert meta["generated_by"] == "ecslab.authoring.release"
    assert meta["source"] == "solutions/01_x.ipynb"


def test_build_leaves_solution_untouched() -> None:
    """Is the solution notebook unchanged after building its lab?"""
    nb = _solution()
    release.build(nb, "01_x.ipynb")
    assert "### BEGIN SOLUTION" in nb.cells[1].source


def test_verify_only_lists_stale_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Does --verify-only fail and name the stale lab when a solution changed?"""
    solutions, labs = tmp_path / "solutions", tmp_path / "labs"
    _write(solutions, "01_x.ipynb", _solution())
    assert release.main(["--solutions", str(solutions), "--labs", str(labs)]) == 0
    assert release.main(["--verify-only", "--solutions", str(solutions), "--labs", str(labs)]) == 0
    _write(solutions, "01_x.ipynb", new_notebook(cells=[new_markdown_cell("# Changed")]))
    code = release.main(["--verify-only", "--solutions", str(solutions), "--labs", str(labs)])
    assert code == 1
    assert "01_x.ipynb" in capsys.readouterr().err


def test_orphan_lab_is_stale(tmp_path: Path) -> None:
    """Is a lab without a solution reported, and removed by a rebuild?"""
    solutions, labs = tmp_path / "solutions", tmp_path / "labs"
    solutions.mkdir()
    orphan = _write(labs, "09_gone.ipynb", new_notebook())
    assert release.stale(solutions, labs) == [orphan]
    release.write(solutions, labs)
    assert not orphan.exists()


def test_repository_labs_are_current() -> None:
    """Is labs/ in the repository what the release builds from solutions/?"""
    assert release.stale(PROJECT_ROOT / "solutions", PROJECT_ROOT / "labs") == []


def test_notebook_links_point_to_existing_notebooks() -> None:
    """Does every link between the lab's notebooks lead to a notebook that exists?"""
    import re

    for path in sorted((PROJECT_ROOT / "solutions").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        for target in re.findall(r"\]\(([^)#\s]+\.ipynb)\)", text):
            assert (PROJECT_ROOT / "labs" / target).exists(), f"{path.name} links to {target}"


def test_every_notebook_has_the_lab_anatomy() -> None:
    """Title first and only once, one setup cell, Check your work, Summary and Next?"""
    for path in sorted((PROJECT_ROOT / "solutions").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
        titles = [ln for text in markdown for ln in text.splitlines() if ln.startswith("# ")]
        assert nb.cells[0].source.startswith("# ") and len(titles) == 1, path.name
        setups = [c for c in nb.cells if c.cell_type == "code" and "lab.setup(" in c.source]
        assert len(setups) == 1 and f'lab.setup("{path.stem}")' in setups[0].source
        joined = "\n".join(markdown)
        for heading in ("What you will learn", "Prerequisites and time", "## Summary", "## Next"):
            assert heading in joined, f"{path.name} lacks {heading!r}"
        assert "Check your work" in joined, path.name
