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


def test_a_failed_terraform_run_records_terraforms_own_first_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the apply fails, is the recorded error Terraform's own first line (not our
    header above it), in whatever language the header was written?"""
    from ecslab import i18n
    from ecslab.tf.events import Diagnostic
    from ecslab.tf.runner import TerraformDiagnosticError

    def fail(ws: Path, targets: list[str]) -> None:
        raise TerraformDiagnosticError("apply", [Diagnostic("error", "Invalid reference")])

    monkeypatch.setattr(prepare, "init_if_needed", lambda ws: None)
    monkeypatch.setattr(prepare.overrides, "sync", lambda ws: ws)
    monkeypatch.setattr(prepare, "apply_targets", fail)
    with i18n.speaking("ja"):
        result = prepare.run(SECTION, tmp_path)
    assert (result.state, result.error) == ("failed", "Error: Invalid reference")


def test_the_status_line_speaks_japanese() -> None:
    """Under Japanese, does the status line say the state in Japanese, a recorded reason of
    ours too, while the section's name and the state as data stay as they are?"""
    from ecslab import i18n

    failed = prepare.PrepareStatus("failed", SECTION, error=prepare.DIED)
    with i18n.speaking("ja"):
        assert str(failed) == "04_logging の前提リソース: 失敗 (プロセスが終了しました)"
        assert str(prepare.PrepareStatus("none")) == "前提リソース: 未開始"
    assert str(failed) == "prerequisites of 04_logging: failed (the process died)"
