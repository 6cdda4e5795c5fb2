"""What the learner created, counted (ecslab.cloud.inventory, `ecslab status`).

Part of the seam to moto (ecslab.moto_seam): see its docstring."""

from __future__ import annotations

from typing import Any

from ecslab.moto_seam.app import _get_backend

# Things moto makes on its own (the default VPC and its subnets and security group, AWS
# managed IAM policies) are left out: the learner did not create them.


def resource_counts(account_id: str, region: str) -> dict[str, dict[str, int]]:
    """{service: {resource kind: number}} for the services the chapter uses."""

    def of(name: str, key: str = region) -> Any:
        return _get_backend(name, account_id, key)

    return {
        "ec2": _ec2(of("ec2")),
        "elbv2": _elbv2(of("elbv2")),
        "ecs": _ecs(of("ecs")),
        "iam": _iam(of("iam", "aws")),
        "logs": {"log_groups": len(of("logs").groups)},
    }


def _snapshot(mapping: dict[Any, Any]) -> list[Any]:
    """The values of one of moto's dicts, copied at once: requests may change it meanwhile."""
    return list(mapping.copy().values())


def _ec2(ec2: Any) -> dict[str, int]:
    """VPC resources outside the default VPC."""
    vpcs = {vpc_id for vpc_id, vpc in list(ec2.vpcs.items()) if not vpc.is_default}
    subnets = [s for zone in _snapshot(ec2.subnets) for s in _snapshot(zone) if s.vpc_id in vpcs]
    groups = [g for vpc_id in vpcs for g in _snapshot(ec2.groups.get(vpc_id, {}))]
    return {
        "vpcs": len(vpcs),
        "subnets": len(subnets),
        "security_groups": sum(1 for g in groups if g.name != "default"),
        "internet_gateways": len(ec2.internet_gateways),
        "nat_gateways": sum(1 for n in _snapshot(ec2.nat_gateways) if n.state != "deleted"),
        "elastic_ips": len(ec2.addresses),
    }


def _elbv2(elbv2: Any) -> dict[str, int]:
    """Load balancers, their listeners, and target groups."""
    lbs = _snapshot(elbv2.load_balancers)
    return {
        "load_balancers": len(lbs),
        "listeners": sum(len(lb.listeners) for lb in lbs),
        "target_groups": len(elbv2.target_groups),
    }


def _ecs(ecs: Any) -> dict[str, int]:
    """Clusters, services, active task definition revisions and tasks."""
    revisions = [td for family in _snapshot(ecs.task_definitions) for td in _snapshot(family)]
    return {
        "clusters": len(ecs.clusters),
        "services": sum(1 for s in _snapshot(ecs.services) if s.status != "INACTIVE"),
        "task_definitions": sum(1 for td in revisions if td.status == "ACTIVE"),
        "tasks": sum(len(tasks) for tasks in _snapshot(ecs.tasks)),
    }


def _iam(iam: Any) -> dict[str, int]:
    """Roles, and policies other than AWS managed ones."""
    own = [arn for arn in list(iam.managed_policies) if ":aws:policy/" not in arn]
    return {"roles": len(iam.roles), "policies": len(own)}
