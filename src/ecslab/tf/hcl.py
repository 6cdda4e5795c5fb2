"""Terraform files as Terraform reads them: parsed with python-hcl2, compared by meaning.

Why: the lab decides things from the learner's .tf files (setup keeps a file that means
what the section's does; the task-size picker shows the file's size; AWS mode renames
what the files name). Text, regexes and brace counting get those wrong as soon as a
learner orders, spaces or nests differently from us; a parser does not. Formatting,
comments and attribute order vanish here; repeated blocks keep their order.

A configuration is `Blocks`: the header of each top-level block
(`resource "aws_ecs_cluster" "example"`, `module "nginx_sg"`, `terraform`) mapped to its
body. In a body, a literal is its value as a string (`"256"` and `256` are both `256`,
as Terraform converts them), an expression is its `${...}` text, a nested block is a list
of bodies (one per repetition).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from ecslab.errors import EcslabError
from ecslab.i18n import _

Body = dict[str, Any]
Blocks = dict[str, Body]

#: Top-level block kinds and how many labels each carries.
LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}


class Unreadable(EcslabError):
    """A file Terraform could not read either (half written, a missing brace or quote)."""


def parse(text: str, name: str = "the file") -> Blocks:
    """The blocks of one file's text, or Unreadable saying where the parser stopped."""
    try:
        raw = hcl2.loads(text)
    except UnexpectedInput as e:
        raise Unreadable(
            _("{name} cannot be read as Terraform (line {line}, column {column}).").format(
                name=name, line=e.line, column=e.column
            ),
            hint=_("Look for a missing closing brace, bracket or quote, or an unfinished `=`."),
        ) from e
    except (LarkError, ValueError) as e:
        raise Unreadable(
            _("{name} cannot be read as Terraform: {error}").format(name=name, error=e)
        ) from e
    return _blocks(raw)


def read_folder(folder: Path) -> Blocks:
    """The blocks of a folder's .tf files, without Terraform's `*_override.tf` files."""
    found: Blocks = {}
    for path in sorted(folder.glob("*.tf")):
        if not is_override(path.name):
            found.update(parse(path.read_text(encoding="utf-8"), path.name))
    return found


def is_override(name: str) -> bool:
    """Whether Terraform merges this file into others instead of reading it as its own."""
    return name == "override.tf" or name.endswith("_override.tf")


def _blocks(raw: dict[str, Any]) -> Blocks:
    found: Blocks = {}
    for kind, items in raw.items():
        if kind.startswith("__") or not isinstance(items, list):
            continue
        for item in items:
            for header, body in _headers(kind, item, LABELS.get(kind, 0)):
                found[header] = normalize(body)
    return found


def _headers(header: str, node: dict[str, Any], labels: int) -> Iterator[tuple[str, Body]]:
    """(header with its labels, body) for one parsed block (labels nest as dict keys)."""
    if labels == 0:
        yield header, node
        return
    for label, inner in node.items():
        if not label.startswith("__"):
            yield from _headers(f"{header} {label}", inner, labels - 1)


def normalize(value: Any) -> Any:
    """One spelling per meaning: literals as strings, no parser bookkeeping keys."""
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str) and _is_literal(value):
        return str(json.loads(value))
    return value


def _is_literal(text: str) -> bool:
    """A quoted string without interpolation, `"example"`."""
    return len(text) >= 2 and text[0] == text[-1] == '"' and "${" not in text


def expression(value: Any) -> str:
    """The HCL text of a normalized value: `"example"`, `file("./x.json")`, `80`."""
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    if isinstance(value, str) and value.startswith('"'):
        return value
    return json.dumps(value)


def resources(found: Blocks, type_: str) -> dict[str, Body]:
    """{name: body} of the `resource "type_" "name"` blocks."""
    prefix = f'resource "{type_}" '
    return {h[len(prefix) :].strip('"'): b for h, b in found.items() if h.startswith(prefix)}


def literal_span(text: str, type_: str, attribute: str) -> tuple[int, int] | None:
    """Where, in `text`, the value of `attribute` of the first `type_` resource stands.

    Used to change one value (the picker's task size) and nothing else of the file.
    """
    tree = hcl2.parses_to_tree(text)
    for block in tree.find_data("block"):
        labels = [_label(c) for c in block.children if isinstance(c, Tree) and c.data == "string"]
        if _name(block) != "resource" or labels[:1] != [type_]:
            continue
        body = next(c for c in block.children if isinstance(c, Tree) and c.data == "body")
        for item in body.children:
            if isinstance(item, Tree) and item.data == "attribute" and _name(item) == attribute:
                value = item.children[-1]
                return value.meta.start_pos, value.meta.end_pos
        return None
    return None


def _name(node: Tree[Any]) -> str:
    first = node.children[0]
    return str(first.children[0]) if isinstance(first, Tree) else str(first)


def _label(node: Tree[Any]) -> str:
    return "".join(str(t) for t in node.scan_values(lambda v: isinstance(v, Token))).strip('"')
