"""The lab in other languages: each edition generated from the English solutions and a
gettext catalog of their prose, so every step's code lives in one place.

    solutions/NN_slug.ipynb            the source: code, English prose, hints
    solutions/locale/ja/NN_slug.po     its prose in Japanese: one entry per Markdown
                                       cell (msgctxt: the cell's id) and per hint
                                       (msgctxt: "<cell id>/hint<k>")
    solutions/ja/NN_slug.ipynb         generated here: the same cells, the prose and hints
                                       of the catalog; outputs from `make solutions`
    labs/ja/NN_slug.ipynb              its release (ecslab.authoring.release)

    python -m ecslab.authoring.editions              # update the .po, write solutions/ja
    python -m ecslab.authoring.editions --verify-only

A text whose English changed turns fuzzy in the catalog (its old translation kept as a
start); until someone checks it the edition shows the English and `--verify-only` (in
`make test`) fails. Outputs of a generated notebook are kept for the cells whose source
is unchanged; `make solutions` runs the edition for real and stores new ones.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from nbformat import NotebookNode

from ecslab import i18n
from ecslab.authoring import po
from ecslab.sections import HINT, MARKERS
from ecslab.settings import PROJECT_ROOT

GENERATOR = "ecslab.authoring.editions"
SOLUTIONS = PROJECT_ROOT / "solutions"
#: The languages with an edition of their own (English is the source).
EDITIONS = tuple(lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE)
BEGIN, END = MARKERS
#: Flags Babel sets by itself on a text that looks like a format string ("150 % of" reads
#: as the octal "% o", "{ ignore_changes }" as a field) so that the translation must keep
#: those placeholders. Prose is never formatted: its catalogs go without them.
FORMAT_FLAGS = frozenset({"python-format", "python-brace-format"})


def catalog_path(solution: Path, lang: str) -> Path:
    return solution.parent / "locale" / lang / f"{solution.stem}.po"


def edition_path(solution: Path, lang: str) -> Path:
    return solution.parent / lang / solution.name


def sources(solutions: Path = SOLUTIONS) -> list[Path]:
    return sorted(solutions.glob("[0-9][0-9]_*.ipynb"))


def texts(nb: NotebookNode) -> Iterator[tuple[str, str]]:
    """(context, English text) of every text an edition translates, in reading order."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            yield cell.id, cell.source
        elif cell.cell_type == "code":
            for k, (_, hint) in enumerate(hint_regions(cell.source)):
                yield f"{cell.id}/hint{k}", hint


def hint_regions(source: str) -> list[tuple[list[int], str]]:
    """Each solution region's HINT lines (their indexes) and its hint, joined as the
    release joins them."""
    regions: list[tuple[list[int], str]] = []
    inside = False
    for index, line in enumerate(source.splitlines()):
        marker = line.strip()
        if marker == BEGIN:
            inside = True
            regions.append(([], ""))
        elif marker == END:
            inside = False
        elif inside and marker.startswith(HINT):
            lines, hint = regions[-1]
            text = marker[len(HINT) :].strip()
            regions[-1] = ([*lines, index], f"{hint} {text}".strip())
    return [r for r in regions if r[0]]


def as_prose(catalog: Catalog) -> Catalog:
    """catalog without FORMAT_FLAGS (Babel adds them again whenever it reads or copies a
    message, so this runs last, before a catalog is checked or written)."""
    for message in catalog:
        message.flags -= FORMAT_FLAGS
    return catalog


def template(nb: NotebookNode) -> Catalog:
    catalog = po.new()
    for context, text in texts(nb):
        catalog.add(text, None, context=context)
    return catalog


