"""Hints wrapped into comment lines for English and Japanese alike.

`textwrap` counts characters, breaks only at spaces and splits words at hyphens. A TODO
line in a lab needs otherwise: a Japanese character takes two columns and a line may
break between any two of them (Japanese has no spaces), while a name such as
`awslogs-stream-prefix` or `--task-definition` must stay whole, or the learner copies
half of it. Kinsoku (禁則処理): a line never starts with closing punctuation such as
、 or ）, and never ends with an opening bracket such as （.
"""

from __future__ import annotations

import re
import unicodedata

#: Ranges of wide characters (CJK punctuation, kana, kanji, full-width forms): a line may
#: break before and after each of them.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
#: Where a line may break: at spaces and around each wide character, never inside a word.
_CHUNKS = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")
#: Characters a line may not start with.
NO_LINE_START = frozenset("、。，．・：；？！）」』】〉》ー")
#: Characters a line may not end with.
NO_LINE_END = frozenset("（「『【〈《")


def columns(text: str) -> int:
    """How many columns text takes in a monospaced cell (a wide character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """text in lines of at most width columns; a single word wider than that gets a line
    of its own (never cut), and kinsoku may let a line run one character over."""
    lines: list[str] = []
    line = ""
    for chunk in _CHUNKS.findall(text.strip()):
        if chunk.isspace():
            line += " " if line else ""
            continue
        if line.strip() and columns(line + chunk) > width and chunk[0] not in NO_LINE_START:
            line, carried = _carry(line.rstrip())
            if line:
                lines.append(line)
            line = carried
        line += chunk
    if line.strip():
        lines.append(line.strip())
    return lines


def _carry(line: str) -> tuple[str, str]:
    """line split before its trailing opening brackets, which go on the next line."""
    end = len(line)
    while end and line[end - 1] in NO_LINE_END:
        end -= 1
    return line[:end], line[end:]
