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
KEYWORDS = {"_": None, "gettext": None, "N_": None, "_msg": None, "ngettext": (1, 2)}
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def extracted_ids() -> set[str]:
    """Every msgid marked in the code and templates."""
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(SERVICE), METHOD_MAP, keywords=KEYWORDS):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def load() -> Catalog:
    with PO.open("rb") as fh:
        return read_po(fh, locale="en")


def update(seed: dict[str, str] | None = None) -> None:
    catalog = load() if PO.exists() else Catalog(locale="en", project="dutyloop")
    for msgid in sorted(extracted_ids()):
        if msgid not in catalog:
            catalog.add(msgid, (seed or {}).get(msgid, ""))
        elif seed and not catalog[msgid].string and msgid in seed:
            catalog[msgid].string = seed[msgid]
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=0, sort_output=True)


def compile_mo() -> None:
    with MO.open("wb") as fh:
        write_mo(fh, load())


def pending_seeds() -> dict[str, str]:
    """Translations waiting in i18n/*.json, merged into one mapping."""
    import json
    seed: dict[str, str] = {}
    for path in sorted((ROOT / "i18n").glob("*.json")):
        seed.update(json.loads(path.read_text(encoding="utf-8")))
    return seed


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update(pending_seeds())
    compile_mo()
