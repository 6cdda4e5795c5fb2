"""The task size in the learner's task definition: read from the file, chosen with the
picker, and kept when a notebook cell writes the file again.

Why: two things write the size. The picker (widgets.TaskSizePicker) changes `cpu` and
`memory` in the learner's file; the `%%workspace_file task_definition.tf` cells of
listings 9.2 and 9.9 write the whole file. Without a rule, re-running such a cell silently
reverts the picker's choice. The rule: the picker records its choice, with the size it
replaced, in the workspace's .ecslab/ folder. A cell that still states the replaced size
is written with the chosen one (and says so); a cell that states another size is the
learner's new choice, and wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ecslab import fargate
from ecslab.errors import EcslabError
from ecslab.i18n import _
from ecslab.tf import hcl, workspace

FILE = "task_definition.tf"
RESOURCE = "aws_ecs_task_definition"
RECORD = "task_size.json"


def size_in(text: str, name: str = FILE) -> fargate.TaskSize | None:
    """The size of the first task definition in `text` (None without one, or without a
    literal cpu and memory); hcl.Unreadable or FargateSizeError when it cannot be used."""
    bodies = list(hcl.resources(hcl.parse(text, name), RESOURCE).values())
    if not bodies or "cpu" not in bodies[0] or "memory" not in bodies[0]:
        return None
    return fargate.validate(str(bodies[0]["cpu"]), str(bodies[0]["memory"]))


def read(ws: Path, name: str = FILE) -> fargate.TaskSize | None:
    """The size the learner's file states now (None when there is no such file)."""
    path = ws / name
    return size_in(path.read_text(encoding="utf-8"), name) if path.exists() else None


def with_size(text: str, size: fargate.TaskSize, name: str = FILE) -> str:
    """`text` with its task definition's cpu and memory set to `size`, nothing else changed."""
    for attribute, value in (("memory", size.memory), ("cpu", size.cpu)):
        span = hcl.literal_span(text, RESOURCE, attribute)
        if span is None:
            raise EcslabError(
                _("No `{attribute} = ...` in the {resource} of {file}.").format(
                    attribute=attribute, resource=RESOURCE, file=name
                ),
                hint=_('Add `{attribute} = "..."` to it (listing 9.2), then write again.').format(
                    attribute=attribute
                ),
            )
        text = f'{text[: span[0]]}"{value}"{text[span[1] :]}'
    return text


def choose(ws: Path, cpu: int | str, memory: int | str, name: str = FILE) -> fargate.TaskSize:
    """Write a valid size into the learner's file and remember the choice."""
    size = fargate.validate(cpu, memory)
    path = ws / name
    if not path.exists():
        raise EcslabError(
            _("{file} is not in your workspace yet.").format(file=name),
            hint=_("Write listing 9.2 first."),
        )
    text = path.read_text(encoding="utf-8")
    before = size_in(text, name)
    path.write_text(with_size(text, size, name), encoding="utf-8")
    replaced = [before.cpu, before.memory] if before else None
    record = {"file": name, "cpu": size.cpu, "memory": size.memory, "replaced": replaced}
    _record_path(ws).write_text(json.dumps(record), encoding="utf-8")
    return size


def keep_choice(ws: Path, name: str, text: str) -> tuple[str, fargate.TaskSize | None]:
    """(text to write, the chosen size if it was kept) for a cell writing file `name`."""
    choice = _recorded(ws)
    if choice is None or choice.file != name:
        return text, None
    try:
        stated = size_in(text, name)
    except EcslabError:
        return text, None  # written as is; the plan will say what is wrong
    if stated is None or stated == choice.size:
        return text, None
    if stated == choice.replaced:
        return with_size(text, choice.size, name), choice.size
    forget(ws)
    return text, None


def forget(ws: Path) -> None:
    """Drop the recorded choice (a reset, or a cell stating a size of its own)."""
    _record_path(ws).unlink(missing_ok=True)


def _record_path(ws: Path) -> Path:
    return workspace.state_dir(ws) / RECORD


@dataclass(frozen=True)
class Choice:
    """The picker's last choice: in which file, which size, and the size it replaced."""

    file: str
    size: fargate.TaskSize
    replaced: fargate.TaskSize | None


def _recorded(ws: Path) -> Choice | None:
    path = _record_path(ws)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    replaced = data.get("replaced")
    return Choice(
        str(data["file"]),
        fargate.TaskSize(int(data["cpu"]), int(data["memory"])),
        fargate.TaskSize(int(replaced[0]), int(replaced[1])) if replaced else None,
    )
