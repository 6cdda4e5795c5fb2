"""Do `ecslab preflight`, `cost` and `leftovers` speak plainly and exit with the right code?"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from moto import mock_aws

from ecslab import cli


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_preflight_without_local_cloud_exits_1_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Is a stopped local cloud a MISSING line with a hint and exit code 1?"""
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_PORT", str(_closed_port()))
    assert cli.main(["preflight", "--target", "local"]) == 1
    out, err = capsys.readouterr()
    assert "[MISSING] Local cloud" in out and "ecslab up" in out and "Traceback" not in out + err


def test_cost_prints_the_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    """Does `ecslab cost` show the dated total for the chosen size?"""
    assert cli.main(["cost", "--cpu", "512", "--memory", "1024"]) == 0
    assert "Fargate task 512 CPU / 1024 MiB" in capsys.readouterr().out


def test_cost_with_a_size_fargate_refuses_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Is an invalid size AWS's message and a hint, exit 1?"""
    assert cli.main(["cost", "--cpu", "256", "--memory", "4096"]) == 1
    err = capsys.readouterr().err
    assert "No Fargate configuration exists" in err and "hint: With cpu 256" in err


def test_leftovers_in_a_clean_account_exits_0(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Against an empty (moto) account, does it say clean and exit 0?"""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake")
    monkeypatch.setenv("AWS_REGION", "ap-northeast-1")
    with mock_aws():
        assert cli.main(["leftovers"]) == 0
    assert "the account is clean" in capsys.readouterr().out
