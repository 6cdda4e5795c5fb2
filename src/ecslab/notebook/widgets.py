"""The lab's widgets: thin views over plain functions (tested on their own).

- `TaskSizePicker`: cpu first, then only the memory Fargate allows with it; the monthly
  cost of `desired_count` tasks in Tokyo (ecslab.fargate); starts from the size the
  learner's task definition states, and optionally writes the chosen size into it
  (lab.current_task_size, lab.set_task_size; the choice survives re-running the file's
  cell, see ecslab.notebook.task_size).
- `Quiz` and `Predict`: the questions of ecslab.notebook.questions, answers kept out of
  the notebooks (ecslab.notebook.quiz).
- `TerraformButtons`: Plan / Apply / Destroy (lab.plan/apply/destroy), each handed the
  buttons' own progress panel (ecslab.notebook.progress.ProgressPanel).
- `LogViewer`: the latest events of a log group, refreshing like `aws logs tail`.
- `WhatWasBuilt`: a live diagram of the chapter's resources (ecslab.notebook.diagram).

Every widget has a short, stable `repr` (its text/plain output), so the notebooks'
stored outputs do not change with widget internals. DOM hooks for the browser test:
each widget root carries the CSS class `ecslab-<name>`, buttons have descriptions and
tooltips.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from html import escape
from typing import Any

import ipywidgets as w
from IPython.display import display

from ecslab import fargate, prices, settings
from ecslab.account import clients, cost
from ecslab.errors import EcslabError
from ecslab.i18n import _, ngettext
from ecslab.notebook import diagram, lab, quiz
from ecslab.notebook.progress import ProgressPanel

__all__ = [
    "LogViewer",
    "Predict",
    "ProgressPanel",
    "Quiz",
    "TaskSizePicker",
    "TerraformButtons",
    "WhatWasBuilt",
    "cost_text",
    "cpu_label",
    "latest_events",
    "memory_label",
]

# --- task size ---------------------------------------------------------------------------


def cpu_label(cpu: int) -> str:
    """`256 (0.25 vCPU)`."""
    return f"{cpu} ({cpu / 1024:g} vCPU)"


def memory_label(memory: int) -> str:
    """`512 MiB (0.5 GB)`."""
    return f"{memory} MiB ({memory / 1024:g} GB)"


def cost_text(cpu: int, memory: int, count: int) -> str:
    """The monthly cost line the picker shows, with the date of the prices, and the whole
    chapter's bill with this size (the same price table: ecslab.prices)."""
    size = fargate.validate(cpu, memory)
    bill = cost.estimate(cpu, memory)
    return ngettext(
        "{count} task × {vcpu} vCPU / {gb} GB: about USD {monthly} a month in {region} "
        "(Fargate on-demand, Linux/x86, prices as of {as_of}); the whole chapter's stack "
        "with them: about USD {bill} a month (cost.estimate())",
        "{count} tasks × {vcpu} vCPU / {gb} GB: about USD {monthly} a month in {region} "
        "(Fargate on-demand, Linux/x86, prices as of {as_of}); the whole chapter's stack "
        "with them: about USD {bill} a month (cost.estimate())",
        count,
    ).format(
        count=count,
        vcpu=f"{size.vcpu:g}",
        gb=f"{memory / 1024:g}",
        monthly=f"{size.monthly_cost(count):.2f}",
        region=prices.REGION,
        as_of=prices.AS_OF.isoformat(),
        bill=f"{bill.per_month:.0f}",
    )


class TaskSizePicker(w.VBox):  # type: ignore[misc]
    """cpu, then the memory values Fargate allows with it, and what it costs."""

    def __init__(self, desired_count: int = 2, write_to: str | None = None) -> None:
        self.desired_count, self.write_to = desired_count, write_to
        self.status = w.HTML()
        start = self._stated_size()
        self.cpu = w.Dropdown(
            options=[(cpu_label(c), c) for c in fargate.cpu_choices()],
            value=start.cpu,
            description="cpu",
        )
        self.memory = w.Dropdown(description="memory")
        self.cost = w.HTML()
        children: list[Any] = [self.cpu, self.memory, self.cost]
        if write_to:
            self.write = w.Button(
                description=_("Write to {file}").format(file=write_to),
                tooltip=_("Write cpu and memory into {file} in your workspace").format(
                    file=write_to
                ),
                icon="pencil",
                layout=w.Layout(width="auto"),
            )
            self.write.on_click(lambda _b: self._write())
            children += [self.write]
        super().__init__([*children, self.status])
        self.add_class("ecslab-task-size")
        self.cpu.observe(lambda _c: self._cpu_changed(), names="value")
        self.memory.observe(lambda _c: self._show_cost(), names="value")
        self._cpu_changed(start.memory)

    def _stated_size(self) -> fargate.TaskSize:
        """The size the learner's file states, else Fargate's smallest (256 / 512)."""
        default = fargate.TaskSize(256, 512)
        if not self.write_to:
            return default
        try:
            stated = lab.current_task_size(self.write_to)
        except EcslabError as e:
            self.status.value = _failure_html(e)
            return default
        return stated or default

    def _cpu_changed(self, memory: int | None = None) -> None:
        choices = fargate.memory_choices(self.cpu.value)
        self.memory.options = [(memory_label(m), m) for m in choices]
        self.memory.value = memory if memory in choices else choices[0]
        self._show_cost()

    def _show_cost(self) -> None:
        if self.memory.value is not None:
            self.cost.value = escape(
                cost_text(self.cpu.value, self.memory.value, self.desired_count)
            )

    def _write(self) -> None:
        try:
            self.status.value = f"✓ {escape(lab.set_task_size(self.cpu.value, self.memory.value))}"
        except EcslabError as e:
            self.status.value = _failure_html(e)

    def __repr__(self) -> str:
        return (
            f"TaskSizePicker(cpu={self.cpu.value}, memory={self.memory.value}, "
            f"desired_count={self.desired_count})"
        )


