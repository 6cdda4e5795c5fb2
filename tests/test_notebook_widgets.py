"""Tests of the lab's widgets and the plain functions behind them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecslab import fargate, sections
from ecslab.notebook import widgets
from ecslab.tf.events import ApplyComplete, ApplyStart, PlannedChange


def test_cost_text_names_count_size_region_and_price_date() -> None:
    """Does the cost line say how many tasks, which size, where, and when prices are from?"""
    text = widgets.cost_text(256, 512, 2)
    expected = fargate.TaskSize(256, 512).monthly_cost(2)
    assert text.startswith(f"2 tasks × 0.25 vCPU / 0.5 GB: about USD {expected:.2f} a month")
    assert "ap-northeast-1" in text and fargate.PRICES_AS_OF.isoformat() in text


def test_cost_text_refuses_an_invalid_size() -> None:
    """Is an invalid pair refused with AWS's words, not priced?"""
    with pytest.raises(fargate.FargateSizeError, match="No Fargate configuration exists"):
        widgets.cost_text(256, 4096, 2)


def test_picker_offers_only_valid_memory_for_the_cpu() -> None:
    """Does choosing cpu 1024 leave only the memory values Fargate allows with it?"""
    picker = widgets.TaskSizePicker()
    assert [v for _, v in picker.memory.options] == [512, 1024, 2048]
    picker.cpu.value = 1024
    assert [v for _, v in picker.memory.options] == fargate.memory_choices(1024)
    assert picker.memory.value == 2048
    assert "1 vCPU / 2 GB" in picker.cost.value


def test_picker_repr_is_stable() -> None:
    """Is the picker's text output short and free of widget ids?"""
    assert repr(widgets.TaskSizePicker(desired_count=3)) == (
        "TaskSizePicker(cpu=256, memory=512, desired_count=3)"
    )


def test_picker_writes_the_size_into_the_task_definition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does the Write button put the chosen size into the learner's task_definition.tf?"""
    monkeypatch.setenv("ECSLAB_WORKSPACE", str(tmp_path))
    text = sections.files_before("04_logging")["task_definition.tf"]
    (tmp_path / "task_definition.tf").write_text(text)
    picker = widgets.TaskSizePicker(write_to="task_definition.tf")
    picker.cpu.value = 512
    picker.memory.value = 4096
    picker.write.click()
    assert '"512"' in (tmp_path / "task_definition.tf").read_text()
    assert '"4096"' in (tmp_path / "task_definition.tf").read_text()
    assert picker.status.value.startswith("✓")


def test_picker_write_without_a_file_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does the Write button explain itself when there is no task definition yet?"""
    monkeypatch.setenv("ECSLAB_WORKSPACE", str(tmp_path))
    picker = widgets.TaskSizePicker(write_to="task_definition.tf")
    picker.write.click()
    assert "Write listing 9.2 first" in picker.status.value


QUESTION = widgets.Question("A task definition is a ...", ["class", "instance"], 0, "Blueprint.")


def test_grade_right_answer_explains_why() -> None:
    """Does the right answer get a tick and the reason?"""
    assert widgets.grade(QUESTION, "class") == (True, "✓ Right. Blueprint.")


def test_grade_wrong_answer_invites_another_try() -> None:
    """Does a wrong answer get a cross and no spoiler?"""
    ok, text = widgets.grade(QUESTION, "instance")
    assert not ok and "Blueprint" not in text


def test_quiz_gives_feedback_on_click() -> None:
    """Does choosing an answer in the quiz widget show the feedback at once?"""
    quiz = widgets.Quiz([QUESTION])
    item = quiz.children[0]
    item.children[1].value = "class"
    assert "Right" in item.children[2].value
    assert repr(quiz) == "Quiz(1 questions: click an answer to check it)"


def test_progress_panel_counts_resources() -> None:
    """Does the progress panel show done / total and what is in progress?"""
    panel = widgets.ProgressPanel("apply")
    for event in (
        PlannedChange("aws_ecs_cluster.example", "create"),
        PlannedChange("aws_ecs_service.example", "create"),
        ApplyStart("aws_ecs_cluster.example", "create"),
        ApplyComplete("aws_ecs_cluster.example", "create", 1),
        ApplyStart("aws_ecs_service.example", "create"),
    ):
        panel.feed(event)
    assert (panel.bar.value, panel.bar.max) == (1, 2)
    assert panel.label.value == "1/2 done; in progress: aws_ecs_service.example"
    panel.close()
    assert panel.bar.bar_style == "success"


def test_terraform_buttons_carry_stable_classes() -> None:
    """Do the buttons keep the DOM hooks the browser test uses?"""
    panel = widgets.TerraformButtons()
    classes = [b._dom_classes for b in panel.buttons]
    assert classes == [("ecslab-plan",), ("ecslab-apply",), ("ecslab-destroy",)]
    assert "ecslab-terraform-buttons" in panel._dom_classes


def test_terraform_buttons_show_errors_with_hints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does pressing Plan in an unprepared workspace show the hint, not a traceback?"""
    monkeypatch.setenv("ECSLAB_WORKSPACE", str(tmp_path))
    panel = widgets.TerraformButtons()
    panel.run("plan")
    assert panel.last.startswith("✗ The workspace is not set up.")
    assert "Hint: Run the setup cell" in panel.last
    assert all(not b.disabled for b in panel.buttons)


def test_labels_read_like_the_book() -> None:
    """Are cpu and memory shown in both units, as section 9.3.2 explains them?"""
    assert widgets.cpu_label(256) == "256 (0.25 vCPU)"
    assert widgets.memory_label(512) == "512 MiB (0.5 GB)"
