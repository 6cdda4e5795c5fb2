"""gettext catalogs (.po/.mo) read, merged, checked and written the one way, with Babel.

Shared by the package's catalogs (authoring/catalogs.py) and the notebooks' prose
(authoring/editions.py). Written files carry no line numbers and no dates, so a catalog
changes only when a text or its translation does.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

#: Project name written into the catalogs' headers.
PROJECT = "ecslab"
#: Headers carry this fixed date, so regenerating changes nothing but texts.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def new(locale: str | None = None, domain: str | None = None) -> Catalog:
    """An empty catalog (a template when locale is None), with a stable header."""
    catalog = Catalog(locale=locale, domain=domain, project=PROJECT, fuzzy=False)
    return _stamped(catalog)


def _stamped(catalog: Catalog) -> Catalog:
    """The header ecslab's catalogs carry: no dates that move, no placeholders."""
    catalog.creation_date = catalog.revision_date = _EPOCH
    catalog.copyright_holder = "the ecslab authors"
    catalog.msgid_bugs_address = "the ecslab issue tracker"
    catalog.last_translator = catalog.language_team = "the ecslab authors"
    catalog.header_comment = (
        "# ecslab's texts in one language (gettext). Extracted by ecslab.authoring;\n"
        "# write translations here, then run `make catalogs` or `make editions`."
    )
    return catalog


def read(path: Path, locale: str | None = None) -> Catalog:
    """The catalog in path (an empty one of `locale` when there is no file yet)."""
    if not path.exists():
        return new(locale)
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def updated(existing: Catalog, template: Catalog) -> Catalog:
    """existing brought in step with template: new texts empty, changed ones fuzzy (with
    their old translation kept as a start), gone ones dropped."""
    existing.update(template, update_creation_date=False)
    existing.obsolete.clear()
    return _stamped(existing)


def po_text(catalog: Catalog) -> bytes:
    """The .po file of catalog: no line numbers, no wrapping, obsolete entries dropped."""
    out = io.BytesIO()
    write_po(out, catalog, width=0, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """The compiled .mo of catalog (fuzzy entries left out, as msgfmt does)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def problems(catalog: Catalog, where: str) -> list[str]:
    """What keeps catalog from being complete: untranslated or fuzzy texts, and
    placeholders ({name}, %s) that differ between a text and its translation."""
    found: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        label = f"{where}: {_short(message)}"
        if message.fuzzy:
            found.append(f"{label}: fuzzy (its English changed; check the translation)")
        elif not _translated(message):
            found.append(f"{label}: not translated")
        else:
            found.extend(f"{label}: {error}" for error in message.check(catalog))
    return found


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return all(str(s or "").strip() for s in strings)


def _short(message: Message) -> str:
    text = str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
    context = f"[{message.context}] " if message.context else ""
    first = text.strip().splitlines()[0] if text.strip() else text
    return f"{context}{first[:60]!r}"
