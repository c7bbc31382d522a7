"""Drafts resume: any stored data, however wrong for the schema, renders,
submits and validates without an exception."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from service.forms import parse_submission, render_form, validate

from .browser import submit
from .helpers import corpus_names, load

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10)


def _mutated(schema_name: str):
    """Answers shaped like the form but with any JSON in any field."""
    schema, cases = load(schema_name)
    base = cases["valid"][0]
    return st.fixed_dictionaries({k: st.one_of(st.just(v), JSON) for k, v in base.items()},
                                 optional={"zz_unknown": JSON})


@pytest.mark.parametrize("name", [n for n in corpus_names() if n != "big_form_200"])
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_draft_renders_submits_and_validates(name, data):
    schema, _ = load(name)
    draft = data.draw(_mutated(name))
    errors = validate(schema, draft)
    html = render_form(schema, draft, errors)
    parsed = parse_submission(schema, submit(html))
    validate(schema, parsed)
    render_form(schema, parsed, validate(schema, parsed), locale="en")


def test_not_even_an_object():
    schema, _ = load("talk_record")
    for draft in ("text", 3, [1, 2], True):
        assert validate(schema, draft)
        assert 'name="talk_type"' in render_form(schema, draft)


def test_hostile_json_in_a_fallback_field_stays_text():
    schema = {"type": "object", "properties": {"x": {}}}
    deep = "[" * 50000 + "]" * 50000
    assert parse_submission(schema, [("x/__json", deep)]) == {"x": deep}
