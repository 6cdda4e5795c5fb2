"""Integration: terraform/chapter9 against a local cloud of the tests' own.

apply (the shared `applied_chapter`), an immediate second plan shows nothing to do,
destroy, and boto3 finds nothing left. Also: a wrong task size is stopped by the
chapter's own validation, with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fixtures_stack import AppliedChapter, copy_terraform

from ecslab.tf.runner import Terraform, TerraformDiagnosticError

pytestmark = pytest.mark.integration

#: Resources one apply of the chapter creates (Terraform's "Plan: N to add").
RESOURCES = 36


def test_apply_creates_every_resource(applied_chapter: AppliedChapter) -> None:
    """Does the apply create all the chapter's resources and report the outputs?"""
    assert applied_chapter.plan.add == RESOURCES
    assert applied_chapter.applied is not None
    assert applied_chapter.applied.add == RESOURCES
    assert applied_chapter.outputs["ecs_service_name"] == "example"
    assert applied_chapter.outputs["log_group_name"] == "/ecs/example"
    assert applied_chapter.outputs["alb_dns_name"]


def test_second_plan_has_no_changes(applied_chapter: AppliedChapter) -> None:
    """Right after the apply, does a new plan find nothing to change?"""
    plan = applied_chapter.terraform.plan()
    diff = {c.address: _changed_keys(c.before, c.after) for c in plan.changes}
    assert plan.empty, f"{plan}: {diff}"


def _changed_keys(before: Any, after: Any) -> list[str]:
    before, after = before or {}, after or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def test_wrong_task_size_is_refused_before_aws(local_cloud: Any, tmp_path: Path) -> None:
    """Does cpu 256 with memory 4096 fail at plan, naming the memory values 256 allows?"""
    terraform = Terraform(copy_terraform(tmp_path), "local", {"task_memory": "4096"})
    terraform.init()
    with pytest.raises(TerraformDiagnosticError) as err:
        terraform.plan()
    assert "With cpu 256, Fargate offers memory 512, 1024, 2048" in str(err.value)
    assert "variables.tf" in str(err.value)


def leftovers(client: Callable[[str], Any]) -> dict[str, list[str]]:
    """Every chapter resource the local cloud still holds, by kind (defaults excluded)."""
    ec2, elbv2, ecs = client("ec2"), client("elbv2"), client("ecs")
    logs, iam = client("logs"), client("iam")
    vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
    found = {
        "vpcs": vpcs,
        "subnets": [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] in vpcs],
        "nat_gateways": [
            n["NatGatewayId"]
            for n in ec2.describe_nat_gateways()["NatGateways"]
            if n["State"] not in ("deleted", "deleting")
        ],
        "eips": [a.get("AllocationId", "") for a in ec2.describe_addresses()["Addresses"]],
        "security_groups": [
            g["GroupName"]
            for g in ec2.describe_security_groups()["SecurityGroups"]
            if g["GroupName"] in ("http-sg", "nginx-sg")
        ],
        "load_balancers": [
            lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]
        ],
        "target_groups": [
            tg["TargetGroupName"] for tg in elbv2.describe_target_groups()["TargetGroups"]
        ],
        "clusters": [
            c["clusterName"]
            for c in ecs.describe_clusters(clusters=ecs.list_clusters()["clusterArns"])["clusters"]
            if c["status"] == "ACTIVE"
        ],
        "task_definitions": ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"],
        "log_groups": [
            g["logGroupName"]
            for g in logs.describe_log_groups(logGroupNamePrefix="/ecs/example")["logGroups"]
        ],
        "iam_roles": [
            r["RoleName"]
            for r in iam.list_roles()["Roles"]
            if r["RoleName"] == "ecs-task-execution"
        ],
        "iam_policies": [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]],
    }
    return {kind: names for kind, names in found.items() if names}
