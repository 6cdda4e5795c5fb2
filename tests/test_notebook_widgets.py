"""Tests of the lab's widgets and the plain functions behind them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecslab import fargate, i18n, sections
from ecslab.notebook import lab, progress, quiz, widgets
from ecslab.tf.events import ApplyComplete, ApplyStart, PlannedChange
from ecslab.tf.workspace import Placed

#: Listing 9.2 as the learner writes it in 9.3 (cpu "256", memory "512").
LISTING_9_2 = sections.files_before("04_logging")["task_definition.tf"]
#: Listing 9.9 as section 9.4's cell writes it (the same size, plus the execution role).
LISTING_9_9 = sections.all_files()["task_definition.tf"]


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace of the test's own."""
    monkeypatch.setenv("ECSLAB_WORKSPACE", str(tmp_path))
    return tmp_path


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


def _pick(cpu: int, memory: int) -> widgets.TaskSizePicker:
    picker = widgets.TaskSizePicker(write_to="task_definition.tf")
    picker.cpu.value, picker.memory.value = cpu, memory
    picker.write.click()
    return picker


def test_picker_writes_the_size_into_the_task_definition(ws: Path) -> None:
    """Does the Write button put the chosen size, and only it, into task_definition.tf?"""
    (ws / "task_definition.tf").write_text(LISTING_9_2)
    picker = _pick(512, 4096)
    expected = LISTING_9_2.replace(
        'cpu                      = "256"', 'cpu                      = "512"'
    )
    expected = expected.replace(
        'memory                   = "512"', 'memory                   = "4096"'
    )
    assert (ws / "task_definition.tf").read_text() == expected
    assert (
        picker.status.value
        == "✓ task_definition.tf: cpu = &quot;512&quot;, memory = &quot;4096&quot;"
    )


def test_picker_shows_the_size_the_file_states(ws: Path) -> None:
    """Does a new picker start from the learner's file (1024 / 2048), not from 256 / 512?"""
    (ws / "task_definition.tf").write_text(
        LISTING_9_2.replace('"256"', "1024").replace('"512"', '"2048"')
    )
    picker = widgets.TaskSizePicker(write_to="task_definition.tf")
    assert (picker.cpu.value, picker.memory.value) == (1024, 2048)


def test_picker_says_when_the_file_cannot_be_read(ws: Path) -> None:
    """Does a half-written task definition show where it stops, not a wrong size?"""
    (ws / "task_definition.tf").write_text(LISTING_9_2.rsplit("}", 1)[0])
    picker = widgets.TaskSizePicker(write_to="task_definition.tf")
    assert picker.status.value.startswith(
        "✗ task_definition.tf cannot be read as Terraform (line 8, column 1)."
    )


def test_rerunning_the_cell_keeps_the_picked_size(ws: Path) -> None:
    """Does re-running listing 9.2's cell, then 9.9's, keep the size chosen in the picker?"""
    (ws / "task_definition.tf").write_text(LISTING_9_2)
    _pick(1024, 2048)
    for listing in (LISTING_9_2, LISTING_9_9):
        written = lab.write_file("task_definition.tf", listing)
        assert lab.current_task_size() == fargate.TaskSize(1024, 2048)
        assert "keeps the task size you chose with the picker: cpu 1024, memory 2048" in repr(
            written
        )
    assert "execution_role_arn" in (ws / "task_definition.tf").read_text()


def test_a_size_written_in_the_cell_wins_over_the_picker(ws: Path) -> None:
    """Is a size the learner types into the cell theirs (and the picker's choice dropped)?"""
    (ws / "task_definition.tf").write_text(LISTING_9_2)
    _pick(1024, 2048)
    lab.write_file(
        "task_definition.tf", LISTING_9_2.replace('"256"', '"2048"').replace('"512"', '"4096"')
    )
    assert lab.current_task_size() == fargate.TaskSize(2048, 4096)
    written = lab.write_file("task_definition.tf", LISTING_9_2)
    assert lab.current_task_size() == fargate.TaskSize(256, 512)
    assert repr(written) == "Wrote task_definition.tf (8 lines) in your workspace."


