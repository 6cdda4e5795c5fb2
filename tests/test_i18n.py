"""Tests of ecslab.i18n: which language the learner reads, and texts from the catalogs."""

from __future__ import annotations

import pytest

from ecslab import i18n
from ecslab.authoring import catalogs

LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "ECSLAB_LANG", "JPY_SESSION_NAME")


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LOCALE_VARS:
        monkeypatch.delenv(name, raising=False)


def test_english_when_nothing_says_otherwise() -> None:
    """Without a setting, a locale or an edition, is the lab in English?"""
    assert i18n.language() == "en"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [("LANG", "ja_JP.UTF-8", "ja"), ("LC_ALL", "ja_JP.eucJP", "ja"), ("LANG", "C.UTF-8", "en")],
)
def test_the_locale_picks_the_language(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    """Does a Japanese locale make the lab Japanese, and C stay English?"""
    monkeypatch.setenv(variable, value)
    assert i18n.language() == expected


def test_lc_all_wins_over_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    """Is the first of LC_ALL, LC_MESSAGES, LANG the one that counts, as in POSIX?"""
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert i18n.language() == "en"


def test_ecslab_lang_wins_over_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does ECSLAB_LANG=ja make the lab Japanese on an English machine, and back?"""
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("ECSLAB_LANG", "ja")
    assert i18n.language() == "ja"
    monkeypatch.setenv("ECSLAB_LANG", "klingon")
    assert i18n.language() == "en"


@pytest.mark.parametrize(
    ("session", "expected"),
    [("ja/03_web_server.ipynb", "ja"), ("03_web_server.ipynb", "en"), ("x/ja/01_a.ipynb", "ja")],
)
def test_the_notebooks_edition_wins(
    monkeypatch: pytest.MonkeyPatch, session: str, expected: str
) -> None:
    """Does a notebook in ja/ speak Japanese and one outside it English, whatever
    ECSLAB_LANG says (Jupyter tells the kernel its notebook in JPY_SESSION_NAME)?"""
    monkeypatch.setenv("ECSLAB_LANG", "en" if expected == "ja" else "ja")
    monkeypatch.setenv("JPY_SESSION_NAME", session)
    assert i18n.language() == expected


def test_speaking_wins_over_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does a block rendering one edition speak its language, then give the setting back?"""
    monkeypatch.setenv("ECSLAB_LANG", "ja")
    with i18n.speaking("en"):
        assert i18n.language() == "en"
    assert i18n.language() == "ja"


def test_speaking_refuses_an_unknown_language() -> None:
    """Does asking for a language the lab lacks fail with the ones it has?"""
    with (
        pytest.raises(ValueError, match="unknown language 'fr': one of en, ja"),
        i18n.speaking("fr"),
    ):
        pass


def test_a_text_comes_from_the_compiled_catalog() -> None:
    """Does `_` answer from the .mo in Japanese, and leave English as written?"""
    with i18n.speaking("ja"):
        japanese = i18n._("Japanese (the book)")
    with i18n.speaking("en"):
        english = i18n._("Japanese (the book)")
    assert english == "Japanese (the book)"
    assert japanese != english and "日本語" in japanese


def test_an_unknown_text_stays_as_written() -> None:
    """Does a text no catalog has come back unchanged rather than fail?"""
    with i18n.speaking("ja"):
        assert i18n._("no such text, 1234") == "no such text, 1234"


def test_the_catalogs_are_current_and_complete() -> None:
    """Is every text of the package in the Japanese catalogs, translated, with the same
    placeholders, and compiled (what `make catalogs` keeps true)?"""
    assert catalogs.verify(["ja"], list(i18n.DOMAINS)) == []


def test_every_module_has_one_domain() -> None:
    """Does each module's text land in exactly one catalog?"""
    seen = [p for d in i18n.DOMAINS for p in catalogs.sources(d)]
    assert len(seen) == len(set(seen)) == len(list(catalogs.PACKAGE.rglob("*.py")))
