"""Does AWS mode show what the chapter costs and wait for an explicit yes, on every path?

AWS is moto in-process (`mock_aws`): no test ever calls real AWS, and "nothing spent"
is read from moto (no VPC, NAT gateway or load balancer was created).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from ecslab import fargate
from ecslab.account import cost
from ecslab.errors import CostNotConfirmed, FargateSizeError

_USER_VARS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")


@pytest.fixture
def aws_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """AWS mode with real-looking keys that only moto's in-process mock ever sees."""
    for name in _USER_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_TARGET", "aws")
    monkeypatch.setenv("ECSLAB_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake")
    monkeypatch.setenv("AWS_REGION", "ap-northeast-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    with mock_aws():
        yield tmp_path


def _spent() -> list[str]:
    """What of the chapter's billable stack exists in the mocked account (VPCs beyond the
    default one, NAT gateways, load balancers)."""
    ec2 = boto3.client("ec2", region_name="ap-northeast-1")
    vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]]
    nats = [n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"]]
    elbv2 = boto3.client("elbv2", region_name="ap-northeast-1")
    lbs = [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]]
    return vpcs + nats + lbs


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


def test_local_mode_has_nothing_to_confirm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Does `ecslab cost --confirm` in local mode say so, without asking AWS who we are?"""
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_TARGET", "local")
    with pytest.raises(CostNotConfirmed, match="local mode is free"):
        cost.confirm(cost.CONFIRMATION)


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


def test_confirmation_is_per_account_and_region(
    aws_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does a yes given for one account and region leave another region unconfirmed?"""
    cost.confirm(cost.CONFIRMATION)
    assert cost.where() == "123456789012/ap-northeast-1" and cost.is_confirmed()
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    assert not cost.is_confirmed()
    with pytest.raises(CostNotConfirmed, match="billable resources"):
        cost.require_confirmation()


def test_binder_refuses_aws_mode(aws_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Binder (nothing persists), is AWS mode refused, with where to go instead?"""
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    with pytest.raises(CostNotConfirmed, match="refused on Binder") as info:
        cost.confirm(cost.CONFIRMATION)
    assert "persistent storage" in info.value.hint
    assert not cost.is_confirmed()
    with pytest.raises(CostNotConfirmed, match="refused on Binder"):
        cost.require_confirmation()


def test_background_apply_is_not_started_before_consent(aws_home: Path) -> None:
    """Does preparing a section (`ecslab prepare --background`'s and `ecslab lab`'s path)
    refuse before spawning anything, and create nothing?"""
    from ecslab.notebook import lab
    from ecslab.tf import prepare, workspace

    ws = workspace.root()
    with pytest.raises(CostNotConfirmed, match="billable resources"):
        lab.prepare_workspace("03_web_server", background=True)
    assert prepare.status(ws).state == "none"
    assert _spent() == []


def test_cli_prepare_asks_first(aws_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Does `ecslab prepare` in AWS mode stop with the estimate and how to confirm?"""
    from ecslab import cli

    assert cli.main(["prepare", "--section", "03_web_server"]) == 1
    err = capsys.readouterr().err
    assert "This apply creates billable resources" in err and "ecslab cost --confirm" in err
    assert _spent() == []


def test_setup_without_consent_starts_nothing(aws_home: Path) -> None:
    """Does a notebook's setup cell in AWS mode place the files, start no background
    apply, and show the estimate with how to confirm?"""
    from ecslab.notebook import lab
    from ecslab.tf import prepare, workspace

    report = lab.setup("03_web_server")
    assert report.awaiting_consent
    text = repr(report)
    assert "NOT started" in text and cost.CONFIRMATION in text and "NAT gateway" in text
    assert prepare.status(workspace.root()).state == "none"
    assert _spent() == []


def test_make_lab_opens_jupyterlab_without_spending(
    aws_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does `ecslab lab` (make lab) in AWS mode start nothing billable, say why, and still
    open JupyterLab (where setup shows the estimate again)?"""
    from ecslab import cli

    opened: list[str] = []

    def execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        opened.append(path)
        raise SystemExit(0)

    monkeypatch.setattr(cli, "cmd_up", lambda _args: 0)
    monkeypatch.setattr(cli, "cmd_desk", lambda _args: 0)
    monkeypatch.setattr(cli.os, "execve", execve)
    with pytest.raises(SystemExit):
        cli.main(["lab"])
    assert opened and opened[0].endswith("jupyter")
    err = capsys.readouterr().err
    assert "wait for your consent" in err and "ecslab cost --confirm" in err
    assert _spent() == []


def test_the_bill_prices_the_whole_chapter_monthly() -> None:
    """Does the bill name NAT gateways, ALB, public IPv4, tasks and logs, with a monthly
    total of about USD 150 (mostly the NAT gateways) from the one price table?"""
    from ecslab import prices

    bill = cost.estimate()
    nat = next(line for line in bill.lines if line.item.startswith("NAT gateway"))
    assert nat.per_month == pytest.approx(2 * prices.NAT_GATEWAY_HOUR * 730)
    assert 140 < bill.per_month < 160 and nat.per_month > bill.per_month / 2
    html = bill._repr_html_()
    assert (
        "<caption>The chapter's stack on AWS, ap-northeast-1 (Tokyo), on-demand prices of " in html
    )
    assert (
        f"<td>Total</td><td></td><td></td><td style='text-align:right'>{bill.per_hour:.4f}" in html
    )


def test_fargate_and_the_bill_read_the_same_prices() -> None:
    """Do the Fargate table and the bill share one dated price table (no second copy)?"""
    from ecslab import prices

    assert fargate.PRICES_AS_OF is prices.AS_OF is cost.PRICES_AS_OF
    task = next(line for line in cost.estimate().lines if line.item.startswith("Fargate"))
    assert task.per_month == pytest.approx(fargate.validate(256, 512).monthly_cost(2), abs=0.01)


def test_the_bill_speaks_japanese_with_aligned_columns() -> None:
    """Under Japanese, are the bill's items, total and HTML headings Japanese, the prices
    and AWS's product names unchanged, and the columns aligned in terminal columns?"""
    from ecslab import i18n

    with i18n.speaking("ja"):
        bill = cost.estimate()
        text, html = bill.text(), bill._repr_html_()
    rows = text.splitlines()[1:8]
    assert rows[0].startswith("  NATゲートウェイ (AZごとに1つ)")
    assert len({i18n.width(row.split(" x")[0]) for row in rows}) == 1, rows
    assert f"合計 ${bill.per_hour:.3f}/時間" in text
    assert "Application Load Balancer (1 LCU 未満)" in text
    assert "<th scope='col'>単価</th>" in html and "<td>合計</td>" in html


def test_a_casual_yes_is_refused_in_japanese(aws_home: Path) -> None:
    """Under Japanese, is a casual answer refused in Japanese, the hint still naming the
    exact (English) phrase to type?"""
    from ecslab import i18n

    with i18n.speaking("ja"), pytest.raises(CostNotConfirmed) as info:
        cost.confirm("はい")
    assert str(info.value) == "確認されませんでした。AWS アカウントには何も作成しません。"
    assert info.value.hint == f'続けるには、次のとおりに入力してください: "{cost.CONFIRMATION}"'
