"""The lab's sections (ecslab.sections): their names, and how they read in Japanese."""

from __future__ import annotations

import pytest

from ecslab import i18n, sections
from ecslab.i18n import _


def test_the_japanese_titles_are_the_books() -> None:
    """Under Japanese, does each of the book's sections carry the book's own title?"""
    with i18n.speaking("ja"):
        titles = {s.book: _(s.title) for s in sections.SECTIONS if not s.book.endswith("+")}
    assert titles == {
        "9.1": "ECSの構成要素",
        "9.2": "ECSの起動タイプ",
        "9.3": "Webサーバーの構築",
        "9.4": "Fargateにおけるロギング",
    }


def test_an_unknown_section_is_refused_in_japanese() -> None:
    """Under Japanese, does an unknown section name say so, listing the sections by stem?"""
    with i18n.speaking("ja"), pytest.raises(sections.UnknownSection) as info:
        sections.section("09_nothing")
    assert str(info.value) == "セクション '09_nothing' はありません。"
    assert info.value.hint.startswith("セクションは次のとおりです: 01_ecs_building_blocks, ")
