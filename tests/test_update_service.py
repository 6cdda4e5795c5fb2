"""Does UpdateService answer as on AWS (section 9.4's `aws ecs update-service` output)?

AWS's UpdateService response already shows the resolved task definition ARN and the new
deployment first (PRIMARY, IN_PROGRESS), the previous one after it (ACTIVE); the learner
reads exactly that output. DescribeServices and ListServices must agree right after.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

Client = Callable[[str], Any]
CLUSTER = "update"


@pytest.fixture(scope="module")
def network(local_cloud: Any) -> Iterator[dict[str, Any]]:
    """A cluster, a subnet, a security group and revision 1 of family `update`; removed after,
    since the session's cloud is shared (test_chapter9 wants it empty)."""
    ec2, ecs = local_cloud.client("ec2"), local_cloud.client("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(
        VpcId=vpc, CidrBlock="10.10.1.0/24", AvailabilityZone="ap-northeast-1a"
    )["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="update", Description="t", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName=CLUSTER)
    try:
        yield {"vpc": vpc, "subnet": subnet, "group": group, "first": _register(ecs)}
    finally:
        for arn in ecs.list_services(cluster=CLUSTER)["serviceArns"]:
            ecs.delete_service(cluster=CLUSTER, service=arn, force=True)
        ecs.delete_cluster(cluster=CLUSTER)
        for arn in ecs.list_task_definitions(familyPrefix=CLUSTER)["taskDefinitionArns"]:
            ecs.deregister_task_definition(taskDefinition=arn)
        ec2.delete_security_group(GroupId=group)
        ec2.delete_subnet(SubnetId=subnet)
        ec2.delete_vpc(VpcId=vpc)


def _register(ecs: Any) -> str:
    """A new revision of family `update`; its ARN."""
    return str(
        ecs.register_task_definition(
            family=CLUSTER,
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "nginx", "image": "nginx:latest", "essential": True}],
        )["taskDefinition"]["taskDefinitionArn"]
    )


def _create(ecs: Any, network: dict[str, Any], name: str) -> dict[str, Any]:
    """A Fargate service of no tasks (nothing to run, deployments all the same) of the family."""
    vpc_config = {"subnets": [network["subnet"]], "securityGroups": [network["group"]]}
    return dict(
        ecs.create_service(
            cluster=CLUSTER,
            serviceName=name,
            taskDefinition=CLUSTER,
            desiredCount=0,
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": vpc_config},
        )["service"]
    )


def _describe(ecs: Any, name: str) -> dict[str, Any]:
    return dict(ecs.describe_services(cluster=CLUSTER, services=[name])["services"][0])


def _settled(ecs: Any, name: str, timeout: float = 20) -> dict[str, Any]:
    """DescribeServices once the service's only deployment has completed (bounded poll)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        service = _describe(ecs, name)
        deployments = service["deployments"]
        if len(deployments) == 1 and deployments[0]["rolloutState"] == "COMPLETED":
            return service
        time.sleep(0.05)
    raise AssertionError(f"the deployment of {name} never completed: {service['deployments']}")


def _assert_new_primary(
    updated: dict[str, Any], before: dict[str, Any], task_definition: str
) -> None:
    """The response's service as AWS's: resolved ARN, new PRIMARY first, previous ACTIVE after."""
    assert updated["taskDefinition"] == task_definition
    new, previous = updated["deployments"]
    assert (new["status"], new["rolloutState"]) == ("PRIMARY", "IN_PROGRESS")
    assert new["taskDefinition"] == task_definition
    assert new["id"] != before["deployments"][0]["id"]
    assert (previous["id"], previous["status"]) == (before["deployments"][0]["id"], "ACTIVE")
    assert previous["taskDefinition"] == before["taskDefinition"]


def test_update_to_a_family_answers_with_the_new_revision_arn_and_primary_deployment(
    aws_client: Client, network: dict[str, Any]
) -> None:
    """Does `update-service --task-definition <family> --force-new-deployment` answer with the
    latest revision's ARN and the new PRIMARY deployment first, as section 9.4 prints it?"""
    ecs = aws_client("ecs")
    _create(ecs, network, "family")
    before = _settled(ecs, "family")
    second = _register(ecs)
    updated = ecs.update_service(
        cluster=CLUSTER, service="family", taskDefinition=CLUSTER, forceNewDeployment=True
    )["service"]
    _assert_new_primary(updated, before, second)
    described = _describe(ecs, "family")
    assert described["taskDefinition"] == second
    # The same PRIMARY deployment; the old one may already be gone (its tasks drain at once
    # with desiredCount 0), but DescribeServices shows no deployment UpdateService did not.
    seen = [(d["id"], d["taskDefinition"]) for d in described["deployments"]]
    answered = [(d["id"], d["taskDefinition"]) for d in updated["deployments"]]
    assert seen[0] == answered[0] and set(seen) <= set(answered)
    assert updated["serviceArn"] in ecs.list_services(cluster=CLUSTER)["serviceArns"]


