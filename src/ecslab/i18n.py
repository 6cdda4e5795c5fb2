"""Every text the learner reads passes through `_` (or `ngettext`), and speaks their language.

The texts are written in English in the source; Japanese lives in gettext catalogs
(`locale/ja/LC_MESSAGES/<domain>.po`, compiled to `.mo`), extracted from the source by
`python -m ecslab.authoring.catalogs` (Babel), never kept by hand in tables. One domain
per part of the package (DOMAINS), so a change in one part touches one catalog.

Which language (`language()`), first that applies:

1. `speaking(lang)`: a block that renders one edition (the release of labs/ja, a test).
2. A notebook's edition: a kernel runs in its notebook's folder; a folder named after a
   language (`desk/ja/`, `solutions/ja/`) is that edition. A notebook outside such a
   folder (Jupyter tells the kernel its path in JPY_SESSION_NAME) is the English one.
3. ECSLAB_LANG (`en` or `ja`).
4. The locale (LC_ALL, LC_MESSAGES, LANG): `ja_JP.UTF-8` speaks Japanese.
5. English.

AWS's and Terraform's own messages are never translated: the learner meets them as AWS
and Terraform print them.
"""

from __future__ import annotations

import gettext
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

#: The languages the lab speaks; the first is the source language of every text.
LANGUAGES = ("en", "ja")
#: The source language: its texts are the msgids, it has no catalog.
SOURCE = LANGUAGES[0]
#: Where the catalogs live, inside the package (so an installed ecslab has them).
LOCALE_DIR = Path(__file__).parent / "locale"
#: One catalog per part of the package (authoring/catalogs.py says which modules): the
#: checks and what explains them, the quiz, the rest of the kernel, everything else.
DOMAINS = ("checks", "questions", "kernel", "cli")

_speaking: ContextVar[str | None] = ContextVar("ecslab_speaking", default=None)


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Within the block, every `_` answers in `lang` (whatever the environment says)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    token = _speaking.set(lang)
    try:
        yield
    finally:
        _speaking.reset(token)


def language() -> str:
    """The language the learner reads now (see the module's docstring for the order)."""
    return _speaking.get() or notebook_language() or setting() or locale_language() or SOURCE


def setting() -> str | None:
    """ECSLAB_LANG: the language of the CLI and, outside an edition's folder, of the
    kernel (`en` or `ja`); unset or unknown: the locale decides."""
    value = os.environ.get("ECSLAB_LANG", "").strip().lower()
    return value if value in LANGUAGES else None


def notebook_language() -> str | None:
    """The edition of the notebook this kernel runs, if this is a notebook's kernel."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb"):
        folder = Path(session).parent.name
        return folder if folder in LANGUAGES else SOURCE
    if "ipykernel" in sys.modules:
        folder = Path.cwd().name
        return folder if folder in LANGUAGES else None
    return None


def locale_language() -> str | None:
    """The language of the POSIX locale (the first of LC_ALL, LC_MESSAGES, LANG set)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value.split("_")[0].split(".")[0].lower()
            return code if code in LANGUAGES else None
    return None


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogs of lang, chained (an English text stays as it is)."""
    chain: gettext.NullTranslations | None = None
    if lang != SOURCE:
        for domain in DOMAINS:
            try:
                found = gettext.translation(domain, LOCALE_DIR, languages=[lang])
            except FileNotFoundError:
                continue
            if chain is None:
                chain = found
            else:
                chain.add_fallback(found)
    return chain or gettext.NullTranslations()


def _(message: str) -> str:
    """message in the learner's language (message is the English text, a catalog's msgid)."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural text for n, in the learner's language."""
    return translations(language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """message in the learner's language, as meant in `context` (a short word such as
    "MISSING" that two parts of the package would translate differently)."""
    return translations(language()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a text for the catalogs where it is defined (a table, a constant), to be
    translated where it is shown, with `_(text)`."""
    return message


def width(text: str) -> int:
    """Terminal columns text takes: a CJK character takes two, so Japanese tables align
    when padded by this rather than by len()."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
