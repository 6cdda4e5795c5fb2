"""What a module takes and gives: its variables and outputs, shown where a listing uses them.

Listing 9.4 passes `module.loadbalancer.aws_subnet_private_0_id` and friends, and calls
the security group module with `name`, `vpc_id`, `port`, `cidr_blocks`: the book shows
those modules in chapters 7 and 8, the lab shows them here. Read from the module's own
.tf files (ecslab.tf.hcl), so the table is what Terraform reads; an output's value comes
from the workspace's Terraform state (no Terraform run) once the module is applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from ecslab.errors import EcslabError
from ecslab.i18n import _
from ecslab.tf import hcl, workspace


class UnknownModule(EcslabError):
    """A module name that is not one of the lab's."""


@dataclass(frozen=True)
class Variable:
    """One input of a module."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Output:
    """One output of a module; `value` is None until applied."""

    name: str
    description: str
    expression: str
    value: Any = None


@dataclass(frozen=True)
class ModuleIO:
    """A module's inputs and outputs, and the workspace's calls of it (`module "nginx_sg"`)."""

    folder: str
    calls: tuple[str, ...]
    variables: tuple[Variable, ...]
    outputs: tuple[Output, ...]

    def __repr__(self) -> str:
        called = ", ".join(f'module "{c}"' for c in self.calls) or _("not called yet")
        lines = [
            _("Module ./{folder} ({calls})").format(folder=self.folder, calls=called),
            _("Inputs (variables):"),
        ]
        lines += [f"  {v.name} ({v.type}): {v.description}" for v in self.variables]
        lines += [_("Outputs:") if self.outputs else _("Outputs: none")]
        for o in self.outputs:
            value = "" if o.value is None else f" = {_text(o.value)}"
            lines.append(f"  {self._reference(o.name)}{value}: {o.description}")
        return "\n".join(lines)

    def _reference(self, output: str) -> str:
        """How a listing names the output: `module.loadbalancer.vpc_id`."""
        return f"module.{self.calls[0]}.{output}" if self.calls else output

    def _repr_html_(self) -> str:
        module = _("Module {folder}").format(folder=f"<code>./{escape(self.folder)}</code>")
        head = f"<p><b>{module}</b></p>"
        inputs = "".join(
            f"<tr><td><code>{escape(v.name)}</code></td><td><code>{escape(v.type)}</code></td>"
            f"<td>{escape(v.description)}</td></tr>"
            for v in self.variables
        )
        outputs = "".join(
            f"<tr><td><code>{escape(self._reference(o.name))}</code></td>"
            f"<td>{escape(o.description)}</td>"
            f"<td><code>{escape('' if o.value is None else _text(o.value))}</code></td></tr>"
            for o in self.outputs
        )
        return (
            f"<div class='ecslab-module-io'>{head}"
            + _table(_("Inputs (variables)"), (_("name"), _("type"), _("description")), inputs)
            + _table(_("Outputs"), (_("reference"), _("description"), _("value now")), outputs)
            + "</div>"
        )


def _table(caption: str, columns: tuple[str, ...], rows: str) -> str:
    """An HTML table with a caption and column headings (for assistive technology)."""
    heads = "".join(f"<th scope='col'>{c}</th>" for c in columns)
    return f"<table><caption>{caption}</caption><tr>{heads}</tr>{rows}</table>"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def io(folder: str, ws: Path) -> ModuleIO:
    """The inputs and outputs of module `folder`, with values from `ws`'s state."""
    if folder not in workspace.MODULES:
        raise UnknownModule(
            _("No module {name}.").format(name=repr(folder)),
            hint=_("Modules: {modules}.").format(modules=", ".join(workspace.MODULES)),
        )
    source = ws / folder if (ws / folder).is_dir() else workspace.MODULES_DIR / folder
    blocks = hcl.read_folder(source)
    calls = _calls(ws, folder)
    state = _state(ws)
    variables = tuple(
        Variable(
            label,
            hcl.expression(body.get("type", "any")).strip(chr(34)),
            body.get("description", ""),
        )
        for label, body in _labelled(blocks, "variable")
    )
    outputs = tuple(
        Output(
            label,
            body.get("description", ""),
            hcl.expression(body.get("value", "")),
            _value(state, calls[0], hcl.expression(body.get("value", ""))) if calls else None,
        )
        for label, body in _labelled(blocks, "output")
    )
    return ModuleIO(folder, calls, variables, outputs)


def _labelled(blocks: hcl.Blocks, kind: str) -> list[tuple[str, hcl.Body]]:
    prefix = f"{kind} "
    return [(h[len(prefix) :].strip('"'), b) for h, b in blocks.items() if h.startswith(prefix)]


def _calls(ws: Path, folder: str) -> tuple[str, ...]:
    """The names of the workspace's `module` blocks whose source is `./folder`."""
    try:
        blocks = hcl.read_folder(ws)
    except hcl.Unreadable:  # a half-written file: the calls are unknown until it reads
        return ()
    return tuple(
        label
        for label, body in _labelled(blocks, "module")
        if str(body.get("source", "")).rstrip("/") in (f"./{folder}", folder)
    )


def _state(ws: Path) -> dict[str, Any]:
    path = ws / "terraform.tfstate"
    try:
        found = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:  # Terraform is writing it right now
        return {}
    return found if isinstance(found, dict) else {}


def _value(state: dict[str, Any], call: str, expression: str) -> Any:
    """The value of an output `TYPE.NAME.ATTRIBUTE` from the state, else None."""
    parts = expression.split(".")
    if len(parts) != 3:
        return None
    kind, name, attribute = parts
    for resource in state.get("resources", []):
        if (resource.get("module"), resource.get("type"), resource.get("name")) == (
            f"module.{call}",
            kind,
            name,
        ) and resource.get("instances"):
            return resource["instances"][0].get("attributes", {}).get(attribute)
    return None
