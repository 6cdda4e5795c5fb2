"""Tests of ecslab.notebook.modules: a module's inputs and outputs, as Terraform reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecslab import i18n, sections
from ecslab.notebook import modules
from ecslab.tf import workspace


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace at the start of 9.4 (service.tf calls module "nginx_sg")."""
    for name, text in {**workspace.scaffolding(), **sections.files_before("04_logging")}.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_security_group_inputs_are_the_ones_listing_9_4_passes(ws: Path) -> None:
    """Are the security group module's variables those nginx_sg passes, typed and described?"""
    found = modules.io("security_group", ws)
    assert [(v.name, v.type) for v in found.variables] == [
        ("name", "string"),
        ("vpc_id", "string"),
        ("port", "number"),
        ("cidr_blocks", "list(string)"),
    ]
    assert found.calls == ("nginx_sg",)
    assert all(v.description for v in found.variables)


def test_outputs_are_named_as_a_listing_references_them(ws: Path) -> None:
    """Does the loadbalancer's output read `module.loadbalancer.aws_subnet_private_0_id`?"""
    text = repr(modules.io("loadbalancer", ws))
    assert "  module.loadbalancer.aws_subnet_private_0_id: ID of the private subnet" in text


def test_an_applied_output_shows_its_value_from_the_state(ws: Path) -> None:
    """Once applied, does an output show its value, read from terraform.tfstate?"""
    state = {
        "resources": [
            {
                "module": "module.nginx_sg",
                "mode": "managed",
                "type": "aws_security_group",
                "name": "default",
                "instances": [{"attributes": {"id": "sg-0123456789abcdef0"}}],
            }
        ]
    }
    (ws / "terraform.tfstate").write_text(json.dumps(state))
    found = modules.io("security_group", ws)
    assert [(o.name, o.value) for o in found.outputs] == [
        ("security_group_id", "sg-0123456789abcdef0")
    ]
    assert "<code>sg-0123456789abcdef0</code>" in found._repr_html_()


def test_an_unknown_module_names_the_real_ones(ws: Path) -> None:
    """Does a misspelt module name list the lab's modules?"""
    with pytest.raises(modules.UnknownModule, match="No module 'load_balancer'") as caught:
        modules.io("load_balancer", ws)
    assert caught.value.hint == "Modules: loadbalancer, security_group, iam_role."


def test_an_unknown_module_is_refused_in_japanese(ws: Path) -> None:
    """In the Japanese edition, does the refusal read Japanese and still list the modules?"""
    with i18n.speaking("ja"), pytest.raises(modules.UnknownModule) as caught:
        modules.io("load_balancer", ws)
    assert str(caught.value) == "モジュール 'load_balancer' はありません。"
    assert caught.value.hint == "モジュール: loadbalancer, security_group, iam_role。"
