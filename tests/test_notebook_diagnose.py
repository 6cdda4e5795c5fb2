"""Do the explaining checks say why, in AWS's words, what the local cloud really did?

Each test starts an in-process local cloud (dataplane_support) with the chapter's names,
breaks one thing the way the lab does (the book's `nginx/latest`, a health check path
nginx does not serve), and asks ecslab.notebook.diagnose through its public clients.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dataplane_support import (
    Cloud,
    Stack,
    local_cloud,
    network_and_alb,
    service,
    task_definition,
    wait_for,
)

from ecslab import i18n
from ecslab.notebook import checks, diagnose

#: Fast enough that a 30 s health-check interval takes 0.6 s.
SCALE = 50


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Cloud]:
    """A cloud of this test's own (the checks look for the book's names), ecslab's clients
    and time scale pointed at it."""
    with (
        pytest.MonkeyPatch.context() as mp,
        local_cloud(tmp_path / "home", scale=SCALE) as running,
    ):
        mp.setenv("ECSLAB_PORT", str(running.host.port))
        mp.setenv("ECSLAB_TARGET", "local")
        mp.setenv("ECSLAB_TIME_SCALE", str(SCALE))
        yield running


def _stack(cloud: Cloud, health_path: str = "/") -> Stack:
    stack = network_and_alb(cloud, health_path=health_path)
    cloud.client("logs").create_log_group(logGroupName="/ecs/example")
    return stack


def _failed_tasks(cloud: Cloud) -> Any:
    ecs = cloud.client("ecs")
    return ecs.list_tasks(cluster="example", desiredStatus="STOPPED")["taskArns"]


def test_notebooks_reach_them_as_checks() -> None:
    """Are the explaining checks exported by checks, the module notebooks import?"""
    exported = vars(checks)
    assert exported["task_failure"] is diagnose.task_failure
    assert exported["target_health"] is diagnose.target_health


def test_reason_code_is_the_head_of_a_stopped_reason() -> None:
    """Is AWS's code read from the head of a stoppedReason, and none from plain words?"""
    assert checks.reason_code("CannotPullContainerError: pull image manifest") == (
        "CannotPullContainerError"
    )
    assert checks.reason_code("Task failed ELB health checks in (target-group x)") == ""


def test_the_books_image_fails_to_pull_and_the_hint_names_the_official_one(cloud: Cloud) -> None:
    """With listing 9.3's "nginx/latest", does task_failure fail with CannotPullContainerError
    and tell the learner to write "nginx:latest"?"""
    stack = _stack(cloud)
    service(cloud, stack, task_definition(cloud, stack, image="nginx/latest"))
    wait_for("a task that failed to start", lambda: _failed_tasks(cloud))
    result = diagnose.task_failure()
    assert not result.passed and result.reason == "CannotPullContainerError"
    assert result.facts["image"] == "nginx/latest"
    assert result.facts["stop_code"] == "TaskFailedToStart"
    assert result.summary == "Tasks of example:1 stop: CannotPullContainerError"
    assert '"image": "nginx:latest" in container_definitions.json' in result.hint
    assert "still runs" not in result.hint


def test_a_fix_the_service_never_got_is_named(cloud: Cloud) -> None:
    """When the fixed revision is registered but the service still runs the broken one (as
    with ignore_changes), does the hint say which revision runs and why?"""
    stack = _stack(cloud)
    service(cloud, stack, task_definition(cloud, stack, image="nginx/latest"))
    task_definition(cloud, stack, image="nginx:latest")
    wait_for("a task that failed to start", lambda: _failed_tasks(cloud))
    result = diagnose.task_failure()
    assert result.facts["revision"] == "example:1"
    assert result.facts["latest_revision"] == "example:2"
    assert "Your latest revision is example:2, but the service still runs example:1" in (
        result.hint
    )
    assert "ignore_changes = [task_definition]" in result.hint


def test_no_service_is_said_not_blamed_on_tasks(cloud: Cloud) -> None:
    """Without a service, does task_failure say so (and not invent a stopped reason)?"""
    _stack(cloud)
    cloud.client("ecs").create_cluster(clusterName="example")
    result = diagnose.task_failure(wait=0)
    assert not result.passed and result.facts == {"exists": False}
    assert result.summary == "No ACTIVE service 'example'"


