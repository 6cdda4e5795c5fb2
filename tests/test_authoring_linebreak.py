"""Tests of ecslab.authoring.linebreak: hints wrapped for English and Japanese."""

from __future__ import annotations

from ecslab.authoring.linebreak import NO_LINE_START, columns, wrap

ENGLISH = (
    "run `aws ecs update-service` for cluster example and service example, with the "
    "latest revision of the family (--task-definition example) and --force-new-deployment."
)
JAPANESE = (
    "`aws ecs update-service` を実行する：クラスタ example、サービス example、ファミリーの"
    "最新リビジョン（--task-definition example）、--force-new-deployment。"
)


def test_a_japanese_character_takes_two_columns() -> None:
    """Is a kana or kanji counted as two columns, and ASCII as one?"""
    assert columns("タスク定義") == 10
    assert columns("task definition") == 15
    assert columns("（ARN）") == 7


def test_english_breaks_at_spaces_and_never_inside_an_option() -> None:
    """Does --force-new-deployment stay whole where textwrap would split it at a hyphen?"""
    lines = wrap(ENGLISH, 80)
    assert lines == [
        "run `aws ecs update-service` for cluster example and service example, with the",
        "latest revision of the family (--task-definition example) and",
        "--force-new-deployment.",
    ]


def test_japanese_breaks_between_characters_within_the_width() -> None:
    """Does Japanese without spaces wrap within the columns, keeping every word whole?"""
    lines = wrap(JAPANESE, 60)
    assert len(lines) > 1
    assert all(columns(line) <= 60 for line in lines)
    assert "".join(lines).replace(" ", "") == JAPANESE.replace(" ", "")
    words = " ".join(lines).split()
    for word in ("--task-definition", "--force-new-deployment。", "`aws"):
        assert any(word in w for w in words), word


def test_kinsoku_keeps_punctuation_and_brackets_in_place() -> None:
    """Does no line start with 、 or ）, and no line end with （?"""
    for width in range(40, 81):
        for line in wrap(JAPANESE, width):
            assert line[0] not in NO_LINE_START, (width, line)
            assert not line.endswith("（"), (width, line)


def test_a_word_wider_than_the_line_is_never_cut() -> None:
    """Does an identifier longer than the width get a line of its own, whole?"""
    name = "ecs_task_execution_role_policy_" * 3
    assert wrap(f"名前は {name} です", 40) == ["名前は", name, "です"]
