"""The Terraform runner: init, validate, fmt, plan, apply, destroy and output, for a target.

Built on python-terraform (`python_terraform.Terraform`), extended where it falls short:

- **Environment.** Its `cmd()` runs Terraform with `os.environ`; ours runs it with
  `ecslab.tf.environment.target_env(target)` (local cloud or AWS, ecslab's own CLI config),
  so a notebook never has to change its own process environment.
- **destroy.** Its `destroy()` passes `-force`, which Terraform removed in 0.15;
  ours passes `-auto-approve`.
- **Streaming.** It only returns output when Terraform exits. plan, apply and destroy
  here run with Terraform's `-json` UI and read it line by line, so `on_event` receives
  typed events (`ecslab.tf.events`) while Terraform works: resources done / total and the
  resource in progress, for the notebook widgets.
- **Errors.** Failures raise `TerraformDiagnosticError`, whose `str()` is Terraform's
  own diagnostics (severity, summary, file:line, code, detail), never a Python traceback.
- It calls the deprecated `Logger.warn` on failures; we never reach that code.

What we keep from it: the command-line building (`generate_cmd_string`: options as
keyword arguments, `-var` maps as temporary var files), its `init()` defaults, and its
`output()` JSON handling.
"""

from __future__ import annotations

import json
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import python_terraform

from ecslab.errors import TerraformError
from ecslab.i18n import _
from ecslab.tf import environment, providers
from ecslab.tf.events import ChangeSummary, Diagnostic, Event, parse_diagnostic, parse_event

IsFlagged = python_terraform.IsFlagged

#: Callback for progress events; the default ignores them.
OnEvent = Callable[[Event], None]

#: The saved plan, inside the working directory (gitignored: *.tfplan).
PLAN_FILE = "ecslab.tfplan"

#: Seconds Terraform gets to stop cleanly after an interrupt before it is killed.
_STOP_GRACE = 60


class TerraformDiagnosticError(TerraformError):
    """Terraform failed; `diagnostics` are its own, and `str()` prints them as it does."""

    def __init__(self, command: str, diagnostics: list[Diagnostic], output: str = "") -> None:
        self.command = command
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "error"] or diagnostics
        #: Terraform's own words (its diagnostics, else its output), without our header.
        self.details = "\n\n".join(str(d) for d in errors) or output.strip() or _("no output")
        header = _("terraform {command} failed:").format(command=command)
        super().__init__(f"{header}\n\n{self.details}")


@dataclass(frozen=True)
class ResourceChange:
    """One planned change, from `terraform show -json` of the saved plan."""

    address: str
    actions: tuple[str, ...]
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass(frozen=True)
class PlanSummary:
    """What a plan would do: counts, and the changes as data."""

    add: int
    change: int
    destroy: int
    changes: tuple[ResourceChange, ...] = ()
    plan_file: Path | None = None
    warnings: tuple[Diagnostic, ...] = field(default=())

    @property
    def empty(self) -> bool:
        """Nothing to do: the infrastructure matches the code."""
        return not (self.add or self.change or self.destroy)

    def __str__(self) -> str:
        if self.empty:
            return "No changes. Your infrastructure matches the configuration."
        return f"Plan: {self.add} to add, {self.change} to change, {self.destroy} to destroy."


def _ignore(_event: Event) -> None:
    return None


