"""The `ecslab` command.

Each subcommand is one entry of `COMMANDS`: a name, a one-line help, a function that adds
its arguments, and a handler that does the work and returns the exit code. To add one,
write those two functions and add one line to `COMMANDS`.

Library code raises `EcslabError`s; only `main` turns them into a message and a hint on
stderr and exit code 1, so expected errors never show a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import NamedTuple

from ecslab.cli_lab import (
    cmd_check,
    cmd_desk,
    cmd_prepare,
    cmd_shell,
    configure_check,
    configure_lab,
    configure_prepare,
    error_text,
)
from ecslab.errors import CostNotConfirmed, EcslabError
from ecslab.i18n import N_, _

Handler = Callable[[argparse.Namespace], int]
Configure = Callable[[argparse.ArgumentParser], None]


class Command(NamedTuple):
    """One subcommand: its name, help line, argument setup and handler."""

    name: str
    help: str
    configure: Configure
    handler: Handler


def _no_arguments(_parser: argparse.ArgumentParser) -> None:
    """For commands without arguments."""


def _json_flag(parser: argparse.ArgumentParser) -> None:
    """A --json switch for machine-readable output."""
    parser.add_argument("--json", action="store_true", help=_("print JSON instead of text"))


def _warn(problem: str) -> None:
    """One problem of the local cloud (each names its fix), on stderr."""
    print(_("ecslab: warning: {problem}").format(problem=problem), file=sys.stderr)


def cmd_up(_args: argparse.Namespace) -> int:
    """Start the local cloud in the background (no-op when it runs)."""
    from ecslab.cloud import daemon

    status = daemon.up()
    where = _("local cloud running at {endpoint} (pid {pid})")
    print(where.format(endpoint=status.endpoint, pid=status.pid))
    print(_('use it from a shell with: eval "$(ecslab env)"'))
    for problem in status.problems:  # each names its fix (e.g. sudo apt-get install nginx)
        _warn(problem)
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    """What `make lab` runs: start the local cloud, ready the desk, apply the first
    section's prerequisites in the background, then become JupyterLab over the desk."""
    from ecslab import desk, sections

    cmd_up(args)
    cmd_desk(args)
    first = argparse.Namespace(section=sections.SECTIONS[0].stem, background=True)
    try:
        if cmd_prepare(first):
            return 1
    except CostNotConfirmed as e:  # AWS mode: nothing starts; the notebook asks again
        consent = _("ecslab: the network and ALB wait for your consent.")
        print(f"{consent}\n{e}\n{e.hint}", file=sys.stderr)
    desk.write_lab_overrides()
    command = desk.jupyter_command(extra=args.jupyter_args)
    sys.stdout.flush()  # exec drops what is still buffered (stdout to a file or pipe)
    os.execve(command[0], command, desk.jupyter_env())


def cmd_down(_args: argparse.Namespace) -> int:
    """Stop the local cloud."""
    from ecslab.cloud import daemon

    print(_("local cloud stopped") if daemon.down() else _("local cloud was not running"))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Show whether the local cloud runs, where, since when, and what it holds; 3 if down."""
    from ecslab.cloud import daemon

    status = daemon.status()
    if args.json:
        print(json.dumps(asdict(status), default=str, indent=2))
    else:
        print(_format_status(status))
    return 0 if status.running else 3


def _format_status(status: object) -> str:
    """The text form of a daemon.Status."""
    from ecslab.cloud.daemon import Status

    assert isinstance(status, Status)
    if not status.running:
        return _("local cloud not running (would be at {endpoint}); start it: ecslab up").format(
            endpoint=status.endpoint
        )
    lines = [
        _("local cloud running at {endpoint}").format(endpoint=status.endpoint),
        "  "
        + _("pid {pid}, up {uptime}, log {log}").format(
            pid=status.pid, uptime=_duration(status.uptime_seconds or 0), log=status.log
        ),
    ]
    for service, kinds in status.counts.items():
        shown = ", ".join(f"{kind} {n}" for kind, n in kinds.items() if n)
        lines.append(f"  {service:6} {shown or '-'}")
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    """1h02m, 3m05s or 12s."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def _reset_arguments(parser: argparse.ArgumentParser) -> None:
    """`ecslab reset [--to SECTION]`."""
    from ecslab import sections

    parser.add_argument(
        "--to",
        metavar="SECTION",
        choices=[s.stem for s in sections.SECTIONS] + [s.book for s in sections.SECTIONS],
        help=_(
            "then bring the cloud and the workspace to this section's start "
            "(e.g. 9.4 or 04_logging); the section's and later files are backed up first"
        ),
    )


