"""Tests of ecslab.notebook.checks: results, and the checks against a real local cloud."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ecslab import book, cli, i18n
from ecslab.errors import CheckFailed
from ecslab.notebook import checks


def test_passing_result_reads_as_a_tick() -> None:
    """Does a pass show a tick and its details, and no hint?"""
    result = checks.Result("x", True, "It works", ["detail"], hint="never shown")
    assert repr(result) == "✓ It works\n    detail"
    assert "data-passed='True'" in result._repr_html_()
    assert result.require() is result


def test_failing_result_shows_where_to_look() -> None:
    """Does a failure show a cross and the hint, and raise CheckFailed on require()?"""
    result = checks.Result("x", False, "Broken", hint="Look at the service events.")
    assert repr(result) == "✗ Broken\n  → Look at the service events."
    assert "Look at the service events." in result._repr_html_()
    with pytest.raises(CheckFailed, match="Broken") as caught:
        result.require()
    assert caught.value.hint == "Look at the service events."


def test_task_definition_problems_name_the_size() -> None:
    """Does a wrong size say what was found and what was expected?"""
    td = {"cpu": "512", "memory": "1024", "networkMode": "awsvpc"}
    td["requiresCompatibilities"] = ["FARGATE"]  # type: ignore[assignment]
    assert checks._task_definition_problems(td, 256, 512, False) == [
        "size is 512/1024, expected 256/512"
    ]


def test_task_definition_problems_want_the_execution_role() -> None:
    """Is a missing execution role named with its listing (9.9)?"""
    td: dict[str, Any] = {"cpu": "256", "memory": "512", "networkMode": "awsvpc"}
    td["requiresCompatibilities"] = ["FARGATE"]
    problems = checks._task_definition_problems(td, 256, 512, True)
    assert problems == ["execution_role_arn is not the role 'ecs-task-execution' (listing 9.9)"]


def test_expected_size_reads_the_learners_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does the task-definition check expect the size the learner's file asks for?"""
    monkeypatch.setenv("ECSLAB_WORKSPACE", str(tmp_path))
    assert checks.expected_size() == (256, 512)
    (tmp_path / "task_definition.tf").write_text(
        'resource "aws_ecs_task_definition" "example" {\n  memory = 3072\n  cpu = "1024"\n}\n'
    )
    assert checks.expected_size() == (1024, 3072)


def test_unknown_check_lists_the_real_ones() -> None:
    """Does `ecslab check nope` name the checks that exist?"""
    with pytest.raises(checks.EcslabError) as caught:
        checks.run(["nope"])
    assert "nginx" in caught.value.hint


@pytest.mark.integration
def test_missing_cluster_fails_with_a_hint(local_cloud: Any) -> None:
    """Does the cluster check fail, pointing at listing 9.1, for a cluster that is not there?"""
    result = checks.cluster_active("no-such-cluster")
    assert not result.passed
    assert "listing 9.1" in result.hint


@pytest.mark.integration
def test_missing_role_fails_with_a_hint(local_cloud: Any) -> None:
    """Does the execution-role check point at listings 9.6 to 9.8 when the role is missing?"""
    result = checks.execution_role("no-such-role")
    assert not result.passed and "9.6 to 9.8" in result.hint


@pytest.mark.integration
def test_chapter_passes_every_check(applied_chapter: Any) -> None:
    """On the applied reference chapter, does every check of the end state pass?"""
    results = checks.run()
    assert all(results), "\n".join(repr(r) for r in results if not r)


@pytest.mark.integration
def test_nginx_check_shows_the_page_and_a_link(applied_chapter: Any) -> None:
    """Does the nginx check show figure 9.2's page and a link to the load balancer?"""
    result = checks.nginx_answers()
    html = result._repr_html_()
    assert "Welcome to nginx!" in html and "Open the load balancer" in html


