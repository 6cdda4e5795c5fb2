"""What the lab notebooks call: setup, the `%%workspace_file` magic, plan, apply, destroy.

Every notebook starts with `lab.setup("NN_slug")`, which brings the learner's workspace to
the state its section begins from (the earlier sections' solution files, taken from the
solution notebooks; see ecslab.sections) and starts applying the section's prerequisites
in the background. Then each step is: write a file (`%%workspace_file NAME`), `plan()`,
`apply()`, a check (ecslab.notebook.checks).

The functions print nothing volatile: what they return has a stable text form (the plan's
resource list, the apply's counts), so the notebooks' stored outputs can be compared.
Live progress goes to a reporter handed in by the caller (a widget's panel), else to
ecslab.notebook.progress's default: a panel updated in place in a notebook, lines on
stderr elsewhere. This module never imports the widgets: they sit above it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from ecslab import fargate, sections, settings
from ecslab.account import cost
from ecslab.errors import EcslabError, PreflightFailed, TerraformError
from ecslab.i18n import N_, _, ngettext
from ecslab.notebook import modules, planview, solution, task_size
from ecslab.notebook.planview import PlanView
from ecslab.notebook.progress import Reporter, reporter
from ecslab.tf import environment, overrides, prepare, runner, workspace
from ecslab.tf.events import ChangeSummary


class ExerciseIncomplete(EcslabError):
    """The learner has not written this step yet; the hint says what to write."""


def todo(hint: str) -> NoReturn:
    """Stop here: this step of the notebook is the learner's to write."""
    raise ExerciseIncomplete(_("This step is yours to write."), hint=hint)


# --- setup ---------------------------------------------------------------------------


@dataclass
class SetupReport:
    """What setup did, in a stable text form for the notebook."""

    section: sections.Section
    folder: Path
    files: list[str]
    placed: workspace.Placed
    prerequisites: bool
    #: AWS mode before the cost is confirmed: the prerequisites were not started.
    awaiting_consent: bool = False

    def __repr__(self) -> str:
        section = self.section
        lines = [
            _("Section {book}, {title}: ready.").format(book=section.book, title=_(section.title)),
            _("Workspace: {folder}").format(folder=self.folder),
        ]
        if self.files:
            files = ", ".join(sorted(self.files))
            lines.append(_("Files from earlier sections: {files}").format(files=files))
        module_list = ", ".join(f"./{m}" for m in workspace.MODULES)
        lines.append(_("Modules: {modules}").format(modules=module_list))
        lines += self._placed_lines()
        if self.prerequisites and self.awaiting_consent:
            lines.append(
                _(
                    "Network and load balancer (chapter 8): NOT started: in AWS mode they bill "
                    "by the hour, so they wait for your confirmation of the cost."
                )
                + "\n"
                + cost.estimate().text()
                + "\n"
                + _(
                    'Confirm with cost.confirm("{confirmation}") or `ecslab cost --confirm`, '
                    "then rerun this cell."
                ).format(confirmation=cost.CONFIRMATION)
            )
        elif self.prerequisites:
            lines.append(
                _(
                    "Network and load balancer (chapter 8): in place or being applied in the "
                    "background; plan() and apply() wait for them."
                )
            )
        return "\n".join(lines)

    def _placed_lines(self) -> list[str]:
        """What setup kept, backed up or left alone of the learner's own files."""
        placed, lines = self.placed, []
        if placed.kept:
            lines.append(
                _(
                    "Kept your own {files}: Terraform reads it as this section expects "
                    "(your own task size included)."
                ).format(files=", ".join(sorted(placed.kept)))
            )
        for name, where in sorted(placed.backups.items()):
            lines.append(
                _("Backed up your {name} to {where} before replacing it.").format(
                    name=name, where=where
                )
            )
        for name, why in sorted(placed.unreadable.items()):
            lines.append(
                _(
                    "Left your {name} as it is: {why} Finish it, or delete it and rerun "
                    "this cell to get the section's version."
                ).format(name=name, why=why)
            )
        return lines


