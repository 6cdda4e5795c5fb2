"""Task networking: an ENI with a private IP of the task's subnet, as AWS shows it,
mapped to the loopback port the task's container really listens on.

AWS APIs (DescribeTasks, DescribeTargetHealth, the access logs) show the VPC address
(e.g. 10.0.65.143:80); only the local load balancer and health checker know that it is
127.0.0.1:<port> on this machine (`Endpoints`).
"""

from __future__ import annotations

import ipaddress
import random
import threading
import uuid
from typing import Any

from ecslab import moto_seam

#: Addresses AWS reserves at the start of every subnet (network, router, DNS, future).
_RESERVED_HEAD = 4


class Endpoints:
    """(VPC ip, port) -> (127.0.0.1, loopback port): the one map from AWS to this machine."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._map: dict[tuple[str, int], tuple[str, int]] = {}

    def add(self, ip: str, port: int, local_port: int) -> None:
        with self._lock:
            self._map[(ip, port)] = ("127.0.0.1", local_port)

    def remove(self, ip: str) -> None:
        with self._lock:
            for key in [k for k in self._map if k[0] == ip]:
                del self._map[key]

    def resolve(self, ip: str, port: int) -> tuple[str, int] | None:
        with self._lock:
            return self._map.get((ip, port))


def free_ip(ec2: Any, subnet_id: str) -> str:
    """A free private IP of the subnet, picked at random like AWS (not the next one)."""
    network = ipaddress.ip_network(moto_seam.subnet_cidr(ec2, subnet_id))
    used = moto_seam.ips_in_use(ec2, subnet_id)
    hosts = list(network.hosts())[_RESERVED_HEAD - 1 : -1]
    free = [str(ip) for ip in hosts if str(ip) not in used]
    return random.choice(free)


def attach_eni(task: Any, ec2: Any, subnet_id: str, groups: list[str]) -> str:
    """Give the moto task one ENI in `subnet_id` (replacing moto's random one); its IP."""
    facts = moto_seam.task_facts(task)
    if facts.eni_id is not None:
        moto_seam.delete_eni(ec2, facts.eni_id)
    ip = free_ip(ec2, subnet_id)
    attachment_id = str(uuid.uuid4())
    region, account = facts.region, moto_seam.account_of(task)
    description = f"arn:aws:ecs:{region}:{account}:attachment/{attachment_id}"
    eni = moto_seam.create_task_eni(ec2, subnet_id, ip, groups, description)
    attachments = [
        {
            "id": attachment_id,
            "type": "ElasticNetworkInterface",
            "status": "PRECREATED",
            "details": [
                {"name": "subnetId", "value": subnet_id},
                {"name": "networkInterfaceId", "value": eni.id},
                {"name": "macAddress", "value": eni.mac_address},
                {"name": "privateDnsName", "value": dns_name(ip, region)},
                {"name": "privateIPv4Address", "value": ip},
            ],
        }
    ]
    moto_seam.stamp_task(task, attachments=attachments)
    return ip


def dns_name(ip: str, region: str) -> str:
    """The private DNS name AWS gives an address: ip-10-0-65-143.<region>.compute.internal."""
    return f"ip-{ip.replace('.', '-')}.{region}.compute.internal"


def detach_eni(task: Any, ec2: Any) -> None:
    """Delete the task's ENI (its IP returns to the subnet)."""
    eni_id = moto_seam.task_facts(task).eni_id
    if eni_id is not None:
        moto_seam.delete_eni(ec2, eni_id)
    moto_seam.set_attachment_status(task, "DELETED")


def lb_node_ips(ec2: Any, subnet_ids: list[str]) -> list[str]:
    """One stable private IP per load-balancer subnet: the ALB nodes that send requests."""
    ips = []
    for subnet_id in subnet_ids:
        network = ipaddress.ip_network(moto_seam.subnet_cidr(ec2, subnet_id))
        index = 16 + int(uuid.uuid5(uuid.NAMESPACE_OID, subnet_id).int % 200)
        ips.append(str(network.network_address + index))
    return ips


_BY = "ecslab.dataplane.network"


def install() -> None:
    """moto's ENI has `private_dns_name` only when some code path sets it (NAT gateways do);
    its own ECS RunTask reads it on every ENI and fails. Default it from the IP."""

    def get(self: Any) -> str:
        set_name = self.__dict__.get("_private_dns_name")
        ip = self.private_ip_address or "0.0.0.0"
        return str(set_name or dns_name(ip, self.ec2_backend.region_name))

    def put(self: Any, value: str) -> None:
        self.__dict__["_private_dns_name"] = value

    moto_seam.replace("ec2.eni.private_dns_name", property(get, put), by=_BY)


def uninstall() -> None:
    """Give moto's ENI back its own `private_dns_name` (none)."""
    moto_seam.unwrap(by=_BY)
