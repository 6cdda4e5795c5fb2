"""May this flow happen? The VPC's answer, from the live EC2 state at decision time.

On AWS, security groups and route tables decide what reaches what; locally every
process shares loopback, so the data plane asks here before it lets a flow happen:

- ALB -> target (requests and health checks): one of the target ENI's security groups
  must admit the ALB on the port, by a CIDR holding one of the ALB's node IPs, or by a
  rule that references one of the ALB's security groups. Else the checks time out
  (`Target.Timeout`) and the ALB sends the target nothing.
- client -> listener: one of the ALB's security groups must admit the internet on the
  listener port. The local client (on loopback) stands for a host on the internet whose
  address we cannot know, so a rule admits it when its CIDR holds any public address:
  0.0.0.0/0, or a learner's own `/32`; a CIDR wholly inside private, shared or
  loopback space (10.0.0.0/16, say) does not, and neither does a group reference.
- task -> internet (image pull, CloudWatch Logs): its subnet's route table (the
  associated one, else the VPC's main one) needs 0.0.0.0/0 to an available NAT gateway
  whose own subnet routes to an internet gateway, or to an internet gateway while the
  task has a public IP (`assignPublicIp` ENABLED).

A group or rule left out (no security groups given) means the VPC's default group, as
on AWS. Egress rules, network ACLs and VPC endpoints are not modelled.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Iterable

from ecslab import moto_seam
from ecslab.moto_seam import Ingress

#: Address blocks that hold no host of the internet (RFC 1918, shared, loopback, link).
NOT_INTERNET = tuple(
    ipaddress.IPv4Network(block)
    for block in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
    )
)


def _covers(rule: Ingress, port: int) -> bool:
    if rule.protocol == "-1":
        return True
    if rule.protocol != "tcp" or rule.from_port is None or rule.to_port is None:
        return False
    return rule.from_port <= port <= rule.to_port


def _holds(cidr: str | None, ips: Iterable[str]) -> bool:
    if not cidr:
        return False
    network = ipaddress.ip_network(cidr, strict=False)
    return any(ipaddress.ip_address(ip) in network for ip in ips)


def holds_internet(cidr: str | None) -> bool:
    """True when a rule's CIDR holds some public address (the local client's stand-in)."""
    if not cidr:
        return False
    network = ipaddress.ip_network(cidr, strict=False)
    if not isinstance(network, ipaddress.IPv4Network):
        return False
    return not any(network.subnet_of(block) for block in NOT_INTERNET)


def admits(
    rules: Iterable[Ingress],
    port: int,
    *,
    sources: Collection[str] = (),
    groups: Collection[str] = (),
    internet: bool = False,
) -> bool:
    """Does some rule let TCP `port` in from one of `sources` (IPs), from a member of one
    of `groups`, or (with `internet`) from the internet?"""
    for rule in rules:
        if not _covers(rule, port):
            continue
        if rule.source_group and rule.source_group in groups:
            return True
        if _holds(rule.cidr, sources) or (internet and holds_internet(rule.cidr)):
            return True
    return False


def _rules(ec2: object, group_ids: Iterable[str]) -> list[Ingress]:
    return [rule for group in group_ids for rule in moto_seam.ingress(ec2, group)]


def alb_reaches_target(
    ec2: object, lb: moto_seam.LoadBalancer, nodes: list[str], ip: str, port: int
) -> bool:
    """May the ALB (its node IPs `nodes`, its security groups) open `ip`:`port`? A target
    with no ENI in the local cloud has no group to ask: the answer is yes."""
    eni = moto_seam.eni_with_ip(ec2, ip, moto_seam.load_balancer_vpc(lb))
    if eni is None:
        return True
    vpc_id, group_ids = eni
    rules = _rules(ec2, moto_seam.security_group_ids(ec2, group_ids, vpc_id))
    lb_groups = moto_seam.load_balancer_groups(ec2, lb)
    return admits(rules, port, sources=nodes, groups=lb_groups)


def internet_reaches_listener(ec2: object, lb: moto_seam.LoadBalancer, port: int) -> bool:
    """May a client on the internet open the ALB's listener `port`?"""
    rules = _rules(ec2, moto_seam.load_balancer_groups(ec2, lb))
    return admits(rules, port, internet=True)


def route_out(ec2: object, subnet_id: str, public_ip: bool) -> bool:
    """Can a task in `subnet_id` reach the internet (its registry, CloudWatch Logs)?"""
    target = moto_seam.default_route(ec2, subnet_id)
    if target is None:
        return False
    if target.startswith("igw-"):
        return public_ip
    if target.startswith("nat-"):
        nat_subnet = moto_seam.nat_gateway_subnet(ec2, target)
        return nat_subnet is not None and route_out(ec2, nat_subnet, public_ip=True)
    return False


#: Stand-in addresses (documentation range) where AWS's texts show the endpoint's IP.
REGISTRY_ADDRESS, LOGS_ADDRESS = "203.0.113.10", "203.0.113.20"


def pull_timeout(docker_ref: str) -> str:
    """The `why` of AWS's CannotPullContainerError when the registry cannot be reached,
    for a reference like docker.io/library/nginx:latest."""
    domain, _, rest = docker_ref.partition("/")
    repository, _, tag = rest.rpartition(":")
    host = "registry-1.docker.io" if domain == "docker.io" else domain
    return (
        f'failed to do request: Head "https://{host}/v2/{repository}/manifests/{tag}": '
        f"dial tcp {REGISTRY_ADDRESS}:443: i/o timeout"
    )


def logs_timeout(region: str) -> str:
    """AWS's stoppedReason when the awslogs driver cannot reach CloudWatch Logs."""
    return (
        "ResourceInitializationError: failed to validate logger args: create stream has been "
        "retried 1 times: failed to create Cloudwatch log stream: RequestError: send request "
        f'failed\ncaused by: Post "https://logs.{region}.amazonaws.com/": dial tcp '
        f"{LOGS_ADDRESS}:443: i/o timeout : exit status 1"
    )
