"""Tests of ecslab.notebook.solution: a step's solution, behind a confirmation, with a diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecslab import i18n, sections
from ecslab.notebook import solution


def test_the_solution_is_hidden_until_asked_twice(tmp_path: Path) -> None:
    """Is the solution absent from the text form, and in HTML behind two disclosures?"""
    found = solution.of("service.tf", ws=tmp_path)
    assert "aws_ecs_service" not in repr(found)
    html = found._repr_html_()
    assert html.count("<details") == 2
    assert html.index("Try first") < html.index("Yes, show me the solution")
    assert html.index("Yes, show me the solution") < html.index("aws_ecs_service")


def test_the_diff_compares_the_learners_file(tmp_path: Path) -> None:
    """Does the diff show what the learner's file lacks (the book's 9.3 service)?"""
    text = sections.files_of("03_web_server")["service.tf"]
    (tmp_path / "service.tf").write_text(text.replace("desired_count", "# desired_count"))
    found = solution.of("service.tf", ws=tmp_path)
    assert not found.same
    assert any(line.startswith("+  desired_count") for line in found.diff().splitlines())


def test_the_workspaces_section_chooses_the_version(tmp_path: Path) -> None:
    """Set up for 9.4, is task_definition.tf's solution 9.4's (with the execution role)?"""
    solution.remember_section(tmp_path, "04_logging")
    assert solution.of("task_definition.tf", ws=tmp_path).section.book == "9.4"
    solution.remember_section(tmp_path, "03_web_server")
    assert solution.of("task_definition.tf", ws=tmp_path).section.book == "9.3"


def test_a_file_no_section_writes_is_refused(tmp_path: Path) -> None:
    """Does a misspelt file name say so and list the files there are?"""
    with pytest.raises(solution.NoSolution, match=r"No section writes 'services\.tf'") as caught:
        solution.of("services.tf", ws=tmp_path)
    assert "service.tf" in caught.value.hint


def test_the_japanese_reveal_asks_twice_in_japanese(tmp_path: Path) -> None:
    """In the Japanese edition, are both disclosures Japanese and the solution unchanged?"""
    found = solution.of("service.tf", ws=tmp_path)
    with i18n.speaking("ja"):
        html = found._repr_html_()
        text = repr(found)
    assert "<summary>service.tf の解答を表示しますか？</summary>" in html
    assert html.index("まずは試してみましょう") < html.index("aws_ecs_service")
    assert text.startswith("service.tf の解答（9.3節）は隠してあります。")