def setup(stem: str) -> SetupReport:
    """Bring the workspace to the start of section `stem`; start its prerequisites."""
    section = sections.section(stem)
    _use_target_env()
    _start_local_cloud()
    _preflight()
    ws = workspace.root()
    files = sections.files_before(stem)
    placed = _place(ws, stem)
    solution.remember_section(ws, stem)
    _register_ipython()
    waiting = not cost.is_confirmed()  # AWS mode: nothing billable starts before the yes
    if section.prerequisites and not waiting and not _section_ready(ws, stem):
        prepare.start(stem, ws)
    return SetupReport(section, ws, list(files), placed, bool(section.prerequisites), waiting)


def _use_target_env() -> None:
    """This kernel's environment becomes the target's, so `!aws ...` cells use it too."""
    environment.apply()


def _place(ws: Path, stem: str) -> workspace.Placed:
    """The modules, the scaffolding and the earlier sections' files; a learner's file
    that means the same, or a later section's version of it, is kept."""
    stamp = workspace.new_stamp()
    files = {**workspace.scaffolding(), **sections.files_before(stem)}
    placed = workspace.place_modules(ws, stamp)
    placed.merge(workspace.place_files(ws, files, stamp, also=sections.versions_from(stem)))
    overrides.sync(ws)  # from the first moment: local mode pins the local cloud's account
    return placed


def _start_local_cloud() -> None:
    """In local mode, make sure the local cloud runs (a no-op when it does)."""
    if settings.target() == "local":
        from ecslab.cloud import daemon

        daemon.up()


def _preflight() -> None:
    """Refuse to go on, with the preflight table, when the environment is not ready."""
    from ecslab.account import preflight

    checks = preflight.run()
    if not all(c.ok for c in checks):
        raise PreflightFailed(preflight.report(checks), hint=_("Fix what is MISSING, then rerun."))


def prepare_workspace(
    stem: str = sections.SECTIONS[0].stem, background: bool = True
) -> prepare.PrepareStatus:
    """`ecslab prepare`: fill the workspace for `stem` and apply its prerequisites."""
    ws = workspace.root()
    _place(ws, stem)
    if _section_ready(ws, stem):
        return prepare.PrepareStatus("done", stem)
    cost.require_confirmation()  # AWS mode: nothing billable, even in the background, before
    if background:
        return prepare.start(stem, ws)
    from ecslab.cloud import starts

    return prepare.run(stem, ws, restore=starts.restore_start)


def _section_ready(ws: Path, stem: str) -> bool:
    """The prerequisites are in the state, and the state is about the cloud that runs."""
    from ecslab.cloud import starts

    return starts.ready(ws, stem)


def reset(stem: str) -> SetupReport:
    """Back to the start of section `stem`: its own and later files are backed up and removed."""
    ws = workspace.root()
    prepare.stop(ws)
    later = sections.files_from(stem) - set(sections.files_before(stem))
    moved = workspace.remove_files(ws, later)
    if task_size.FILE in later:
        task_size.forget(ws)
    report = setup(stem)
    report.placed.backups.update(moved)
    return report


# --- the %%workspace_file magic ------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A file the learner wrote into the workspace (with the picker's size, if kept)."""

    name: str
    lines: int
    kept_size: fargate.TaskSize | None = None

    def __repr__(self) -> str:
        text = ngettext(
            "Wrote {name} ({lines} line) in your workspace.",
            "Wrote {name} ({lines} lines) in your workspace.",
            self.lines,
        ).format(name=self.name, lines=self.lines)
        if self.kept_size:
            text += " " + _(
                "It keeps the task size you chose with the picker: cpu {cpu}, "
                "memory {memory} (write another size in this cell to change it)."
            ).format(cpu=self.kept_size.cpu, memory=self.kept_size.memory)
        return text