def test_a_healthy_service_passes_both(cloud: Cloud) -> None:
    """Does a service of the official image pass both checks, saying how many run?"""
    stack = _stack(cloud)
    service(cloud, stack, task_definition(cloud, stack))
    failure, health = diagnose.task_failure(), diagnose.target_health()
    assert failure.passed and health.passed, (failure, health)
    assert failure.summary == "No task of example:1 stopped: 2 of 2 running"
    assert health.summary == "All 2 targets of target group 'example' are healthy"
    assert health.facts["states"] == ["healthy", "healthy"]


def test_a_health_check_path_nginx_does_not_serve_is_a_response_code_mismatch(
    cloud: Cloud,
) -> None:
    """Once the health check asks for /health (changed by hand, as the lab does), does
    target_health wait for the next checks and fail with Target.ResponseCodeMismatch, the
    404 AWS reports, and the path to put back?"""
    stack = _stack(cloud)
    service(cloud, stack, task_definition(cloud, stack))
    assert diagnose.target_health().passed  # healthy first, as in the lab
    elbv2 = cloud.client("elbv2")
    elbv2.modify_target_group(TargetGroupArn=stack.target_group, HealthCheckPath="/health")
    result = diagnose.target_health(changed=True)
    assert not result.passed and result.reason == "Target.ResponseCodeMismatch"
    assert result.facts["path"] == "/health" and result.facts["matcher"] == "200"
    assert result.facts["description"] == "Health checks failed with these codes: [404]"
    assert "put the health check's path back to '/'" in result.hint
    assert "health check: GET /health on the traffic port, expects HTTP 200" in result.details


# --- in Japanese (日本語版) ---------------------------------------------------------------


def test_the_pull_failure_is_explained_in_japanese_with_awss_words_kept(cloud: Cloud) -> None:
    """In the Japanese edition, do task_failure and the nginx check (a 503, for want of a
    healthy target) explain CannotPullContainerError in Japanese, while AWS's code and its
    stoppedReason stay as AWS writes them? (One cloud for both: they read the same failure.)"""
    stack = _stack(cloud)
    service(cloud, stack, task_definition(cloud, stack, image="nginx/latest"))
    wait_for("a task that failed to start", lambda: _failed_tasks(cloud))
    with i18n.speaking("ja"):
        result, nginx = diagnose.task_failure(), checks.nginx_answers(wait=0)
        shown = repr(result)
    assert result.reason == "CannotPullContainerError"
    assert result.summary == "example:1 のタスクが停止しています: CannotPullContainerError"
    assert result.hint.startswith("ECS がコンテナのイメージを取得（pull）できませんでした。")
    assert 'container_definitions.json に "image": "nginx:latest" と書いてから' in result.hint
    assert result.details[0] == "停止理由 (stoppedReason): " + result.facts["stopped_reason"]
    assert result.facts["stopped_reason"].startswith("CannotPullContainerError: ")
    assert "AWS が示す理由: CannotPullContainerError" in shown
    assert not nginx.passed and nginx.facts["status"] == 503
    assert nginx.summary == "ロードバランサーの応答は HTTP 503 で、nginx のページではありません"
    assert nginx.hint.startswith("503: 正常なターゲットがありません。")
    assert "停止したタスクがあります: CannotPullContainerError: " in nginx.hint
    assert nginx.reason == "CannotPullContainerError"


def test_an_unhealthy_target_is_explained_in_japanese() -> None:
    """Is Target.ResponseCodeMismatch explained in Japanese (the book's ヘルスチェック猶予期間),
    with AWS's code and the path left as they are?"""
    with i18n.speaking("ja"):
        hint = diagnose._target_hint("Target.ResponseCodeMismatch", {"path": "/health"}, True)
    assert hint.startswith("ヘルスチェックに HTTP の応答はありましたが、matcher が受け付ける")
    assert "/health ではありません" in hint and "フェイルオープン" in hint
    assert "ヘルスチェック猶予期間が過ぎると" in hint
