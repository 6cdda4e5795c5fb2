"""Compare two Terraform configurations block by block, argument by argument.

Why: the lab has two copies of the chapter's Terraform with different jobs. The solution
notebooks hold what the learner writes, listing by listing (ecslab.sections);
terraform/chapter9 is the reference configuration the tests apply. A test compares the
end of the lab with the reference through this module, so neither can drift.

This is not an HCL parser: it reads the `terraform fmt` style the lab uses (one argument
per line, lists may span lines), which is all it needs to.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Blocks that are scaffolding, not the chapter's resources.
IGNORED_KINDS = ("terraform", "provider", "variable", "output", "locals")

Arguments = dict[str, str]
Blocks = dict[str, Arguments]

_HEADER = re.compile(r'^(\w+)((?:\s+"[^"]*")*)\s*\{\s*$')
_NESTED = re.compile(r"^(\w+)\s*\{\s*$")
_ARGUMENT = re.compile(r"^(\w+)\s*=\s*(.*)$")


def _strip_comment(line: str) -> str:
    """The line without a trailing `#` or `//` comment (outside strings, roughly)."""
    if line.lstrip().startswith(("#", "//")):
        return ""
    return line


def blocks(text: str) -> Blocks:
    """{'resource "aws_ecs_service" "example"': {'network_configuration.assign_public_ip':
    'false', ...}} for every top-level block of `text`."""
    found: Blocks = {}
    stack: list[str] = []
    current: Arguments = {}
    pending = ""
    for raw in text.splitlines():
        line = _strip_comment(raw).strip()
        if not line:
            continue
        if pending:
            pending += " " + line
            if _balanced(pending):
                _add(current, stack, pending)
                pending = ""
            continue
        if not stack:
            header = _HEADER.match(line)
            if header:
                name = f"{header.group(1)}{header.group(2)}"
                stack, current = [name], found.setdefault(name, {})
            continue
        if line == "}" or line == "})":
            stack.pop()
            continue
        nested = _NESTED.match(line)
        if nested:
            stack.append(nested.group(1))
        elif _balanced(line):
            _add(current, stack, line)
        else:
            pending = line
    return found


def _balanced(text: str) -> bool:
    return text.count("[") == text.count("]") and text.count("(") == text.count(")")


def _add(arguments: Arguments, stack: list[str], line: str) -> None:
    match = _ARGUMENT.match(line)
    if match:
        path = ".".join([*stack[1:], match.group(1)])
        arguments[path] = _normalize(match.group(2))


def _normalize(value: str) -> str:
    """One spelling per value: single spaces, no trailing comma in lists."""
    value = re.sub(r"\s+", " ", value.strip())
    return re.sub(r",\s*\]", "]", value).replace("[ ", "[").replace(" ]", "]")


def read_folder(folder: Path) -> Blocks:
    """The blocks of every .tf file of a folder."""
    found: Blocks = {}
    for path in sorted(folder.glob("*.tf")):
        found.update(blocks(path.read_text()))
    return found


def read_files(files: dict[str, str]) -> Blocks:
    """The blocks of in-memory .tf files (name → text)."""
    found: Blocks = {}
    for name, text in sorted(files.items()):
        if name.endswith(".tf"):
            found.update(blocks(text))
    return found


def variable_defaults(found: Blocks) -> dict[str, str]:
    """{'var.task_cpu': '"256"'} from the variable blocks."""
    defaults: dict[str, str] = {}
    for header, arguments in found.items():
        if header.startswith("variable") and "default" in arguments:
            name = header.split('"')[1]
            defaults[f"var.{name}"] = arguments["default"]
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
