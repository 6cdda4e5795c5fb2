"""The prerequisites' step: restore when it can, else apply (ecslab.tf.prepare)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecslab.tf import prepare

SECTION = "04_logging"


@pytest.fixture
def applied(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The targets `run` applied (Terraform itself is not run: init and overrides are
    no-ops here, the apply only records)."""
    calls: list[list[str]] = []
    monkeypatch.setattr(prepare, "init_if_needed", lambda ws: None)
    monkeypatch.setattr(prepare.overrides, "sync", lambda ws: ws)
    monkeypatch.setattr(prepare, "apply_targets", lambda ws, targets: calls.append(list(targets)))
    return calls


def test_a_restored_start_is_not_applied(tmp_path: Path, applied: list[list[str]]) -> None:
    """When the restore step brings the start, is nothing applied, and is it done?"""
    asked: list[str] = []

    def restore(stem: str, ws: Path) -> bool:
        asked.append(stem)
        return True

    result = prepare.run(SECTION, tmp_path, restore=restore)
    assert (result.state, asked, applied) == ("done", [SECTION], [])


def test_a_start_that_cannot_be_restored_is_applied(
    tmp_path: Path, applied: list[list[str]]
) -> None:
    """When the restore step declines, are the section's prerequisites applied?"""
    result = prepare.run(SECTION, tmp_path, restore=lambda stem, ws: False)
    assert result.state == "done"
    assert applied == [["module.loadbalancer", "module.nginx_sg", "aws_ecs_service.example"]]


def test_the_background_child_is_the_restoring_entry_point() -> None:
    """Does the background prepare run the module that restores before applying?"""
    import importlib

    child = importlib.import_module(prepare.CHILD_MODULE)
    assert callable(child.main)
    assert child.restore_start.__module__ == prepare.CHILD_MODULE
