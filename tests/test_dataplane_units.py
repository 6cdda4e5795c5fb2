"""Small pure pieces of the data plane: the clock, stream names, health states, IPs."""

from __future__ import annotations

from typing import Any

import pytest

from ecslab.dataplane import health
from ecslab.dataplane.awslogs import stream_name
from ecslab.dataplane.clock import Clock
from ecslab.dataplane.network import dns_name
from ecslab.errors import SettingError


def test_clock_scales_aws_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Is a 30 s health-check interval 3 s at the default scale of 10, and 30 s at 1?"""
    monkeypatch.delenv("ECSLAB_TIME_SCALE", raising=False)
    assert Clock().real(30) == 3
    monkeypatch.setenv("ECSLAB_TIME_SCALE", "1")
    assert Clock().real(30) == 30


def test_clock_rejects_a_non_positive_scale() -> None:
    """Does ECSLAB_TIME_SCALE=0 fail with the package's own error?"""
    with pytest.raises(SettingError, match="must be positive"):
        Clock(0)


def test_stream_name_is_prefix_container_task() -> None:
    """Is the stream named like the awslogs driver on Fargate?"""
    options = {"awslogs-stream-prefix": "nginx"}
    assert stream_name(options, "example", "4f5e") == "nginx/example/4f5e"


def test_private_dns_name() -> None:
    """Is an ENI's DNS name the one AWS gives?"""
    assert dns_name("10.0.65.7", "ap-northeast-1") == "ip-10-0-65-7.ap-northeast-1.compute.internal"


def _config(**overrides: Any) -> dict[str, Any]:
    return {"healthy": 5, "unhealthy": 2, "matcher": "200"} | overrides


def test_new_target_is_healthy_after_its_first_passing_check() -> None:
    """Does a target in `initial` become healthy on its first success?"""
    checker = health.HealthChecker(Clock(10), None)  # type: ignore[arg-type]
    target = health.TargetState()
    checker._record(target, None, _config())
    assert target.state == health.HEALTHY
    checker.close()


def test_unhealthy_needs_the_threshold_of_failures() -> None:
    """Does a healthy target turn unhealthy only after `unhealthy` failures, with AWS's reason?"""
    checker = health.HealthChecker(Clock(10), None)  # type: ignore[arg-type]
    target = health.TargetState(state=health.HEALTHY)
    checker._record(target, 404, _config())
    assert target.state == health.HEALTHY
    checker._record(target, 404, _config())
    assert target.state == (
        "unhealthy",
        "Target.ResponseCodeMismatch",
        "Health checks failed with these codes: [404]",
    )
    checker.close()


def test_unhealthy_target_needs_the_healthy_threshold_to_recover() -> None:
    """Does an unhealthy target need `healthy` consecutive successes?"""
    checker = health.HealthChecker(Clock(10), None)  # type: ignore[arg-type]
    target = health.TargetState(state=health.failure_state(0))
    for _ in range(4):
        checker._record(target, None, _config())
    assert target.state[0] == "unhealthy"
    checker._record(target, None, _config())
    assert target.state == health.HEALTHY
    checker.close()


def test_timeouts_and_refusals_have_their_own_reasons() -> None:
    """Are a timeout and a refused connection reported as AWS reports them?"""
    assert health.failure_state(-1) == ("unhealthy", "Target.Timeout", "Request timed out")
    assert health.failure_state(0)[1:] == ("Target.FailedHealthChecks", "Health checks failed")
