"""The round trip through real Chromium: the rendered form's FormData (what a
browser submits) parses back to the answers — and equals what the html.parser
simulator in browser.py collects, which keeps the property tests honest."""
from __future__ import annotations

import pytest

from service.forms import parse_submission, render_form

from .browser import submit
from .helpers import corpus_names, load

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch()
        except Exception:
            try:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            except Exception as exc:      # no browser on this machine
                pytest.skip(f"no Chromium: {exc}")
        yield browser.new_page()
        browser.close()


def _form_data(page, html: str) -> list[tuple[str, str]]:
    page.set_content(f'<form method="post" novalidate>{html}</form>')
    entries = page.evaluate("""() => [...new FormData(document.forms[0]).entries()]
        .filter(([k, v]) => typeof v === 'string')""")
    return [(k, v) for k, v in entries]


CASES = [(name, i) for name in corpus_names() for i in range(len(load(name)[1]["valid"]))]


@pytest.mark.parametrize("name, index", CASES)
def test_chromium_submission_round_trips(page, name, index):
    schema, cases = load(name)
    data = cases["valid"][index]
    html = render_form(schema, data)
    entries = _form_data(page, html)
    assert parse_submission(schema, entries) == data
    simulated = [(k, v.replace("\r\n", "\n")) for k, v in submit(html)]
    assert simulated == entries


def test_chromium_tricky_values(page):
    schema = {"type": "object", "properties": {
        "t": {"type": "string", "format": "date-time"}, "u": {"type": "string", "format": "time"},
        "s": {"type": "string"}, "n": {"type": "number"}, "e": {"type": "string", "format": "email"}}}
    data = {"t": "2022-06-01T10:00:00.5-05:30", "u": "23:59:59.25+01:00", "s": "\n 两行\n文字 ",
            "n": 1e+20, "e": "a.b@example.org"}
    html = render_form(schema, data)
    assert parse_submission(schema, _form_data(page, html)) == data
