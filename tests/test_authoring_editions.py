"""Tests of ecslab.authoring.editions: the Japanese edition generated from the English
solutions and the catalogs of their prose."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell, new_notebook

from ecslab.authoring import editions, po
from ecslab.sections import HINT
from ecslab.settings import PROJECT_ROOT

SOLUTIONS = PROJECT_ROOT / "solutions"
PAIRS = [(p, editions.edition_path(p, "ja")) for p in editions.sources(SOLUTIONS)]
#: Hiragana, katakana or a CJK ideograph: what makes a cell Japanese.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _read(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=4)  # type: ignore[no-any-return,no-untyped-call]


def _without_hints(source: str) -> str:
    return "\n".join(ln for ln in source.splitlines() if not ln.strip().startswith(HINT))


@pytest.mark.parametrize(("english", "japanese"), PAIRS, ids=[p.stem for p, _ in PAIRS])
def test_the_editions_run_the_same_code(english: Path, japanese: Path) -> None:
    """Does each Japanese notebook hold exactly the English one's code cells (hints
    apart), in the same order, with the same ids?"""
    en, ja = _read(english), _read(japanese)
    assert [(c.id, c.cell_type) for c in ja.cells] == [(c.id, c.cell_type) for c in en.cells]
    for a, b in zip(en.cells, ja.cells, strict=True):
        if a.cell_type == "code":
            assert _without_hints(b.source) == _without_hints(a.source), a.id


@pytest.mark.parametrize(("english", "japanese"), PAIRS, ids=[p.stem for p, _ in PAIRS])
def test_no_japanese_cell_holds_english_prose(english: Path, japanese: Path) -> None:
    """Is every Markdown cell and hint of the Japanese edition written in Japanese?"""
    en, ja = _read(english), _read(japanese)
    for a, b in zip(en.cells, ja.cells, strict=True):
        if a.cell_type == "markdown":
            assert b.source != a.source and JAPANESE.search(b.source), f"{b.id}: {b.source[:80]}"
        elif a.cell_type == "code":
            hints = [ln for ln in b.source.splitlines() if ln.strip().startswith(HINT)]
            assert all(JAPANESE.search(h) for h in hints), f"{b.id}: {hints}"


def test_the_editions_are_current() -> None:
    """Is every catalog complete and every edition what its solution and catalog make?"""
    assert editions.verify(SOLUTIONS) == []


def _nb(*cells: NotebookNode) -> NotebookNode:
    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    nb.cells = list(cells)
    return nb


def _tiny(root: Path, heading: str) -> Path:
    md = nbformat.v4.new_markdown_cell(heading, id="01-00")  # type: ignore[no-untyped-call]
    code = nbformat.v4.new_code_cell(  # type: ignore[no-untyped-call]
        "### BEGIN SOLUTION\n### HINT: name the\n### HINT: cluster\nx = 1\n### END SOLUTION",
        id="01-01",
    )
    path = root / "01_tiny.ipynb"
    nbformat.write(_nb(md, code), path)  # type: ignore[no-untyped-call]
    return path


def test_a_hint_is_one_text_as_the_release_joins_it() -> None:
    """Are a region's HINT lines one text, as the lab's TODO shows them?"""
    source = "### BEGIN SOLUTION\n  ### HINT: a\n  ### HINT: b\nx\n### END SOLUTION"
    assert editions.hint_regions(source) == [([1, 2], "a b")]


def test_a_changed_english_text_turns_fuzzy(tmp_path: Path) -> None:
    """When the English of a translated cell changes, does the edition show the English
    again, the catalog keep the old translation as fuzzy, and verify say so?"""
    solution = _tiny(tmp_path, "# Setup")
    editions.update(tmp_path)
    catalog_file = editions.catalog_path(solution, "ja")
    catalog = po.read(catalog_file, "ja")
    catalog.get("# Setup", context="01-00").string = "# セットアップ"
    catalog.get("name the cluster", context="01-01/hint0").string = "クラスタに名前を付ける"
    catalog_file.write_bytes(po.po_text(catalog))
    editions.update(tmp_path)
    edition = _read(editions.edition_path(solution, "ja"))
    assert edition.cells[0].source == "# セットアップ"
    assert edition.cells[1].source.splitlines()[1] == f"{HINT} クラスタに名前を付ける"
    assert editions.verify(tmp_path) == []
    _tiny(tmp_path, "# Setup, again")
    editions.update(tmp_path)
    assert _read(editions.edition_path(solution, "ja")).cells[0].source == "# Setup, again"
    found = editions.verify(tmp_path)
    assert any("[01-00]" in line and "fuzzy" in line for line in found), found


def test_outputs_stay_for_unchanged_cells(tmp_path: Path) -> None:
    """Does regenerating an edition keep the stored outputs of cells whose code is the
    same, so a wording fix needs no new run?"""
    solution = _tiny(tmp_path, "# Setup")
    editions.update(tmp_path)
    target = editions.edition_path(solution, "ja")
    nb = _read(target)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="ok\n")]  # type: ignore[no-untyped-call]
    nbformat.write(nb, target)  # type: ignore[no-untyped-call]
    editions.update(tmp_path)
    assert _read(target).cells[1].outputs[0]["text"] == "ok\n"


PERCENT = "At most 150 % of 2 tasks, that is 3."
BRACES = "The service has `lifecycle { ignore_changes = [task_definition] }`."
PERCENT_JA = "2タスクの最大150 %、つまり3タスクです。"


def _solutions(folder: Path) -> Path:
    cells = [new_markdown_cell(PERCENT), new_markdown_cell(BRACES)]
    for k, cell in enumerate(cells):
        cell.id = f"cell-{k}"
    folder.mkdir(parents=True)
    nbformat.write(new_notebook(cells=cells), folder / "05_going_further.ipynb")  # type: ignore[no-untyped-call]
    return folder


def _translate(solutions: Path, translations: dict[str, str]) -> Path:
    editions.update(solutions)
    path = editions.catalog_path(solutions / "05_going_further.ipynb", "ja")
    catalog = po.read(path, "ja")
    for message in catalog:
        if message.id:
            message.string = translations.get(str(message.context), "")
    path.write_bytes(po.po_text(catalog))
    editions.update(solutions)
    return path


def test_prose_that_looks_like_a_format_string_needs_no_placeholder(tmp_path: Path) -> None:
    """Does "150 % of" (Babel reads "% o", an octal placeholder) pass verification when the
    Japanese has no such placeholder, since prose is never formatted?"""
    solutions = _solutions(tmp_path / "solutions")
    path = _translate(solutions, {"cell-0": PERCENT_JA, "cell-1": "ignore_changes を使います。"})
    assert editions.verify(solutions) == []
    assert "python-format" not in path.read_text()
    assert "python-brace-format" not in path.read_text()


def test_an_untranslated_text_is_still_reported(tmp_path: Path) -> None:
    """With the format flags gone, is a text without translation still named?"""
    solutions = _solutions(tmp_path / "solutions")
    _translate(solutions, {"cell-0": PERCENT_JA})
    found = editions.verify(solutions)
    assert found == [
        f"solutions/locale/ja/05_going_further.po: [cell-1] {BRACES[:60]!r}: not translated"
    ]
