"""A step's solution, revealed only when the learner asks twice, and compared with theirs.

Why two steps: a solution one click away is read before it is tried. The first click
opens "Show the solution? Try first..." with what to try; the second shows the file
as the section's solution notebook writes it (ecslab.sections: the single source) and a
diff against the learner's own file in the workspace. Plain HTML `<details>`, so it
works without a running kernel, in a static render, and with a keyboard (a summary is
a button to assistive technology).

Which section: the one the workspace was last set up for (`lab.setup` records it), else
the first section that writes the file.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ecslab import sections
from ecslab.errors import EcslabError
from ecslab.i18n import _
from ecslab.tf import workspace

#: Where setup records the section the workspace was last set up for.
SECTION_FILE = "section"


class NoSolution(EcslabError):
    """No section of the lab writes a file of that name."""


def remember_section(ws: Path, stem: str) -> None:
    """Record the section the workspace is set up for (`lab.setup`)."""
    (workspace.state_dir(ws) / SECTION_FILE).write_text(stem + "\n", encoding="utf-8")


def current_section(ws: Path) -> str | None:
    """The section the workspace was last set up for, if any."""
    path = ws / workspace.STATE_DIR / SECTION_FILE
    stem = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    return stem if stem in {s.stem for s in sections.SECTIONS} else None


@dataclass(frozen=True)
class Solution:
    """The solution of one file for one section, and the learner's version of it."""

    name: str
    section: sections.Section
    text: str
    #: The learner's file in the workspace ("" when not written yet).
    mine: str

    @property
    def same(self) -> bool:
        """Whether the learner's file already reads exactly as the solution."""
        return self.mine == self.text

    def diff(self) -> str:
        """A unified diff from the learner's file to the solution ("" when the same)."""
        lines = difflib.unified_diff(
            self.mine.splitlines(keepends=True),
            self.text.splitlines(keepends=True),
            fromfile=_("your {file}").format(file=self.name),
            tofile=_("solution {file} ({section})").format(
                file=self.name, section=self.section.book
            ),
        )
        return "".join(lines)

    def __repr__(self) -> str:  # never the solution itself: it must be asked for
        return _(
            "Solution of {file} (section {section}) is hidden: click to reveal it in a "
            "notebook, or print lab.reveal({name}).text."
        ).format(file=self.name, section=self.section.book, name=repr(self.name))

    def _repr_html_(self) -> str:
        if self.same:
            compared = "<p>" + _("Your file is exactly the solution.") + "</p>"
        elif not self.mine:
            compared = "<p>" + _("You have not written this file yet.") + "</p>"
        else:
            legend = _(
                "Your file compared with it (<code>-</code> yours, <code>+</code> the solution):"
            )
            compared = f"<p>{legend}</p><pre>{escape(self.diff())}</pre>"
        ask = _("Show the solution of {file}?").format(file=escape(self.name))
        try_first = _(
            "Try first: write what you think, run the cell, and read Terraform's or AWS's "
            "answer; a wrong try teaches more than a read solution. Still stuck?"
        )
        return (
            f"<details class='ecslab-reveal' data-file='{escape(self.name)}'>"
            f"<summary>{ask}</summary><p>{try_first}</p>"
            f"<details><summary>{_('Yes, show me the solution')}</summary>"
            f"<pre>{escape(self.text)}</pre>{compared}</details></details>"
        )


def of(name: str, stem: str | None = None, ws: Path | None = None) -> Solution:
    """The solution of file `name` for section `stem` (default: the workspace's section,
    else the first section that writes it), with the learner's file beside it."""
    ws = ws or workspace.root()
    stem = _section_writing(name, stem or current_section(ws))
    mine_path = ws / name
    mine = mine_path.read_text(encoding="utf-8") if mine_path.exists() else ""
    return Solution(name, sections.section(stem), sections.files_of(stem)[name], mine)


def _section_writing(name: str, preferred: str | None) -> str:
    """`preferred` if it writes `name`, else the first section that does."""
    writers = [s.stem for s in sections.SECTIONS if name in sections.files_of(s.stem)]
    if not writers:
        files = sorted(sections.all_files())
        raise NoSolution(
            _("No section writes {file}.").format(file=repr(name)),
            hint=_("Files: {files}.").format(files=", ".join(files)),
        )
    return preferred if preferred in writers else writers[0]
