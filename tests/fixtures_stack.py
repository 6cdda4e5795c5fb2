"""Fixtures that share one applied chapter-9 stack across the tests that need it.

A full apply of the chapter costs about 85 s (fixed sleeps in the AWS provider), so the
session applies it once: `applied_chapter` copies `terraform/` (the chapter and its
modules, symlinks kept) into a tmp dir, runs init, plan and apply against the session's
`local_cloud`, and destroys at the end of the session. Tests that destroy the stack
themselves are marked `destroys_stack` and run after every other test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ecslab.notebook import checks
from ecslab.settings import PROJECT_ROOT
from ecslab.tf.events import ChangeSummary
from ecslab.tf.runner import PlanSummary, Terraform

#: The stack tests mark themselves with this when they destroy it: they run last.
DESTROYS_STACK = "destroys_stack"
#: Tests that record the section starts (real applies) mark themselves with this: they
#: run first, so the rest of the session restores those starts instead of applying.
RECORDS_STARTS = "records_starts"
#: Tests that restore the recorded starts (the notebooks, the browser, the hub) mark
#: themselves with this: they run right after the recording, before the short tests.
RESTORES_STARTS = "restores_starts"


@dataclass
class AppliedChapter:
    """The chapter-9 stack of the session: its working dir, Terraform and outputs."""

    workdir: Path
    terraform: Terraform
    plan: PlanSummary
    applied: ChangeSummary | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    destroyed: ChangeSummary | None = None

    def destroy(self) -> ChangeSummary:
        """Destroy the stack (once; later calls return the first result)."""
        if self.destroyed is None:
            self.destroyed = self.terraform.destroy()
        return self.destroyed


def copy_terraform(dest: Path) -> Path:
    """Copy terraform/ (modules and chapter, symlinks kept, no state) into dest."""
    skip = shutil.ignore_patterns(".terraform*", "*.tfstate*", "*.tfplan")
    shutil.copytree(PROJECT_ROOT / "terraform", dest / "terraform", symlinks=True, ignore=skip)
    return dest / "terraform" / "chapter9"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{DESTROYS_STACK}: destroys the shared stack; runs last")
    config.addinivalue_line("markers", f"{RECORDS_STARTS}: records the section starts; runs first")
    config.addinivalue_line("markers", f"{RESTORES_STARTS}: restores them; runs next")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that record the section starts first, then the slow ones that restore
    them (a hub, the notebooks, the browser: started early, they overlap the many short
    tests on the other worker); those that destroy the shared stack after every other
    test."""
    items.sort(
        key=lambda item: (
            item.get_closest_marker(DESTROYS_STACK) is not None,
            item.get_closest_marker(RECORDS_STARTS) is None,
            item.get_closest_marker(RESTORES_STARTS) is None,
        )
    )


@pytest.fixture(scope="session")
def applied_chapter(
    local_cloud: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppliedChapter]:
    """terraform/chapter9 applied once against the session's local cloud, and serving:
    nginx answers through the load balancer (Terraform returns before the tasks run and
    the targets pass their health checks; a test may be the first to use the stack)."""
    workdir = copy_terraform(tmp_path_factory.mktemp("stack"))
    terraform = Terraform(workdir, "local")
    terraform.init()
    stack = AppliedChapter(workdir, terraform, terraform.plan())
    try:
        stack.applied = terraform.apply(stack.plan)
        stack.outputs = terraform.output()
        checks.nginx_answers(wait=180).require()
        yield stack
    finally:
        stack.destroy()
