"""Does the local cloud reject what AWS rejects, with AWS's own words?"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from dataplane_support import CONTAINER, Cloud, local_cloud, network_and_alb, task_definition

from ecslab.dataplane import validation


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    with local_cloud(tmp_path_factory.mktemp("home")) as running:
        yield running


def _error(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def _register(cloud: Cloud, **overrides: Any) -> tuple[str, str]:
    params: dict[str, Any] = {
        "family": "bad",
        "cpu": "256",
        "memory": "512",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "containerDefinitions": [{k: v for k, v in CONTAINER.items() if k != "logConfiguration"}],
    }
    return _error(cloud.client("ecs").register_task_definition, **(params | overrides))


def test_invalid_fargate_size_is_rejected_with_awss_message(cloud: Cloud) -> None:
    """Does 256 CPU with 4096 memory fail as on AWS?"""
    assert _register(cloud, memory="4096") == (
        "ClientException",
        "No Fargate configuration exists for given values: 256 CPU, 4096 memory. "
        "See the Amazon ECS documentation for the valid values.",
    )


def test_awslogs_without_execution_role_is_rejected(cloud: Cloud) -> None:
    """Does listing 9.10 without listing 9.9's execution role fail as on AWS?"""
    assert _register(cloud, containerDefinitions=[CONTAINER]) == (
        "ClientException",
        "Fargate requires task definition to have execution role ARN "
        "to support log driver awslogs.",
    )


def test_bridge_network_mode_is_rejected(cloud: Cloud) -> None:
    """Does a Fargate task definition in bridge mode fail?"""
    assert _register(cloud, networkMode="bridge") == (
        "ClientException",
        "Fargate only supports network mode ‘awsvpc’.",
    )


def test_missing_task_cpu_is_rejected(cloud: Cloud) -> None:
    """Does a Fargate task definition without task-level cpu fail?"""
    code, message = _error(
        cloud.client("ecs").register_task_definition,
        family="nocpu",
        memory="512",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        containerDefinitions=[{"name": "x", "image": "nginx", "memory": 128}],
    )
    assert (code, message) == (
        "ClientException",
        "Fargate requires that 'cpu' be defined at the task level.",
    )


def test_valid_task_definition_is_accepted(cloud: Cloud) -> None:
    """Is the book's task definition (with its role) still accepted?"""
    stack = network_and_alb(cloud, name="valid")
    assert task_definition(cloud, stack, family="valid").endswith(":1")


def _create_service(cloud: Cloud, stack: Any, td: str, **overrides: Any) -> tuple[str, str]:
    ecs = cloud.client("ecs")
    ecs.create_cluster(clusterName="validation")
    params: dict[str, Any] = {
        "cluster": "validation",
        "serviceName": "svc",
        "taskDefinition": td,
        "desiredCount": 1,
        "launchType": "FARGATE",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "subnets": stack.private,
                "securityGroups": [stack.security_group],
            }
        },
        "loadBalancers": [
            {"targetGroupArn": stack.target_group, "containerName": "example", "containerPort": 80}
        ],
    }
    return _error(ecs.create_service, **(params | overrides))


def test_target_group_without_load_balancer_is_rejected(cloud: Cloud) -> None:
    """Does a service fail on a target group no listener uses, as on AWS?"""
    stack = network_and_alb(cloud, name="orphan")
    elbv2 = cloud.client("elbv2")
    lonely = elbv2.create_target_group(
        Name="lonely", Protocol="HTTP", Port=80, VpcId=stack.vpc, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    td = task_definition(cloud, stack, family="orphan")
    lbs = [{"targetGroupArn": lonely, "containerName": "example", "containerPort": 80}]
    assert _create_service(cloud, stack, td, loadBalancers=lbs) == (
        "InvalidParameterException",
        f"The target group with targetGroupArn {lonely} does not have an associated load balancer.",
    )


def test_grace_period_without_load_balancer_is_rejected(cloud: Cloud) -> None:
    """Does health_check_grace_period_seconds need a load balancer, as on AWS?"""
    stack = network_and_alb(cloud, name="grace")
    td = task_definition(cloud, stack, family="grace")
    assert _create_service(
        cloud, stack, td, loadBalancers=[], healthCheckGracePeriodSeconds=60
    ) == (
        "InvalidParameterException",
        "Health check grace period is only valid for services configured to use load balancers",
    )


def test_unknown_container_port_is_rejected(cloud: Cloud) -> None:
    """Does a load balancer pointing at a port the container lacks fail?"""
    stack = network_and_alb(cloud, name="port")
    td = task_definition(cloud, stack, family="port")
    lbs = [
        {"targetGroupArn": stack.target_group, "containerName": "example", "containerPort": 8080}
    ]
    assert _create_service(cloud, stack, td, loadBalancers=lbs) == (
        "InvalidParameterException",
        "The container example did not have a container port 8080 defined.",
    )


def test_retired_platform_version_is_rejected(cloud: Cloud) -> None:
    """Does the book's platform_version 1.3.0 (retired) fail?"""
    stack = network_and_alb(cloud, name="platform")
    td = task_definition(cloud, stack, family="platform")
    assert _create_service(cloud, stack, td, platformVersion="1.3.0") == (
        "InvalidParameterException",
        "The specified platform does not exist.",
    )


def test_run_task_without_network_configuration_is_rejected(cloud: Cloud) -> None:
    """Does RunTask of an awsvpc task without subnets fail as on AWS?"""
    stack = network_and_alb(cloud, name="runtask")
    td = task_definition(cloud, stack, family="runtask")
    ecs = cloud.client("ecs")
    ecs.create_cluster(clusterName="runtask")
    assert _error(ecs.run_task, cluster="runtask", taskDefinition=td, launchType="FARGATE") == (
        "InvalidParameterException",
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    )


def test_checks_are_pure_functions() -> None:
    """Can the checks run without a cloud (as the widgets may), raising moto's ECS error
    with AWS's code and message?"""
    from moto.ecs.exceptions import EcsClientException

    validation.check_task_definition(None, "bridge", None, None, None, [])
    with pytest.raises(EcsClientException) as info:
        validation.check_task_definition(["FARGATE"], "host", "256", "512", None, [])
    assert info.value.code == "ClientException"
    assert info.value.message == validation.AWSVPC_ONLY


_PLAIN = {k: v for k, v in CONTAINER.items() if k != "logConfiguration"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"family": "../../x"}, "Family contains invalid characters."),
        ({"family": "my family"}, "Family contains invalid characters."),
        (
            {"containerDefinitions": [_PLAIN | {"name": "../../x"}]},
            "Container.name contains invalid characters.",
        ),
        (
            {"containerDefinitions": [_PLAIN | {"name": "x" * 256}]},
            "Container.name contains invalid characters.",
        ),
        (
            {"containerDefinitions": [_PLAIN | {"image": "nginx; rm -rf /"}]},
            "Container.image contains invalid characters.",
        ),
        (
            {"containerDefinitions": [_PLAIN | {"image": ""}]},
            "The container.image should not be null or empty",
        ),
    ],
)
def test_names_are_checked_as_ecs_checks_them(
    cloud: Cloud, overrides: dict[str, Any], message: str
) -> None:
    """Is a family, container name or image that ECS refuses (a `../../x` among them)
    refused with ECS's ClientException and message, before any task could run it?"""
    assert _register(cloud, **overrides) == ("ClientException", message)


