"""The shared chapter-9 stack destroyed, after every test that uses it: nothing is left.

These tests destroy `applied_chapter` (fixtures_stack), so they live in a module of their
own, which runs last: `make test` gives each module to one of its two workers, and a
worker that ran them could not give the stack to a later module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fixtures_stack import AppliedChapter
from test_chapter9 import RESOURCES, leftovers

from ecslab.notebook import checks

pytestmark = [pytest.mark.integration, pytest.mark.destroys_stack]


def test_destroy_leaves_nothing(
    applied_chapter: AppliedChapter, aws_client: Callable[[str], Any]
) -> None:
    """After destroy, does boto3 find none of the chapter's resources left?"""
    assert applied_chapter.destroy().remove == RESOURCES
    assert leftovers(aws_client) == {}


def test_nothing_left_reads_the_local_clouds_inventory(applied_chapter: Any) -> None:
    """Locally, does the clean-up check list what the applied chapter holds, by kind, and
    pass once it is destroyed?"""
    if applied_chapter.destroyed is None:  # another test may have destroyed it first
        before = checks.nothing_left()
        assert not before.passed
        assert {"ECS cluster: 1", "NAT gateway: 2", "log group: 1"} <= set(before.details)
    applied_chapter.destroy()
    after = checks.nothing_left()
    assert after.passed, repr(after)
    assert after.facts == {"left": []}
