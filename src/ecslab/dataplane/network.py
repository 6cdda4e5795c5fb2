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
    subnet = ec2.get_subnet(subnet_id)
    network = ipaddress.ip_network(subnet.cidr_block)
    used = {
        eni.private_ip_address
        for eni in ec2.enis.values()
        if getattr(eni.subnet, "id", None) == subnet_id
    }
    hosts = list(network.hosts())[_RESERVED_HEAD - 1 : -1]
    free = [str(ip) for ip in hosts if str(ip) not in used]
    return random.choice(free)


def attach_eni(task: Any, ec2: Any, subnet_id: str, groups: list[str]) -> str:
    """Give the moto task one ENI in `subnet_id` (replacing moto's random one); its IP."""
    for attachment in task.attachments:
        for detail in attachment["details"]:
            if detail["name"] == "networkInterfaceId":
                ec2.delete_network_interface(detail["value"])
    ip = free_ip(ec2, subnet_id)
    attachment_id = str(uuid.uuid4())
    eni = ec2.create_network_interface(
        subnet=subnet_id,
        private_ip_address=ip,
        group_ids=groups,
        description=f"arn:aws:ecs:{task.region_name}:{task._account_id}:attachment/{attachment_id}",
    )
    eni.status = "in-use"
    eni.device_index = 1
    eni.interface_type = "interface"
    region = task.region_name
    task.attachments = [
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
    return ip


def dns_name(ip: str, region: str) -> str:
    """The private DNS name AWS gives an address: ip-10-0-65-143.<region>.compute.internal."""
    return f"ip-{ip.replace('.', '-')}.{region}.compute.internal"


def set_attachment_status(task: Any, status: str) -> None:
    """PRECREATED -> ATTACHED -> DELETED, as DescribeTasks shows during the lifecycle."""
    for attachment in task.attachments:
        attachment["status"] = status


def detach_eni(task: Any, ec2: Any) -> None:
    """Delete the task's ENI (its IP returns to the subnet)."""
    for attachment in task.attachments:
        for detail in attachment["details"]:
            if detail["name"] == "networkInterfaceId" and detail["value"] in ec2.enis:
                ec2.delete_network_interface(detail["value"])
    set_attachment_status(task, "DELETED")


def lb_node_ips(ec2: Any, subnet_ids: list[str]) -> list[str]:
    """One stable private IP per load-balancer subnet: the ALB nodes that send requests."""
    ips = []
    for subnet_id in subnet_ids:
        network = ipaddress.ip_network(ec2.get_subnet(subnet_id).cidr_block)
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
