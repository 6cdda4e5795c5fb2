"""Does AWS mode tag and prefix the learner's resources without editing their Terraform?"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ecslab import settings
from ecslab.tf import overrides

BOOK_WORKSPACE = {
    "main.tf": """
module "loadbalancer" {
  source = "./loadbalancer"
}

resource "aws_ecs_cluster" "example" {
  name = "example"
}

resource "aws_ecs_task_definition" "example" {
  family                = "example"
  container_definitions = file("./container_definitions.json")
}

resource "aws_cloudwatch_log_group" "for_ecs" {
  name              = "/ecs/example"
  retention_in_days = 180
}

resource "aws_ecs_service" "example" {
  name = "example"
  network_configuration {
    name_is_not_here = true
  }
}
""",
    "loadbalancer/variables.tf": """
variable "name" {
  type        = string
  description = "The ALB's name."
  default     = "example"
}
""",
}


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in BOOK_WORKSPACE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "ana")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("example", "ana-example"),
        ("/ecs/example", "/ecs/ana-example"),
        ("nginx-sg", "ana-nginx-sg"),
    ],
)
def test_prefix_goes_on_the_last_part_of_a_name(name: str, expected: str) -> None:
    """Does `/ecs/example` keep its path and prefix only the last part?"""
    assert overrides.prefixed(name, "ana") == expected


def test_every_named_block_is_renamed(workspace: Path) -> None:
    """Are the cluster, family, service, log group and the module's default name prefixed?"""
    text = overrides.render(workspace)
    for line in (
        'name = "ana-example"',
        'family = "ana-example"',
        'name = "/ecs/ana-example"',
        'module "loadbalancer" {\n  name = "ana-example"',
    ):
        assert line in text


def test_task_definition_follows_the_renamed_log_group(workspace: Path) -> None:
    """Is the learner's own container_definitions expression wrapped, not rewritten?"""
    text = overrides.render(workspace)
    assert (
        'container_definitions = replace(file("./container_definitions.json"), '
        '"\\"/ecs/example\\"", "\\"/ecs/ana-example\\"")'
    ) in text


def test_names_are_found_however_the_block_is_written(workspace: Path) -> None:
    """Is a name after a multi-line map holding an unmatched brace in a string renamed?

    Brace counting read `"{"` as a block opening and missed the `name` after it.
    """
    (workspace / "main.tf").write_text(
        'resource "aws_ecs_cluster" "example" {\n'
        '  tags = {\n    note = "opens {"\n  }\n'
        '  name = "example"\n}\n'
    )
    text = overrides.render(workspace)
    assert 'resource "aws_ecs_cluster" "example" {\n  name = "ana-example"\n}' in text


def test_an_unreadable_file_is_left_to_terraform(workspace: Path) -> None:
    """Is a half-written file skipped here (Terraform's own diagnostic names it)?"""
    (workspace / "draft.tf").write_text('resource "aws_ecs_cluster" "draft" {\n  name = \n')
    text = overrides.render(workspace)
    assert "draft" not in text and 'name = "ana-example"' in text


