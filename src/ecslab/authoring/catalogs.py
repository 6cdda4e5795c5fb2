"""The package's gettext catalogs: extract the texts from the source, merge them into
each language's .po, compile the .mo the package loads (ecslab.i18n).

    python -m ecslab.authoring.catalogs            # extract, update the .po, compile
    python -m ecslab.authoring.catalogs --verify-only

`--verify-only` (run by `make test`) fails when a .po lags the source (a text added or
changed since), when a translation is missing or fuzzy, when placeholders differ, or
when a .mo is not the compilation of its .po. Texts are found by Babel's Python
extractor: calls of `_`, `ngettext` and `N_`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file

from ecslab import i18n
from ecslab.authoring import po

PACKAGE = Path(i18n.__file__).parent
#: Python's keywords for Babel: `_(text)`, `ngettext(singular, plural, n)`, `N_(text)`,
#: `pgettext(context, text)`.
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2)}


#: The modules of each domain but "cli" (which has every other module), by path in the
#: package: one catalog per part, so a change in one part touches one file.
DOMAIN_MODULES = {
    "checks": (
        "notebook/checks.py",
        "notebook/diagnose.py",
        "notebook/result.py",
        "notebook/polling.py",
        "notebook/drill.py",
        "notebook/rollout.py",
    ),
    "questions": ("notebook/questions/", "notebook/quiz.py"),
    "kernel": ("notebook/", "prices.py", "fargate.py", "glossary.py"),
}


def domain_of(path: Path) -> str:
    """The domain a module's texts belong to: the first in i18n.DOMAINS that claims it."""
    name = path.relative_to(PACKAGE).as_posix()
    for domain in i18n.DOMAINS:
        if any(
            name == m or (m.endswith("/") and name.startswith(m))
            for m in DOMAIN_MODULES.get(domain, ())
        ):
            return domain
    return "cli"


def sources(domain: str) -> list[Path]:
    """The modules whose texts belong to domain (see i18n.DOMAINS)."""
    return [p for p in sorted(PACKAGE.rglob("*.py")) if domain_of(p) == domain]


def template(domain: str) -> Catalog:
    """Every text of domain's modules, as Babel finds it (with its python-format flag)."""
    catalog = po.new(domain=domain)
    for path in sources(domain):
        where = path.relative_to(PACKAGE.parent).as_posix()
        for line, text, comments, context in extract_from_file(
            "python", str(path), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            catalog.add(text, None, [(where, line)], auto_comments=comments, context=context)
    return catalog


def po_path(lang: str, domain: str) -> Path:
    return i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def update(langs: Iterable[str], domains: Iterable[str]) -> None:
    """Write each language's .po (merged with the source's texts) and its .mo."""
    for domain in domains:
        source = template(domain)
        for lang in langs:
            path = po_path(lang, domain)
            catalog = po.updated(po.read(path, lang), source)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(po.po_text(catalog))
            path.with_suffix(".mo").write_bytes(po.mo_bytes(catalog))


def verify(langs: Iterable[str], domains: Iterable[str]) -> list[str]:
    """Why the catalogs are not current and complete (nothing: they are)."""
    found: list[str] = []
    for domain in domains:
        ids = {(m.id, m.context) for m in template(domain) if m.id}
        for lang in langs:
            path = po_path(lang, domain)
            where = path.relative_to(PACKAGE.parent).as_posix()
            catalog = po.read(path, lang)
            have = {(m.id, m.context) for m in catalog if m.id}
            found += [f"{where}: lacks {_first(i)!r} (run `make catalogs`)" for i in ids - have]
            found += [f"{where}: {_first(i)!r} is no longer in the source" for i in have - ids]
            found += po.problems(catalog, where)
            mo = path.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != po.mo_bytes(catalog):
                found.append(f"{where}: its .mo is not compiled from it (run `make catalogs`)")
    return found + [d for lang in langs for d in disagreements(lang, domains)]


def disagreements(lang: str, domains: Iterable[str]) -> list[str]:
    """Texts that two domains translate differently: gettext answers from the first
    catalog that has a text, so one of the two translations would never show."""
    seen: dict[tuple[object, object], dict[str, str]] = {}
    for domain in domains:
        for message in po.read(po_path(lang, domain), lang):
            if message.id and not message.fuzzy:
                key = (str(message.id), message.context)
                seen.setdefault(key, {})[domain] = str(message.string)
    return [
        f"{lang}: {_first(key)!r} is translated differently in "
        + ", ".join(f"{d} ({t!r})" for d, t in found.items())
        for key, found in seen.items()
        if len(set(found.values())) > 1
    ]


def _first(message_id: tuple[object, object]) -> str:
    text = message_id[0]
    return str(text[0] if isinstance(text, tuple) else text)[:60]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ecslab.authoring.catalogs", description=__doc__
    )
    parser.add_argument("--verify-only", action="store_true")
    parser.add_argument("--domain", action="append", choices=i18n.DOMAINS)
    args = parser.parse_args(argv)
    langs = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE]
    domains = args.domain or list(i18n.DOMAINS)
    if not args.verify_only:
        update(langs, domains)
    found = verify(langs, domains)
    for line in found:
        print(("" if args.verify_only else "warning: ") + line, file=sys.stderr)
    return 1 if found and args.verify_only else 0


if __name__ == "__main__":
    raise SystemExit(main())