class Terraform(python_terraform.Terraform):  # type: ignore[misc]
    """Terraform in one working directory, against one target (`local` or `aws`)."""

    def __init__(
        self,
        working_dir: str | Path,
        target: str | None = None,
        variables: Mapping[str, str] | None = None,
        targets: Sequence[str] = (),
    ) -> None:
        """`targets`: resource addresses for `-target` (plan, apply, destroy), e.g. to
        apply a section's prerequisites only; `variables`: values for `-var`."""
        self.target = target
        self.binary = providers.terraform_binary()
        super().__init__(
            working_dir=str(working_dir),
            targets=list(targets),
            variables=dict(variables or {}),
            terraform_bin_path=str(self.binary),
        )

    # --- python-terraform's hooks, made to use our environment ---------------------

    def env(self) -> dict[str, str]:
        """The environment Terraform runs in: the target's (no update check), non-interactive."""
        env = environment.target_env(self.target)
        env.update(TF_IN_AUTOMATION="1", TF_INPUT="0")
        return env

    def cmd(self, cmd: str, *args: Any, **kwargs: Any) -> tuple[int, str, str]:
        """Run a short command to the end; same contract as python-terraform's `cmd()`."""
        kwargs.pop("capture_output", None)
        raise_on_error = kwargs.pop("raise_on_error", False)
        argv = self.generate_cmd_string(cmd, *args, **kwargs)
        try:
            done = subprocess.run(
                argv, cwd=self.working_dir, env=self.env(), capture_output=True, text=True
            )
        finally:
            self.temp_var_files.clean_up()
        if done.returncode and raise_on_error:
            raise TerraformDiagnosticError(cmd, _diagnostics_of(done.stdout), done.stderr)
        return done.returncode, done.stdout, done.stderr

    # --- the commands ---------------------------------------------------------------

    def init(self, **kwargs: Any) -> None:
        """`terraform init` (providers from ecslab's CLI config, no prompts); raise on failure."""
        super().init(raise_on_error=True, **kwargs)

    def validate(self) -> list[Diagnostic]:
        """`terraform validate`: raise on errors, return the warnings."""
        code, out, err = self.cmd("validate", json=IsFlagged, no_color=IsFlagged)
        diags = _diagnostics_of(out)
        if code:
            raise TerraformDiagnosticError("validate", diags, err)
        return diags

    def fmt(self, check: bool = False) -> list[str]:
        """`terraform fmt -recursive`: the files it rewrote (or, with check, would rewrite)."""
        flags: dict[str, Any] = {"list": "true", "recursive": IsFlagged}
        if check:
            flags["check"] = IsFlagged
        code, out, err = self.cmd("fmt", **flags)
        if code and not (check and code == 3):
            raise TerraformDiagnosticError("fmt", [], err or out)
        return [line for line in out.splitlines() if line]

    def plan(self, on_event: OnEvent = _ignore, destroy: bool = False) -> PlanSummary:
        """`terraform plan -out`: stream its events, then read the saved plan as data.

        A plan with nothing to do skips `terraform show -json` (the changes are empty):
        that second run of Terraform costs as much again as a no-op plan itself.
        """
        options: dict[str, Any] = {"out": PLAN_FILE, "destroy": IsFlagged if destroy else None}
        summaries: list[ChangeSummary] = []
        warnings = self._stream("plan", _keeping(summaries, on_event), **self._options(options))
        plan_file = Path(self.working_dir) / PLAN_FILE
        if summaries and not (summaries[-1].add or summaries[-1].change or summaries[-1].remove):
            return PlanSummary(0, 0, 0, (), plan_file, tuple(warnings))
        return self._summarize(plan_file, warnings)

    def apply(self, plan: PlanSummary | None = None, on_event: OnEvent = _ignore) -> ChangeSummary:
        """`terraform apply` of a saved plan (or of a fresh one, auto-approved)."""
        if plan is not None and plan.plan_file is not None:
            return self._stream_summary("apply", on_event, str(plan.plan_file))
        return self._stream_summary("apply", on_event, **self._options({"auto_approve": IsFlagged}))

    def destroy(self, on_event: OnEvent = _ignore) -> ChangeSummary:
        """`terraform destroy -auto-approve` (python-terraform's `-force` is long gone)."""
        return self._stream_summary(
            "destroy", on_event, **self._options({"auto_approve": IsFlagged})
        )

    def show(self, plan_file: Path, as_json: bool = False) -> str:
        """`terraform show [-json] -no-color <plan>`: Terraform's own words for a saved plan
        (`# forces replacement` and all), or its JSON (prior state, drift)."""
        flags: dict[str, Any] = {"no_color": IsFlagged, "json": IsFlagged if as_json else None}
        code, out, err = self.cmd("show", str(plan_file), **flags)
        if code:
            raise TerraformDiagnosticError("show", [], err or out)
        return str(out)

    def output(self) -> dict[str, Any]:
        """`terraform output -json`, as {name: value}."""
        raw = super().output()
        if raw is None:
            _code, out, err = self.cmd("output", json=IsFlagged)
            raise TerraformDiagnosticError("output", [], err or out)
        return {name: item["value"] for name, item in raw.items()}

    # --- helpers ----------------------------------------------------------------------

    def _options(self, extra: Mapping[str, Any]) -> dict[str, Any]:
        options: dict[str, Any] = self._generate_default_options(dict(extra))
        options.pop("no_color", None)
        if not options.get("var"):
            options.pop("var", None)  # else python-terraform writes an empty var file
        return options

    def _stream_summary(self, cmd: str, on_event: OnEvent, *args: Any, **kw: Any) -> ChangeSummary:
        summaries: list[ChangeSummary] = []
        self._stream(cmd, _keeping(summaries, on_event), *args, **kw)
        return summaries[-1] if summaries else ChangeSummary(0, 0, 0, cmd)

    def _stream(self, cmd: str, on_event: OnEvent, *args: Any, **kwargs: Any) -> list[Diagnostic]:
        """Run a long command with `-json`, pass its events on; raise on failure."""
        argv = self.generate_cmd_string(cmd, *args, **{**kwargs, "json": IsFlagged, "input": False})
        diags: list[Diagnostic] = []
        try:
            code, stderr = self._run_streaming(argv, on_event, diags)
        finally:
            self.temp_var_files.clean_up()
        if code:
            raise TerraformDiagnosticError(cmd, diags, stderr)
        return [d for d in diags if d.severity == "warning"]

    def _run_streaming(
        self, argv: list[str], on_event: OnEvent, diags: list[Diagnostic]
    ) -> tuple[int, str]:
        with (
            tempfile.TemporaryFile("w+") as stderr,
            _popen(argv, self.working_dir, self.env(), stderr) as proc,
        ):
            for event in _events(proc.stdout):
                if isinstance(event, Diagnostic):
                    diags.append(event)
                on_event(event)
            code = proc.wait()
            stderr.seek(0)
            return code, stderr.read()

    def _summarize(self, plan_file: Path, warnings: list[Diagnostic]) -> PlanSummary:
        code, out, err = self.cmd("show", str(plan_file), json=IsFlagged, no_color=IsFlagged)
        if code:
            raise TerraformDiagnosticError("show", [], err)
        return summarize_plan(json.loads(out), plan_file, tuple(warnings))


