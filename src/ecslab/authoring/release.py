"""Build the learner's notebooks (labs/) from the source notebooks (solutions/).

Instructors edit only `solutions/`; `labs/` is generated, nbgrader-style, by small
single-purpose preprocessors composed into one pipeline. `--verify-only` rebuilds in
memory and fails when a file in `labs/` differs, so CI catches a stale lab.

Markers in a solution cell:

    ### BEGIN SOLUTION
    ### HINT: what the learner should write here (kept in the lab)
    ...the answer...
    ### END SOLUTION

Run: `python -m ecslab.authoring.release [--verify-only] [--solutions DIR] [--labs DIR]`.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ecslab import i18n
from ecslab.authoring.linebreak import wrap
from ecslab.errors import EcslabError
from ecslab.i18n import _
from ecslab.sections import FILE_MAGIC, HINT, MARKERS, TODO
from ecslab.settings import PROJECT_ROOT

BEGIN, END = MARKERS
#: Cells tagged with this are dropped from the lab (e.g. answers shown in full).
SOLUTION_ONLY_TAG = "solution_only"
#: Comments only the notebook tests read; noise for a learner.
TEST_MARKERS = ("# NBVAL_IGNORE_OUTPUT", "# NBVAL_SKIP", "# NBVAL_CHECK_OUTPUT")
GENERATOR = "ecslab.authoring.release"
#: Hints are wrapped to this many columns, so a TODO reads well in a notebook cell.
WIDTH = 80

Preprocessor = Callable[[NotebookNode], NotebookNode]


class ReleaseError(EcslabError):
    """A solution notebook cannot be turned into a lab (e.g. unbalanced markers)."""


def strip_region(source: str, is_file_cell: bool, where: str = "") -> str:
    """Replace every BEGIN/END SOLUTION region by its hint, as a TODO the learner sees."""
    out: list[str] = []
    region: list[str] | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if region is not None:
                raise ReleaseError(f"{where}line {number}: {BEGIN} inside another solution")
            region = [line[: len(line) - len(line.lstrip())]]
        elif marker == END:
            if region is None:
                raise ReleaseError(f"{where}line {number}: {END} without {BEGIN}")
            out.extend(_todo(region, is_file_cell))
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise ReleaseError(f"{where}{BEGIN} has no {END}", hint=f"Add a line '{END}'.")
    return "\n".join(out)


def _todo(region: list[str], is_file_cell: bool) -> list[str]:
    """The lines a learner sees instead of an answer: the hints, then how to go on."""
    indent, body = region[0], region[1:]
    hints = [line.strip()[len(HINT) :].strip() for line in body if line.strip().startswith(HINT)]
    hint = " ".join(hints) or _("write your answer here")
    lines = wrap(hint, max(40, WIDTH - len(indent))) or [hint]
    if is_file_cell:
        return [f"{indent}{TODO} {lines[0]}", *(f"{indent}###       {ln}" for ln in lines[1:])]
    comments = [f"{indent}# TODO: {lines[0]}", *(f"{indent}#       {ln}" for ln in lines[1:])]
    return [*comments, f"{indent}lab.todo({hint!r})"]


def strip_solutions(nb: NotebookNode) -> NotebookNode:
    """Preprocessor: answers out, hints in."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (BEGIN in cell.source or END in cell.source):
            is_file = cell.source.lstrip().startswith(FILE_MAGIC)
            cell.source = strip_region(cell.source, is_file, where=f"cell {index}: ")
    return nb


def drop_solution_only(nb: NotebookNode) -> NotebookNode:
    """Preprocessor: remove cells tagged `solution_only`."""
    nb.cells = [c for c in nb.cells if SOLUTION_ONLY_TAG not in c.metadata.get("tags", [])]
    return nb


def strip_test_markers(nb: NotebookNode) -> NotebookNode:
    """Preprocessor: drop the nbval marker comments, which mean nothing to a learner."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines = cell.source.splitlines()
            cell.source = "\n".join(ln for ln in lines if ln.strip() not in TEST_MARKERS)
    return nb


def clear_outputs(nb: NotebookNode) -> NotebookNode:
    """Preprocessor: no outputs, no execution counts, no run metadata."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}  # not the version of the last run
    return nb


