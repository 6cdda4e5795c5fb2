"""Tests of ecslab.notebook.planview: the summary, Terraform's own text, and why "No changes"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ecslab import i18n
from ecslab.notebook import planview
from ecslab.tf.runner import PlanSummary, ResourceChange

SERVICE_TF = """
resource "aws_ecs_service" "example" {
  name            = "example"
  task_definition = aws_ecs_task_definition.example.arn

  lifecycle {
    ignore_changes = [task_definition]
  }
}
"""

ARN = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example:{}"


def test_ignore_changes_are_read_from_the_workspaces_files(tmp_path: Path) -> None:
    """Is listing 9.4's `ignore_changes = [task_definition]` found, by resource address?"""
    (tmp_path / "service.tf").write_text(SERVICE_TF)
    assert planview.ignore_changes(tmp_path) == {"aws_ecs_service.example": ["task_definition"]}


def test_an_empty_plan_says_which_ignored_attribute_drifted() -> None:
    """After a CLI deployment, does "No changes" come with the drifted, ignored revision?"""
    plan = {
        "prior_state": {
            "values": {
                "root_module": {
                    "resources": [
                        {
                            "address": "aws_ecs_service.example",
                            "values": {"task_definition": ARN.format(2)},
                        }
                    ]
                }
            }
        },
        "resource_drift": [
            {
                "address": "aws_ecs_service.example",
                "change": {
                    "before": {"task_definition": ARN.format(1)},
                    "after": {"task_definition": ARN.format(2)},
                },
            }
        ],
    }
    ignored = planview.ignored_in(plan, {"aws_ecs_service.example": ["task_definition"]})
    view = planview.PlanView(PlanSummary(0, 0, 0), ignored=ignored)
    assert repr(view) == (
        "No changes. Your infrastructure matches the configuration.\n"
        "Why nothing changes although the cloud differs:\n"
        "  aws_ecs_service.example: task_definition is example:2 in the cloud (changed "
        "outside Terraform from example:1); ignore_changes keeps Terraform from setting it back"
    )


def test_a_callers_note_follows_the_summary() -> None:
    """Does a note handed in by the notebook appear under Terraform's line?"""
    view = planview.PlanView(PlanSummary(0, 0, 0), note="The service was deployed with the CLI.")
    assert repr(view).splitlines() == [
        "No changes. Your infrastructure matches the configuration.",
        "The service was deployed with the CLI.",
    ]


def test_html_offers_terraforms_own_text_folded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does the HTML keep the summary open and Terraform's own text in a <details>?"""
    change = ResourceChange("aws_ecs_cluster.example", ("create",), None, {"name": "example"})
    view = planview.PlanView(PlanSummary(1, 0, 0, (change,)))
    own = "  # aws_ecs_task_definition.example must be replaced\n  # forces replacement"
    monkeypatch.setitem(view.__dict__, "terraform_text", own)
    html = view._repr_html_()
    assert (
        "<pre>Plan: 1 to add, 0 to change, 0 to destroy.\n  + aws_ecs_cluster.example</pre>" in html
    )
    assert "<details><summary>Terraform's own plan" in html
    assert "# forces replacement" in html


def test_without_a_saved_plan_the_text_is_the_headline() -> None:
    """Without a plan file (a plan view built by hand), is the text Terraform's one line?"""
    assert planview.PlanView(PlanSummary(0, 0, 0)).terraform_text == (
        "No changes. Your infrastructure matches the configuration."
    )


@pytest.mark.integration
def test_after_a_cli_deployment_the_plan_says_no_changes_and_why(applied_chapter: Any) -> None:
    """After `aws ecs update-service` to a new revision (9.4), does the real plan show
    "No changes", name the ignored task_definition and its two revisions, and does
    Terraform's own text say the same?"""
    from ecslab.account import clients
    from ecslab.notebook import checks

    ecs = clients.client("ecs")
    first = ecs.describe_services(cluster="example", services=["example"])["services"][0]
    current = ecs.describe_task_definition(taskDefinition=first["taskDefinition"])
    spec = {
        k: current["taskDefinition"][k]
        for k in ("family", "containerDefinitions", "cpu", "memory", "networkMode")
    }
    spec["requiresCompatibilities"] = current["taskDefinition"]["requiresCompatibilities"]
    spec["executionRoleArn"] = current["taskDefinition"]["executionRoleArn"]
    new = ecs.register_task_definition(**spec)["taskDefinition"]["taskDefinitionArn"]
    try:
        ecs.update_service(cluster="example", service="example", taskDefinition=new)
        summary = applied_chapter.terraform.plan()
        ignored = planview.explain_no_changes(applied_chapter.workdir, summary)
        view = planview.PlanView(summary, ignored=ignored, folder=applied_chapter.workdir)
        assert summary.empty
        old, now = first["taskDefinition"].rsplit("/", 1)[-1], new.rsplit("/", 1)[-1]
        assert [(i.address, i.attribute, planview._short(i.now)) for i in ignored] == [
            ("aws_ecs_service.example", "task_definition", now)
        ]
        assert f"from {old}" in repr(view)
        assert "No changes." in view.terraform_text
    finally:
        ecs.update_service(
            cluster="example", service="example", taskDefinition=first["taskDefinition"]
        )
        ecs.deregister_task_definition(taskDefinition=new)
        assert checks.running_revision(wait=True).passed


def test_a_plan_summary_speaks_japanese_around_terraforms_words() -> None:
    """In the Japanese edition, does the summary keep Terraform's count line and the
    addresses, and explain the replacement in Japanese?"""
    change = ResourceChange(
        "aws_ecs_task_definition.example",
        ("delete", "create"),
        {"container_definitions": "a"},
        {"container_definitions": "b"},
    )
    with i18n.speaking("ja"):
        text = repr(planview.PlanView(PlanSummary(1, 0, 1, (change,))))
    assert text == (
        "Plan: 1 to add, 0 to change, 1 to destroy.\n"
        "  -/+ aws_ecs_task_definition.example  （変更: container_definitions）"
    )


def test_an_empty_plan_explains_ignore_changes_in_japanese() -> None:
    """Does "No changes" come with a Japanese reason naming the ignored attribute?"""
    ignored = (planview.Ignored("aws_ecs_service.example", "task_definition", ARN.format(2)),)
    with i18n.speaking("ja"):
        lines = planview.PlanView(PlanSummary(0, 0, 0), ignored=ignored).lines()
    assert lines[1:] == [
        "クラウドの状態が違うのに何も変更されない理由:",
        "  aws_ecs_service.example: task_definition は無視されます（ignore_changes）。"
        "現在の値は example:2",
    ]
