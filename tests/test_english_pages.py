"""The English UI is English: every page of every role, rendered in English with
the demo loaded, may show Chinese only in user data and pack content, and its
English text has no full-width punctuation (Leader：, （Yearly≥1）)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from service.db import database
from tests.demo_cache import DEMO_PASSWORD, load_demo_into
from tests.site_map import ROLES, enough_pages, user_page_urls
from tools.i18n import PO

pytestmark = pytest.mark.slow

PASSWORD = DEMO_PASSWORD
# Full-width punctuation (：（），。；、！？ and the like) and CJK ideographs.
FULL_WIDTH = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")
IDEOGRAPHS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


class _Text(HTMLParser):
    """Text nodes and the attributes people read (title, placeholder, aria-label,
    alt, data-label), leaving out elements marked as Chinese (lang="zh-CN")."""

    READ = ("title", "placeholder", "aria-label", "alt", "data-label")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = (attrs.get("lang") or "").startswith("zh") or tag in ("script", "style", "textarea")
        if not skip and not self._skipping():
            self.texts += [attrs[a] for a in self.READ if attrs.get(a)]
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data.strip() and not self._skipping():
            self.texts.append(data.strip())


def _strings(value, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value)
        if value[:1] in "{[":
            try:
                _strings(json.loads(value), out)
            except ValueError:
                pass
    elif isinstance(value, dict):
        for k, v in value.items():
            _strings(k, out)
            _strings(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _strings(v, out)


def _windows(text: str) -> list[str]:
    """Each full-width punctuation mark with the characters either side of it."""
    padded = "\x00" + text + "\x00"
    return [padded[m.start() - 1:m.start() + 2] for m in FULL_WIDTH.finditer(padded)]


def _data() -> tuple[set[str], set[str]]:
    """Every Chinese run and every full-width mark (in its context) found in the
    database: units, people, plans, records, audit entries and the installed
    packs (their files are stored there too)."""
    strings: set[str] = set()
    for table in database.get_tables():
        for row in database.execute_sql(f'SELECT * FROM "{table}"').fetchall():
            for value in row:
                _strings(value if not isinstance(value, (bytes, memoryview)) else "", strings)
    runs = {run for s in strings for run in IDEOGRAPHS.findall(s)}
    windows = {w for s in strings if FULL_WIDTH.search(s) for w in _windows(s)}
    return runs, windows


QUOTED = re.compile(r"“[^”]*”")


def _explained(window: str, windows: set[str]) -> bool:
    """A mark is data when stored text has it between the same characters (or
    at the start or end of a stored text, shown beside something else)."""
    return window in windows or window[:2] + "\x00" in windows or "\x00" + window[1:] in windows


def _not_english(text: str, data: tuple[set[str], set[str]]) -> list[str]:
    """Chinese words and full-width marks of ``text`` that no stored data explains.
    Chinese quoted as a value to type (填“是”或“否”: “是” or “否”) is meant."""
    runs, windows = data
    text = QUOTED.sub("“”", text)
    bad = [run for run in IDEOGRAPHS.findall(text) if run not in runs]
    bad += [f"{w.strip(chr(0))} in {text[:60]!r}" for w in _windows(text) if not _explained(w, windows)]
    return bad


@pytest.fixture
def demo(app):
    load_demo_into(app)
    return app


@pytest.mark.parametrize("username", ROLES)
def test_every_page_is_english_in_the_english_ui(demo, client, username):
    signed_in = type(client)(demo.test_client())
    assert signed_in.login(username, PASSWORD).status_code == 302
    signed_in.post("/language/en")
    urls = user_page_urls(demo, signed_in, username)
    assert len(urls) >= enough_pages(username)
    data = _data()
    found = {}
    for url in urls:
        parser = _Text()
        parser.feed(signed_in.get(url).get_data(as_text=True))
        bad = sorted({run for text in parser.texts for run in _not_english(text, data)})
        if bad:
            found[url] = bad
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_no_english_translation_has_full_width_punctuation():
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    # Chinese quoted as a value to type (“是” or “否”, “、”) is meant; anything else is not English
    quoted = re.compile(r"“[^”]*”")
    bad = [f"{m.id!r} -> {m.string!r}" for m in catalog if m.id and m.string
           and any(FULL_WIDTH.search(quoted.sub("", s)) or IDEOGRAPHS.search(quoted.sub("", s))
                   for s in (m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert not bad, "\n".join(bad)


def test_pack_form_titles_follow_the_ui_language(demo, client):
    clerk = type(client)(demo.test_client())
    clerk.login("unit01", PASSWORD)
    chinese = clerk.get("/perform/fill/talk").get_data(as_text=True)
    assert "<h1>谈心谈话记录</h1>" in chinese
    clerk.post("/language/en")
    english = clerk.get("/perform/fill/talk").get_data(as_text=True)
    assert "<h1>Heart-to-heart talk record</h1>" in english
    assert "Heart-to-heart talk record" in clerk.get("/perform/").get_data(as_text=True)
