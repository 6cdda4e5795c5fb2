"""Tests of ecslab.notebook.quiz: questions as data, and what they say in each language."""

from __future__ import annotations

import json
import re

import pytest
from babel.messages.pofile import read_po

from ecslab import i18n
from ecslab.authoring import catalogs
from ecslab.notebook import quiz, widgets
from ecslab.settings import PROJECT_ROOT

#: Hiragana, katakana or kanji: a text with one of them is written in Japanese.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _every_question() -> list[quiz.Question]:
    """The questions of every section, quizzes and predictions."""
    return [
        q
        for section in quiz.SECTION_MODULES
        for q in quiz.questions(section) + quiz.questions(section, "predict")
    ]


def test_grade_decides_on_data_not_on_the_label() -> None:
    """Two choices that read the same: is each graded by whether it is correct?"""
    twins = quiz.Question(
        id="9.9/twins",
        text="Which?",
        choices=(quiz.Choice("same", False, "Not this one."), quiz.Choice("same", True, "Yes.")),
    )
    assert [quiz.grade(twins, i).correct for i in (0, 1)] == [False, True]
    assert quiz.grade(twins, 0).line == "✗ Not “same”: Not this one. Try another."


def test_quiz_summary_counts_in_english() -> None:
    """Does a quiz of one question say "1 question", and of four "4 questions"?"""
    assert quiz.quiz_summary(1) == "Quiz(1 question: click an answer to check it)"
    assert quiz.quiz_summary(4) == "Quiz(4 questions: click an answer to check it)"


def test_unknown_question_says_which() -> None:
    """Does a question id that no module holds name the id and its section?"""
    with pytest.raises(quiz.UnknownQuestion, match=r"No question '9.3/nope' in section 9.3\."):
        quiz.question("9.3/nope")
    with pytest.raises(quiz.UnknownQuestion, match=r"No questions for section '9.9'\."):
        quiz.questions("9.9")


def test_unknown_question_in_japanese() -> None:
    """In Japanese, does the error still name the id (never translated) and the section?"""
    with i18n.speaking("ja"), pytest.raises(quiz.UnknownQuestion) as raised:
        quiz.question("9.3/nope")
    assert str(raised.value) == "セクション 9.3 に問題 '9.3/nope' はありません。"


def test_japanese_quiz_shows_question_and_choices_in_japanese() -> None:
    """Does a quiz built in the Japanese edition show the question, its choices, the
    label for assistive technology and the tally in Japanese?"""
    with i18n.speaking("ja"):
        shown = widgets.Quiz(["9.1/who-keeps-tasks"])
        title, buttons, _feedback = shown.children[0].children
        assert "nginx のタスクを2つ動かし続け" in title.value and title.value.startswith("<b>問1.")
        assert buttons.options == ("ECSクラスタ", "タスク定義", "ECSサービス", "ターゲットグループ")
        assert buttons.description == "問1の答え:"
        assert buttons.tooltip.endswith("どの構成要素でしょうか？")
        assert repr(shown) == "Quiz(1 問: 選択肢をクリックすると答え合わせできます)"


def test_japanese_quiz_marks_answers_by_data_and_explains_in_japanese() -> None:
    """Clicked in Japanese, is a wrong choice marked wrong and the right one right (by
    the data, whatever the labels read), each with its why in Japanese?"""
    with i18n.speaking("ja"):
        shown = widgets.Quiz(["9.1/who-keeps-tasks"])
        _title, buttons, feedback = shown.children[0].children
        buttons.index = 0
        assert "✗「ECSクラスタ」ではありません: ECSクラスタはまとめるだけで" in feedback.value
        assert "#d93025" in feedback.value
        buttons.index = 2
        assert "✓ 正解:「ECSサービス」。ECSサービスは維持するタスク数" in feedback.value
        assert "#188038" in feedback.value
        assert shown.first_tries == {"9.1/who-keeps-tasks": False}
        assert "1 問中 1 問に解答、1 回目で正解: 0 問。" in shown.tally.value


def test_japanese_prediction_commits_and_reveals_in_japanese() -> None:
    """Does a prediction in Japanese label its button, and reveal the pick next to what
    happened, with both whys in Japanese?"""
    with i18n.speaking("ja"):
        p = widgets.Predict("9.1/task-definition-change")
        assert p.commit.description == "予想を確定する"
        p.commit.click()
        assert "先に1つ選んでください。" in p.note.value and p.choice is None
        p.buttons.index = 2
        p.commit.click()
        assert p.choice == 2 and not p.outcome().correct
        shown = p.reveal().value
    assert "あなたの予想: 何も起きない。✗ 実際とは違いました: Terraform は差分を" in shown
    assert "実際の結果: 新しいリビジョンが登録される（example:2）。タスク定義は" in shown


def test_every_question_and_explanation_reads_japanese() -> None:
    """Under the Japanese edition, is every question and every why of every section
    shown in Japanese (through the compiled catalog)?"""
    with i18n.speaking("ja"):
        english = [
            text
            for q in _every_question()
            for text, shown in [(q.text, q.asked)] + [(c.why, c.reason) for c in q.choices]
            if not JAPANESE.search(shown)
        ]
    assert english == []


def test_every_choice_has_a_translation() -> None:
    """Does the questions catalog translate every choice of every section (a choice that
    is code, such as "awsvpc" or "512", translated as itself)?"""
    with catalogs.po_path("ja", "questions").open("rb") as f:
        catalog = read_po(f, locale="ja")
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = [c.text for q in _every_question() for c in q.choices if c.text not in translated]
    assert missing == []
    kept = {c.text for q in _every_question() for c in q.choices if translated[c.text] == c.text}
    assert all(not re.search(r"\b[a-z]+ [a-z]+\b", text) for text in kept), kept


def test_no_lab_of_any_edition_holds_a_translated_answer() -> None:
    """Does no generated notebook (labs/ and its editions) hold a choice's explanation in
    any language?"""
    whys = [c.why for q in _every_question() for c in q.choices]
    with i18n.speaking("ja"):
        whys += [c.reason for q in _every_question() for c in q.choices]
    labs = sorted((PROJECT_ROOT / "labs").rglob("*.ipynb"))
    assert labs
    for path in labs:
        source = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
        assert not [why for why in whys if why in source], path.name


def test_quiz_texts_live_in_the_questions_catalog() -> None:
    """Are the quiz's own texts (its labels and feedback) extracted into the questions
    catalog with the questions, not into the kernel's?"""
    assert catalogs.domain_of(catalogs.PACKAGE / "notebook" / "quiz.py") == "questions"
    assert "Commit my prediction" in {m.id for m in catalogs.template("questions")}
    assert "Commit my prediction" not in {m.id for m in catalogs.template("kernel")}
