"""Integration: the book's chapters 7-8 as a reader has them, plus section 9.3's service.

tests/terraform/chapter8 (no ecslab module: the reader's own VPC, ALB with its 80, 443 and
8080 listeners, listing 8.13's rule, Route 53 and ACM with DNS validation) is applied
once for the module against the session's local cloud, in a region of its own so that
its "example" resources never meet terraform/chapter9's. The hosted zone of listing 8.4
(a domain the reader owns) is created first, as buying the domain does on AWS.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dataplane_support import http_get, wait_for

from ecslab import cli
from ecslab.account import clients
from ecslab.cloud import client
from ecslab.tf.events import ChangeSummary
from ecslab.tf.runner import PlanSummary, Terraform

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).parent / "terraform" / "chapter8"
REGION = "us-west-2"
DOMAIN = "example.com"
#: Resources the fixture creates (Terraform's "Plan: N to add").
RESOURCES = 47


@dataclass
class Chapter8:
    """The applied fixture: its Terraform, plan and apply summaries."""

    terraform: Terraform
    plan: PlanSummary
    applied: ChangeSummary | None = None
    destroyed: ChangeSummary | None = None

    def destroy(self) -> ChangeSummary:
        if self.destroyed is None:
            self.destroyed = self.terraform.destroy()
        return self.destroyed


@pytest.fixture(scope="module")
def chapter8(local_cloud: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chapter8]:
    workdir = tmp_path_factory.mktemp("chapter8") / "chapter8"
    shutil.copytree(FIXTURE, workdir, symlinks=False)  # the module's symlink becomes a copy
    route53 = local_cloud.client("route53")
    zone = route53.create_hosted_zone(Name=DOMAIN, CallerReference=str(uuid.uuid4()))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECSLAB_REGION", REGION)
        terraform = Terraform(workdir, "local")
        terraform.init()
        stack = Chapter8(terraform, terraform.plan())
        try:
            stack.applied = terraform.apply(stack.plan)
            yield stack
        finally:
            stack.destroy()
            route53.delete_hosted_zone(Id=zone["HostedZone"]["Id"])


def _listener(port: int) -> dict[str, Any]:
    """The local listener of the fixture's ALB on `port` (its region tells it apart)."""

    def find() -> dict[str, Any] | None:
        rows = [
            x
            for x in client.load_balancers()
            if f":{REGION}:" in x["listener_arn"] and x["listener_port"] == port
        ]
        return rows[0] if rows else None

    return wait_for(f"the local listener on {port}", find)


def _nginx_through(url: str) -> bool:
    status, body = http_get(url)
    return status == 200 and "Welcome to nginx!" in body


def test_apply_completes_with_a_validated_certificate(chapter8: Chapter8) -> None:
    """Does the apply create every resource, listing 8.9's validation included, with the
    certificate ISSUED because its validation record exists?"""
    assert chapter8.plan.add == RESOURCES
    assert chapter8.applied is not None and chapter8.applied.add == RESOURCES
    acm = clients.client("acm", target="local", region=REGION)
    summaries = acm.list_certificates()["CertificateSummaryList"]
    assert [(c["DomainName"], c["Status"]) for c in summaries] == [(DOMAIN, "ISSUED")]


def test_http_rule_forwards_to_nginx(chapter8: Chapter8) -> None:
    """Does the HTTP listener's rule (`/*` to the target group) win over listing 8.3's
    fixed response, so nginx answers?"""
    url = _listener(80)["url"]
    assert wait_for("nginx through the HTTP rule", lambda: _nginx_through(url), timeout=60)


def test_https_serves_the_local_ca_certificate(
    chapter8: Chapter8, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does `curl --cacert "$(ecslab ca)" --resolve example.com:PORT:127.0.0.1` verify the
    HTTPS listener and reach nginx through listing 8.13's rule?"""
    port = int(_listener(443)["url"].rsplit(":", 1)[1])
    assert cli.main(["ca"]) == 0
    ca = capsys.readouterr().out.strip()
    argv = ["curl", "-sS", "--cacert", ca, "--resolve", f"{DOMAIN}:{port}:127.0.0.1"]

    def answered() -> str | None:
        done = subprocess.run([*argv, f"https://{DOMAIN}:{port}/"], capture_output=True, text=True)
        return done.stdout if "Welcome to nginx!" in done.stdout else None

    wait_for("nginx over HTTPS", answered, timeout=60)
    unknown = subprocess.run(
        ["curl", "-sS", "--resolve", f"{DOMAIN}:{port}:127.0.0.1", f"https://{DOMAIN}:{port}/"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},  # the system's trust store only
    )
    assert unknown.returncode == 60 and "unable to get local issuer certificate" in unknown.stderr


def test_8080_redirects_to_https(chapter8: Chapter8) -> None:
    """Does listing 8.11's listener answer 301 to https://HOST:443/ with path and query?"""
    import http.client

    port = int(_listener(8080)["url"].rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/docs?page=2", headers={"Host": f"{DOMAIN}:8080"})
    response = conn.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{DOMAIN}:443/docs?page=2"
    conn.close()


def test_second_plan_has_no_changes(chapter8: Chapter8) -> None:
    """Right after the apply, does a new plan find nothing to change?"""
    plan = chapter8.terraform.plan()
    assert plan.empty, [c.address for c in plan.changes]


def test_destroy_stops_the_listeners(chapter8: Chapter8) -> None:
    """Does destroy remove every resource and with them the three local listeners?"""
    assert chapter8.destroy().remove == RESOURCES
    wait_for(
        "the listeners to stop",
        lambda: not [x for x in client.load_balancers() if f":{REGION}:" in x["listener_arn"]],
    )
