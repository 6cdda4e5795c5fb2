"""The `ecslab` command: its table of subcommands, error handling, and the cloud commands."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_cloud import LocalCloud, free_port

from ecslab import cli
from ecslab.errors import LocalCloudError


@pytest.fixture
def stopped_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home and free port where no local cloud runs."""
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_PORT", str(free_port()))
    return tmp_path


def _failing(_args: argparse.Namespace) -> int:
    raise LocalCloudError("the local cloud is not running", hint="Start it: ecslab up")


def test_every_command_has_a_subparser() -> None:
    """Does the parser accept every command of the table?"""
    parser = cli.build_parser()
    for command in cli.COMMANDS:
        assert (
            parser.parse_args([command.name, *_required(command.name)]).handler is command.handler
        )


def _required(name: str) -> list[str]:
    """Positional arguments a command needs to parse."""
    return ["/ecs/example"] if name == "logs" else []


def test_adding_a_command_is_one_table_entry() -> None:
    """Does a new Command in the table become a subcommand with its own arguments?"""

    def configure(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--times", type=int, default=1)

    extra = cli.Command("hello", "say hello", configure, lambda args: args.times)
    args = cli.build_parser([*cli.COMMANDS, extra]).parse_args(["hello", "--times", "3"])
    assert args.handler(args) == 3


def test_command_names_are_unique() -> None:
    """Is each command name in the table once?"""
    names = [command.name for command in cli.COMMANDS]
    assert len(names) == len(set(names))


def test_expected_error_is_message_and_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does an EcslabError become a message, a hint and exit code 1, without a traceback?"""
    monkeypatch.setattr(cli, "COMMANDS", [cli.Command("status", "", cli._no_arguments, _failing)])
    assert cli.main(["status"]) == 1
    err = capsys.readouterr().err
    assert err == "ecslab: error: the local cloud is not running\nhint: Start it: ecslab up\n"


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Does an unknown command exit 2 with argparse's message?"""
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["fly"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'fly'" in capsys.readouterr().err


def test_status_when_stopped_exits_3(
    stopped_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does `status` without a running cloud say how to start it, with exit code 3?"""
    assert cli.main(["status"]) == 3
    assert "not running" in capsys.readouterr().out


def test_down_when_stopped(stopped_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Does `down` without a running cloud say so and succeed?"""
    assert cli.main(["down"]) == 0
    assert capsys.readouterr().out == "local cloud was not running\n"


def test_env_prints_exports_for_local(
    stopped_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does `ecslab env` print the endpoint export and unset the profile?"""
    monkeypatch.setenv("ECSLAB_TARGET", "local")
    assert cli.main(["env"]) == 0
    out = capsys.readouterr().out
    assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{os.environ['ECSLAB_PORT']}\n" in out
    assert "unset AWS_PROFILE\n" in out


def test_env_for_aws_unsets_the_endpoint(
    stopped_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does `ecslab env --target aws` unset the local endpoint and keep the profile?"""
    assert cli.main(["env", "--target", "aws"]) == 0
    out = capsys.readouterr().out
    assert "unset AWS_ENDPOINT_URL\n" in out
    assert "AWS_PROFILE" not in out


def test_status_json_of_a_running_cloud(
    local_cloud: LocalCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does `status --json` give the endpoint, pid and counts of the running cloud?"""
    assert cli.main(["status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["running"] is True
    assert data["endpoint"] == local_cloud.endpoint
    assert "ecs" in data["counts"]


def test_up_of_a_running_cloud_is_a_no_op(
    local_cloud: LocalCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does `up` when running just say where it runs?"""
    assert cli.main(["up"]) == 0
    assert f"local cloud running at {local_cloud.endpoint}" in capsys.readouterr().out


def test_console_script_runs(stopped_home: Path) -> None:
    """Does `python -m ecslab.cli env` run as a program (the `ecslab` entry point's code)?"""
    out = subprocess.run(
        [sys.executable, "-m", "ecslab.cli", "env"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "export AWS_ENDPOINT_URL=" in out.stdout


def test_up_warns_about_dataplane_problems(
    stopped_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does `up` print each data-plane problem as a warning on stderr, with its fix?"""
    from ecslab.cloud import daemon

    problem = "nginx is not installed (/usr/sbin/nginx is missing): sudo apt-get install nginx"
    running = daemon.Status(True, "http://127.0.0.1:1", pid=1, problems=[problem])
    monkeypatch.setattr(daemon, "up", lambda: running)
    assert cli.main(["up"]) == 0
    assert capsys.readouterr().err == f"ecslab: warning: {problem}\n"


def test_shell_stays_open_and_says_why_when_the_environment_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does `ecslab shell` (a JupyterLab terminal) still become bash, with the error and its
    hint printed, when the target's environment cannot be set (instead of closing at once)?"""
    from ecslab import cli_lab
    from ecslab.tf import environment

    def broken() -> None:
        raise LocalCloudError("the local cloud is not running", hint="ecslab up")

    became: list[list[str]] = []
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ECSLAB_DESK", str(tmp_path / "desk"))
    monkeypatch.setattr(environment, "apply", broken)
    monkeypatch.setattr(cli_lab.os, "execvp", lambda _f, argv: became.append(argv))
    monkeypatch.chdir(tmp_path)
    cli_lab.cmd_shell(argparse.Namespace())
    assert became and became[0][0] == "bash"
    err = capsys.readouterr().err
    assert "the local cloud is not running" in err and "hint: ecslab up" in err


@pytest.mark.parametrize("section", ["9.4", "04_logging"])
def test_reset_to_takes_a_book_section_or_a_stem(section: str) -> None:
    """Does `ecslab reset --to` take a section as the book numbers it or by its stem?"""
    assert cli.build_parser().parse_args(["reset", "--to", section]).to == section


def test_reset_to_an_unknown_section_names_the_sections(capsys: pytest.CaptureFixture[str]) -> None:
    """Is `ecslab reset --to 9.9` refused with the sections it could have been?"""
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["reset", "--to", "9.9"])
    said = capsys.readouterr().err
    assert "argument --to: invalid choice: '9.9' (choose from" in said
    assert "'04_logging'" in said and "'9.4'" in said


def _ecslab(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m ecslab.cli ARGV` as a learner's shell runs it: the language only from
    env (the tests' own ECSLAB_LANG and locale are left out)."""
    chosen = ("ECSLAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG")
    environ = {k: v for k, v in os.environ.items() if k not in chosen}
    return subprocess.run(
        [sys.executable, "-m", "ecslab.cli", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**environ, **env},
    )


def test_status_speaks_japanese_with_ecslab_lang(stopped_home: Path) -> None:
    """With ECSLAB_LANG=ja, does `ecslab status` of a stopped cloud say so in Japanese
    (the command to type staying as it is), with exit code 3?"""
    out = _ecslab("status", ECSLAB_LANG="ja")
    endpoint = f"http://127.0.0.1:{os.environ['ECSLAB_PORT']}"
    assert out.returncode == 3, out.stderr
    assert out.stdout == (
        f"ローカルクラウドは停止しています ({endpoint} で動く予定です)。起動するには: ecslab up\n"
    )


def test_an_error_and_its_hint_speak_japanese(stopped_home: Path) -> None:
    """With ECSLAB_LANG=ja, is an expected error (`ecslab url` with no cloud) printed as
    a Japanese message and a Japanese hint, without a traceback?"""
    out = _ecslab("url", ECSLAB_LANG="ja")
    url = f"http://127.0.0.1:{os.environ['ECSLAB_PORT']}/_ecslab/loadbalancers"
    assert out.returncode == 1
    assert out.stderr == (
        f"ecslab: エラー: ローカルクラウドが {url} で応答しません\n"
        "ヒント: 起動するには: ecslab up\n"
    )


def test_a_japanese_locale_speaks_japanese_and_ecslab_lang_wins(stopped_home: Path) -> None:
    """Without ECSLAB_LANG, does a ja_JP locale give Japanese, and ECSLAB_LANG=en English?"""
    assert _ecslab("down", LANG="ja_JP.UTF-8").stdout == "ローカルクラウドは動いていませんでした\n"
    english = _ecslab("down", LANG="ja_JP.UTF-8", ECSLAB_LANG="en").stdout
    assert english == "local cloud was not running\n"


def test_help_speaks_japanese_and_keeps_argparse_and_commands() -> None:
    """Under Japanese, does `ecslab --help` describe each command in Japanese, while the
    command names and the options stay as they are typed?"""
    from ecslab import i18n

    with i18n.speaking("ja"):
        text = cli.build_parser().format_help()
        cost_help = cli.build_parser().parse_args(["cost"])  # parses as in English
    assert "up             ローカルクラウドをバックグラウンドで起動します" in text
    assert "Terraform で ECS Fargate を学ぶハンズオンラボです。" in text
    assert cost_help.cpu == "256"


def test_a_command_without_help_has_none_in_japanese() -> None:
    """Is an empty help left empty (gettext would answer "" with the catalog's header)?"""
    from ecslab import i18n

    extra = cli.Command("hello", "", cli._no_arguments, lambda args: 0)
    with i18n.speaking("ja"):
        text = cli.build_parser([extra]).format_help()
    assert "Project-Id-Version" not in text
