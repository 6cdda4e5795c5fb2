"""After a destroy, does the lab list what still bills, and only the lab's (and learner's)?

Against moto in-process (`mock_aws`): no test ever calls real AWS.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from ecslab.account import leftovers

REGION = "ap-northeast-1"


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "ana")
    with mock_aws():
        yield


def _client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)  # type: ignore[call-overload]


def _tags(learner: str) -> list[dict[str, str]]:
    return [
        {"Key": "ecslab:lab", "Value": "pragmatic-terraform-ch9"},
        {"Key": "ecslab:learner", "Value": learner},
    ]


def _stack(learner: str) -> dict[str, str]:
    """What a forgotten chapter leaves: NAT gateway + EIP, ALB, ECS service, log group."""
    ec2 = _client("ec2")
    spec = lambda kind: [{"ResourceType": kind, "Tags": _tags(learner)}]  # noqa: E731
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")
        for i, az in ((1, "a"), (2, "c"))
    ]
    eip = ec2.allocate_address(Domain="vpc", TagSpecifications=spec("elastic-ip"))["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=subnets[0]["Subnet"]["SubnetId"],
        AllocationId=eip,
        TagSpecifications=spec("natgateway"),
    )["NatGateway"]["NatGatewayId"]
    alb = _client("elbv2").create_load_balancer(
        Name=f"{learner}-example",
        Subnets=[s["Subnet"]["SubnetId"] for s in subnets],
        Tags=_tags(learner),
    )["LoadBalancers"][0]["LoadBalancerArn"]
    ecs = _client("ecs")
    cluster = ecs.create_cluster(clusterName=f"{learner}-example")["cluster"]["clusterArn"]
    ecs.register_task_definition(
        family=f"{learner}-example",
        containerDefinitions=[{"name": "example", "image": "nginx", "memory": 512}],
    )
    ecs_tags = [{"key": t["Key"], "value": t["Value"]} for t in _tags(learner)]
    ecs.create_service(
        cluster=cluster,
        serviceName=f"{learner}-example",
        taskDefinition=f"{learner}-example",
        desiredCount=2,
        tags=ecs_tags,
    )
    _client("logs").create_log_group(
        logGroupName=f"/ecs/{learner}-example", tags={t["Key"]: t["Value"] for t in _tags(learner)}
    )
    return {"eip": eip, "nat": nat, "alb": alb, "cluster": cluster}


def _kinds(items: list[leftovers.Leftover]) -> set[str]:
    return {item.kind for item in items}


def test_a_forgotten_stack_is_listed(account: None) -> None:
    """Are the NAT gateway, the EIP, the ALB, the service and the log group all reported?"""
    _stack("ana")
    kinds = _kinds(leftovers.find())
    assert {"NAT gateway", "Elastic IP", "Load balancer", "ECS service", "Log group"} <= kinds


def test_other_learners_resources_are_not_mine(account: None) -> None:
    """In a shared account, is only this learner's stack reported?"""
    _stack("bob")
    assert leftovers.find() == []


def test_a_clean_account_says_so(account: None) -> None:
    """After everything is deleted, does the report say the account is clean?"""
    made = _stack("ana")
    ec2, ecs = _client("ec2"), _client("ecs")
    ec2.delete_nat_gateway(NatGatewayId=made["nat"])
    ec2.release_address(AllocationId=made["eip"])
    _client("elbv2").delete_load_balancer(LoadBalancerArn=made["alb"])
    ecs.delete_service(cluster=made["cluster"], service="ana-example", force=True)
    _client("logs").delete_log_group(logGroupName="/ecs/ana-example")
    items = leftovers.find()
    assert items == [], leftovers.report(items)
    assert "the account is clean" in leftovers.report(items)


def test_report_names_what_bills() -> None:
    """Does each line say what it is, its id, its state and why it bills?"""
    item = leftovers.Leftover("NAT gateway", "nat-123", "available", "$/hour + $/GB")
    text = leftovers.report([item])
    assert "1 resource(s)" in text and "nat-123  (available; $/hour + $/GB)" in text


def test_tagged_resources_without_a_direct_check_are_listed(account: None) -> None:
    """Is a billable resource the learner added (here an EBS volume) found through its tag?"""
    _client("ec2").create_volume(
        AvailabilityZone=f"{REGION}a",
        Size=1,
        TagSpecifications=[{"ResourceType": "volume", "Tags": _tags("ana")}],
    )
    assert _kinds(leftovers.find()) == {"ec2 volume"}


def test_the_cleanup_check_in_aws_mode_sees_only_the_lab(
    account: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a real account with other resources, does `checks.nothing_left()` ignore them?"""
    from ecslab.notebook import checks

    monkeypatch.setenv("ECSLAB_TARGET", "aws")
    _client("ec2").create_vpc(CidrBlock="10.9.0.0/16")  # someone else's, untagged
    assert checks.nothing_left().passed
    _stack("ana")
    result = checks.nothing_left()
    assert not result.passed and any(d.startswith("NAT gateway nat-") for d in result.details)


def test_aws_mode_checks_the_learners_own_load_balancer(
    account: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With other ALBs in the account, does the nginx check pick the lab's (prefixed) one?"""
    from ecslab.notebook import checks

    monkeypatch.setenv("ECSLAB_TARGET", "aws")
    _stack("bob")
    _stack("ana")
    assert checks.lb_url().startswith("http://ana-example-")


def test_a_group_past_the_first_page_is_found(account: None) -> None:
    """With 50 other log groups before it (Logs' first page), is the lab's still found?"""
    logs = _client("logs")
    for i in range(50):
        logs.create_log_group(logGroupName=f"/a/other-{i:02d}")
    logs.create_log_group(
        logGroupName="/ecs/ana-example", tags={t["Key"]: t["Value"] for t in _tags("ana")}
    )
    assert logs.describe_log_groups()["logGroups"][-1]["logGroupName"] == "/a/other-49"
    assert [i.id for i in leftovers.find()] == ["/ecs/ana-example"]


def test_every_region_the_lab_used_is_searched(
    account: None, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Confirmed (and applied) in us-east-1, is a leftover there found from another region?"""
    from ecslab.account import cost

    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_TARGET", "aws")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    cost.confirm(cost.CONFIRMATION)
    boto3.client("ec2", region_name="us-east-1").allocate_address(
        Domain="vpc", TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": _tags("ana")}]
    )
    cost.forget()  # a destroy forgets the consent, not the region
    monkeypatch.setenv("AWS_REGION", REGION)
    found = leftovers.find()
    assert [(i.kind, i.region) for i in found] == [("Elastic IP", "us-east-1")]
    assert "us-east-1" in leftovers.report(found)


def test_the_report_speaks_japanese_and_keeps_aws_words() -> None:
    """Under Japanese, does the report name the kind in the book's words and why it bills,
    while the id and AWS's own state (`available`) stay as AWS says them?"""
    from ecslab import i18n

    item = leftovers.Leftover("NAT gateway", "nat-123", "available", "$/hour + $/GB")
    with i18n.speaking("ja"):
        text = leftovers.report([item])
        clean = leftovers.report([])
    assert "ラボのリソースが 1 個残っていて" in text
    assert "  NATゲートウェイ" + " " * 7 + " nat-123  (available; $/時間 + $/GB)" in text
    assert clean == "料金のかかるラボのリソースは残っていません。アカウントはきれいな状態です。"