def test_picker_write_without_a_file_says_what_to_do(ws: Path) -> None:
    """Does the Write button explain itself when there is no task definition yet?"""
    picker = _pick(256, 512)
    assert "Write listing 9.2 first" in picker.status.value


def test_picker_button_label_is_not_cut() -> None:
    """Does the Write button size itself to its label ("Write to task_definition.tf")?"""
    picker = widgets.TaskSizePicker(write_to="task_definition.tf")
    assert picker.write.description == "Write to task_definition.tf"
    assert picker.write.layout.width == "auto"


def test_quiz_wrong_choice_explains_why_it_is_wrong() -> None:
    """Does a wrong click say why that choice is wrong, without naming the right one?"""
    quiz = widgets.Quiz(["9.2/memory-for-256"])
    item = quiz.children[0]
    item.children[1].value = "1024"
    assert "✗ Not “1024”:" in item.children[2].value and "256 cpu units" in item.children[2].value
    assert "4096" not in item.children[2].value
    assert "right at the first try: 0" in quiz.tally.value
    assert repr(quiz) == "Quiz(1 question: click an answer to check it)"


def test_quiz_right_choice_says_why() -> None:
    """Does the right answer get a tick and the reason?"""
    quiz = widgets.Quiz("9.2")
    item = quiz.children[2]
    item.children[1].value = "4096"
    assert "Right" in item.children[2].value and "2048 MiB only" in item.children[2].value


def test_predict_commits_then_reveals() -> None:
    """Is a committed prediction locked, and does reveal() name it next to the answer?"""
    p = widgets.Predict("9.1/task-definition-change")
    p.buttons.value = "nothing"
    p.commit.click()
    assert p.buttons.disabled and p.choice == 2
    shown = p.reveal().value
    assert "You predicted: nothing. ✗ Not what happened:" in shown
    assert "What happened: a new revision is registered (example:2)." in shown
    assert "immutable" in shown


def test_predict_without_a_commit_says_so() -> None:
    """Revealed without a committed pick, does the answer come with "No prediction"?"""
    p = widgets.Predict("9.1/task-definition-change")
    assert p.outcome().lines()[0] == "No prediction committed."
    assert not p.outcome().correct


def test_choices_are_labelled_for_assistive_technology() -> None:
    """Do a quiz's radio buttons carry a label and the question as their tooltip?"""
    quiz = widgets.Quiz(["9.2/memory-for-256"])
    buttons = quiz.children[0].children[1]
    assert buttons.description == "Answer 1:"
    assert buttons.tooltip == "cpu = 256: which memory value is NOT allowed?"


def test_no_lab_holds_a_quiz_answer() -> None:
    """Does no generated notebook in labs/ hold an answer: no `why=`, `correct=` or
    `answer=`, and no choice's explanation, anywhere in its source?"""
    import json
    import re

    from ecslab.settings import PROJECT_ROOT

    explanations = [
        c.why
        for section in quiz.SECTION_MODULES
        for q in _all_questions(section)
        for c in q.choices
    ]
    labs = sorted((PROJECT_ROOT / "labs").glob("*.ipynb"))
    assert labs
    for path in labs:
        source = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
        assert not re.search(r"\b(why|correct|answer)\s*=", source), path.name
        assert not [why for why in explanations if why in source], path.name


def _all_questions(section: str) -> list[quiz.Question]:
    """Every question of a section (quizzes and predictions); none if not written yet."""
    try:
        return quiz.questions(section) + quiz.questions(section, "predict")
    except ModuleNotFoundError:
        return []


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
    assert panel.label.value == "terraform apply: 1/2 done; in progress: aws_ecs_service.example"


def test_finished_plan_reads_like_terraform() -> None:
    """Does a finished plan show Terraform's own line, not "finished (0/2 done)"?"""
    panel = widgets.ProgressPanel("plan")
    panel.feed(PlannedChange("aws_ecs_cluster.example", "create"))
    assert panel.label.value == "terraform plan: 1 change(s) found so far"
    panel.finish("Plan: 2 to add, 0 to change, 1 to destroy.")
    panel.close()
    assert panel.label.value == "Plan: 2 to add, 0 to change, 1 to destroy."
    assert panel.bar.bar_style == "success"


