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
def page(browser):
    """A blank page of the suite's one Chromium (tests/conftest.py: Debian's
    /usr/bin/chromium, skipped or failed per REQUIRE_BROWSER when missing)."""
    blank = browser.new_page()
    yield blank
    blank.close()


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


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

TRICKY = {"type": "object", "properties": {
    "s": {"type": "string"}, "area": {"type": "string", "x-widget": "textarea"},
    "n": {"type": "number"}, "i": {"type": "integer"}, "e": {"enum": ["甲", " 乙 ", "a&b", "<c>"]},
    "l": {"type": "array", "items": {"type": "string"}}}}


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(s=st.text(min_size=1).filter(lambda x: "\r" not in x and "\x00" not in x),
       area=st.text(min_size=1).filter(lambda x: "\r" not in x and "\x00" not in x),
       n=st.floats(allow_nan=False, allow_infinity=False), i=st.integers(),
       e=st.sampled_from(["甲", " 乙 ", "a&b", "<c>"]), l=st.lists(st.text(max_size=5).filter(lambda x: "\r" not in x and "\x00" not in x), max_size=3))
def test_chromium_agrees_with_the_simulator_on_any_text(page, s, area, n, i, e, l):
    data = {"s": s, "area": area, "n": n, "i": i, "e": e, "l": l}
    if not l:
        del data["l"]
    html = render_form(TRICKY, data)
    entries = _form_data(page, html)
    assert [(k, v.replace("\r\n", "\n")) for k, v in submit(html)] == entries
    assert parse_submission(TRICKY, entries) == data


def test_enter_in_a_text_field_does_not_press_an_array_button(page):
    schema, _ = load("supervision_check")
    html = render_form(schema, {"inspectors": ["甲", "乙"], "target_unit": "区建设局"})
    page.set_content('<form method="post" novalidate onsubmit="event.preventDefault();'
                     'window.sub = event.submitter ? [event.submitter.name, event.submitter.value] : null">'
                     f'{html}<button type="submit" name="save" value="1">保存</button></form>')
    page.press('input[name="target_unit"]', "Enter")
    submitter = page.evaluate("() => window.sub")
    assert submitter == ["", ""]        # the inert default button, so no __op is sent


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(schema=st.deferred(lambda: _fuzz_schemas()), data=st.data())
def test_chromium_agrees_with_the_simulator_on_generated_forms(page, schema, data):
    from hypothesis import assume, reject
    from hypothesis_jsonschema import from_schema
    from service.forms import SchemaError, load_schema
    from . import hypothesis_compat  # noqa: F401
    try:
        schema = load_schema(schema)
        instance = data.draw(from_schema(schema))
    except (SchemaError, Exception):
        reject()
    assume(isinstance(instance, dict))
    html = render_form(schema, instance)
    entries = _form_data(page, html)
    assert [(k, v.replace("\r\n", "\n")) for k, v in submit(html)] == entries


def _fuzz_schemas():
    from .test_schema_fuzz import SCHEMAS
    return SCHEMAS
