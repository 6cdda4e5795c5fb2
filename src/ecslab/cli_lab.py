"""The lab's subcommands of `ecslab`: `check`, `prepare`, and the desk's `desk`, `lab`, `shell`.

Kept apart from ecslab.cli so the command table there stays one line per command.
"""

from __future__ import annotations

import argparse
import os
import sys

from ecslab import sections
from ecslab.errors import EcslabError
from ecslab.i18n import _


def error_text(error: EcslabError, fallback_hint: str = "") -> str:
    """What the learner reads of an expected error: the message, then its hint."""
    lines = [_("ecslab: error: {message}").format(message=error)]
    if error.hint or fallback_hint:
        lines.append(_("hint: {hint}").format(hint=error.hint or fallback_hint))
    return "\n".join(lines)


def configure_check(parser: argparse.ArgumentParser) -> None:
    """`ecslab check [NAME ...]`: which checks (default: the chapter's end state)."""
    from ecslab.notebook.checks import CHECKS

    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(CHECKS))


def cmd_check(args: argparse.Namespace) -> int:
    """Run the lab's checks; exit 1 if any fails (each failure says what to look at)."""
    from ecslab.notebook import checks

    results = checks.run(args.names or None)
    for result in results:
        print(repr(result))
    return 0 if all(results) else 1


def configure_prepare(parser: argparse.ArgumentParser) -> None:
    """`ecslab prepare [--section S] [--background]`."""
    parser.add_argument(
        "--section",
        default=sections.SECTIONS[0].stem,
        choices=[s.stem for s in sections.SECTIONS],
        help=_("prepare the workspace for this section (default: the first)"),
    )
    parser.add_argument(
        "--background",
        action="store_true",
        help=_("apply in the background and return at once"),
    )


def cmd_prepare(args: argparse.Namespace) -> int:
    """Fill the workspace for a section and apply its prerequisites (network and ALB)."""
    from ecslab.notebook import lab

    status = lab.prepare_workspace(args.section, background=args.background)
    print(status)
    return 1 if status.state == "failed" else 0


def cmd_desk(_args: argparse.Namespace) -> int:
    """Copy the lab notebooks the learner lacks to the desk; offer changed ones beside theirs."""
    from ecslab import desk, settings

    moved = desk.move_old_workspace()
    if moved:
        print(_("desk: your workspace moved from ./workspace to {folder}").format(folder=moved))
    news = [f for f in desk.fetch() if f.action is not desk.Action.CURRENT]
    for fetched in news:
        print(fetched)
    if not news:
        print(_("desk: your notebooks in {folder} are up to date").format(folder=settings.desk()))
    return 0


def configure_lab(parser: argparse.ArgumentParser) -> None:
    """`ecslab lab [-- JUPYTER_ARGUMENT ...]`: after `--`, handed to `jupyter lab`."""
    parser.add_argument(
        "jupyter_args",
        nargs="*",
        metavar="JUPYTER_ARGUMENT",
        help=_("after --, arguments for jupyter lab (e.g. -- --port=8890 --no-browser)"),
    )


def cmd_shell(_args: argparse.Namespace) -> int:
    """Become a bash in the workspace, with the target's environment (JupyterLab's terminals)."""
    from ecslab import desk, settings
    from ecslab.tf import environment

    workspace = settings.workspace()
    workspace.mkdir(parents=True, exist_ok=True)
    os.chdir(workspace)
    try:
        environment.apply()
    except EcslabError as e:  # a terminal that closes at once teaches nothing: say why, stay
        print(error_text(e, fallback_hint="ecslab status"), file=sys.stderr)
    argv = desk.shell_argv()
    sys.stdout.flush()
    os.execvp(argv[0], argv)