def write_file(name: str, body: str) -> Written:
    """What `%%workspace_file NAME` does: check the cell, then write it to the workspace."""
    text = sections.file_text(body)
    todo = workspace.first_todo(text)
    if todo is not None:
        raise ExerciseIncomplete(
            _(
                "{name} is yours to write: replace the ### TODO lines of this cell with "
                "your code, then run the cell again."
            ).format(name=name),
            hint=todo,
        )
    if name.endswith(".json"):
        _check_json(name, text)
    if "/" in name or name.startswith("."):
        raise EcslabError(
            _("{name}: write files at the top of the workspace only.").format(name=repr(name))
        )
    ws = workspace.root()
    text, kept = task_size.keep_choice(ws, name, text)
    (ws / name).write_text(text, encoding="utf-8")
    return Written(name, len(text.splitlines()), kept)


def _check_json(name: str, text: str) -> None:
    try:
        json.loads(text)
    except ValueError as e:
        raise EcslabError(
            _("{name} is not valid JSON: {error}").format(name=name, error=e),
            hint=_("Look for a missing comma or quote, or a comma after the last item."),
        ) from e


def _workspace_file_magic(line: str, cell: str) -> None:
    from IPython.display import display

    name = line.strip()
    try:
        display(write_file(name, cell))  # type: ignore[no-untyped-call]
    except ExerciseIncomplete:  # the cell still holds a TODO: offer its solution, folded
        offered = _solution_or_none(name)
        if offered is not None:
            display(offered)  # type: ignore[no-untyped-call]
        raise


def _solution_or_none(name: str) -> solution.Solution | None:
    try:
        return solution.of(name)
    except solution.NoSolution:
        return None


def reveal(name: str, section: str | None = None) -> solution.Solution:
    """The solution of workspace file `name` for the current section (or `section`),
    behind a two-step confirmation, with a diff against your file (ecslab.notebook.solution).
    `.text` is the solution, `.diff()` the comparison, for a terminal or a script."""
    return solution.of(name, section)


def glossary() -> Any:
    """The book's terms in Japanese and English with their AWS API / Terraform names
    (ecslab.glossary), so a learner reading either edition finds the other's word."""
    from IPython.display import HTML

    from ecslab import glossary as terms

    return HTML(terms.table_html())  # type: ignore[no-untyped-call]


def module_io(name: str) -> modules.ModuleIO:
    """The inputs (variables) and outputs of module `name` ("loadbalancer",
    "security_group", "iam_role"), read from its own .tf files, with each output's value
    from the workspace's state once applied (ecslab.notebook.modules)."""
    return modules.io(name, workspace.root())


def _show_error(
    shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None
) -> Any:
    """IPython handler for ecslab errors: the message and hint, never a traceback."""
    mark = _("✋ Your turn") if isinstance(value, ExerciseIncomplete) else f"✗ {etype.__name__}"
    lines = [f"{mark}: {value}"]
    hint = getattr(value, "hint", "")
    if hint:
        lines.append(_("Hint: {hint}").format(hint=hint))
    stb = ["\n".join(lines)]
    shell._showtraceback(etype, value, stb)
    return stb


def _register_ipython() -> None:
    """In a notebook: the `%%workspace_file` magic and friendly ecslab errors."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    shell.register_magic_function(_workspace_file_magic, "cell", "workspace_file")
    shell.set_custom_exc((EcslabError,), _show_error)


# --- plan, apply, destroy ------------------------------------------------------------


@dataclass(frozen=True)
class ApplyView:
    """An apply or destroy, as the notebook shows it: Terraform's closing counts."""

    summary: ChangeSummary

    def headline(self) -> str:
        """Terraform's closing line: `Apply complete! Resources: 2 added, ...`."""
        return repr(self)

    def __repr__(self) -> str:
        s = self.summary
        if s.operation == "destroy":
            return f"Destroy complete! Resources: {s.remove} destroyed."
        return (
            f"Apply complete! Resources: {s.add} added, {s.change} changed, {s.remove} destroyed."
        )


