"""The local CA, ACM's DNS validation through the local Route 53, and HTTPS listeners.

The CA tests use the `cryptography` package and Python's own TLS verification; the rest
run an in-process local cloud (moto + data plane) driven through boto3 as Terraform would.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import stat
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from dataplane_support import Cloud, local_cloud, network_and_alb, wait_for

from ecslab.dataplane import tls

pytestmark = pytest.mark.integration

DOMAIN = "example.com"


def test_ca_is_made_once_and_its_key_is_private(tmp_path: Path) -> None:
    """Is the CA created on first use only, with a key only its owner can read?"""
    first = tls.ca_certificate(tmp_path).read_bytes()
    assert tls.ca_certificate(tmp_path).read_bytes() == first
    mode = stat.S_IMODE((tls.ca_dir(tmp_path) / "ca.key").stat().st_mode)
    assert mode == 0o600
    ca = x509.load_pem_x509_certificate(first)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_issued_certificate_verifies_for_its_names_only(tmp_path: Path) -> None:
    """Does a TLS client trusting the CA accept the issued certificate for its names, and
    refuse it for another name?"""
    chain, key = tls.issue(tmp_path, [DOMAIN, f"www.{DOMAIN}"])
    assert tls.issue(tmp_path, [DOMAIN, f"www.{DOMAIN}"]) == (chain, key)  # reused
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(chain, key)
    client = ssl.create_default_context(cafile=str(tls.ca_certificate(tmp_path)))
    assert _handshake(server, client, f"www.{DOMAIN}") is None
    error = _handshake(server, client, "other.example.org")
    assert error is not None and "Hostname mismatch" in error


def _handshake(server: ssl.SSLContext, client: ssl.SSLContext, name: str) -> str | None:
    """Handshake over a socket pair, the server in a thread; None, or the client's
    verification error."""
    left, right = socket.socketpair()

    def serve() -> None:
        with contextlib.suppress(ssl.SSLError, OSError):  # the client may refuse
            server.wrap_socket(left, server_side=True).close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        client.wrap_socket(right, server_hostname=name).close()
        return None
    except ssl.SSLCertVerificationError as e:
        return str(e)
    finally:
        right.close()
        thread.join(timeout=10)
        left.close()


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    with local_cloud(tmp_path_factory.mktemp("tls-home")) as running:
        yield running


def _request_certificate(cloud: Cloud, name: str) -> str:
    acm = cloud.client("acm")
    return str(acm.request_certificate(DomainName=name, ValidationMethod="DNS")["CertificateArn"])


def _status(cloud: Cloud, arn: str) -> dict[str, Any]:
    return dict(cloud.client("acm").describe_certificate(CertificateArn=arn)["Certificate"])


def _validate_in_route53(cloud: Cloud, arn: str, zone_name: str) -> None:
    """What listing 8.8 does: the validation record ACM asks for, in the domain's zone."""
    route53 = cloud.client("route53")
    zone = route53.create_hosted_zone(Name=zone_name, CallerReference=str(uuid.uuid4()))
    record = _status(cloud, arn)["DomainValidationOptions"][0]["ResourceRecord"]
    change = {
        "Action": "UPSERT",
        "ResourceRecordSet": {
            "Name": record["Name"],
            "Type": record["Type"],
            "TTL": 60,
            "ResourceRecords": [{"Value": record["Value"]}],
        },
    }
    route53.change_resource_record_sets(
        HostedZoneId=zone["HostedZone"]["Id"], ChangeBatch={"Changes": [change]}
    )


def test_certificate_waits_for_its_validation_record(cloud: Cloud) -> None:
    """Is a DNS-validated certificate PENDING_VALIDATION until its CNAME exists in a hosted
    zone, then ISSUED (and never issued by moto's own timer)?"""
    from moto import settings as moto_settings

    arn = _request_certificate(cloud, "pending.example.net")
    assert _status(cloud, arn)["Status"] == "PENDING_VALIDATION"
    assert moto_settings.ACM_VALIDATION_WAIT > 10**9
    _validate_in_route53(cloud, arn, "example.net")
    wait_for("ISSUED", lambda: _status(cloud, arn)["Status"] == "ISSUED")
    assert _status(cloud, arn)["DomainValidationOptions"][0]["ValidationStatus"] == "SUCCESS"


def test_https_listener_serves_the_local_ca_certificate(cloud: Cloud) -> None:
    """Does an HTTPS listener (listing 8.10) answer over TLS with a certificate for the ACM
    certificate's name that a client trusting the local CA verifies?"""
    stack = network_and_alb(cloud, name="tls")
    cloud.client("ec2").authorize_security_group_ingress(  # listing 8.x's https_sg: 443 in
        GroupId=stack.lb_security_group,
        IpProtocol="tcp",
        FromPort=443,
        ToPort=443,
        CidrIp="0.0.0.0/0",
    )
    arn = _request_certificate(cloud, DOMAIN)
    _validate_in_route53(cloud, arn, DOMAIN)
    body = "これは『HTTPS』です"
    config = {"StatusCode": "200", "ContentType": "text/plain", "MessageBody": body}
    cloud.client("elbv2").create_listener(
        LoadBalancerArn=stack.load_balancer,
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": arn}],
        SslPolicy="ELBSecurityPolicy-2016-08",
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": config}],
    )
    url = wait_for("the HTTPS listener", lambda: _https_url(cloud))
    port = int(url.rsplit(":", 1)[1])
    assert cloud.plane.certificates is not None
    ca = tls.ca_certificate(cloud.plane.certificates.home)
    context = ssl.create_default_context(cafile=str(ca))
    connection = _Resolved(DOMAIN, port, context)
    connection.request("GET", "/")
    response = connection.getresponse()
    assert (response.status, response.read().decode()) == (200, body)
    connection.close()


def _https_url(cloud: Cloud) -> str | None:
    rows = [x for x in cloud.admin("loadbalancers") if x["listener_port"] == 443]
    return str(rows[0]["url"]) if rows else None


class _Resolved(http.client.HTTPSConnection):
    """HTTPS to `host` (its name checked and sent as SNI) at 127.0.0.1: curl's --resolve."""

    def __init__(self, host: str, port: int, context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=10, context=context)
        self.tls_context = context

    def connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.sock = self.tls_context.wrap_socket(raw, server_hostname=self.host)
