"""Helpers for the data-plane tests: an in-process local cloud and a small ECS stack.

The stack mirrors chapter 9 (VPC, private subnets in two AZs, an ALB with an HTTP
listener forwarding to an `ip` target group, a cluster, a task definition of nginx with
awslogs, a log group) but is built with boto3 in well under a second.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import boto3

from ecslab import credentials
from ecslab.cloud import auth
from ecslab.cloud.server import Host
from ecslab.dataplane import DataPlane
from ecslab.dataplane.clock import Clock
from ecslab.dataplane.process import free_port
from ecslab.dataplane.runtime import Runtime

REGION = "ap-northeast-1"
T = TypeVar("T")

CONTAINER = {
    "name": "example",
    "image": "nginx:latest",
    "essential": True,
    "logConfiguration": {
        "logDriver": "awslogs",
        "options": {
            "awslogs-region": REGION,
            "awslogs-stream-prefix": "nginx",
            "awslogs-group": "/ecs/example",
        },
    },
    "portMappings": [{"protocol": "tcp", "containerPort": 80}],
}


@dataclass
class Cloud:
    """A running in-process local cloud with its data plane."""

    host: Host
    plane: DataPlane

    def client(self, service: str, region: str = REGION) -> Any:
        """A boto3 client signed with this cloud's own key."""
        return boto3.session.Session().client(
            service,  # type: ignore[call-overload]
            region_name=region,
            endpoint_url=self.host.endpoint,
            aws_access_key_id=self.host.credential.access_key_id,
            aws_secret_access_key=self.host.credential.secret_access_key,
        )

    def admin(self, path: str) -> Any:
        url = f"{self.host.endpoint}/_ecslab/{path}"
        request = urllib.request.Request(url, headers=auth.sign(self.host.credential, "GET", url))
        with urllib.request.urlopen(request, timeout=5) as r:
            return json.load(r)


@contextmanager
def local_cloud(home: Path, scale: float = 50, runtime: Runtime | None = None) -> Iterator[Cloud]:
    """A Host with a DataPlane on a free port, ECSLAB_HOME set to `home` (whose key the host
    answers to, as the server does, and ecslab's clients sign with); stopped after."""
    import pytest

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECSLAB_HOME", str(home))
        plane = DataPlane(clock=Clock(scale), home=home, runtime=runtime)
        host = Host(
            port=free_port(), region=REGION, services=[plane], credential=credentials.ensure(home)
        )
        host.start()
        try:
            yield Cloud(host, plane)
        finally:
            host.stop()
            from moto.moto_api._internal.models import moto_api_backend

            moto_api_backend.reset()  # moto's models are per process: none to the next cloud


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 20) -> T:
    """Poll `probe` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """(status, body) of a GET, errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@dataclass
class Stack:
    """IDs and ARNs of the small chapter-9-like stack."""

    vpc: str
    public: list[str]
    private: list[str]
    security_group: str
    target_group: str
    load_balancer: str
    listener: str
    role: str
    lb_security_group: str = ""


def network_and_alb(
    cloud: Cloud, name: str = "example", health_path: str = "/", interval: int = 30
) -> Stack:
    """VPC, subnets, security group, ALB, target group and HTTP listener, as chapter 8."""
    ec2, elbv2, iam = cloud.client("ec2"), cloud.client("elbv2"), cloud.client("iam")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def subnet(cidr: str, az: str) -> str:
        return str(
            ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        )

    public = [subnet("10.0.1.0/24", f"{REGION}a"), subnet("10.0.2.0/24", f"{REGION}c")]
    private = [subnet("10.0.65.0/24", f"{REGION}a"), subnet("10.0.66.0/24", f"{REGION}c")]
    routes_out(ec2, vpc, public, private)
    sg = open_group(ec2, vpc, f"{name}-sg", 80, "10.0.0.0/16")  # module nginx_sg
    http_sg = open_group(ec2, vpc, f"{name}-http-sg", 80, "0.0.0.0/0")  # module http_sg
    lb = elbv2.create_load_balancer(Name=name, Subnets=public, SecurityGroups=[http_sg])[
        "LoadBalancers"
    ][0]
    tg = elbv2.create_target_group(
        Name=name,
        Protocol="HTTP",
        Port=80,
        VpcId=vpc,
        TargetType="ip",
        HealthCheckPath=health_path,
        HealthyThresholdCount=5,
        UnhealthyThresholdCount=2,
        HealthCheckTimeoutSeconds=5,
        HealthCheckIntervalSeconds=interval,
        Matcher={"HttpCode": "200"},
    )["TargetGroups"][0]["TargetGroupArn"]
    listener = elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )["Listeners"][0]["ListenerArn"]
    role = iam.create_role(RoleName=f"{name}-execution", AssumeRolePolicyDocument="{}")["Role"][
        "Arn"
    ]
    return Stack(vpc, public, private, sg, tg, lb["LoadBalancerArn"], listener, role, http_sg)


