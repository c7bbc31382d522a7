"""The English catalog covers every UI string and its .mo is current."""
import io
import sys
from pathlib import Path

from babel.messages.mofile import write_mo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import i18n  # noqa: E402


def test_every_marked_string_has_an_english_translation():
    missing = i18n.untranslated(i18n.load())
    assert not missing, "untranslated (run `python tools/i18n.py update` and translate): " + ", ".join(missing)


def test_compiled_catalog_matches_the_po_file():
    buf = io.BytesIO()
    write_mo(buf, i18n.load())
    assert i18n.MO.read_bytes() == buf.getvalue(), "run `python tools/i18n.py compile`"
