"""Do the Japanese documents keep step with the English ones, and the glossary with its table?

README.ja.md and docs/instructor.ja.md are the whole of README.md and docs/instructor.md in
Japanese: the same sections in the same order, the same commands. What a reader types
(`make ...`, `ecslab ...`, an `ECSLAB_*` setting) must be the same in both, so a change
to one that the other lacks fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecslab import glossary
from ecslab.settings import PROJECT_ROOT

#: Each English document and its Japanese translation.
PAIRS = (
    (PROJECT_ROOT / "README.md", PROJECT_ROOT / "README.ja.md"),
    (PROJECT_ROOT / "docs" / "instructor.md", PROJECT_ROOT / "docs" / "instructor.ja.md"),
)
IDS = [english.name for english, _ in PAIRS]

FENCE = re.compile(r"^(```|~~~)")
HEADING = re.compile(r"^(#{1,6}) (.+)$")
CODE_SPAN = re.compile(r"`([^`]+)`")
#: What a reader types: a make target, an ecslab subcommand, an ECSLAB_ setting.
#: (`from ecslab import ...` is Python, not a command.)
COMMAND = re.compile(r"(?<!from )\b(?:make|ecslab) [a-z][\w-]*|\bECSLAB_[A-Z_]+\b")
#: Hiragana, katakana and the CJK ideographs: a heading holding none was left English.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _lines(path: Path) -> list[tuple[bool, str]]:
    """The document's lines, each with whether it sits inside a fenced code block."""
    inside, lines = False, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            inside = not inside
            lines.append((True, line))
            continue
        lines.append((inside, line))
    return lines


def headings(path: Path) -> list[tuple[int, str]]:
    """Each Markdown heading outside code: its level and text."""
    found = []
    for in_code, line in _lines(path):
        match = None if in_code else HEADING.match(line)
        if match:
            found.append((len(match.group(1)), match.group(2)))
    return found


def commands(path: Path) -> set[str]:
    """The commands a reader types, from fenced code blocks and inline code spans (which
    may run over a line break)."""
    lines = _lines(path)
    code = [line for in_code, line in lines if in_code]
    code += CODE_SPAN.findall("\n".join(line for in_code, line in lines if not in_code))
    return {command for text in code for command in COMMAND.findall(text)}


@pytest.mark.parametrize(("english", "japanese"), PAIRS, ids=IDS)
def test_the_translation_has_the_same_sections(english: Path, japanese: Path) -> None:
    """Are the Japanese document's headings as many as the English one's, at the same levels?"""
    assert [level for level, _ in headings(japanese)] == [level for level, _ in headings(english)]


@pytest.mark.parametrize(("english", "japanese"), PAIRS, ids=IDS)
def test_the_translation_has_the_same_commands(english: Path, japanese: Path) -> None:
    """Does every make/ecslab/ECSLAB_ command of one document appear in the other?"""
    assert commands(japanese) == commands(english)


@pytest.mark.parametrize(("english", "japanese"), PAIRS, ids=IDS)
def test_no_japanese_heading_is_left_english(english: Path, japanese: Path) -> None:
    """Does each heading of the Japanese document say something in Japanese (code aside)?"""
    english_left = [
        text for _, text in headings(japanese) if not JAPANESE.search(CODE_SPAN.sub("", text))
    ]
    assert english_left == []


@pytest.mark.parametrize(("english", "japanese"), PAIRS, ids=IDS)
def test_each_document_links_its_translation_at_the_top(english: Path, japanese: Path) -> None:
    """Does each document name the other in its first lines (a relative link)?"""
    for doc, other in ((english, japanese), (japanese, english)):
        top = "\n".join(doc.read_text(encoding="utf-8").splitlines()[:5])
        assert f"]({other.name})" in top, f"{doc.name} does not link {other.name} at the top"


def test_commands_are_read_from_code_only(tmp_path: Path) -> None:
    """Are commands taken from code spans and fences, never from prose or headings?"""
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# make sense of it\n\nRun `make lab` or `ECSLAB_LANG=ja\nmake lab`; ecslab up in prose;"
        " `from ecslab import lab`.\n"
        "```sh\necslab reset --to 9.4\n# not a heading\n```\n",
        encoding="utf-8",
    )
    assert commands(doc) == {"make lab", "ECSLAB_LANG", "ecslab reset"}
    assert headings(doc) == [(1, "make sense of it")]


@pytest.mark.parametrize("readme", ["README.md", "README.ja.md"])
def test_both_readmes_link_the_glossary(readme: str) -> None:
    """Does each README point to the glossary of the book's terms?"""
    assert "](docs/glossary.md)" in (PROJECT_ROOT / readme).read_text(encoding="utf-8")


def test_the_glossary_document_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    """Is docs/glossary.md what `python -m ecslab.glossary` writes from its table?"""
    assert glossary.main(["--verify-only"]) == 0, capsys.readouterr().err


def test_a_stale_glossary_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the table gains a term the document lacks, does --verify-only fail and say so?"""
    term = glossary.Term("リスト9.1", "listing 9.1", "", "9.3.1")
    monkeypatch.setattr(glossary, "TERMS", (*glossary.TERMS, term))
    assert glossary.main(["--verify-only"]) == 1
    assert "glossary.md is stale: run `python -m ecslab.glossary`" in capsys.readouterr().err


LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens
    (letters of any script kept, so a Japanese heading keeps its words)."""
    text = heading.replace("`", "").lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@pytest.mark.parametrize("doc", [doc for pair in PAIRS for doc in pair], ids=lambda p: p.name)
def test_relative_links_reach_a_file_and_its_heading(doc: Path) -> None:
    """Does every relative link name an existing file and, with #anchor, one of its headings?"""
    broken = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue
        name, _, fragment = target.partition("#")
        linked = (doc.parent / name).resolve() if name else doc
        if not linked.exists() or not _has_anchor(linked, fragment):
            broken.append(target)
    assert broken == []


def _has_anchor(doc: Path, fragment: str) -> bool:
    """No fragment, or one that is the anchor of a heading of `doc`."""
    return not fragment or fragment in {anchor(text) for _, text in headings(doc)}