def open_group(ec2: Any, vpc: str, name: str, port: int, cidr: str) -> str:
    """A security group as the book's security_group module makes it: `port` in from
    `cidr`, everything out; its id."""
    group = str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"])
    ec2.authorize_security_group_ingress(
        GroupId=group, IpProtocol="tcp", FromPort=port, ToPort=port, CidrIp=cidr
    )
    return group


def routes_out(ec2: Any, vpc: str, public: list[str], private: list[str]) -> str:
    """Chapter 7's routes: the public subnets to an internet gateway, the private ones to a
    NAT gateway in the first public subnet; the private route table's id."""
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for subnet in public:
        ec2.associate_route_table(RouteTableId=public_table, SubnetId=subnet)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(AllocationId=eip, SubnetId=public[0])["NatGateway"]
    private_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(
        RouteTableId=private_table,
        DestinationCidrBlock="0.0.0.0/0",
        NatGatewayId=nat["NatGatewayId"],
    )
    for subnet in private:
        ec2.associate_route_table(RouteTableId=private_table, SubnetId=subnet)
    return str(private_table)


def task_definition(cloud: Cloud, stack: Stack, family: str = "example", **container: Any) -> str:
    """Register the chapter's task definition (listing 9.9 + 9.10); its ARN."""
    return str(
        cloud.client("ecs").register_task_definition(
            family=family,
            cpu="256",
            memory="512",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            executionRoleArn=stack.role,
            containerDefinitions=[CONTAINER | container],
        )["taskDefinition"]["taskDefinitionArn"]
    )


def service(
    cloud: Cloud,
    stack: Stack,
    td: str,
    count: int = 2,
    grace: int = 60,
    name: str = "example",
    port: int = 80,
) -> dict[str, Any]:
    """A cluster and a service as listing 9.4 (with the book's errata corrected), its load
    balancer on container `example`'s `port`."""
    ecs = cloud.client("ecs")
    ecs.create_cluster(clusterName=name)
    return dict(
        ecs.create_service(
            cluster=name,
            serviceName=name,
            taskDefinition=td,
            desiredCount=count,
            launchType="FARGATE",
            platformVersion="1.4.0",
            healthCheckGracePeriodSeconds=grace,
            networkConfiguration={
                "awsvpcConfiguration": {
                    "assignPublicIp": "DISABLED",
                    "securityGroups": [stack.security_group],
                    "subnets": stack.private,
                }
            },
            loadBalancers=[
                {
                    "targetGroupArn": stack.target_group,
                    "containerName": "example",
                    "containerPort": port,
                }
            ],
        )["service"]
    )


def lb_url(cloud: Cloud, name: str = "example") -> str:
    """The local URL of the listener of load balancer `name`."""

    def find() -> str | None:
        urls = [x["url"] for x in cloud.admin("loadbalancers") if x["load_balancer"] == name]
        return urls[0] if urls else None

    return wait_for(f"a local listener of {name}", find)


def running_tasks(cloud: Cloud, service: str = "example") -> list[dict[str, Any]]:
    """Admin rows of the service's RUNNING tasks."""
    return [t for t in cloud.admin("tasks") if t["service"] == service and t["status"] == "RUNNING"]


def healthy_count(cloud: Cloud, stack: Stack) -> int:
    """How many targets of the stack's target group DescribeTargetHealth calls healthy."""
    health = cloud.client("elbv2").describe_target_health(TargetGroupArn=stack.target_group)
    return sum(
        1 for d in health["TargetHealthDescriptions"] if d["TargetHealth"]["State"] == "healthy"
    )
