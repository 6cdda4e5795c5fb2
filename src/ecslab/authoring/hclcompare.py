"""Compare two Terraform configurations block by block, argument by argument.

Why: the lab has two copies of the chapter's Terraform with different jobs. The solution
notebooks hold what the learner writes, listing by listing (ecslab.sections);
terraform/chapter9 is the reference configuration the tests apply. A test compares the
end of the lab with the reference through this module, so neither can drift.

Both sides are parsed as Terraform reads them (ecslab.tf.hcl), then flattened to one
`path = value` per argument: `network_configuration.assign_public_ip`, and for a
repeated block `statement[1].effect`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ecslab.tf import hcl

#: Blocks that are scaffolding, not the chapter's resources.
IGNORED_KINDS = ("terraform", "provider", "variable", "output", "locals")

Arguments = dict[str, str]
Blocks = dict[str, Arguments]


def blocks(text: str) -> Blocks:
    """{'resource "aws_ecs_service" "example"': {'network_configuration.assign_public_ip':
    'false', ...}} for every top-level block of `text`."""
    return {header: _flatten(body) for header, body in hcl.parse(text).items()}


def _flatten(body: hcl.Body, path: str = "") -> Arguments:
    """One `path = value` per argument, nested blocks included (indexed when repeated)."""
    found: Arguments = {}
    for key, value in body.items():
        if _is_blocks(value):
            for index, inner in enumerate(value):
                suffix = f"[{index}]" if len(value) > 1 else ""
                found.update(_flatten(inner, f"{path}{key}{suffix}."))
        else:
            found[f"{path}{key}"] = _text(value)
    return found


def _is_blocks(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _text(value: Any) -> str:
    """One spelling per value: strings as they are, lists and maps as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def read_folder(folder: Path) -> Blocks:
    """The blocks of every .tf file of a folder."""
    found: Blocks = {}
    for path in sorted(folder.glob("*.tf")):
        found.update(blocks(path.read_text(encoding="utf-8")))
    return found


def read_files(files: dict[str, str]) -> Blocks:
    """The blocks of in-memory .tf files (name → text)."""
    found: Blocks = {}
    for name, text in sorted(files.items()):
        if name.endswith(".tf"):
            found.update(blocks(text))
    return found


def variable_defaults(found: Blocks) -> dict[str, str]:
    """{'${var.task_cpu}': '256'} from the variable blocks."""
    defaults: dict[str, str] = {}
    for header, arguments in found.items():
        if header.startswith("variable") and "default" in arguments:
            name = header.split('"')[1]
            defaults[f"${{var.{name}}}"] = arguments["default"]
    return defaults


def chapter_blocks(found: Blocks) -> Blocks:
    """Only the chapter's own blocks (resources, data sources, modules), vars resolved."""
    defaults = variable_defaults(found)
    kept: Blocks = {}
    for header, arguments in found.items():
        if header.split()[0] in IGNORED_KINDS:
            continue
        kept[header] = {key: defaults.get(v, v) for key, v in arguments.items()}
    return kept


def differences(mine: Blocks, reference: Blocks, skip: tuple[str, ...] = ()) -> list[str]:
    """Human-readable differences between two configurations' chapter blocks."""
    a, b = chapter_blocks(mine), chapter_blocks(reference)
    problems = [f"only in the lab: {h}" for h in sorted(set(a) - set(b))]
    problems += [f"only in the reference: {h}" for h in sorted(set(b) - set(a))]
    for header in sorted(set(a) & set(b)):
        for key in sorted((set(a[header]) | set(b[header])) - set(skip)):
            left, right = a[header].get(key), b[header].get(key)
            if left != right:
                problems.append(f"{header}: {key} = {left} (lab) vs {right} (reference)")
    return problems