def test_failed_run_says_so() -> None:
    """Does a run that raised end red, pointing at the message below?"""
    panel = widgets.ProgressPanel("apply")
    panel.close()
    assert panel.bar.bar_style == "danger"
    assert panel.label.value == "terraform apply failed: see the message below"


def test_terraform_buttons_hand_in_their_own_panel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does the Plan button give lab.plan a progress panel (lab never imports widgets)?"""
    handed: list[object] = []
    monkeypatch.setattr(lab, "plan", lambda progress: handed.append(progress) or "planned")
    widgets.TerraformButtons().run("plan")
    assert len(handed) == 1 and isinstance(handed[0], progress.ProgressPanel)


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


def test_reset_forgets_the_picked_size(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a reset to 9.3, does listing 9.2's cell write the book's size again?"""
    (ws / "task_definition.tf").write_text(LISTING_9_2)
    _pick(1024, 2048)
    report = lab.SetupReport(sections.section("03_web_server"), ws, [], Placed(), False)
    monkeypatch.setattr(lab, "setup", lambda _stem: report)
    monkeypatch.setattr(lab.prepare, "stop", lambda _ws: False)
    lab.reset("03_web_server")
    lab.write_file("task_definition.tf", LISTING_9_2)
    assert lab.current_task_size() == fargate.TaskSize(256, 512)


# --- 日本語版 -----------------------------------------------------------------------------


def test_picker_speaks_japanese_and_keeps_the_attribute_names() -> None:
    """In the Japanese edition, are the picker's button and tooltip Japanese, while `cpu`
    and `memory` (the task definition's arguments) stay as Terraform spells them?"""
    with i18n.speaking("ja"):
        picker = widgets.TaskSizePicker(write_to="task_definition.tf")
    assert picker.write.description == "task_definition.tf に書き込む"
    assert (
        picker.write.tooltip
        == "ワークスペースの task_definition.tf に cpu と memory を書き込みます"
    )
    assert (picker.cpu.description, picker.memory.description) == ("cpu", "memory")
    assert picker.cpu.options[0] == ("256 (0.25 vCPU)", 256)


def test_the_bill_line_speaks_japanese_with_the_same_numbers() -> None:
    """Does the picker's cost line read Japanese, with the same price, region and date?"""
    expected = fargate.TaskSize(256, 512).monthly_cost(2)
    with i18n.speaking("ja"):
        text = widgets.cost_text(256, 512, 2)
    assert text.startswith(
        f"タスク 2 個 × 0.25 vCPU / 0.5 GB: ap-northeast-1 で月に約 {expected:.2f} USD"
    )
    assert fargate.PRICES_AS_OF.isoformat() in text and "cost.estimate()" in text
    assert "tasks" not in text


def test_terraform_buttons_speak_japanese_and_still_name_the_commands() -> None:
    """Are Plan/Apply/Destroy labelled in Japanese, each naming the terraform command?"""
    with i18n.speaking("ja"):
        buttons = widgets.TerraformButtons().buttons
    assert [b.description for b in buttons] == ["プラン (plan)", "適用 (apply)", "削除 (destroy)"]
    assert buttons[0].tooltip == "terraform plan: 何が変わるかを表示します"


def test_progress_lines_speak_japanese() -> None:
    """Do the live lines read Japanese, with the terraform command as typed?"""
    panel = progress.TextReporter("apply")
    panel.progress.feed(PlannedChange("aws_ecs_cluster.example", "create"))
    panel.progress.feed(ApplyStart("aws_ecs_cluster.example", "create"))
    with i18n.speaking("ja"):
        line = progress.live_line("apply", panel.progress)
        plan_line = progress.live_line("plan", panel.progress)
    assert line == "terraform apply: 0/1 完了、処理中: aws_ecs_cluster.example"
    assert plan_line == "terraform plan: ここまでに見つかった変更 1 件"
