"""moto patched to keep what AWS keeps (through the API of a local cloud of the tests' own).

The end-to-end check, an empty second plan after applying the chapter, lives in
tests/test_chapter9.py; these tests pin each kept parameter on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ecslab import moto_seam
from ecslab.cloud import moto_patches

Client = Callable[[str], Any]


@pytest.fixture(scope="module")
def network(local_cloud: Any) -> Iterator[dict[str, str]]:
    """A cluster, a subnet, a security group and a Fargate task definition to make services of;
    removed afterwards, since the session's cloud is shared (test_chapter9 wants it empty)."""
    ec2, ecs = local_cloud.client("ec2"), local_cloud.client("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=zone)["Subnet"]
        for i, zone in ((1, "ap-northeast-1a"), (2, "ap-northeast-1c"))
    ]
    group = ec2.create_security_group(GroupName="patches", Description="t", VpcId=vpc)["GroupId"]
    target_group = _load_balancer(
        local_cloud.client("elbv2"), vpc, [s["SubnetId"] for s in subnets]
    )
    ecs.create_cluster(clusterName="patches")
    ecs.register_task_definition(
        family="patches",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "nginx",
                "image": "nginx:latest",
                "essential": True,
                "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
            }
        ],
    )
    yield {"subnet": subnets[0]["SubnetId"], "group": group, "target_group": target_group}
    _remove_everything(local_cloud.client, vpc)


def _remove_everything(client: Client, vpc: str) -> None:
    """Delete what `network` and the tests made, dependents first."""
    ecs, elbv2, ec2 = client("ecs"), client("elbv2"), client("ec2")
    for arn in ecs.list_services(cluster="patches")["serviceArns"]:
        ecs.delete_service(cluster="patches", service=arn, force=True)
    ecs.delete_cluster(cluster="patches")
    for arn in ecs.list_task_definitions(familyPrefix="patches")["taskDefinitionArns"]:
        ecs.deregister_task_definition(taskDefinition=arn)
    for lb in elbv2.describe_load_balancers(Names=["patches"])["LoadBalancers"]:
        for listener in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])[
            "Listeners"
        ]:
            elbv2.delete_listener(ListenerArn=listener["ListenerArn"])
        elbv2.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
    for group in elbv2.describe_target_groups(Names=["patches"])["TargetGroups"]:
        elbv2.delete_target_group(TargetGroupArn=group["TargetGroupArn"])
    for group in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
        "SecurityGroups"
    ]:
        if group["GroupName"] != "default":
            ec2.delete_security_group(GroupId=group["GroupId"])
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    ec2.delete_vpc(VpcId=vpc)


def _load_balancer(elbv2: Any, vpc: str, subnets: list[str]) -> str:
    """An ALB with a listener forwarding to an ip target group; the target group's ARN."""
    lb = elbv2.create_load_balancer(Name="patches", Subnets=subnets)["LoadBalancers"][0]
    group = elbv2.create_target_group(
        Name="patches", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    return group  # type: ignore[no-any-return]


def _behind_load_balancer(network: dict[str, str]) -> list[dict[str, Any]]:
    """The loadBalancers parameter of a service behind the test's ALB."""
    return [
        {"targetGroupArn": network["target_group"], "containerName": "nginx", "containerPort": 80}
    ]


def _create(ecs: Any, network: dict[str, str], name: str, **extra: Any) -> dict[str, Any]:
    """Create a service of no tasks (the data plane has nothing to run) with `extra`."""
    vpc_config = {"subnets": [network["subnet"]], "securityGroups": [network["group"]]}
    ecs.create_service(
        cluster="patches",
        serviceName=name,
        taskDefinition="patches",
        desiredCount=0,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": vpc_config},
        **extra,
    )
    return ecs.describe_services(cluster="patches", services=[name])["services"][0]  # type: ignore[no-any-return]


def test_grace_period_is_kept(aws_client: Client, network: dict[str, str]) -> None:
    """Does DescribeServices return the healthCheckGracePeriodSeconds given to CreateService?"""
    service = _create(
        aws_client("ecs"),
        network,
        "grace",
        healthCheckGracePeriodSeconds=60,
        loadBalancers=_behind_load_balancer(network),
    )
    assert service["healthCheckGracePeriodSeconds"] == 60


def test_availability_zone_rebalancing_is_kept(aws_client: Client, network: dict[str, str]) -> None:
    """Does DescribeServices return the availabilityZoneRebalancing given to CreateService?"""
    service = _create(
        aws_client("ecs"), network, "rebalance", availabilityZoneRebalancing="DISABLED"
    )
    assert service["availabilityZoneRebalancing"] == "DISABLED"


def test_deployment_configuration_is_kept(aws_client: Client, network: dict[str, str]) -> None:
    """Are the rolling-update limits kept (the data plane reads them)?"""
    config = {"maximumPercent": 150, "minimumHealthyPercent": 50}
    service = _create(aws_client("ecs"), network, "deploy", deploymentConfiguration=config)
    assert service["deploymentConfiguration"]["maximumPercent"] == 150
    assert service["deploymentConfiguration"]["minimumHealthyPercent"] == 50


def test_update_service_changes_a_kept_value(aws_client: Client, network: dict[str, str]) -> None:
    """Does UpdateService still change a kept parameter?"""
    ecs = aws_client("ecs")
    _create(
        ecs,
        network,
        "updated",
        healthCheckGracePeriodSeconds=60,
        loadBalancers=_behind_load_balancer(network),
    )
    ecs.update_service(cluster="patches", service="updated", healthCheckGracePeriodSeconds=30)
    service = ecs.describe_services(cluster="patches", services=["updated"])["services"][0]
    assert service["healthCheckGracePeriodSeconds"] == 30


def test_parameters_not_sent_are_not_invented(aws_client: Client, network: dict[str, str]) -> None:
    """Is a parameter the client did not send left out, as before the patch?"""
    service = _create(aws_client("ecs"), network, "plain")
    assert "availabilityZoneRebalancing" not in service


def test_apply_twice_wraps_once() -> None:
    """Is applying the patches twice the same as once (one layer per wrapped method)?"""
    moto_patches.apply()
    moto_patches.apply()
    layers = moto_seam.installed()
    for key in ("ecs.responses.create_service", "ecs.responses.update_service", "logs.event_init"):
        assert layers[key].count("ecslab.cloud.moto_patches") == 1


def test_instance_offerings_of_other_regions_still_answer(local_cloud: Any) -> None:
    """With only the served region's offerings kept in memory, does another region's
    DescribeInstanceTypeOfferings still answer (read on first use)?"""
    import boto3

    ec2 = boto3.Session(**_keys(local_cloud), region_name="eu-west-1").client(
        "ec2", endpoint_url=local_cloud.endpoint
    )
    offerings = ec2.describe_instance_type_offerings()["InstanceTypeOfferings"]
    assert {o["Location"] for o in offerings} == {"eu-west-1"}


def test_instance_offerings_of_the_served_region(aws_client: Client) -> None:
    """Does the served region list its own instance type offerings?"""
    offerings = aws_client("ec2").describe_instance_type_offerings()["InstanceTypeOfferings"]
    assert offerings and {o["Location"] for o in offerings} == {"ap-northeast-1"}


def _keys(local_cloud: Any) -> dict[str, str]:
    """The local cloud's own key (any other is refused)."""
    key = local_cloud.credential
    return {"aws_access_key_id": key.access_key_id, "aws_secret_access_key": key.secret_access_key}
