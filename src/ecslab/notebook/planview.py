"""A plan as the notebook shows it: our one-line summary, and Terraform's own text on demand.

The summary (`-/+ aws_ecs_task_definition.example (changes: ...)`) is quick to read; the
book prints Terraform's own plan, where `# forces replacement` says why a resource is
replaced. Both are here: the text form and the HTML's open part are the summary; the
HTML's `<details>` and `terraform_text` hold `terraform show -no-color` of the saved plan.

A plan with no changes says what Terraform says, and why when the reason is not obvious:
attributes the configuration tells Terraform to ignore (`lifecycle { ignore_changes }`,
listing 9.4) that differ in the cloud from what the configuration would set, read from
the plan's JSON (the refreshed prior state and Terraform's `resource_drift`) and the
workspace's own files. A caller may add a note of its own (`note=`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any

from ecslab.i18n import _
from ecslab.tf import hcl, runner


@dataclass(frozen=True)
class Ignored:
    """An attribute Terraform was told to ignore, and its value in the cloud now.

    `before` is the value Terraform last wrote (the drift's before) when the cloud's value
    changed outside Terraform, else None.
    """

    address: str
    attribute: str
    now: Any
    before: Any = None

    def __str__(self) -> str:
        now = _short(self.now)
        if self.before is not None and self.before != self.now:
            return _(
                "{address}: {attribute} is {now} in the cloud (changed outside Terraform "
                "from {before}); ignore_changes keeps Terraform from setting it back"
            ).format(
                address=self.address, attribute=self.attribute, now=now, before=_short(self.before)
            )
        return _("{address}: {attribute} is ignored (ignore_changes); now {now}").format(
            address=self.address, attribute=self.attribute, now=now
        )


def _short(value: Any) -> str:
    """An ARN's last part (`example:2`), else the value as Terraform would print it."""
    if isinstance(value, str) and value.startswith("arn:"):
        return value.rsplit("/", 1)[-1]
    return json.dumps(value) if not isinstance(value, str) else value


@dataclass
class PlanView:
    """A plan, as the notebook shows it: Terraform's counts and one line per resource."""

    summary: runner.PlanSummary
    symbols: dict[str, str] = field(default_factory=dict)
    #: Why the plan looks the way it does, in the caller's words (shown under the counts).
    note: str = ""
    #: For a plan with no changes: the ignored attributes that differ or drifted.
    ignored: tuple[Ignored, ...] = ()
    #: The workspace the plan was made in (for `terraform show`).
    folder: Path | None = None

    def headline(self) -> str:
        """Terraform's own line: `Plan: 2 to add, 0 to change, 1 to destroy.`"""
        return str(self.summary)

    def lines(self) -> list[str]:
        """The summary: counts, then one line per changed resource, then why."""
        lines = [self.headline()]
        for change in sorted(self.summary.changes, key=lambda c: c.address):
            lines.append(f"  {_symbol(change.actions)} {change.address}{_why(change)}")
        if self.summary.empty and self.ignored:
            lines.append(_("Why nothing changes although the cloud differs:"))
            lines += [f"  {item}" for item in self.ignored]
        if self.note:
            lines.append(self.note)
        return lines

    @cached_property
    def terraform_text(self) -> str:
        """Terraform's own plan text (`terraform show -no-color` of the saved plan)."""
        plan_file = self.summary.plan_file
        if plan_file is None or not plan_file.exists():
            return self.headline()
        return runner.show(self.folder or plan_file.parent, plan_file).rstrip()

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        summary = escape("\n".join(self.lines()))
        own = escape(self.terraform_text)
        heading = _("Terraform's own plan (what <code>terraform plan</code> prints in a terminal)")
        return (
            f"<div class='ecslab-plan-view'><pre>{summary}</pre>"
            f"<details><summary>{heading}</summary>"
            f"<pre style='font-size:12px;max-height:480px;overflow:auto'>{own}</pre>"
            "</details></div>"
        )


def _symbol(actions: tuple[str, ...]) -> str:
    if "delete" in actions and "create" in actions:
        return "-/+"
    return {"create": "+", "update": "~", "delete": "-"}.get(actions[0], actions[0])


def _why(change: runner.ResourceChange) -> str:
    """For an update or a replacement: which top-level arguments change."""
    if change.before is None or change.after is None:
        return ""
    before, after = change.before, change.after
    keys = sorted(
        k
        for k in after
        if before.get(k) != after.get(k)
        and (before.get(k) or after.get(k)) is not None
        and (before.get(k) or after.get(k)) not in ("", {}, [])
        and k not in ("arn", "id", "revision", "tags_all", "arn_without_revision")
    )
    return "  " + _("(changes: {attributes})").format(attributes=", ".join(keys)) if keys else ""


# --- why a plan has no changes ------------------------------------------------------------


def ignore_changes(folder: Path) -> dict[str, list[str]]:
    """{resource address: attributes in its `lifecycle { ignore_changes }`} of the folder's
    own .tf files, read as Terraform reads them."""
    found: dict[str, list[str]] = {}
    for header, body in hcl.read_folder(folder).items():
        parts = header.split(" ")
        if parts[0] != "resource" or len(parts) != 3:
            continue
        for lifecycle in body.get("lifecycle", []):
            names = [_attribute(v) for v in lifecycle.get("ignore_changes", [])]
            if names:
                address = f"{parts[1].strip(chr(34))}.{parts[2].strip(chr(34))}"
                found.setdefault(address, []).extend(names)
    return found


def _attribute(value: Any) -> str:
    """`${task_definition}` or `"task_definition"` -> `task_definition`."""
    return hcl.expression(value).strip('"')


def ignored_in(plan: dict[str, Any], ignored: dict[str, list[str]]) -> tuple[Ignored, ...]:
    """The ignored attributes of a plan's JSON, with their value in the refreshed state and,
    when Terraform saw them change outside it, the value it last wrote."""
    prior = {
        r["address"]: r.get("values", {})
        for r in plan.get("prior_state", {})
        .get("values", {})
        .get("root_module", {})
        .get("resources", [])
    }
    drift = {
        d["address"]: (d["change"].get("before") or {}) for d in plan.get("resource_drift", [])
    }
    return tuple(
        Ignored(address, name, prior[address].get(name), drift.get(address, {}).get(name))
        for address, names in sorted(ignored.items())
        if address in prior
        for name in names
    )


def explain_no_changes(folder: Path, summary: runner.PlanSummary) -> tuple[Ignored, ...]:
    """For a plan with no changes in a folder that ignores some attributes: which, and
    their values (one `terraform show -json`; nothing to run otherwise)."""
    wanted = ignore_changes(folder)
    if not summary.empty or not wanted or summary.plan_file is None:
        return ()
    plan = json.loads(runner.show(folder, summary.plan_file, as_json=True))
    return ignored_in(plan, wanted)