def _ready() -> Path:
    """The workspace, once setup has run, no TODO is left, and no one else holds it."""
    ws = workspace.root()
    if not (ws / "versions.tf").exists():
        raise EcslabError(
            _("The workspace is not set up."),
            hint=_("Run the setup cell at the top of the notebook."),
        )
    found = workspace.todo_hint(ws)
    if found:
        todo(_("{name} is not written yet: {hint}").format(name=found[0], hint=found[1]))
    return ws


def _run(kind: str, work: Any, progress: Reporter | None) -> Any:
    """Run one Terraform operation under the workspace lock, with live progress."""
    progress = progress or reporter(kind)
    try:
        ws = _ready()
        with workspace.locked(ws, on_wait=progress.waiting):
            _explain_failed_prepare(ws, progress)
            progress.step("terraform init")
            prepare.init_if_needed(ws)
            overrides.sync(ws)
            result = work(ws, progress)
            progress.finish(result.headline())
            return result
    except TerraformError as e:
        raise _with_hint(e) from e
    finally:
        progress.close()


def _explain_failed_prepare(ws: Path, progress: Reporter) -> None:
    current = prepare.status(ws)
    if current.state == "failed":
        progress.note(
            _("The background apply failed ({error}); this run includes it.").format(
                error=current.error
            )
        )


def plan(progress: Reporter | None = None, note: str = "") -> PlanView:
    """`terraform plan` of the workspace: what apply() would change, resource by resource.

    The view offers Terraform's own plan text too (`.terraform_text`, and a collapsible
    part in a notebook). A plan with no changes says which ignored attributes
    (`ignore_changes`) differ in the cloud; `note` adds the caller's own words.
    `progress` receives live progress (a widget hands in its panel); by default, a panel
    in a notebook and lines on stderr elsewhere.
    """

    def work(ws: Path, progress: Reporter) -> PlanView:
        progress.step("terraform plan")
        summary = runner.plan(ws, on_event=progress.feed)
        ignored = planview.explain_no_changes(ws, summary)
        return PlanView(summary, note=note, ignored=ignored, folder=ws)

    result: PlanView = _run("plan", work, progress)
    return result


def apply(progress: Reporter | None = None) -> ApplyView:
    """`terraform apply` of the workspace, with live progress (resources done / total)."""
    cost.require_confirmation()  # AWS mode: the estimate and an explicit yes come first

    def work(ws: Path, progress: Reporter) -> ApplyView:
        progress.step("terraform apply")
        return ApplyView(runner.apply(ws, on_event=progress.feed))

    result: ApplyView = _run("apply", work, progress)
    return result


def destroy(progress: Reporter | None = None) -> ApplyView:
    """`terraform destroy` of the workspace, with live progress."""

    def work(ws: Path, progress: Reporter) -> ApplyView:
        prepare.stop(ws)
        progress.step("terraform destroy")
        return ApplyView(runner.destroy(ws, on_event=progress.feed))

    result: ApplyView = _run("destroy", work, progress)
    return result


#: Hints for Terraform's most common complaints in this chapter, by words of the summary.
#: The keys are Terraform's own words (never translated); the hints are ours, shown with `_`.
HINTS = {
    "Reference to undeclared resource": N_(
        "Is the file that declares it written? Run its "
        "%%workspace_file cell (or the setup cell, for earlier sections' files)."
    ),
    "Reference to undeclared module": N_(
        "Modules are declared in network.tf (loadbalancer), "
        "service.tf (nginx_sg) and iam.tf (ecs_task_execution_role)."
    ),
    "Unsupported argument": N_("Check the spelling against the book's listing."),
    "Duplicate resource": N_("Listing 9.4 repeats 9.1 and 9.2: keep each block in one file only."),
    "Duplicate module call": N_('module "loadbalancer" is already in network.tf.'),
    "No Fargate configuration": N_("Pick a cpu/memory pair Fargate offers (TaskSizePicker)."),
    "Invalid function argument": N_("Is container_definitions.json in the workspace?"),
    # AWS's refusals the lessons provoke (9.3, 9.4): the words AWS answers with.
    "The specified platform does not exist": N_(
        "Fargate no longer offers platform version 1.3.0, which the book names: use "
        'platform_version = "LATEST" (or "1.4.0").'
    ),
    "execution role ARN to support log driver awslogs": N_(
        "Tasks that log with awslogs need an execution role, which pulls the image and "
        "writes the logs for them: set execution_role_arn (listing 9.9) to the role of listing 9.8."
    ),
}