def _keeping(summaries: list[ChangeSummary], on_event: OnEvent) -> OnEvent:
    """An on_event that also keeps the ChangeSummary events in `summaries`."""

    def keep(event: Event) -> None:
        if isinstance(event, ChangeSummary):
            summaries.append(event)
        on_event(event)

    return keep


def summarize_plan(
    plan: Mapping[str, Any], plan_file: Path | None = None, warnings: tuple[Diagnostic, ...] = ()
) -> PlanSummary:
    """Counts and changes from the JSON of `terraform show -json <plan>`."""
    changes = tuple(
        ResourceChange(
            address=rc["address"],
            actions=tuple(rc["change"]["actions"]),
            before=rc["change"].get("before"),
            after=rc["change"].get("after"),
        )
        for rc in plan.get("resource_changes", [])
        if set(rc["change"]["actions"]) - {"no-op", "read"}
    )
    add = sum("create" in c.actions for c in changes)
    change = sum(c.actions == ("update",) for c in changes)
    destroy = sum("delete" in c.actions for c in changes)
    return PlanSummary(add, change, destroy, changes, plan_file, warnings)


def _diagnostics_of(out: str) -> list[Diagnostic]:
    """Diagnostics from `-json` output: a validate document, or a stream of events."""
    try:
        document = json.loads(out)
    except ValueError:
        return [e for e in map(parse_event, out.splitlines()) if isinstance(e, Diagnostic)]
    if isinstance(document, dict) and "diagnostics" in document:
        return [parse_diagnostic(d) for d in document["diagnostics"]]
    event = parse_event(out)
    return [event] if isinstance(event, Diagnostic) else []


def _events(stream: Any) -> Iterator[Event]:
    for line in stream:
        event = parse_event(line)
        if event is not None:
            yield event


class _popen:
    """Popen that stops Terraform cleanly (SIGINT, then kill) if the reader stops early."""

    def __init__(self, argv: list[str], cwd: str, env: dict[str, str], stderr: IO[str]) -> None:
        self.proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
        )

    def __enter__(self) -> subprocess.Popen[str]:
        return self.proc

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(_STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


# --- the functions notebooks and tests call ------------------------------------------


def init(working_dir: str | Path, target: str | None = None) -> None:
    """`terraform init` in working_dir."""
    Terraform(working_dir, target).init()


def validate(working_dir: str | Path, target: str | None = None) -> list[Diagnostic]:
    """`terraform validate`: raise on errors, return the warnings."""
    return Terraform(working_dir, target).validate()


def fmt(working_dir: str | Path, check: bool = False) -> list[str]:
    """`terraform fmt -recursive`: the files rewritten (with check: that would be)."""
    return Terraform(working_dir).fmt(check)


def plan(
    working_dir: str | Path,
    target: str | None = None,
    on_event: OnEvent = _ignore,
    variables: Mapping[str, str] | None = None,
    targets: Sequence[str] = (),
) -> PlanSummary:
    """`terraform plan`, saved for `apply`; its summary and changes."""
    return Terraform(working_dir, target, variables, targets).plan(on_event)


def apply(
    working_dir: str | Path,
    target: str | None = None,
    on_event: OnEvent = _ignore,
    plan: PlanSummary | None = None,
    variables: Mapping[str, str] | None = None,
    targets: Sequence[str] = (),
) -> ChangeSummary:
    """`terraform apply` of `plan`, or of a fresh plan (only `targets`, if given)."""
    return Terraform(working_dir, target, variables, targets).apply(plan, on_event)


def destroy(
    working_dir: str | Path, target: str | None = None, on_event: OnEvent = _ignore
) -> ChangeSummary:
    """`terraform destroy -auto-approve`."""
    return Terraform(working_dir, target).destroy(on_event)


def show(
    working_dir: str | Path, plan_file: Path, as_json: bool = False, target: str | None = None
) -> str:
    """Terraform's own text of a saved plan (or its JSON with `as_json`)."""
    return Terraform(working_dir, target).show(plan_file, as_json)


def output(working_dir: str | Path, target: str | None = None) -> dict[str, Any]:
    """The root module's outputs, as {name: value}."""
    return Terraform(working_dir, target).output()


__all__ = [
    "PLAN_FILE",
    "OnEvent",
    "PlanSummary",
    "ResourceChange",
    "Terraform",
    "TerraformDiagnosticError",
    "apply",
    "destroy",
    "fmt",
    "init",
    "output",
    "plan",
    "show",
    "summarize_plan",
    "validate",
]