def stamp(source_name: str) -> Preprocessor:
    """Preprocessor factory: say in the metadata that this file is generated, and from what."""

    def _stamp(nb: NotebookNode) -> NotebookNode:
        nb.metadata["ecslab"] = {
            "generated_by": GENERATOR,
            "source": f"solutions/{source_name}",
            "note": "Generated: edit the solution notebook, then run `make labs`.",
        }
        return nb

    return _stamp


def pipeline(source_name: str) -> list[Preprocessor]:
    """The preprocessors, in order, that turn one solution into its lab."""
    return [
        drop_solution_only,
        strip_solutions,
        strip_test_markers,
        clear_outputs,
        stamp(source_name),
    ]


def build(solution: NotebookNode, source_name: str) -> NotebookNode:
    """The lab notebook for one solution notebook (the input is left untouched)."""
    nb = copy.deepcopy(solution)
    for step in pipeline(source_name):
        try:
            nb = step(nb)
        except ReleaseError as e:
            raise ReleaseError(f"{source_name}: {e}", hint=e.hint) from e
    return nb


def render(nb: NotebookNode) -> str:
    """The notebook as text, the way Jupyter saves it (stable, so diffs stay small)."""
    text: str = nbformat.writes(nb)  # type: ignore[no-untyped-call]
    return text + "\n"


def planned(solutions: Path, labs: Path, prefix: str = "") -> dict[Path, str]:
    """Every lab file of one edition and the text it should contain."""
    result: dict[Path, str] = {}
    for path in sorted(solutions.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        result[labs / path.name] = render(build(nb, prefix + path.name))
    return result


def editions(solutions: Path, labs: Path) -> list[tuple[str, Path, Path]]:
    """(language, its solutions, its labs) of each edition: English in the folders
    themselves, every other language in a subfolder named after it (solutions/ja/ ->
    labs/ja/, see ecslab.authoring.editions)."""
    found = [(i18n.SOURCE, solutions, labs)]
    found += [(lang, solutions / lang, labs / lang) for lang in i18n.LANGUAGES[1:]]
    return [e for e in found if e[1].is_dir()]


def _edition_plan(lang: str, solutions: Path, labs: Path, root: Path) -> dict[Path, str]:
    """One edition's lab files, rendered in its language (the TODOs' default hint)."""
    prefix = "" if solutions == root else f"{solutions.relative_to(root).as_posix()}/"
    with i18n.speaking(lang):
        return planned(solutions, labs, prefix)


def stale(solutions: Path, labs: Path) -> list[Path]:
    """Lab files that are missing, different, or without a solution (orphans)."""
    wrong: list[Path] = []
    for lang, sols, folder in editions(solutions, labs):
        want = _edition_plan(lang, sols, folder, solutions)
        wrong += [p for p, text in want.items() if not p.exists() or p.read_text() != text]
        wrong += [p for p in sorted(folder.glob("*.ipynb")) if p not in want]
    return wrong


def write(solutions: Path, labs: Path) -> list[Path]:
    """Regenerate labs/ (every edition); returns the files written or removed."""
    changed = stale(solutions, labs)
    for lang, sols, folder in editions(solutions, labs):
        folder.mkdir(parents=True, exist_ok=True)
        want = _edition_plan(lang, sols, folder, solutions)
        for path in changed:
            if path.parent != folder:
                continue
            if path in want:
                path.write_text(want[path])
            else:
                path.unlink()
    return changed


def main(argv: Iterable[str] | None = None) -> int:
    """CLI entry point: write labs/, or with --verify-only report stale files (exit 1)."""
    parser = argparse.ArgumentParser(prog="python -m ecslab.authoring.release", description=__doc__)
    parser.add_argument("--verify-only", action="store_true", help="fail if labs/ is stale")
    parser.add_argument("--solutions", type=Path, default=PROJECT_ROOT / "solutions")
    parser.add_argument("--labs", type=Path, default=PROJECT_ROOT / "labs")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        if args.verify_only:
            return _report_stale(stale(args.solutions, args.labs))
        for path in write(args.solutions, args.labs):
            print(f"{GENERATOR}: updated {path}")
    except ReleaseError as e:
        print(f"error: {e}\n{e.hint}".rstrip(), file=sys.stderr)
        return 2
    return 0


def _report_stale(paths: list[Path]) -> int:
    if not paths:
        print(f"{GENERATOR}: labs/ is up to date")
        return 0
    print("labs/ is out of date; run `make labs`. Stale files:", file=sys.stderr)
    for path in paths:
        print(f"  {path}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
