"""Questions the learner must earn: quizzes and predictions, kept out of the notebooks.

A question's right answer never appears in a learner's notebook source: the notebooks
name a question by id (`widgets.Quiz("9.3")`, `widgets.Predict("9.3/plan-task-definition")`)
and its text, choices and explanations live here, in `ecslab.notebook.questions`, one
module per section (`s9_1` ... `s9_4`, `further`). Every choice carries why it is right
or wrong, so a wrong click teaches instead of only saying "try again".

Two kinds share one shape:
- a *quiz* question is answered by clicking and graded at once;
- a *prediction* is committed before a plan, an apply or a drill; the real output then
  answers it, and `reveal` explains what to look at in that output.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Literal

from ecslab.errors import EcslabError

Kind = Literal["quiz", "predict"]

#: Section of a question id (the part before "/") -> module of ecslab.notebook.questions.
SECTION_MODULES = {"9.1": "s9_1", "9.2": "s9_2", "9.3": "s9_3", "9.4": "s9_4", "further": "further"}


class UnknownQuestion(EcslabError):
    """A notebook names a question that no questions module holds."""


@dataclass(frozen=True)
class Choice:
    """One answer offered, whether it is right, and why (shown once it is chosen)."""

    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class Question:
    """A question with its choices; `id` is "SECTION/slug", e.g. "9.3/grace-period"."""

    id: str
    text: str
    choices: tuple[Choice, ...]
    kind: Kind = "quiz"
    book: str = ""  # the book's section or listing the question is about, e.g. "9.3.3"

    @property
    def section(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def answer(self) -> int:
        """Index of the (first) right choice."""
        return next(i for i, c in enumerate(self.choices) if c.correct)


@dataclass(frozen=True)
class Feedback:
    """What a chosen answer earns: right or wrong, and why."""

    correct: bool
    why: str


@dataclass(frozen=True)
class Outcome:
    """A prediction against what happened: the learner's pick (None: none committed),
    the right choice, and whether they match."""

    question: Question
    mine: Choice | None
    right: Choice

    @property
    def correct(self) -> bool:
        return self.mine is not None and self.mine.correct

    def lines(self) -> list[str]:
        """The outcome in words: what you picked, what happened, why."""
        right = f"What happened: {self.right.text}. {self.right.why}"
        if self.mine is None:
            return ["No prediction committed.", right]
        if self.mine.correct:
            return [f"You predicted: {self.mine.text}. ✓ Right.", self.right.why]
        return [
            f"You predicted: {self.mine.text}. ✗ Not what happened: {self.mine.why}",
            right,
        ]


def outcome(question: Question, index: int | None) -> Outcome:
    """The committed choice number `index` (or None) of `question` against the answer."""
    mine = None if index is None else question.choices[index]
    return Outcome(question, mine, question.choices[question.answer])


def grade(question: Question, index: int) -> Feedback:
    """The feedback for choice number `index` of `question`."""
    choice = question.choices[index]
    return Feedback(choice.correct, choice.why)


def _module_questions(section: str) -> tuple[Question, ...]:
    module = SECTION_MODULES.get(section)
    if module is None:
        raise UnknownQuestion(f"No questions for section {section!r}.")
    loaded = importlib.import_module(f"ecslab.notebook.questions.{module}")
    found: tuple[Question, ...] = loaded.QUESTIONS
    return found


def question(qid: str) -> Question:
    """The question with id `qid` ("9.3/grace-period")."""
    section = qid.split("/", 1)[0]
    for q in _module_questions(section):
        if q.id == qid:
            return q
    raise UnknownQuestion(f"No question {qid!r} in section {section}.")


def questions(section: str, kind: Kind = "quiz") -> list[Question]:
    """All questions of one kind for a section, in the order the module lists them."""
    return [q for q in _module_questions(section) if q.kind == kind]
