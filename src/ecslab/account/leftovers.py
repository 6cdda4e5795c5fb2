"""After a destroy in AWS mode: is anything of the lab's still there, still billing?

Two views, because each misses something: the Resource Groups Tagging API finds every
resource carrying the lab's tag (see `ecslab.tf.overrides`) but is eventually consistent and
keeps showing some deleted resources for a while; direct calls give the true state of the
things that bill by the hour (NAT gateways, Elastic IPs, load balancers, ECS services
with running tasks) and of log groups (storage). Both filter on the lab's tag (and the
learner's prefix when set), so a learner never sees, or is blamed for, someone else's.

Every listing is paginated (ECS lists 10 services a page, Logs 50 groups), and every
region the lab was ever confirmed for in this account is searched, besides the current
one (`ecslab.account.cost.regions_used`): a stack left in another region is found too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from ecslab.account import clients
from ecslab.i18n import N_, _, width
from ecslab.tf import overrides

#: ARN (service, type) pairs a direct check below covers: their true state decides, since
#: the tagging API still lists them for a while after they are deleted.
CHECKED_DIRECTLY = {
    ("ec2", "natgateway"),
    ("ec2", "elastic-ip"),
    ("elasticloadbalancing", "loadbalancer"),
    ("ecs", "service"),
    ("logs", "log-group"),
}

#: What the chapter tags that costs nothing while it exists.
FREE = {
    ("ec2", t)
    for t in ("vpc", "subnet", "route-table", "internet-gateway", "security-group", "network-acl")
} | {
    ("elasticloadbalancing", "targetgroup"),
    ("elasticloadbalancing", "listener"),
    ("ecs", "cluster"),
    ("ecs", "task-definition"),
    ("iam", "role"),
    ("iam", "policy"),
}


#: The state of a resource only the tagging API lists (its true state is not asked).
TAGGED = N_("tagged")


@dataclass(frozen=True)
class Leftover:
    """A billable resource still there: what, its id or ARN, its state, why it bills.

    kind, bills and our own state (TAGGED) are English (N_), shown translated by
    `report`; AWS's own states (`available`) stay as AWS says them."""

    kind: str
    id: str
    state: str
    bills: str
    region: str = ""


Client = Callable[[str], Any]


def regions(target: str = "aws") -> list[str]:
    """The current region and every region the lab was confirmed for in this account."""
    from ecslab.account import cost

    current = clients.session(target).region_name
    if target != "aws":
        return [current]
    account = clients.client("sts", target).get_caller_identity()["Account"]
    return sorted({current, *cost.regions_used(account)})


def find(target: str = "aws", client: Client | None = None) -> list[Leftover]:
    """Everything the lab tagged that still bills, in every region it used (one region,
    the client's, when `client` is given), direct checks first, deduplicated by id."""
    if client is not None:
        return _find_in(client, "")
    found: list[Leftover] = []
    for region in regions(target):
        found += _find_in(functools.partial(_regional, target=target, region=region), region)
    return found


def _regional(service: str, target: str, region: str) -> Any:
    return clients.client(service, target, region)


def _find_in(client: Client, region: str) -> list[Leftover]:
    """The leftovers of one region."""
    found: dict[str, Leftover] = {}
    for check in (_nat_gateways, _elastic_ips, _load_balancers, _ecs_services, _log_groups):
        for item in check(client):
            found.setdefault(item.id, replace(item, region=region))
    for item in _tagged(client):
        found.setdefault(item.id, replace(item, region=region))
    return list(found.values())


def report(items: list[Leftover]) -> str:
    """What the destroy step prints."""
    if not items:
        return _("Nothing of the lab's is left that bills: the account is clean.")
    count = _("{count} resource(s) of the lab still exist and bill:")
    lines = [count.format(count=len(items))]
    lines += [_line(i) for i in items]
    lines.append(_("Run the destroy again; if they stay, delete them in the AWS console."))
    return "\n".join(lines)


def _line(item: Leftover) -> str:
    """One leftover: kind (padded to 22 columns), id, then state, why it bills, region."""
    kind = _(item.kind)
    state = _(TAGGED) if item.state == TAGGED else item.state  # AWS's words stay AWS's
    notes = [state, _(item.bills), *([item.region] if item.region else [])]
    return f"  {kind}{' ' * max(0, 22 - width(kind))} {item.id}  ({'; '.join(notes)})"


def _wanted(tags: dict[str, str]) -> bool:
    """Does a resource with these tags belong to this lab (and this learner)?"""
    return all(tags.get(key) == value for key, value in overrides.tags().items())


