"""Tests of the Terraform runner (ecslab.tf.runner) and its events (ecslab.tf.events).

The runner tests use only Terraform's built-in `terraform_data` resource, so they run
real Terraform offline, without a provider or a cloud.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ecslab.tf import runner as tf
from ecslab.tf.events import (
    ApplyComplete,
    ApplyProgress,
    ApplyStart,
    ChangeSummary,
    Diagnostic,
    Event,
    PlannedChange,
    Progress,
    parse_event,
    render_diagnostic,
)


def ui_line(kind: str, **fields: Any) -> str:
    """One line of Terraform's -json UI."""
    return json.dumps({"@level": "info", "@message": "", "type": kind, **fields})


def hook(address: str, action: str, **extra: Any) -> dict[str, Any]:
    return {"resource": {"addr": address}, "action": action, **extra}


def test_apply_events_are_typed() -> None:
    """Are apply_start / apply_progress / apply_complete lines parsed into their events?"""
    vpc = "module.loadbalancer.aws_vpc.example"
    assert parse_event(ui_line("apply_start", hook=hook(vpc, "create"))) == ApplyStart(
        vpc, "create"
    )
    progress = ui_line("apply_progress", hook=hook(vpc, "create", elapsed_seconds=10))
    assert parse_event(progress) == ApplyProgress(vpc, "create", 10)
    done = ui_line("apply_complete", hook=hook(vpc, "create", elapsed_seconds=11, id_value="v-1"))
    assert parse_event(done) == ApplyComplete(vpc, "create", 11, "v-1")


def test_plan_events_are_typed() -> None:
    """Are planned_change and change_summary lines parsed into their events?"""
    change = ui_line("planned_change", change=hook("aws_ecs_cluster.example", "create"))
    assert parse_event(change) == PlannedChange("aws_ecs_cluster.example", "create")
    summary = ui_line(
        "change_summary", changes={"add": 36, "change": 0, "remove": 1, "operation": "plan"}
    )
    assert parse_event(summary) == ChangeSummary(36, 0, 1, "plan")


def test_other_lines_are_ignored() -> None:
    """Are version lines, logs and non-JSON text skipped rather than failing?"""
    assert parse_event(ui_line("version", terraform="1.11.4")) is None
    assert parse_event("not json") is None
    assert parse_event("[1, 2]") is None


def test_diagnostic_renders_like_terraform() -> None:
    """Does a diagnostic print summary, file and line, the code and the detail?"""
    line = ui_line(
        "diagnostic",
        diagnostic={
            "severity": "error",
            "summary": "Reference to undeclared resource",
            "detail": 'A managed resource "aws_vpc" "nope" has not been declared.',
            "range": {"filename": "main.tf", "start": {"line": 2}},
            "snippet": {
                "context": 'output "o"',
                "code": "  value = aws_vpc.nope.id",
                "start_line": 2,
            },
        },
    )
    event = parse_event(line)
    assert isinstance(event, Diagnostic)
    assert render_diagnostic(event) == (
        "Error: Reference to undeclared resource\n\n"
        '  on main.tf line 2, in output "o":\n'
        "    2:   value = aws_vpc.nope.id\n\n"
        'A managed resource "aws_vpc" "nope" has not been declared.'
    )


def test_progress_counts_resources_not_reads() -> None:
    """Does Progress count planned resources and completions, ignoring data-source reads?"""
    progress = Progress()
    events: list[Event] = [
        PlannedChange("a.x", "create"),
        PlannedChange("a.y", "create"),
        ApplyStart("data.d.z", "read"),
        ApplyComplete("data.d.z", "read", 0),
        ApplyStart("a.x", "create"),
        ApplyStart("a.y", "create"),
        ApplyProgress("a.y", "create", 10),
        ApplyComplete("a.x", "create", 1),
    ]
    for event in events:
        progress.feed(event)
    assert (len(progress.done), progress.total, progress.fraction) == (1, 2, 0.5)
    assert progress.in_progress == {"a.y": 10}
    assert str(progress) == "1/2 done; in progress: a.y"


def change(address: str, *actions: str) -> dict[str, Any]:
    return {"address": address, "change": {"actions": list(actions), "before": None, "after": {}}}


def test_plan_summary_counts_like_terraform() -> None:
    """Is a replacement one add and one destroy, and are no-ops and reads left out?"""
    plan = {
        "resource_changes": [
            change("a.new", "create"),
            change("a.edit", "update"),
            change("a.gone", "delete"),
            change("a.swap", "delete", "create"),
            change("a.same", "no-op"),
            change("data.a.read", "read"),
        ]
    }
    summary = tf.summarize_plan(plan)
    assert (summary.add, summary.change, summary.destroy) == (2, 1, 2)
    assert [c.address for c in summary.changes] == ["a.new", "a.edit", "a.gone", "a.swap"]
    assert str(summary) == "Plan: 2 to add, 1 to change, 2 to destroy."


