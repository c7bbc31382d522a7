"""Maintain the English catalog: ``python tools/i18n.py update|compile``.

``update`` extracts every marked string from service/ and merges it into
service/translations/en/LC_MESSAGES/messages.po (new strings arrive empty and
``tests/test_i18n.py`` fails until they are translated); ``compile`` writes
the .mo next to it. ``update`` also takes the translations waiting in
``i18n/*.json`` (msgid -> English), so work on several branches can bring its
translations without conflicting edits to the .po file; merged seeds can then
be deleted.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SERVICE = ROOT / "service"
PO = SERVICE / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "N_": None, "_msg": None, "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2)}
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def extracted_keys() -> set[tuple[str, str | None]]:
    """Every (msgid, context) marked in the code and templates. The context
    (``pgettext("按钮", "停用")``) tells apart one Chinese word that English
    says two ways: the button 停用 (Switch off) and the state 停用 (Disabled)."""
    keys = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(SERVICE), METHOD_MAP, keywords=KEYWORDS):
        keys.add((message if isinstance(message, str) else message[0], context or None))
    return keys


def extracted_ids() -> set[str]:
    """Every msgid marked in the code and templates (contexts aside)."""
    return {msgid for msgid, _context in extracted_keys()}


def untranslated(catalog: Catalog) -> list[str]:
    """The marked strings with no English, as ``msgid`` or ``context|msgid``."""
    missing = []
    for msgid, context in extracted_keys():
        entry = catalog.get(msgid, context=context)
        if entry is None or not entry.string:
            missing.append(f"{context}|{msgid}" if context else msgid)
    return sorted(missing)


def load() -> Catalog:
    with PO.open("rb") as fh:
        return read_po(fh, locale="en")


def update(seed: dict[str, str] | None = None, corrections: dict[str, str] | None = None) -> None:
    """Merge new strings (English from ``seed`` where given) into the catalog;
    ``corrections`` replace existing translations (a seed never does)."""
    catalog = load() if PO.exists() else Catalog(locale="en", project="dutyloop")
    seed = {**(seed or {}), **(corrections or {})}
    # A seed's key is the msgid, or "context|msgid" for a string with a context.
    for msgid, context in sorted(extracted_keys(), key=lambda k: (k[0], k[1] or "")):
        key = f"{context}|{msgid}" if context else msgid
        entry = catalog.get(msgid, context=context)
        if entry is None:
            catalog.add(msgid, (seed or {}).get(key, ""), context=context)
        elif seed and not entry.string and key in seed:
            entry.string = seed[key]
        elif corrections and corrections.get(key) and entry.string != corrections[key]:
            entry.string = corrections[key]
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=0, sort_output=True)


def compile_mo() -> None:
    with MO.open("wb") as fh:
        write_mo(fh, load())


def pending_seeds() -> tuple[dict[str, str], dict[str, str]]:
    """Translations waiting in i18n/*.json, merged: (new strings, corrections).
    A seed file's optional ``"__corrections__"`` object holds fixes to
    translations already in the catalog."""
    import json
    seed: dict[str, str] = {}
    corrections: dict[str, str] = {}
    for path in sorted((ROOT / "i18n").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        corrections.update(data.pop("__corrections__", {}))
        seed.update(data)
    return seed, corrections


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update(*pending_seeds())
    compile_mo()