def cmd_reset(args: argparse.Namespace) -> int:
    """Wipe the local cloud's resources (restart it empty); workspaces are kept. With
    --to, restore (or apply) the section's start, as the notebook's first cell would."""
    from ecslab.cloud import daemon

    status = daemon.reset()
    print(_("local cloud reset: empty and running at {endpoint}").format(endpoint=status.endpoint))
    if not args.to:
        return 0
    from ecslab import sections
    from ecslab.notebook import lab
    from ecslab.tf import prepare

    stem = next(s.stem for s in sections.SECTIONS if args.to in (s.stem, s.book))
    report = lab.reset(stem)
    for name, where in sorted(report.placed.backups.items()):
        print(_("backed up {name} to {where}").format(name=name, where=where))
    done = prepare.wait(report.folder)
    print(done if report.prerequisites else _("{section}: nothing to apply").format(section=stem))
    return 1 if done.state == "failed" else 0


def _snapshot_arguments(parser: argparse.ArgumentParser) -> None:
    """`ecslab snapshot [record]`."""
    parser.add_argument(
        "action",
        nargs="?",
        default="record",
        choices=["record"],
        help=_("record (the default): the section starts this version lacks"),
    )


def cmd_snapshot(_args: argparse.Namespace) -> int:
    """Record the section starts this project and moto lack, on a cloud of their own."""
    from ecslab import settings
    from ecslab.cloud import starts

    made = starts.record_all()
    where = settings.snapshots()
    if made:
        print(_("recorded {sections} in {where}").format(sections=", ".join(made), where=where))
    else:
        print(_("all recorded in {where}").format(where=where))
    return 0


def cmd_env(args: argparse.Namespace) -> int:
    """Print the shell lines that point Terraform and the AWS CLI at the target."""
    from ecslab.tf.environment import export_lines, removed_names, target_env

    env = target_env(args.target)
    sys.stdout.write(export_lines(env, unset=removed_names(args.target)))
    return 0


def cmd_terraform_check(_args: argparse.Namespace) -> int:
    """Say which Terraform and provider source ecslab uses; install Terraform if missing."""
    from ecslab.tf import providers

    print(providers.describe())
    return 0


def _target_argument(parser: argparse.ArgumentParser) -> None:
    """`--target local|aws` (default: ECSLAB_TARGET)."""
    parser.add_argument("--target", choices=["local", "aws"], help=_("default: ECSLAB_TARGET"))


def cmd_preflight(args: argparse.Namespace) -> int:
    """Check the environment for the target; 1 (with what is missing) when not ready."""
    from ecslab.account import preflight

    checks = preflight.run(args.target)
    print(preflight.report(checks, args.target))
    return 0 if all(c.ok for c in checks) else 1


def _cost_arguments(parser: argparse.ArgumentParser) -> None:
    """`ecslab cost [--cpu N --memory N] [--confirm]`."""
    parser.add_argument("--cpu", default="256", help=_("task cpu units (default: the book's 256)"))
    parser.add_argument("--memory", default="512", help=_("task memory MiB (default: 512)"))
    parser.add_argument("--confirm", action="store_true", help=_("confirm it (asks you to type)"))


def cmd_cost(args: argparse.Namespace) -> int:
    """Print the AWS cost estimate; with --confirm, record the learner's typed yes."""
    from ecslab.account import cost

    estimate = cost.estimate(args.cpu, args.memory)
    print(estimate.text())
    if args.confirm:
        print(_('Type "{confirmation}" to confirm:').format(confirmation=cost.CONFIRMATION))
        print(_("confirmed: {record}").format(record=cost.confirm(input("> "), estimate)))
    return 0


def cmd_leftovers(args: argparse.Namespace) -> int:
    """List what the lab tagged in AWS and still bills; 1 when something is left."""
    from ecslab.account import leftovers

    items = leftovers.find(args.target or "aws")
    print(leftovers.report(items))
    return 1 if items else 0


def _ps_arguments(parser: argparse.ArgumentParser) -> None:
    """`ecslab ps [--all] [--json]`."""
    parser.add_argument("--all", action="store_true", help=_("include stopped tasks"))
    _json_flag(parser)


def cmd_ps(args: argparse.Namespace) -> int:
    """List the local cloud's tasks: id, service, revision, status, health, IP, uptime."""
    from ecslab.cloud import client

    rows = client.tasks(include_stopped=args.all)
    print(json.dumps(rows, indent=2) if args.json else client.format_tasks(rows))
    for problem in client.problems():
        _warn(problem)
    return 0


