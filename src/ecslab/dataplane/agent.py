"""What the ECS agent of a Fargate task does, done from the local cloud.

It holds the task's tools (clock, runtime, log driver, loopback map, ECSLAB_HOME) and,
like the real agent, registers and deregisters the task's IP with its target groups
through the public ELBv2 API against the local endpoint. moto's models are read
in-process (the same objects the API serves).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3

from ecslab import moto_seam
from ecslab.credentials import Credential
from ecslab.dataplane import reach
from ecslab.dataplane.awslogs import AwsLogs
from ecslab.dataplane.clock import Clock
from ecslab.dataplane.health import HealthChecker
from ecslab.dataplane.network import Endpoints
from ecslab.dataplane.runtime import Runtime
from ecslab.dataplane.tasks import LocalTask, utcnow

log = logging.getLogger("ecslab.dataplane.agent")

#: AWS's default deregistration delay, when a target group does not say.
DEFAULT_DEREGISTRATION_DELAY = 300.0


def event(service: moto_seam.Service, message: str) -> None:
    """Add a service event (newest first), as DescribeServices lists them."""
    entry = {
        "id": str(uuid.uuid4()),
        "createdAt": utcnow(),
        "message": f"(service {service.name}) {message}",
    }
    moto_seam.add_service_event(service, entry)


class FargateAgent:
    """The data plane's hands: tools for tasks, API calls an ECS agent would make."""

    def __init__(
        self,
        *,
        clock: Clock,
        runtime: Runtime,
        endpoint: str,
        account_id: str,
        region: str,
        home: Path,
        credential: Credential,
    ) -> None:
        self.clock = clock
        self.credential = credential
        self.runtime = runtime
        self.endpoint = endpoint
        self.account_id = account_id
        self.region = region
        self.home = home
        self.endpoints = Endpoints()
        self.health = HealthChecker(clock, self.endpoints)
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.logs = AwsLogs(lambda region: self.client("logs", region), region)

    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client of the local endpoint, signing with the local cloud's own key
        (the server refuses anything else, its own data plane included)."""
        key = (service, region or self.region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = boto3.session.Session().client(
                    service,
                    region_name=key[1],
                    endpoint_url=self.endpoint,
                    aws_access_key_id=self.credential.access_key_id,
                    aws_secret_access_key=self.credential.secret_access_key,
                )
            return self._clients[key]

    def ecs_backends(self) -> Iterator[Any]:
        """moto's ECS backends of this account that exist (one per region used)."""
        yield from moto_seam.ecs_backends(self.account_id)

    def elbv2_backends(self) -> Iterator[tuple[Any, Any]]:
        """(elbv2, ec2) moto backends of this account, per region used."""
        yield from moto_seam.elbv2_backends(self.account_id)

    def ec2_for(self, region: str) -> Any:
        return moto_seam.ec2_backend(self.account_id, region)

    def route_out(self, task: LocalTask) -> bool:
        """Can the task reach its registry and CloudWatch Logs (see ecslab.dataplane.reach)?"""
        ec2 = self.ec2_for(task.facts.region)
        return reach.route_out(ec2, task.subnet_id(), public_ip=task.public_ip())

    def _service(self, task: LocalTask) -> moto_seam.Service | None:
        backend = moto_seam.ecs_backend(self.account_id, task.facts.region)
        cluster, name = task.service or ("", "")
        return moto_seam.find_service(backend, cluster, name)

    def register(self, task: LocalTask) -> list[str]:
        """RegisterTargets for each load balancer of the task's service; the group ARNs."""
        elbv2 = self.client("elbv2", task.facts.region)
        arns = []
        for lb in task.load_balancers:
            arn, port = lb["targetGroupArn"], int(lb["containerPort"])
            elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": task.ip, "Port": port}])
            task.registered.append((arn, task.ip, port))
            arns.append(arn)
        service = self._service(task)
        for arn in arns:
            if service is not None:
                event(service, f"registered 1 targets in (target-group {arn})")
        return arns

    def deregister(self, task: LocalTask) -> float:
        """DeregisterTargets; returns the longest deregistration delay (AWS seconds)."""
        if not task.registered:
            return 0.0
        elbv2 = self.client("elbv2", task.facts.region)
        delay = 0.0
        service = self._service(task)
        for arn, ip, port in task.registered:
            try:
                elbv2.deregister_targets(TargetGroupArn=arn, Targets=[{"Id": ip, "Port": port}])
            except elbv2.exceptions.TargetGroupNotFoundException:
                log.debug("target group %s is gone: nothing to deregister %s from", arn, ip)
                continue  # deleted first (terraform destroy): nothing left to drain, as on AWS
            delay = max(delay, self.deregistration_delay(task.facts.region, arn))
            if service is not None:
                event(service, f"deregistered 1 targets in (target-group {arn})")
        return delay

    def deregistration_delay(self, region: str, arn: str) -> float:
        group = moto_seam.find_target_group(moto_seam.elbv2_backend(self.account_id, region), arn)
        if group is None:
            return 0.0
        return float(group.deregistration_delay or DEFAULT_DEREGISTRATION_DELAY)

    def target_state(self, arn: str, ip: str, port: int) -> str | None:
        found = self.health.state(arn, ip, port)
        return found[0] if found else None

    def target_reason(self, arn: str, ip: str, port: int) -> str:
        found = self.health.state(arn, ip, port)
        return (found[2] or "") if found else ""

    def close(self) -> None:
        self.logs.close()
        self.health.close()