def _with_hint(error: TerraformError) -> TerraformError:
    """Terraform's own diagnostics, plus what to look at next."""
    text = str(error)
    hint = next((h for key, h in HINTS.items() if key in text), "")
    return TerraformError(
        text, hint=_(hint) if hint else _("Read Terraform's message above: file and line.")
    )


def current_task_size(name: str = task_size.FILE) -> fargate.TaskSize | None:
    """The task size the learner's task definition states (None before listing 9.2)."""
    return task_size.read(workspace.root(), name)


def set_task_size(cpu: int | str, memory: int | str, name: str = task_size.FILE) -> str:
    """Write a valid Fargate size into the learner's task definition; it survives
    re-running the file's cell (see ecslab.notebook.task_size). Returns what was written."""
    size = task_size.choose(workspace.root(), cpu, memory, name)
    return f'{name}: cpu = "{size.cpu}", memory = "{size.memory}"'


def drill_stop_task() -> Any:
    """The 9.3 drill: stop a task and watch the service replace it (see ecslab.notebook.drill)."""
    from ecslab.notebook import drill

    return drill.run()


# --- the same steps, typed in a terminal ----------------------------------------------


@dataclass(frozen=True)
class TerminalCommands:
    """The book's commands for this workspace, as a learner types them in a terminal.

    A JupyterLab terminal (File → New → Terminal) opens in the workspace with `terraform`
    and `aws` already pointed at the target; elsewhere `ecslab shell` opens the same.
    """

    folder: Path
    #: (what it does, the command), in the order of the chapter.
    commands: tuple[tuple[str, str], ...]
    #: A caveat of the target, said under the commands ("" when none).
    note: str = ""

    def line(self, command: str) -> str:
        """`cd <workspace> && terraform plan`: one command, runnable from anywhere."""
        return f"cd {self.folder} && {command}"

    def __repr__(self) -> str:
        lines = [
            _("Workspace: {folder}").format(folder=self.folder),
            _(
                "In a terminal (JupyterLab: File → New → Terminal opens in the workspace, "
                "pointed at the cloud; elsewhere: `ecslab shell`), the book's commands:"
            ),
        ]
        width = max(len(command) for _what, command in self.commands)
        lines += [f"  {command:<{width}}  # {_(what)}" for what, command in self.commands]
        return "\n".join([*lines, self.note] if self.note else lines)


def terminal_commands() -> TerminalCommands:
    """The terminal path of each step: the book's commands, for the current workspace and
    target (the lab's names, prefixed in AWS mode)."""
    from ecslab.book import CLUSTER, LOG_GROUP, SERVICE, lab_name

    commands = (
        (N_("install the AWS provider, read the modules"), "terraform init"),
        (N_("what would change (the book's plan)"), "terraform plan"),
        (N_("make the changes (type yes)"), "terraform apply"),
        (
            N_("the service and its tasks"),
            f"aws ecs describe-services --cluster "
            f"{lab_name(CLUSTER)} --services {lab_name(SERVICE)}",
        ),
        (
            N_("the containers' logs (9.4)"),
            f"aws logs filter-log-events --log-group-name {lab_name(LOG_GROUP)}",
        ),
        (N_("remove everything (type yes)"), "terraform destroy"),
    )
    note = (
        _(
            "AWS mode: after writing a new file, run lab.plan() once before `terraform plan` "
            "in a terminal: it regenerates ecslab_override.tf, which gives the new names your "
            "prefix."
        )
        if settings.target() == "aws"
        else ""
    )
    return TerminalCommands(workspace.root(), commands, note)