def test_force_new_deployment_alone_starts_a_new_primary_deployment(
    aws_client: Client, network: dict[str, Any]
) -> None:
    """Does `--force-new-deployment` without a task definition answer with a new PRIMARY
    deployment of the same revision (not the old deployment under a new id)?"""
    ecs = aws_client("ecs")
    _create(ecs, network, "force")
    before = _settled(ecs, "force")
    updated = ecs.update_service(cluster=CLUSTER, service="force", forceNewDeployment=True)[
        "service"
    ]
    _assert_new_primary(updated, before, before["taskDefinition"])
    assert _describe(ecs, "force")["deployments"][0]["id"] == updated["deployments"][0]["id"]


def test_family_and_revision_is_answered_as_an_arn(
    aws_client: Client, network: dict[str, Any]
) -> None:
    """Is `--task-definition family:revision` answered with the full ARN too?"""
    ecs = aws_client("ecs")
    _create(ecs, network, "revision")
    before = _settled(ecs, "revision")
    updated = ecs.update_service(
        cluster=CLUSTER, service="revision", taskDefinition=f"{CLUSTER}:1", forceNewDeployment=True
    )["service"]
    _assert_new_primary(updated, before, network["first"])


def test_update_right_after_create_still_answers_with_both_deployments(
    aws_client: Client, network: dict[str, Any]
) -> None:
    """Does an update sent before the scheduler has looked at a new service still answer with
    the new PRIMARY deployment and the service's first one as ACTIVE?"""
    ecs = aws_client("ecs")
    created = _create(ecs, network, "early")
    updated = ecs.update_service(cluster=CLUSTER, service="early", forceNewDeployment=True)[
        "service"
    ]
    assert updated["taskDefinition"] == created["taskDefinition"]
    new, previous = updated["deployments"]
    assert (new["status"], previous["status"]) == ("PRIMARY", "ACTIVE")
    assert previous["id"] == created["deployments"][0]["id"] != new["id"]


def test_scaling_alone_keeps_the_deployment(aws_client: Client, network: dict[str, Any]) -> None:
    """Does changing only desiredCount answer with the same single deployment, and no tasks
    counted as running before any has started?"""
    ecs = aws_client("ecs")
    _create(ecs, network, "scale")
    before = _settled(ecs, "scale")
    updated = ecs.update_service(cluster=CLUSTER, service="scale", desiredCount=1)["service"]
    assert [d["id"] for d in updated["deployments"]] == [before["deployments"][0]["id"]]
    assert (updated["taskDefinition"], updated["desiredCount"]) == (before["taskDefinition"], 1)
    assert updated["runningCount"] == 0
    ecs.update_service(cluster=CLUSTER, service="scale", desiredCount=0)


def test_a_service_the_local_fargate_does_not_run_also_gets_the_arn(
    aws_client: Client, network: dict[str, Any]
) -> None:
    """Does UpdateService keep the full ARN for an EC2 service too (moto alone keeps `family`)?"""
    ecs = aws_client("ecs")
    ecs.create_service(
        cluster=CLUSTER, serviceName="ec2", taskDefinition=network["first"], desiredCount=0
    )
    updated = ecs.update_service(cluster=CLUSTER, service="ec2", taskDefinition=f"{CLUSTER}:1")
    assert updated["service"]["taskDefinition"] == network["first"]
    assert _describe(ecs, "ec2")["taskDefinition"] == network["first"]