# --- real Terraform, offline ---------------------------------------------------------


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with two terraform_data resources; ECSLAB_HOME in tmp."""
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path / "ecslab"))
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "main.tf").write_text(
        'variable "word" {\n  type    = string\n  default = "hello"\n}\n\n'
        'resource "terraform_data" "first" {\n  input = var.word\n}\n\n'
        'resource "terraform_data" "second" {\n  input = terraform_data.first.output\n}\n\n'
        'output "word" {\n  value = terraform_data.second.output\n}\n'
    )
    return folder


def test_plan_apply_output_destroy_stream_events(workdir: Path) -> None:
    """Does a full cycle stream its events, summarise the plan and read the outputs?"""
    events: list[Event] = []
    tf.init(workdir, "local")
    plan = tf.plan(workdir, "local", events.append)
    assert (plan.add, plan.change, plan.destroy) == (2, 0, 0)
    assert {c.address for c in plan.changes} == {"terraform_data.first", "terraform_data.second"}
    progress = Progress()
    result = tf.apply(workdir, "local", progress.feed, plan=plan)
    assert result == ChangeSummary(2, 0, 0, "apply")
    assert (len(progress.done), progress.total) == (2, 2)
    assert tf.output(workdir, "local") == {"word": "hello"}
    assert tf.plan(workdir, "local").empty
    assert tf.destroy(workdir, "local", events.append).remove == 2
    assert any(isinstance(e, PlannedChange) for e in events)


def test_variables_reach_terraform(workdir: Path) -> None:
    """Do variables given to the runner reach the plan?"""
    tf.init(workdir, "local")
    plan = tf.plan(workdir, "local", variables={"word": "bonjour"})
    first = next(c for c in plan.changes if c.address == "terraform_data.first")
    assert first.after is not None and first.after["input"] == "bonjour"


def test_destroy_never_passes_force(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Does destroy pass -auto-approve, not python-terraform's -force that Terraform rejects?"""
    seen: list[list[str]] = []

    def record(self: tf.Terraform, argv: list[str], *_: Any) -> tuple[int, str]:
        seen.append(argv)
        return 0, ""

    monkeypatch.setattr(tf.Terraform, "_run_streaming", record)
    tf.destroy(workdir, "local")
    assert "-auto-approve" in seen[0]
    assert "-force" not in seen[0]


def test_broken_configuration_gives_terraform_diagnostic(workdir: Path) -> None:
    """Does a broken .tf raise an error whose text is Terraform's diagnostic, file and line?"""
    (workdir / "broken.tf").write_text('output "oops" {\n  value = aws_vpc.nope.id\n}\n')
    tf.init(workdir, "local")
    with pytest.raises(tf.TerraformDiagnosticError) as err:
        tf.plan(workdir, "local")
    text = str(err.value)
    assert "Error: Reference to undeclared resource" in text
    assert '  on broken.tf line 2, in output "oops":' in text
    assert "    2:   value = aws_vpc.nope.id" in text
    assert "Traceback" not in text
    assert err.value.diagnostics[0].filename == "broken.tf"


def test_validate_reports_the_same_diagnostic(workdir: Path) -> None:
    """Does validate raise Terraform's diagnostic for a syntax error, with the line?"""
    (workdir / "broken.tf").write_text('resource "terraform_data" "x" {\n  input = \n}\n')
    with pytest.raises(tf.TerraformDiagnosticError, match=r"on broken\.tf line \d"):
        tf.validate(workdir, "local")


def test_fmt_lists_files_it_would_rewrite(workdir: Path) -> None:
    """Does fmt(check=True) name a badly formatted file without rewriting it?"""
    ugly = 'resource "terraform_data" "y" {\ninput="x"\n}\n'
    (workdir / "ugly.tf").write_text(ugly)
    assert tf.fmt(workdir, check=True) == ["ugly.tf"]
    assert (workdir / "ugly.tf").read_text() == ugly
    assert tf.fmt(workdir) == ["ugly.tf"]
    assert tf.fmt(workdir, check=True) == []


def test_targets_limit_the_apply(workdir: Path) -> None:
    """Does `targets` apply only the named resource (and what it depends on)?"""
    tf.init(workdir, "local")
    result = tf.apply(workdir, "local", targets=["terraform_data.first"])
    assert result.add == 1
    assert tf.plan(workdir, "local").add == 1
