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


def test_local_mode_removes_the_file(workspace: Path) -> None:
    """Does switching back to local remove every trace of AWS mode from the workspace?"""
    assert overrides.sync(workspace, "aws") == workspace / overrides.FILE_NAME
    assert overrides.sync(workspace, "local") is None
    assert not (workspace / overrides.FILE_NAME).exists()


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
    untagged = [c["address"] for c in changes if not _tagged(c["change"]["after"])]
    assert untagged == []
    tagged = [c for c in changes if (c["change"]["after"].get("tags_all") or {}).get("ecslab:lab")]
    assert len(tagged) >= 15, "NAT gateways, EIPs, ALB, cluster, service... all tagged"


def _planned(workdir: Path) -> list[dict[str, Any]]:
    def tf(*args: str) -> str:
        done = subprocess.run(
            ["terraform", f"-chdir={workdir}", *args], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    tf("init", "-input=false", "-no-color")
    tf("plan", "-input=false", "-no-color", "-out=plan.tfplan")
    plan = json.loads(tf("show", "-json", "plan.tfplan"))
    return [c for c in plan["resource_changes"] if c["mode"] == "managed"]


def _tagged(after: dict[str, Any]) -> bool:
    """Taggable resources carry the lab tag in tags_all; the rest have no tags_all."""
    return (
        "tags_all" not in after
        or after["tags_all"] is None
        or (after["tags_all"].get("ecslab:lab") == "pragmatic-terraform-ch9")
    )