def test_without_prefix_only_tags_are_added(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In an account of one's own, are the book's names kept and the lab tag still set?"""
    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "")
    text = overrides.render(workspace)
    assert '"ecslab:lab" = "pragmatic-terraform-ch9"' in text
    assert "ana" not in text and "resource " not in text


def test_local_mode_removes_every_trace_of_aws_mode(workspace: Path) -> None:
    """Does switching back to local drop AWS mode's tags and prefixes from the file?"""
    assert overrides.sync(workspace, "aws") == workspace / overrides.FILE_NAME
    text = overrides.sync(workspace, "local").read_text()
    assert "default_tags" not in text and "ana" not in text


def test_learners_own_files_are_untouched(workspace: Path) -> None:
    """Is main.tf byte for byte what the learner wrote after a sync?"""
    before = (workspace / "main.tf").read_text()
    overrides.sync(workspace, "aws")
    assert (workspace / "main.tf").read_text() == before


@pytest.mark.integration
def test_terraform_merges_the_override(
    local_cloud: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planned against the local cloud, does the chapter carry the prefix and tags everywhere?"""
    workdir = tmp_path / "chapter9"
    shutil.copytree(settings.PROJECT_ROOT / "terraform" / "chapter9", workdir, symlinks=False)
    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "ana")
    overrides.sync(workdir, "aws")
    changes = _planned(workdir)
    names = {c["address"]: c["change"]["after"].get("name") for c in changes}
    assert names["aws_ecs_cluster.example"] == "ana-example"
    assert names["module.loadbalancer.aws_lb.example"] == "ana-example"
    assert names["aws_cloudwatch_log_group.for_ecs"] == "/ecs/ana-example"
    taggable = _taggable(changes, _resource_schemas(workdir))
    untagged = [c["address"] for c in taggable if not _tagged(c["change"]["after"])]
    assert untagged == []
    assert len(taggable) >= 15, "NAT gateways, EIPs, ALB, cluster, service... all taggable"


def _terraform(workdir: Path, *args: str) -> str:
    done = subprocess.run(
        ["terraform", f"-chdir={workdir}", *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _planned(workdir: Path) -> list[dict[str, Any]]:
    _terraform(workdir, "init", "-input=false", "-no-color")
    _terraform(workdir, "plan", "-input=false", "-no-color", "-out=plan.tfplan")
    plan = json.loads(_terraform(workdir, "show", "-json", "plan.tfplan"))
    return [c for c in plan["resource_changes"] if c["mode"] == "managed"]


def _resource_schemas(workdir: Path) -> dict[str, Any]:
    """The AWS provider's resource schemas, as the initialised workdir has them."""
    found = json.loads(_terraform(workdir, "providers", "schema", "-json"))
    (provider,) = found["provider_schemas"].values()
    schemas: dict[str, Any] = provider["resource_schemas"]
    return schemas


def _taggable(changes: list[dict[str, Any]], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    """The planned resources whose type has tags_all (the provider's default_tags land there)."""
    return [c for c in changes if "tags_all" in schemas[c["type"]]["block"]["attributes"]]


def _tagged(after: dict[str, Any]) -> bool:
    """Does the plan already know tags_all, with the lab tag in it? (Unknown or null: no.)"""
    tags = after.get("tags_all")
    return isinstance(tags, dict) and tags.get(overrides.LAB_TAG[0]) == overrides.LAB_TAG[1]


def test_local_override_pins_the_local_account(workspace: Path) -> None:
    """In local mode, does the file allow only the local cloud's account, which is moto's?"""
    from moto.core.models import DEFAULT_ACCOUNT_ID

    path = overrides.sync(workspace, "local")
    assert f'allowed_account_ids = ["{DEFAULT_ACCOUNT_ID}"]' in path.read_text()
    assert settings.LOCAL_ACCOUNT_ID == DEFAULT_ACCOUNT_ID


class _RealLookingAws:
    """Stands in for the learner's real AWS account, on loopback: STS says account
    210987654321 to anyone; every request is recorded (anything but STS would be a spend)."""

    ACCOUNT = "210987654321"

    def __init__(self) -> None:
        import http.server
        import threading

        seen = self.seen = []  # type: list[str]
        account = self.ACCOUNT

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                seen.append(self.headers.get("X-Amz-Target") or body.split("&")[0])
                answer = (
                    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                    f"<GetCallerIdentityResult><Arn>arn:aws:iam::{account}:user/ana</Arn>"
                    f"<UserId>AIDAEXAMPLE</UserId><Account>{account}</Account>"
                    "</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId>"
                    "</ResponseMetadata></GetCallerIdentityResponse>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.integration
def test_a_terminal_apply_without_ecslab_env_stops_before_anything(
    local_cloud: Any, tmp_path: Path
) -> None:
    """A terminal that never ran `eval "$(ecslab env)"`, holding real-looking keys: does
    `terraform apply` in the workspace stop at the provider, create nothing, and say what
    to run?"""
    workdir = tmp_path / "workspace"
    shutil.copytree(settings.PROJECT_ROOT / "terraform" / "chapter9", workdir, symlinks=False)
    overrides.sync(workdir, "local")
    aws = _RealLookingAws()
    shell = {
        "PATH": local_cloud.env["PATH"],
        "HOME": str(tmp_path),
        "TF_CLI_CONFIG_FILE": local_cloud.env["TF_CLI_CONFIG_FILE"],  # the provider mirror
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_REGION": "ap-northeast-1",
        "AWS_ENDPOINT_URL": aws.endpoint,  # "real AWS", kept on loopback
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    try:
        for args in (["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]):
            done = subprocess.run(
                ["terraform", f"-chdir={workdir}", *args, "-no-color"],
                env=shell,
                capture_output=True,
                text=True,
                timeout=300,
            )
    finally:
        aws.close()
    assert done.returncode == 1
    assert f"AWS account ID not allowed: {_RealLookingAws.ACCOUNT}" in done.stderr
    assert 'eval "$(ecslab env)"' in done.stderr
    assert set(aws.seen) <= {"Action=GetCallerIdentity"}, "only the identity was asked"
    assert (
        not (workdir / "terraform.tfstate").exists()
        or "aws_" not in (workdir / "terraform.tfstate").read_text()
    )
