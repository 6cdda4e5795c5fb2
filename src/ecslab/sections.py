"""The lab's sections, and the Terraform each one leaves in the learner's workspace.

Single source of truth: the solution notebooks. Every `%%workspace_file NAME` cell of
`solutions/NN_slug.ipynb` is one file the learner writes in that section; the solution
markers are stripped. So the workspace a section begins from is the files written by
the sections before it (a later write of the same file wins, as when section 9.4
changes the task definition), and a notebook cannot disagree with `setup()`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ecslab.errors import EcslabError
from ecslab.i18n import N_, _
from ecslab.settings import PROJECT_ROOT

#: The magic a notebook cell uses to write one file into the workspace.
FILE_MAGIC = "%%workspace_file"
#: Marker lines of a solution region (see ecslab.authoring.release); never part of the file.
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HINT = "### HINT:"
TODO = "### TODO:"


class UnknownSection(EcslabError):
    """A section name that is not one of the lab's notebooks."""


@dataclass(frozen=True)
class Section:
    """One notebook of the lab: its stem, the book section, and what it starts from."""

    stem: str
    book: str
    #: The section's title as the book has it, in English (N_: shown with `_(title)`).
    title: str
    #: Terraform targets applied (in the background) before the section begins;
    #: None: nothing to apply (the section needs no resources, or removes them).
    prerequisites: tuple[str, ...] | None
    #: Beyond the book's listings (going further): its files are not the chapter's end.
    optional: bool = False


SECTIONS: tuple[Section, ...] = (
    Section("01_ecs_building_blocks", "9.1", N_("ECS building blocks"), ("module.loadbalancer",)),
    Section("02_launch_types", "9.2", N_("Launch types"), ("module.loadbalancer",)),
    Section("03_web_server", "9.3", N_("The web server"), ("module.loadbalancer",)),
    # -target takes what a target depends on, not what depends on it: the security group's
    # rules (module.nginx_sg) must be named, or a section started here would lack them.
    Section(
        "04_logging",
        "9.4",
        N_("Logging on Fargate"),
        ("module.loadbalancer", "module.nginx_sg", "aws_ecs_service.example"),
    ),
    # Going further needs 9.4's end state; the log group is named: nothing depends on it.
    Section(
        "05_going_further",
        "9.4+",
        N_("Going further"),
        (
            "module.loadbalancer",
            "module.nginx_sg",
            "module.ecs_task_execution_role",
            "aws_ecs_service.example",
            "aws_cloudwatch_log_group.for_ecs",
        ),
        optional=True,
    ),
    Section("06_cleanup", "9.4+", N_("Clean up"), None),
)


def section(stem: str) -> Section:
    """The section named `stem` (e.g. "03_web_server"), or a clear error."""
    for item in SECTIONS:
        if item.stem == stem:
            return item
    names = ", ".join(s.stem for s in SECTIONS)
    raise UnknownSection(
        _("No section {name!r}.").format(name=stem),
        hint=_("The sections are: {names}.").format(names=names),
    )


def solutions_dir() -> Path:
    """Where the solution notebooks live (the checkout's `solutions/`)."""
    return PROJECT_ROOT / "solutions"


def file_cell(source: str) -> tuple[str, str] | None:
    """(file name, file text) if `source` is a `%%workspace_file` cell, else None."""
    first, _, body = source.partition("\n")
    words = first.split()
    if len(words) != 2 or words[0] != FILE_MAGIC:
        return None
    return words[1], file_text(body)


def file_text(body: str) -> str:
    """The file a cell writes: its body without solution markers and hint lines."""
    keep = [
        line
        for line in body.splitlines()
        if line.strip() not in MARKERS and not line.strip().startswith(HINT)
    ]
    return "\n".join(keep).rstrip("\n") + "\n"


@cache
def files_of(stem: str) -> dict[str, str]:
    """The files the solution of section `stem` writes, in order (last write wins)."""
    path = solutions_dir() / f"{section(stem).stem}.ipynb"
    cells = json.loads(path.read_text())["cells"]
    files: dict[str, str] = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            found = file_cell("".join(cell["source"]))
            if found:
                files[found[0]] = found[1]
    return files


def files_before(stem: str) -> dict[str, str]:
    """The learner's files at the start of section `stem`: every earlier section's."""
    files: dict[str, str] = {}
    for item in SECTIONS:
        if item.stem == section(stem).stem:
            break
        files.update(files_of(item.stem))
    return files


def files_from(stem: str) -> set[str]:
    """Names of the files written by section `stem` and the sections after it."""
    start = [s.stem for s in SECTIONS].index(section(stem).stem)
    return {name for item in SECTIONS[start:] for name in files_of(item.stem)}


def versions_from(stem: str) -> dict[str, list[str]]:
    """Every text a file is given by section `stem` and the sections after it: what a
    learner who is ahead may rightly hold when they start `stem` again."""
    start = [s.stem for s in SECTIONS].index(section(stem).stem)
    found: dict[str, list[str]] = {}
    for item in SECTIONS[start:]:
        for name, text in files_of(item.stem).items():
            found.setdefault(name, []).append(text)
    return found


def all_files() -> dict[str, str]:
    """The workspace at the end of the chapter (9.4, terraform/chapter9): every section's
    files but an optional section's, which go beyond the book's listings."""
    files: dict[str, str] = {}
    for item in SECTIONS:
        if not item.optional:
            files.update(files_of(item.stem))
    return files