def _url_arguments(parser: argparse.ArgumentParser) -> None:
    """`ecslab url [LB_NAME]`."""
    parser.add_argument("name", nargs="?", help=_("load balancer name (needed if several)"))
    parser.add_argument("--port", type=int, help=_("the listener's port (default: 80's)"))


def cmd_url(args: argparse.Namespace) -> int:
    """Print the local URL of a load balancer's listener (just the URL)."""
    from ecslab.cloud import client

    print(client.url(args.name, args.port))
    return 0


def cmd_ca(_args: argparse.Namespace) -> int:
    """Print the path of the local CA's certificate, which signs the HTTPS listeners'
    certificates: `curl --cacert "$(ecslab ca)" ...` (created on first use)."""
    from ecslab import settings
    from ecslab.dataplane import tls

    print(tls.ca_certificate(settings.home()))
    return 0


def _logs_arguments(parser: argparse.ArgumentParser) -> None:
    """`ecslab logs GROUP [--follow]`."""
    parser.add_argument("group", help=_("log group name, e.g. /ecs/example"))
    parser.add_argument("--follow", "-f", action="store_true", help=_("keep printing new events"))


def cmd_logs(args: argparse.Namespace) -> int:
    """Print a CloudWatch Logs group of the local cloud, like `aws logs tail`."""
    from ecslab.account import logs

    for line in logs.log_lines(args.group, follow=args.follow):
        print(line, flush=True)
    return 0


#: Every subcommand, in the order `ecslab --help` lists them.
COMMANDS: list[Command] = [
    Command("up", N_("start the local cloud in the background"), _no_arguments, cmd_up),
    Command("down", N_("stop the local cloud"), _no_arguments, cmd_down),
    Command("status", N_("is the local cloud running, and what it holds"), _json_flag, cmd_status),
    Command(
        "reset",
        N_("wipe the local cloud (your workspace is kept); --to 9.4"),
        _reset_arguments,
        cmd_reset,
    ),
    Command(
        "snapshot",
        N_("record the section starts (make snapshots)"),
        _snapshot_arguments,
        cmd_snapshot,
    ),
    Command(
        "env", N_('shell exports for the target: eval "$(ecslab env)"'), _target_argument, cmd_env
    ),
    Command(
        "terraform-check",
        N_("which Terraform and provider source are used (installs Terraform if missing)"),
        _no_arguments,
        cmd_terraform_check,
    ),
    Command(
        "preflight", N_("is everything ready for the target?"), _target_argument, cmd_preflight
    ),
    Command("cost", N_("what the chapter costs on AWS; --confirm"), _cost_arguments, cmd_cost),
    Command("leftovers", N_("what of the lab still bills in AWS"), _target_argument, cmd_leftovers),
    Command(
        "ps", N_("the local cloud's tasks (id, service, status, health, IP)"), _ps_arguments, cmd_ps
    ),
    Command(
        "url", N_("the local URL of a load balancer (prints just the URL)"), _url_arguments, cmd_url
    ),
    Command("ca", N_("the local CA certificate HTTPS listeners use (path)"), _no_arguments, cmd_ca),
    Command(
        "logs",
        N_("print a log group: ecslab logs /ecs/example [--follow]"),
        _logs_arguments,
        cmd_logs,
    ),
    Command("check", N_("the lab's checks: nginx, logs, service..."), configure_check, cmd_check),
    Command(
        "prepare", N_("apply the network and ALB (--background)"), configure_prepare, cmd_prepare
    ),
    Command("desk", N_("copy the lab notebooks you lack to your desk"), _no_arguments, cmd_desk),
    Command("lab", N_("cloud up, desk ready, then JupyterLab on the desk"), configure_lab, cmd_lab),
    Command("shell", N_("a bash in the workspace, set for the target"), _no_arguments, cmd_shell),
]


def build_parser(commands: Sequence[Command] | None = None) -> argparse.ArgumentParser:
    """The argument parser with one subparser per command (default: `COMMANDS`)."""
    parser = argparse.ArgumentParser(
        prog="ecslab", description=_("Hands-on lab for ECS Fargate with Terraform.")
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS if commands is None else commands:
        text = _(command.help) if command.help else ""  # _("") is the catalog's header
        child = sub.add_parser(command.name, help=text, description=text)
        command.configure(child)
        child.set_defaults(handler=command.handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; expected errors become a message, a hint and exit code 1."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except EcslabError as e:
        print(error_text(e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
