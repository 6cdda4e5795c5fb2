"""Tests of ecslab.authoring.editions: the Japanese edition from a catalog of its prose."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from ecslab.authoring import editions, po

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