@pytest.mark.integration
def test_check_cli_exit_code(applied_chapter: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """Does `ecslab check nginx logs` print ticks and exit 0 on the applied chapter?"""
    assert cli.main(["check", "nginx", "logs"]) == 0
    out = capsys.readouterr().out
    assert out.count("✓") == 2


def test_lab_names_carry_the_prefix_only_in_aws_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does ECSLAB_NAME_PREFIX change the names the checks look for in AWS mode alone?"""
    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "ana")
    monkeypatch.setenv("ECSLAB_TARGET", "local")
    assert checks.lab_name(book.LOG_GROUP) == "/ecs/example"
    monkeypatch.setenv("ECSLAB_TARGET", "aws")
    assert checks.lab_name(book.CLUSTER) == "ana-example"
    assert checks.lab_name(book.LOG_GROUP) == "/ecs/ana-example"


def test_aws_mode_checks_look_for_the_prefixed_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """In AWS mode with a prefix, do the checks find ana-example and name ana-... when missing?

    Against moto in-process: no test ever calls real AWS.
    """
    import boto3
    from moto import mock_aws

    _aws_mode_with_prefix(monkeypatch)
    with mock_aws():
        boto3.client("ecs", region_name="ap-northeast-1").create_cluster(clusterName="ana-example")
        assert checks.cluster_active().passed
        role = checks.execution_role()
        assert not role.passed and "ana-ecs-task-execution" in role.summary
        assert role.facts == {"exists": False, "role": "ana-ecs-task-execution"}
        assert role.reason == "NoSuchEntity"


def _aws_mode_with_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake")
    monkeypatch.setenv("AWS_REGION", "ap-northeast-1")
    monkeypatch.setenv("ECSLAB_TARGET", "aws")
    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "ana")


def test_aws_mode_service_check_finds_the_prefixed_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a prefix, does service_steady ask for ana-example's service and tasks only?"""
    import boto3
    from moto import mock_aws

    _aws_mode_with_prefix(monkeypatch)
    with mock_aws():
        ecs = boto3.client("ecs", region_name="ap-northeast-1")
        ecs.create_cluster(clusterName="ana-example")  # no `example`: asking it would fail
        ecs.register_task_definition(
            family="ana-example",
            containerDefinitions=[{"name": "example", "image": "nginx", "memory": 512}],
        )
        ecs.create_service(
            cluster="ana-example",
            serviceName="ana-example",
            taskDefinition="ana-example",
            desiredCount=0,
        )
        result = checks.service_steady(count=0, wait=0)
        assert result.passed, repr(result)
        assert result.facts["revision"] == "ana-example:1"


def test_aws_mode_log_check_reads_the_prefixed_group(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a prefix, does the logs check read /ecs/ana-example, and say so in its facts?"""
    import boto3
    from moto import mock_aws

    _aws_mode_with_prefix(monkeypatch)
    monkeypatch.setattr(checks.polling, "SLACK", 0.0)
    with mock_aws():
        boto3.client("logs", region_name="ap-northeast-1").create_log_group(
            logGroupName="/ecs/ana-example"
        )
        result = checks._logs_once()
        assert result.facts["log_group_exists"] is True
        assert result.summary == "No logs from the running tasks in /ecs/ana-example yet"
        assert checks.log_group().passed is False  # retention unset: found, not as listed
        assert checks.log_group().facts["exists"] is True


def test_stopped_reason_code_is_the_head_of_awss_text() -> None:
    """Is AWS's code taken from the head of a stoppedReason, and nothing from plain prose?"""
    text = "CannotPullContainerError: pull image manifest has been retried 5 time(s)"
    assert checks.reason_code(text) == "CannotPullContainerError"
    assert checks.reason_code("Task failed ELB health checks in (target-group x)") == ""
    assert checks.reason_code("Essential container in task exited") == ""


def test_role_facts_come_from_the_policy_documents() -> None:
    """Are a role's trusted services and allowed actions read from the documents, with
    wildcards and Deny understood (never by searching their text)?"""
    from ecslab.account import policies

    trust = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}},
            {"Effect": "Deny", "Principal": {"Service": "ec2.amazonaws.com"}},
        ]
    }
    assert policies.trusted_services(trust) == {"ecs-tasks.amazonaws.com"}
    assert policies.allows({"logs:*"}, "logs:PutLogEvents")
    assert not policies.allows({"logs:CreateLogStream"}, "logs:PutLogEvents")