def test_awsvpc_host_port_must_equal_the_container_port(cloud: Cloud) -> None:
    """Is hostPort 8080 for containerPort 80 refused in awsvpc mode, as on AWS?"""
    mapping = {"containerPort": 80, "hostPort": 8080, "protocol": "tcp"}
    assert _register(cloud, containerDefinitions=[_PLAIN | {"portMappings": [mapping]}]) == (
        "ClientException",
        "When networkMode=awsvpc, the host ports and container ports in port mappings must match.",
    )


def test_a_port_mapping_needs_a_container_port(cloud: Cloud) -> None:
    """Is a mapping with only a hostPort refused, naming the container, as on AWS?"""
    mapping = {"hostPort": 80, "protocol": "tcp"}
    assert _register(cloud, containerDefinitions=[_PLAIN | {"portMappings": [mapping]}]) == (
        "ClientException",
        "Invalid 'containerPort' setting for container 'example'.",
    )


def test_awsvpc_host_port_equal_or_left_out_is_accepted(cloud: Cloud) -> None:
    """Are hostPort == containerPort and no hostPort both accepted?"""
    ecs = cloud.client("ecs")
    for n, mapping in enumerate([{"containerPort": 80, "hostPort": 80}, {"containerPort": 80}]):
        ecs.register_task_definition(
            family=f"ports{n}",
            cpu="256",
            memory="512",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            containerDefinitions=[_PLAIN | {"portMappings": [mapping]}],
        )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "../../x",
            "Load balancer name '../../x' can only contain characters that are alphanumeric "
            "characters or hyphens(-)",
        ),
        ("x" * 33, f"The load balancer name '{'x' * 33}' cannot be longer than '32' characters"),
        ("-example", "Load balancer name '-example' cannot begin or end with '-'"),
        ("internal-example", "Load balancer name 'internal-example' cannot begin with 'internal-'"),
    ],
)
def test_load_balancer_names_are_checked_as_elbv2_checks_them(
    cloud: Cloud, name: str, message: str
) -> None:
    """Is a load balancer name ELBv2 refuses (a `../../x` among them) refused with its
    ValidationError and message, and nothing created?"""
    ec2, elbv2 = cloud.client("ec2"), cloud.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{n}.0/24", AvailabilityZone=f"{az}")[
            "Subnet"
        ]["SubnetId"]
        for n, az in enumerate(("ap-northeast-1a", "ap-northeast-1c"))
    ]
    assert _error(elbv2.create_load_balancer, Name=name, Subnets=subnets) == (
        "ValidationError",
        message,
    )
    names = [lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]]
    assert name not in names


def test_target_group_names_are_checked(cloud: Cloud) -> None:
    """Is a `../../x` target group name refused (moto's own check, AWS's message)?"""
    stack = network_and_alb(cloud, name="tgname")
    assert _error(
        cloud.client("elbv2").create_target_group,
        Name="../../x",
        Protocol="HTTP",
        Port=80,
        VpcId=stack.vpc,
        TargetType="ip",
    ) == (
        "ValidationError",
        "Target group name '../../x' can only contain characters that are alphanumeric "
        "characters or hyphens(-)",
    )
