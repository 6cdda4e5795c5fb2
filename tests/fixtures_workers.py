"""How `make test` splits the suite over two workers (pytest-xdist, `--dist loadgroup`).

Most of the slow tests wait on the AWS provider's sleeps, a hub's spawns or a browser,
not on a core, so two run side by side. Each test module is one group, so its
module-scoped fixtures (a hub, a JupyterLab, a cloud of its own) start once, on one
worker; every test that uses the shared chapter-9 stack is in one group, `chapter9`, so
the stack is applied once and destroyed after its last user (fixtures_stack orders
them). Without xdist (a developer's `pytest tests/test_x.py`) the marks change nothing.
"""

from __future__ import annotations

import pytest

#: The group of every test that uses the shared applied stack (fixtures_stack).
STACK_GROUP = "chapter9"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its xdist group (before xdist reads the marks)."""
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        fixtures = getattr(item, "fixturenames", ())
        group = STACK_GROUP if "applied_chapter" in fixtures else item.module.__name__  # type: ignore[attr-defined]
        item.add_marker(pytest.mark.xdist_group(group))
