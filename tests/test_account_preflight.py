"""Does `ecslab preflight` explain what is missing for each target, without a traceback?

AWS mode is exercised against moto in-process (`mock_aws`): no test ever calls real AWS.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from ecslab.account import cost, preflight
from ecslab.errors import PreflightFailed

_AWS_VARS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
)


@pytest.fixture
def no_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An environment with no AWS credentials anywhere and no metadata service to probe."""
    for name in _AWS_VARS:
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ECSLAB_TARGET", "aws")
    return tmp_path


@pytest.fixture
def fake_account(no_aws: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Credentials that moto's in-process mock accepts; every call stays in this process."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake")
    monkeypatch.setenv("AWS_REGION", "ap-northeast-1")
    with mock_aws():
        yield


def _by_name(checks: list[preflight.Check]) -> dict[str, preflight.Check]:
    return {check.name: check for check in checks}


def test_aws_without_credentials_refuses_to_go_on(no_aws: Path) -> None:
    """Without credentials, does require() refuse with a hint, never calling STS?"""
    with pytest.raises(PreflightFailed, match="AWS credentials: none found") as info:
        preflight.require("aws")
    assert "aws configure" in info.value.hint
    assert "AWS identity" not in str(info.value)


def test_aws_with_credentials_shows_the_account(fake_account: None) -> None:
    """With credentials, does the table name the account and identity STS reports?"""
    checks = _by_name(preflight.require("aws"))
    assert "account 123456789012" in checks["AWS identity"].detail
    assert checks["AWS credentials"].detail == "found (env)"
    assert checks["AWS region"].detail == "ap-northeast-1"


def test_a_leftover_local_endpoint_is_refused(
    fake_account: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Would AWS mode send calls to the local cloud's endpoint? Is that caught and explained?"""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    with pytest.raises(PreflightFailed, match=r"AWS_ENDPOINT_URL=http://127\.0\.0\.1:4566"):
        preflight.require("aws")


def test_cost_confirmation_is_reported(fake_account: None) -> None:
    """Does the table say whether the cost was confirmed, and the hourly amount if not?"""
    assert "/hour once applied" in _by_name(preflight.run("aws"))["Cost confirmed"].detail
    cost.confirm(cost.CONFIRMATION)
    assert _by_name(preflight.run("aws"))["Cost confirmed"].detail == "yes"


def test_name_prefix_is_reported(fake_account: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Does a learner of a shared account see the prefix their resources get?"""
    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "ana")
    assert "start with ana-" in _by_name(preflight.run("aws"))["Name prefix"].detail


def test_local_cloud_down_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no local cloud on the port, does the table say how to start it?"""
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_PORT", str(_closed_port()))
    checks = _by_name(preflight.run("local"))
    assert not checks["Local cloud"].ok and "ecslab up" in checks["Local cloud"].hint
    assert checks["Terraform"].ok, checks["Terraform"].detail


def test_report_marks_what_is_missing(no_aws: Path) -> None:
    """Is each failed line marked MISSING with its hint under it?"""
    text = preflight.report(preflight.run("aws"), "aws")
    assert "[MISSING] AWS credentials" in text and "-> Run `aws configure`" in text


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_local_fake_credentials_are_not_taken_for_aws(
    fake_account: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Switching a notebook from local to aws: is the local cloud's own key refused?"""
    from ecslab import credentials

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials.Credential.generate().access_key_id)
    with pytest.raises(PreflightFailed, match="local cloud's own key") as info:
        preflight.require("aws")
    assert "Restart the notebook's kernel" in info.value.hint


def test_a_taken_lab_name_is_refused(fake_account: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a cluster "example" already in the account (not the learner's), does preflight
    refuse and suggest a prefix, and accept once the prefix is set?"""
    import boto3

    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "")
    boto3.client("ecs", region_name="ap-northeast-1").create_cluster(clusterName="example")
    with pytest.raises(PreflightFailed, match="aws_ecs_cluster 'example'") as info:
        preflight.require("aws")
    assert "ECSLAB_NAME_PREFIX" in info.value.hint
    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "ana")
    assert _by_name(preflight.require("aws"))["Lab names free"].ok


def test_a_name_in_the_learners_state_is_theirs(
    fake_account: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Is a cluster the learner's own state holds (a rerun) not taken for someone else's?"""
    import json

    import boto3

    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "")
    monkeypatch.setenv("ECSLAB_WORKSPACE", str(tmp_path / "ws"))
    (tmp_path / "ws").mkdir()
    state = {
        "resources": [
            {
                "mode": "managed",
                "type": "aws_ecs_cluster",
                "name": "example",
                "instances": [{"attributes": {"name": "example"}}],
            }
        ]
    }
    (tmp_path / "ws" / "terraform.tfstate").write_text(json.dumps(state))
    boto3.client("ecs", region_name="ap-northeast-1").create_cluster(clusterName="example")
    assert _by_name(preflight.require("aws"))["Lab names free"].ok


def test_the_table_speaks_japanese_aligned(no_aws: Path) -> None:
    """Under Japanese, is each line's name, finding and hint Japanese, the marks aligned
    in terminal columns, and what to type (`aws configure`) unchanged?"""
    from ecslab import i18n

    with i18n.speaking("ja"):
        text = preflight.report(preflight.run("aws"), "aws")
    lines = text.splitlines()
    assert lines[0] == "ecslab preflight (ターゲット: aws)"
    missing = next(line for line in lines if "AWS 認証情報" in line)
    assert missing.startswith("  [   不足] AWS 認証情報: 見つかりません")
    assert i18n.width(missing.split("]")[0]) == i18n.width("  [MISSING")
    assert "-> `aws configure` を実行して" in text