def _failure_html(error: EcslabError) -> str:
    """An error of ours, with its hint, in a widget's status line."""
    return f"✗ {escape(str(error))} {escape(error.hint)}"


# --- quiz and predictions (questions live in ecslab.notebook.questions) -------------------


def _questions(which: str | list[str]) -> list[quiz.Question]:
    """A section's quiz ("9.3"), or the questions named by id."""
    if isinstance(which, str):
        return quiz.questions(which)
    return [quiz.question(qid) for qid in which]


def _feedback_html(feedback: quiz.Feedback) -> str:
    """What a click earns, green or red (role=status, so a screen reader says it)."""
    color = "#188038" if feedback.correct else "#d93025"
    return f"<span role='status' style='color:{color}'>{escape(feedback.line)}</span>"


def _choices(question: quiz.Question, label: str) -> w.RadioButtons:
    """The choices as radio buttons, labelled with the question for assistive technology
    (the chosen one is read from their `index`, never from the label shown)."""
    return w.RadioButtons(
        options=question.labels,
        value=None,
        description=label,
        tooltip=question.asked,
        layout={"width": "auto"},
        style={"description_width": "initial"},
    )


class Quiz(w.VBox):  # type: ignore[misc]
    """Questions answered by clicking: each choice says why it is right or wrong; a tally
    counts the questions right at the first try."""

    def __init__(self, which: str | list[str]) -> None:
        self.questions = _questions(which)
        self.first_tries: dict[str, bool] = {}
        self.tally = w.HTML()
        items = [self._item(i, q) for i, q in enumerate(self.questions)]
        super().__init__([*items, self.tally])
        self.add_class("ecslab-quiz")

    def _item(self, index: int, question: quiz.Question) -> w.VBox:
        buttons = _choices(question, quiz.answer_label(index + 1))
        feedback = w.HTML()

        def changed(change: dict[str, Any]) -> None:
            if change["new"] is None:
                return
            found = quiz.grade(question, change["new"])
            self.first_tries.setdefault(question.id, found.correct)
            feedback.value = _feedback_html(found)
            self._count()

        buttons.observe(changed, names="index")
        title = w.HTML(f"<b>{escape(quiz.title(question, index + 1))}</b>")
        return w.VBox([title, buttons, feedback])

    def _count(self) -> None:
        right = sum(self.first_tries.values())
        tally = quiz.tally(len(self.first_tries), len(self.questions), right)
        self.tally.value = f"<p>{escape(tally)}</p>"

    def __repr__(self) -> str:
        return quiz.quiz_summary(len(self.questions))


class Predict(w.VBox):  # type: ignore[misc]
    """Commit to a prediction before a plan, apply or drill; `reveal()` after it answers."""

    def __init__(self, qid: str) -> None:
        self.question = quiz.question(qid)
        self.choice: int | None = None
        self.buttons = _choices(self.question, quiz.prompt("prediction"))
        self.commit = w.Button(
            description=quiz.prompt("commit"),
            tooltip=quiz.prompt("commit-tip"),
            layout={"width": "auto"},
        )
        self.note = w.HTML()
        self.commit.on_click(lambda _: self._commit())
        title = w.HTML(f"<b>{escape(quiz.predict_title(self.question))}</b>")
        super().__init__([title, self.buttons, self.commit, self.note])
        self.add_class("ecslab-predict")

    def _commit(self) -> None:
        if self.buttons.index is None:
            self.note.value = f"<span role='status'>{escape(quiz.prompt('pick-first'))}</span>"
            return
        self.choice = self.buttons.index
        self.buttons.disabled = self.commit.disabled = True
        self.note.value = f"<span role='status'>{escape(quiz.prompt('noted'))}</span>"

    def outcome(self) -> quiz.Outcome:
        """The committed prediction against what happened (data, for tests and text)."""
        return quiz.outcome(self.question, self.choice)

    def reveal(self) -> w.HTML:
        """The learner's pick next to the right one, each with why."""
        found = self.outcome()
        color = "#188038" if found.correct else "#d93025"
        first, *rest = found.lines()
        body = "".join(f"<p>{escape(line)}</p>" for line in rest)
        return w.HTML(
            f"<div class='ecslab-predict-reveal' role='status'>"
            f"<p style='color:{color}'><b>{escape(first)}</b></p>{body}</div>"
        )

    def __repr__(self) -> str:
        return quiz.predict_summary(self.question)