def test_a_failure_shows_awss_reason_code() -> None:
    """Does a failure with AWS's reason code show it in text and as a data attribute?"""
    result = checks.Result("service", False, "Not steady", reason="CannotPullContainerError")
    assert "AWS's reason: CannotPullContainerError" in repr(result)
    assert "data-reason='CannotPullContainerError'" in result._repr_html_()


# --- in Japanese (日本語版) ---------------------------------------------------------------


def test_a_size_problem_is_said_in_japanese() -> None:
    """In the Japanese edition, does a wrong size say タスクサイズ, found and expected?"""
    td: dict[str, Any] = {"cpu": "512", "memory": "1024", "networkMode": "bridge"}
    td["requiresCompatibilities"] = ["FARGATE"]
    with i18n.speaking("ja"):
        problems = checks._task_definition_problems(td, 256, 512, False)
    assert problems == [
        "タスクサイズが 512/1024 です（期待値は 256/512）",
        "Fargate では network_mode を awsvpc にする必要があります",
    ]


def test_an_unknown_check_is_refused_in_japanese() -> None:
    """Does `ecslab check nope` refuse in Japanese, naming the checks as they are spelled?"""
    with i18n.speaking("ja"), pytest.raises(checks.EcslabError) as caught:
        checks.run(["nope"])
    assert str(caught.value) == "'nope' というチェックはありません。"
    assert caught.value.hint.startswith("使えるチェック: environment, cluster, ")


def test_aws_mode_log_and_role_checks_speak_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    """In Japanese, do the logs, log group and role checks say what they found and what to
    write (listings 9.5, 9.6 to 9.8), with AWS's code NoSuchEntity left in English?"""
    import boto3
    from moto import mock_aws

    _aws_mode_with_prefix(monkeypatch)
    with mock_aws(), i18n.speaking("ja"):
        boto3.client("logs", region_name="ap-northeast-1").create_log_group(
            logGroupName="/ecs/ana-example"
        )
        logs, group, role = checks._logs_once(), checks.log_group(), checks.execution_role()
        shown = repr(role)
    assert logs.summary == "/ecs/ana-example には実行中のタスクのログがまだ届いていません"
    assert logs.hint == "実行中のリビジョンのコンテナ定義に logConfiguration が入っていますか？"
    assert group.summary == (
        "ロググループ '/ecs/ana-example' のログは無期限に保持されます"
        "（retention_in_days がありません）"
    )
    assert group.hint == "retention_in_days = 180 にしてください（リスト9.5）。"
    assert role.summary == "IAMロール 'ana-ecs-task-execution' がありません"
    assert role.reason == "NoSuchEntity"
    assert shown == (
        "✗ IAMロール 'ana-ecs-task-execution' がありません\n"
        "    AWS が示す理由: NoSuchEntity\n"
        "  → iam.tf（リスト9.6〜9.8）を書いてから、plan と apply を実行してください。"
    )


def test_english_stays_the_default_outside_the_japanese_edition(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a Japanese edition, setting or locale, do the checks still speak English?"""
    for name in ("ECSLAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    assert checks._lb_hint(502)[0].startswith("502: a target failed to answer.")
    with i18n.speaking("ja"):
        assert checks._lb_hint(502)[0].startswith("502: ターゲットが応答しませんでした。")


def test_leftovers_are_named_in_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Locally, are the kinds of what is left named with the book's words in Japanese
    (ECSクラスタ, NATゲートウェイ), counted from the cloud's inventory as in English?"""
    from ecslab.cloud import client

    counts = {"ec2": {"nat_gateways": 2, "vpcs": 0}, "logs": {"log_groups": 1}}
    monkeypatch.setenv("ECSLAB_TARGET", "local")
    monkeypatch.setattr(client, "admin", lambda path: {"counts": counts})
    monkeypatch.setattr(checks, "_active_clusters", lambda: 1)
    assert checks.leftovers() == ["ECS cluster: 1", "NAT gateway: 2", "log group: 1"]
    with i18n.speaking("ja"):
        result = checks.nothing_left()
    assert result.details == ["ECSクラスタ: 1", "NATゲートウェイ: 2", "ロググループ: 1"]
    assert result.summary == "3 個のリソースがまだ残っています"
