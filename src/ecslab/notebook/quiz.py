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

The texts are written in English, marked with `N_()` where they are defined (they are
the `questions` catalog's msgids), and shown in the learner's language: `Question.asked`,
`Choice.label`, `Choice.reason` and the functions below (`verdict`, `tally`, `prompt`...)
translate at the moment of display. What is right is decided on data (`Choice.correct`,
a choice's index), never on a shown text; ids ("9.3/grace-period") are never translated.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Literal

from ecslab.errors import EcslabError
from ecslab.i18n import N_, _, ngettext

Kind = Literal["quiz", "predict"]

#: Section of a question id (the part before "/") -> module of ecslab.notebook.questions.
SECTION_MODULES = {"9.1": "s9_1", "9.2": "s9_2", "9.3": "s9_3", "9.4": "s9_4", "further": "further"}


class UnknownQuestion(EcslabError):
    """A notebook names a question that no questions module holds."""


@dataclass(frozen=True)
class Choice:
    """One answer offered, whether it is right, and why (shown once it is chosen).

    `text` and `why` are English (msgids); `label` and `reason` are what the learner reads."""

    text: str
    correct: bool
    why: str

    @property
    def label(self) -> str:
        """The choice in the learner's language."""
        return _(self.text)

    @property
    def reason(self) -> str:
        """Why it is right or wrong, in the learner's language."""
        return _(self.why)


@dataclass(frozen=True)
class Question:
    """A question with its choices; `id` is "SECTION/slug", e.g. "9.3/grace-period"."""

    id: str
    text: str
    choices: tuple[Choice, ...]
    kind: Kind = "quiz"
    book: str = ""  # the book's section or listing the question is about, e.g. "9.3.3"

    @property
    def asked(self) -> str:
        """The question in the learner's language."""
        return _(self.text)

    @property
    def labels(self) -> list[str]:
        """The choices in the learner's language, in their order (radio buttons' labels)."""
        return [c.label for c in self.choices]

    @property
    def section(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def answer(self) -> int:
        """Index of the (first) right choice."""
        return next(i for i, c in enumerate(self.choices) if c.correct)


@dataclass(frozen=True)
class Feedback:
    """What a chosen answer earns: right or wrong (data), and the line that says so."""

    correct: bool
    line: str


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
        """The outcome in words, in the learner's language: what you picked, what
        happened, why."""
        right = _("What happened: {choice}. {why}").format(
            choice=self.right.label, why=self.right.reason
        )
        if self.mine is None:
            return [_("No prediction committed."), right]
        if self.mine.correct:
            return [
                _("You predicted: {choice}. ✓ Right.").format(choice=self.mine.label),
                self.right.reason,
            ]
        return [
            _("You predicted: {choice}. ✗ Not what happened: {why}").format(
                choice=self.mine.label, why=self.mine.reason
            ),
            right,
        ]


def outcome(question: Question, index: int | None) -> Outcome:
    """The committed choice number `index` (or None) of `question` against the answer."""
    mine = None if index is None else question.choices[index]
    return Outcome(question, mine, question.choices[question.answer])


def grade(question: Question, index: int) -> Feedback:
    """The feedback for choice number `index` of `question`: a tick or a cross, the
    choice named, and why (a wrong one asks for another try, without naming the right)."""
    choice = question.choices[index]
    if choice.correct:
        line = _("✓ Right: “{choice}”. {why}")
    else:
        line = _("✗ Not “{choice}”: {why} Try another.")
    return Feedback(choice.correct, line.format(choice=choice.label, why=choice.reason))


def _module_questions(section: str) -> tuple[Question, ...]:
    module = SECTION_MODULES.get(section)
    if module is None:
        raise UnknownQuestion(_("No questions for section {section!r}.").format(section=section))
    loaded = importlib.import_module(f"ecslab.notebook.questions.{module}")
    found: tuple[Question, ...] = loaded.QUESTIONS
    return found


def question(qid: str) -> Question:
    """The question with id `qid` ("9.3/grace-period")."""
    section = qid.split("/", 1)[0]
    for q in _module_questions(section):
        if q.id == qid:
            return q
    raise UnknownQuestion(
        _("No question {qid!r} in section {section}.").format(qid=qid, section=section)
    )


def questions(section: str, kind: Kind = "quiz") -> list[Question]:
    """All questions of one kind for a section, in the order the module lists them."""
    return [q for q in _module_questions(section) if q.kind == kind]


# --- what the quiz and prediction widgets say (ecslab.notebook.widgets lays it out) ------

Prompt = Literal["prediction", "commit", "commit-tip", "pick-first", "noted"]

#: The prediction widget's fixed texts, by their role.
PROMPTS: dict[Prompt, str] = {
    "prediction": N_("My prediction:"),
    "commit": N_("Commit my prediction"),
    "commit-tip": N_("Lock your pick; the next cells show what really happens"),
    "pick-first": N_("Pick one first."),
    "noted": N_(
        "Noted. Run the next cells, then reveal: your pick will be compared with what happened."
    ),
}


def prompt(name: Prompt) -> str:
    """One of the prediction widget's fixed texts, in the learner's language."""
    return _(PROMPTS[name])


def title(question: Question, number: int) -> str:
    """A quiz question's heading: its number and the question."""
    return _("{number}. {question}").format(number=number, question=question.asked)


def predict_title(question: Question) -> str:
    """A prediction's heading."""
    return _("Predict: {question}").format(question=question.asked)


def answer_label(number: int) -> str:
    """The label of question number's choices (read by assistive technology)."""
    return _("Answer {number}:").format(number=number)


def tally(answered: int, total: int, right: int) -> str:
    """How far a quiz is: questions answered, and how many right at the first try."""
    return _("Answered {answered} of {total}; right at the first try: {right}.").format(
        answered=answered, total=total, right=right
    )


def quiz_summary(count: int) -> str:
    """A quiz in one line (its text form, where widgets do not render)."""
    return ngettext(
        "Quiz({count} question: click an answer to check it)",
        "Quiz({count} questions: click an answer to check it)",
        count,
    ).format(count=count)


def predict_summary(question: Question) -> str:
    """A prediction in one line (its text form, where widgets do not render)."""
    return _("Predict({id}: commit a prediction, then run the next cells)").format(id=question.id)