def _tag_dict(
    items: list[dict[str, str]] | None, key: str = "Key", value: str = "Value"
) -> dict[str, str]:
    return {item[key]: item[value] for item in items or []}


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> Iterator[Any]:
    """Every item of a paginated listing (a first page alone can say "clean" wrongly)."""
    for page in client.get_paginator(operation).paginate(**kwargs):
        yield from page[key]


def _nat_gateways(client: Client) -> Iterator[Leftover]:
    for gateway in _pages(client("ec2"), "describe_nat_gateways", "NatGateways"):
        if gateway["State"] not in ("deleted", "failed") and _wanted(
            _tag_dict(gateway.get("Tags"))
        ):
            yield Leftover(
                N_("NAT gateway"), gateway["NatGatewayId"], gateway["State"], N_("$/hour + $/GB")
            )


def _elastic_ips(client: Client) -> Iterator[Leftover]:
    for address in client("ec2").describe_addresses()["Addresses"]:
        if _wanted(_tag_dict(address.get("Tags"))):
            yield Leftover(
                N_("Elastic IP"),
                address["AllocationId"],
                address.get("PublicIp", ""),
                N_("public IPv4 $/hour"),
            )


def _load_balancers(client: Client) -> Iterator[Leftover]:
    elbv2 = client("elbv2")
    balancers = list(_pages(elbv2, "describe_load_balancers", "LoadBalancers"))
    for chunk in (balancers[i : i + 20] for i in range(0, len(balancers), 20)):
        descriptions = elbv2.describe_tags(ResourceArns=[b["LoadBalancerArn"] for b in chunk])
        for balancer, tags in zip(chunk, descriptions["TagDescriptions"], strict=True):
            if _wanted(_tag_dict(tags["Tags"])):
                state = balancer.get("State", {}).get("Code", "")
                arn = balancer["LoadBalancerArn"]
                yield Leftover(N_("Load balancer"), arn, state, N_("$/hour + LCU"))


def _ecs_services(client: Client) -> Iterator[Leftover]:
    ecs = client("ecs")
    for cluster in _pages(ecs, "list_clusters", "clusterArns"):
        arns = list(_pages(ecs, "list_services", "serviceArns", cluster=cluster))
        for chunk in (arns[i : i + 10] for i in range(0, len(arns), 10)):
            described = ecs.describe_services(cluster=cluster, services=chunk, include=["TAGS"])
            yield from _active_services(described["services"])


def _active_services(services: list[dict[str, Any]]) -> Iterator[Leftover]:
    for service in services:
        tags = _tag_dict(service.get("tags"), "key", "value")
        if service["status"] == "ACTIVE" and _wanted(tags):
            counts = _("{running}/{desired} tasks").format(
                running=service["runningCount"], desired=service["desiredCount"]
            )
            bills = N_("Fargate $/hour per task")
            yield Leftover(N_("ECS service"), service["serviceArn"], counts, bills)


def _log_groups(client: Client) -> Iterator[Leftover]:
    logs = client("logs")
    for group in _pages(logs, "describe_log_groups", "logGroups"):
        arn = group["arn"].removesuffix(":*")
        if _wanted(logs.list_tags_for_resource(resourceArn=arn).get("tags", {})):
            yield Leftover(
                N_("Log group"),
                group["logGroupName"],
                _("{bytes} bytes").format(bytes=group.get("storedBytes", 0)),
                N_("storage $/GB-month"),
            )


def _tagged(client: Client) -> Iterator[Leftover]:
    """The tagging API's view of what no direct check covers and is not known to be free."""
    filters = [{"Key": k, "Values": [v]} for k, v in overrides.tags().items()]
    pages = (
        client("resourcegroupstaggingapi")
        .get_paginator("get_resources")
        .paginate(TagFilters=filters)
    )
    for page in pages:
        for mapping in page["ResourceTagMappingList"]:
            arn = mapping["ResourceARN"]
            kind = _arn_type(arn)
            if kind not in CHECKED_DIRECTLY | FREE:
                yield Leftover(f"{kind[0]} {kind[1]}", arn, TAGGED, N_("may bill: check it"))


def _arn_type(arn: str) -> tuple[str, str]:
    """arn:aws:ec2:region:acct:natgateway/nat-1 -> ("ec2", "natgateway")."""
    parts = arn.split(":", 5)
    resource = parts[5] if len(parts) > 5 else ""
    return parts[2] if len(parts) > 2 else "", resource.split("/")[0].split(":")[0]
