"""Do security groups and routes decide what flows, as on AWS (real nginx, local cloud)?"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from dataplane_support import (
    CONTAINER,
    Cloud,
    Stack,
    http_get,
    local_cloud,
    network_and_alb,
    service,
    task_definition,
    wait_for,
)

from ecslab.dataplane import reach
from ecslab.moto_seam import Ingress

HTTP_80 = Ingress("tcp", 80, 80, cidr="0.0.0.0/0")


def test_a_rule_admits_a_source_in_its_cidr_on_its_port_only() -> None:
    """Does a CIDR rule admit an address it holds on its port, and nothing else?"""
    rule = Ingress("tcp", 80, 80, cidr="10.0.0.0/16")
    assert reach.admits([rule], 80, sources=["10.0.1.63"])
    assert not reach.admits([rule], 8080, sources=["10.0.1.63"])
    assert not reach.admits([rule], 80, sources=["10.1.1.63"])


def test_a_group_reference_admits_members_of_that_group() -> None:
    """Does a rule referencing sg-alb admit the ALB (a member), whatever its address?"""
    rule = Ingress("tcp", 0, 65535, source_group="sg-alb")
    assert reach.admits([rule], 80, sources=["192.0.2.1"], groups=["sg-alb"])
    assert not reach.admits([rule], 80, sources=["192.0.2.1"], groups=["sg-other"])


def test_all_traffic_rules_cover_every_port() -> None:
    """Does protocol -1 (All traffic) cover any TCP port?"""
    assert reach.admits([Ingress("-1", None, None, cidr="0.0.0.0/0")], 8443, internet=True)


@pytest.mark.parametrize(
    ("cidr", "internet"),
    [("0.0.0.0/0", True), ("198.18.0.7/32", True), ("10.0.0.0/16", False), ("127.0.0.1/32", False)],
)
def test_the_local_client_is_a_host_on_the_internet(cidr: str, internet: bool) -> None:
    """Is the loopback client admitted by 0.0.0.0/0 and a public /32, never by a private CIDR?"""
    assert reach.holds_internet(cidr) is internet


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    with local_cloud(tmp_path_factory.mktemp("home"), scale=50) as running:
        yield running


def _stack(cloud: Cloud, name: str) -> Stack:
    stack = network_and_alb(cloud, name=name, interval=10)
    logs = cloud.client("logs")
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName="/ecs/example")  # the tasks' group, shared
    return stack


def _targets(cloud: Cloud, stack: Stack) -> list[dict[str, Any]]:
    health = cloud.client("elbv2").describe_target_health(TargetGroupArn=stack.target_group)
    return [d["TargetHealth"] for d in health["TargetHealthDescriptions"]]


def _healthy(cloud: Cloud, stack: Stack) -> list[dict[str, Any]]:
    return [t for t in _targets(cloud, stack) if t["State"] == "healthy"]


def _listener_url(cloud: Cloud, name: str) -> str | None:
    urls = [x["url"] for x in cloud.admin("loadbalancers") if x["load_balancer"] == name]
    return urls[0] if urls else None


def test_a_task_whose_group_shuts_the_alb_out_is_unhealthy_by_timeout(cloud: Cloud) -> None:
    """With the task's group admitting nothing on 80, do its targets time out, as on AWS,
    and does the ALB route nothing to them?"""
    stack = _stack(cloud, "closed")
    ec2 = cloud.client("ec2")
    closed = ec2.create_security_group(GroupName="closed", Description="t", VpcId=stack.vpc)
    stack.security_group = closed["GroupId"]
    service(cloud, stack, task_definition(cloud, stack), count=1, name="closed")

    def timed_out() -> list[dict[str, Any]] | None:
        found = [t for t in _targets(cloud, stack) if t["State"] == "unhealthy"]
        return found or None

    health = wait_for("an unhealthy target", timed_out)[0]
    assert (health["Reason"], health["Description"]) == ("Target.Timeout", "Request timed out")
    url = wait_for("the listener", lambda: _listener_url(cloud, "closed"))
    assert http_get(url)[0] == 503


def test_a_rule_referencing_the_albs_group_lets_it_in(cloud: Cloud) -> None:
    """Does a task group that admits the ALB's security group (no CIDR) get healthy targets
    and nginx's page through the listener?"""
    stack = _stack(cloud, "byref")
    ec2 = cloud.client("ec2")
    group = ec2.create_security_group(GroupName="byref", Description="t", VpcId=stack.vpc)
    ec2.authorize_security_group_ingress(
        GroupId=group["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 80,
                "ToPort": 80,
                "UserIdGroupPairs": [{"GroupId": stack.lb_security_group}],
            }
        ],
    )
    stack.security_group = group["GroupId"]
    service(cloud, stack, task_definition(cloud, stack), count=1, name="byref")
    wait_for("a healthy target", lambda: _healthy(cloud, stack))
    url = wait_for("the listener", lambda: _listener_url(cloud, "byref"))
    _, body = wait_for("nginx's page", lambda: (r := http_get(url))[0] == 200 and r)
    assert "Welcome to nginx!" in body


