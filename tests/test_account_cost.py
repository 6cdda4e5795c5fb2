"""Does AWS mode show what the chapter costs and wait for an explicit yes?"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecslab import fargate
from ecslab.account import cost
from ecslab.errors import CostNotConfirmed, FargateSizeError


@pytest.fixture
def aws_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_TARGET", "aws")
    return tmp_path


def test_estimate_itemises_nat_ips_alb_tasks_and_logs() -> None:
    """Are the two NAT gateways, their IPv4s, the ALB, two tasks and the logs all priced?"""
    items = " ".join(line.item for line in cost.estimate().lines)
    for word in ("NAT gateway", "EIP", "Load Balancer", "Fargate task", "Logs"):
        assert word in items


def test_tasks_are_priced_from_the_one_fargate_table() -> None:
    """Is the Fargate line the same number the task-size widget shows?"""
    task = next(x for x in cost.estimate(1024, 2048).lines if "Fargate" in x.item)
    monthly = fargate.TaskSize(1024, 2048).monthly_cost(2)
    assert task.per_hour == pytest.approx(monthly / fargate.HOURS_PER_MONTH, abs=1e-5)


def test_nat_gateways_dominate_the_bill() -> None:
    """Does the estimate say what a forgotten stack costs (NAT gateways most of it)?"""
    estimate = cost.estimate()
    assert 0.15 < estimate.per_hour < 0.3
    assert "a month if you forget to destroy" in estimate.text()
    assert str(cost.PRICES_AS_OF) in estimate.text()


def test_an_invalid_size_is_refused() -> None:
    """Is an estimate for a size Fargate does not offer an error, not a number?"""
    with pytest.raises(FargateSizeError, match="No Fargate configuration exists"):
        cost.estimate(256, 4096)


def test_local_mode_never_asks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Is the free local cloud applied without any confirmation?"""
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_TARGET", "local")
    cost.require_confirmation()


def test_aws_apply_is_refused_until_confirmed(aws_home: Path) -> None:
    """Before the first AWS apply, is the estimate shown and the apply refused?"""
    with pytest.raises(CostNotConfirmed, match="NAT gateway") as info:
        cost.require_confirmation()
    assert cost.CONFIRMATION in info.value.hint


def test_a_casual_yes_is_not_a_confirmation(aws_home: Path) -> None:
    """Does "y" leave the account untouched?"""
    with pytest.raises(CostNotConfirmed, match="nothing will be created"):
        cost.confirm("y")
    assert not cost.is_confirmed()


def test_confirmation_is_recorded_and_forgotten(aws_home: Path) -> None:
    """Once confirmed, do applies go on; after forget(), does it ask again?"""
    record = cost.confirm(cost.CONFIRMATION)
    assert record.parent == aws_home and "usd_per_hour" in record.read_text()
    cost.require_confirmation()
    cost.forget()
    assert not cost.is_confirmed()