# --- Terraform progress and buttons ------------------------------------------------------


class TerraformButtons(w.VBox):  # type: ignore[misc]
    """Plan, Apply and Destroy buttons for the workspace; results appear below them."""

    def __init__(self) -> None:
        self.output = w.Output()
        self.last = ""  # the text of the last result shown (for tests and the CLI)
        self.buttons = [
            self._button(_("Plan"), _("terraform plan: show what would change"), "search", "plan"),
            self._button(_("Apply"), _("terraform apply: make the changes"), "play", "apply"),
            self._button(
                _("Destroy"), _("terraform destroy: remove everything"), "trash", "destroy"
            ),
        ]
        self.buttons[2].button_style = "danger"
        super().__init__([w.HBox(self.buttons), self.output])
        self.add_class("ecslab-terraform-buttons")

    def _button(self, text: str, tip: str, icon: str, action: str) -> w.Button:
        button = w.Button(description=text, tooltip=tip, icon=icon)
        button.add_class(f"ecslab-{action}")
        button.on_click(lambda _b: self.run(action))
        return button

    def run(self, action: str) -> None:
        """Run lab.<action>() with this widget's progress panel; show its result (or its
        error, with the hint)."""
        for button in self.buttons:
            button.disabled = True
        self.output.clear_output()
        try:
            with self.output:
                try:
                    result = getattr(lab, action)(progress=ProgressPanel.show(action))
                    self.last = repr(result)
                    display(result)  # type: ignore[no-untyped-call]
                except EcslabError as e:
                    hint = "\n" + _("Hint: {hint}").format(hint=e.hint) if e.hint else ""
                    self.last = f"✗ {e}{hint}"
                    print(self.last)
        finally:
            for button in self.buttons:
                button.disabled = False

    def __repr__(self) -> str:
        return "TerraformButtons(Plan, Apply, Destroy)"


# --- logs ---------------------------------------------------------------------------------


def latest_events(group: str, limit: int = 20) -> list[str]:
    """The group's latest events, oldest first, as `time stream message` lines."""
    logs = clients.client("logs")
    since = int((time.time() - 3600) * 1000)
    events: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"logGroupName": group, "startTime": since}
    for _page in range(20):
        found = logs.filter_log_events(**kwargs)
        events += found.get("events", [])
        if not found.get("nextToken"):
            break
        kwargs["nextToken"] = found["nextToken"]
    events.sort(key=lambda e: (e["timestamp"], e.get("eventId", "")))
    return [_line(e) for e in events[-limit:]]


def _line(event: dict[str, Any]) -> str:
    stamp = datetime.fromtimestamp(event["timestamp"] / 1000, UTC).strftime("%H:%M:%S")
    return f"{stamp} {event['logStreamName']} {event['message']}"


class LogViewer(w.VBox):  # type: ignore[misc]
    """The latest events of a log group, refreshed every few seconds for a while."""

    def __init__(self, group: str, refresh: float = 2.0, minutes: float = 10.0) -> None:
        self.group, self.refresh = group, refresh
        self.text = w.HTML()
        self.follow = w.ToggleButton(
            value=True,
            description=_("Follow"),
            tooltip=_("Refresh every few seconds"),
            icon="refresh",
        )
        super().__init__([self.follow, self.text])
        self.add_class("ecslab-log-viewer")
        self._until = time.monotonic() + minutes * 60
        self.update()
        threading.Thread(target=self._loop, daemon=True).start()

    def update(self) -> None:
        """Show the latest events now."""
        try:
            lines = latest_events(self.group)
        except Exception as e:  # shown to the learner; a thread must not raise
            lines = [_("(cannot read {group}: {error})").format(group=self.group, error=e)]
        body = escape("\n".join(lines) or _("(no events yet)"))
        self.text.value = f"<pre style='font-size:11px;max-height:300px;overflow:auto'>{body}</pre>"

    def _loop(self) -> None:
        while time.monotonic() < self._until:
            time.sleep(self.refresh)
            if self.follow.value:
                self.update()

    def __repr__(self) -> str:
        return f"LogViewer({self.group!r}: {_('latest events, refreshing')})"


# --- what was built ------------------------------------------------------------------------


class WhatWasBuilt(w.VBox):  # type: ignore[misc]
    """A live diagram of the chapter's resources, with a Refresh button."""

    def __init__(self) -> None:
        self.picture = w.HTML()
        self.refresh = w.Button(
            description=_("Refresh"), tooltip=_("Read the resources again"), icon="refresh"
        )
        self.refresh.on_click(lambda _b: self.update())
        super().__init__([self.refresh, self.picture])
        self.add_class("ecslab-what-was-built")
        self.update()

    def update(self) -> None:
        """Read the live resources and redraw."""
        self.picture.value = diagram.live(diagram.inventory()).svg

    def __repr__(self) -> str:
        what = _("live diagram; target {target}").format(target=settings.target())
        return f"WhatWasBuilt({what})"