def test_a_listener_its_group_does_not_open_is_not_served(cloud: Cloud) -> None:
    """With the ALB's group admitting only the VPC on 80, is there no listener for the
    internet, and does one appear, answering, once 0.0.0.0/0 is authorized?"""
    stack = _stack(cloud, "shut")
    ec2 = cloud.client("ec2")
    http = {"GroupId": stack.lb_security_group, "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}
    ec2.revoke_security_group_ingress(**http, CidrIp="0.0.0.0/0")
    ec2.authorize_security_group_ingress(**http, CidrIp="10.0.0.0/16")
    service(cloud, stack, task_definition(cloud, stack), count=1, name="shut")
    wait_for("a healthy target", lambda: _healthy(cloud, stack))
    assert _listener_url(cloud, "shut") is None
    ec2.authorize_security_group_ingress(**http, CidrIp="0.0.0.0/0")
    url = wait_for("the listener", lambda: _listener_url(cloud, "shut"))
    assert wait_for("nginx's page", lambda: http_get(url)[0] == 200)


def _run(cloud: Cloud, stack: Stack, subnets: list[str], public_ip: str, logs: bool = True) -> str:
    cluster = "runs"
    ecs = cloud.client("ecs")
    ecs.create_cluster(clusterName=cluster)
    container = {k: v for k, v in CONTAINER.items() if logs or k != "logConfiguration"}
    td = ecs.register_task_definition(
        family=f"runs-{logs}",
        cpu="256",
        memory="512",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        executionRoleArn=stack.role,
        containerDefinitions=[container],
    )["taskDefinition"]["taskDefinitionArn"]
    task = ecs.run_task(
        cluster=cluster,
        taskDefinition=td,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": subnets,
                "securityGroups": [stack.security_group],
                "assignPublicIp": public_ip,
            }
        },
    )["tasks"][0]
    return str(task["taskArn"])


def _settled(cloud: Cloud, arn: str, status: str) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        task = cloud.client("ecs").describe_tasks(cluster="runs", tasks=[arn])["tasks"][0]
        return dict(task) if task["lastStatus"] == status else None

    return wait_for(f"a {status} task", find)


@pytest.fixture(scope="module")
def isolated(cloud: Cloud) -> tuple[Stack, list[str]]:
    """The chapter's stack plus a subnet whose route table has no way out."""
    stack = _stack(cloud, "isolated")
    ec2 = cloud.client("ec2")
    subnet = ec2.create_subnet(VpcId=stack.vpc, CidrBlock="10.0.99.0/24")["Subnet"]["SubnetId"]
    table = ec2.create_route_table(VpcId=stack.vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return stack, [subnet]


def test_no_route_out_fails_the_log_driver_with_aws_text(
    cloud: Cloud, isolated: tuple[Stack, list[str]]
) -> None:
    """With awslogs and no route out, does the task stop with AWS's
    ResourceInitializationError (CloudWatch Logs i/o timeout)?"""
    stack, subnets = isolated
    task = _settled(cloud, _run(cloud, stack, subnets, "DISABLED"), "STOPPED")
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith(
        "ResourceInitializationError: failed to validate logger args: create stream has been "
        "retried 1 times: failed to create Cloudwatch log stream: RequestError: send request "
        'failed\ncaused by: Post "https://logs.ap-northeast-1.amazonaws.com/": dial tcp '
    )
    assert task["stoppedReason"].endswith(":443: i/o timeout : exit status 1")


def test_no_route_out_fails_the_pull_with_aws_text(
    cloud: Cloud, isolated: tuple[Stack, list[str]]
) -> None:
    """Without a log driver, does the image pull time out with AWS's CannotPullContainerError?"""
    stack, subnets = isolated
    arn = _run(cloud, stack, subnets, "ENABLED", logs=False)
    task = _settled(cloud, arn, "STOPPED")
    assert task["stoppedReason"].startswith(
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
        "resolve ref docker.io/library/nginx:latest: failed to do request: Head "
        '"https://registry-1.docker.io/v2/library/nginx/manifests/latest": dial tcp '
    )
    assert task["stoppedReason"].endswith(":443: i/o timeout")


def test_a_public_subnet_needs_a_public_ip(cloud: Cloud) -> None:
    """In a subnet routed to the internet gateway, does a task without a public IP fail to
    pull, and one with a public IP run?"""
    stack = _stack(cloud, "public")
    no_ip = _settled(cloud, _run(cloud, stack, stack.public, "DISABLED"), "STOPPED")
    assert no_ip["stoppedReason"].startswith("ResourceInitializationError:")
    _settled(cloud, _run(cloud, stack, stack.public, "ENABLED"), "RUNNING")


def test_the_chapters_private_subnets_reach_out_through_nat(cloud: Cloud) -> None:
    """Do the chapter's private subnets (NAT route, no public IP) run a task?"""
    stack = _stack(cloud, "private")
    _settled(cloud, _run(cloud, stack, stack.private, "DISABLED"), "RUNNING")


def test_run_task_without_security_groups_uses_the_default_group(cloud: Cloud) -> None:
    """Does RunTask with no securityGroups start the task in the VPC's default group (as
    AWS does) instead of failing with moto's KeyError?"""
    stack = _stack(cloud, "nogroups")
    ecs, ec2 = cloud.client("ecs"), cloud.client("ec2")
    ecs.create_cluster(clusterName="runs")
    td = task_definition(cloud, stack, family="nogroups")
    arn = ecs.run_task(
        cluster="runs",
        taskDefinition=td,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": stack.private}},
    )["tasks"][0]["taskArn"]
    task = _settled(cloud, arn, "RUNNING")
    details = task["attachments"][0]["details"]
    eni = next(d["value"] for d in details if d["name"] == "networkInterfaceId")
    found = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"]
    in_vpc = [{"Name": "vpc-id", "Values": [stack.vpc]}]
    default = [
        g["GroupId"]
        for g in ec2.describe_security_groups(Filters=in_vpc)["SecurityGroups"]
        if g["GroupName"] == "default"
    ]
    groups = found[0]["Groups"]
    assert [g["GroupId"] for g in groups] == default