def translate(
    nb: NotebookNode, catalog: Catalog, previous: NotebookNode | None, name: str
) -> NotebookNode:
    """The edition of nb: prose and hints from catalog (English where it has no good
    translation yet), outputs of `previous` where a cell is unchanged."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "markdown":
            cell.source = _lookup(catalog, cell.id, cell.source)
        elif cell.cell_type == "code":
            cell.source = _translate_hints(cell, catalog)
    _keep_outputs(out, previous)
    lang = str(catalog.locale)
    out.metadata["ecslab"] = {
        "generated_by": GENERATOR,
        "edition": lang,
        "source": f"solutions/{name}",
        "note": f"Generated: edit solutions/{name} and solutions/locale/{lang}/, then "
        "`make editions`.",
    }
    return out


def _lookup(catalog: Catalog, context: str, text: str) -> str:
    message = catalog.get(text, context=context)
    if message is None or message.fuzzy or not str(message.string or "").strip():
        return text
    return str(message.string)


def _translate_hints(cell: NotebookNode, catalog: Catalog) -> str:
    lines: list[str | None] = list(cell.source.splitlines())
    for k, (indexes, hint) in enumerate(hint_regions(cell.source)):
        first = str(lines[indexes[0]])
        indent = first[: len(first) - len(first.lstrip())]
        lines[indexes[0]] = f"{indent}{HINT} {_lookup(catalog, f'{cell.id}/hint{k}', hint)}"
        for index in indexes[1:]:
            lines[index] = None
    return "\n".join(line for line in lines if line is not None)


def _keep_outputs(nb: NotebookNode, previous: NotebookNode | None) -> None:
    """Outputs of the previous edition for the cells whose source did not change."""
    old = {c.id: c for c in previous.cells} if previous is not None else {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        before = old.get(cell.id)
        if before is not None and before.source == cell.source:
            cell.outputs = before.get("outputs", [])
            cell.execution_count = before.get("execution_count")
        else:
            cell.outputs, cell.execution_count = [], None
    if previous is not None and "language_info" in previous.metadata:
        nb.metadata["language_info"] = previous.metadata["language_info"]


def sources_of(nb: NotebookNode) -> list[tuple[str, str, str]]:
    """What verification compares: each cell's id, type and source (never outputs)."""
    return [(c.id, c.cell_type, c.source) for c in nb.cells]


def _read(path: Path) -> NotebookNode | None:
    if not path.exists():
        return None
    nb: NotebookNode = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    return nb


def update(solutions: Path = SOLUTIONS) -> list[Path]:
    """Bring each catalog in step with its solution, then write each edition; returns the
    files written."""
    written: list[Path] = []
    for solution in sources(solutions):
        nb = _read(solution)
        assert nb is not None
        for lang in EDITIONS:
            path = catalog_path(solution, lang)
            catalog = as_prose(po.updated(po.read(path, lang), template(nb)))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(po.po_text(catalog))
            target = edition_path(solution, lang)
            edition = translate(nb, catalog, _read(target), solution.name)
            text = nbformat.writes(edition) + "\n"  # type: ignore[no-untyped-call]
            if not target.exists() or target.read_text() != text:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
                written.append(target)
    return written


def verify(solutions: Path = SOLUTIONS) -> list[str]:
    """Why the editions are not current and complete (nothing: they are)."""
    found: list[str] = []
    for solution in sources(solutions):
        nb = _read(solution)
        assert nb is not None
        want = {(m.id, m.context) for m in template(nb) if m.id}
        for lang in EDITIONS:
            path = catalog_path(solution, lang)
            where = path.relative_to(solutions.parent).as_posix()
            catalog = as_prose(po.read(path, lang))
            have = {(m.id, m.context) for m in catalog if m.id}
            found += [f"{where}: lacks [{c}] (run `make editions`)" for _, c in want - have]
            found += [f"{where}: [{c}] is no longer in the solution" for _, c in have - want]
            found += po.problems(catalog, where)
            target = edition_path(solution, lang)
            made = _read(target)
            if made is None or sources_of(made) != sources_of(
                translate(nb, catalog, made, solution.name)
            ):
                found.append(f"{target.relative_to(solutions.parent)}: stale (run `make editions`)")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {GENERATOR}", description=__doc__)
    parser.add_argument("--verify-only", action="store_true")
    parser.add_argument("--solutions", type=Path, default=SOLUTIONS)
    args = parser.parse_args(argv)
    if not args.verify_only:
        for path in update(args.solutions):
            print(f"{GENERATOR}: updated {path}")
    found = verify(args.solutions)
    for line in found:
        print(("" if args.verify_only else "warning: ") + line, file=sys.stderr)
    return 1 if found and args.verify_only else 0


if __name__ == "__main__":
    raise SystemExit(main())
