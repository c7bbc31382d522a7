"""Every corpus form renders, validates its good and bad answers as expected,
and gives its good answers back after an unchanged browser submission."""
from __future__ import annotations

import pytest

from service.forms import load_schema, render_form, validate

from .browser import submit
from .helpers import corpus_names, load, round_trip

NAMES = corpus_names()


def test_corpus_is_big_enough():
    assert len(NAMES) >= 20
    assert "big_form_200" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_loads_and_renders_in_both_locales(name):
    schema, _ = load(name)
    assert load_schema(schema) == schema
    zh = render_form(schema)
    en = render_form(schema, locale="en")
    assert zh.startswith('<div class="dl-form"') and en.startswith('<div class="dl-form"')
    assert "dl-fallback" not in zh, "corpus forms should need no fallback widget"
    title = schema["properties"][next(iter(schema["properties"]))].get("title")
    if title:
        assert title in zh


@pytest.mark.parametrize("name", NAMES)
def test_valid_cases_have_no_errors_and_round_trip(name):
    schema, cases = load(name)
    assert cases["valid"]
    for data in cases["valid"]:
        assert validate(schema, data) == []
        assert round_trip(schema, data) == data


@pytest.mark.parametrize("name", NAMES)
def test_invalid_cases_report_the_expected_fields(name):
    schema, cases = load(name)
    assert cases["invalid"]
    for case in cases["invalid"]:
        errors = validate(schema, case["data"])
        got = {(e.path, e.code) for e in errors}
        assert {tuple(x) for x in case["expect"]} <= got, got
        assert all(e.message and not e.message.isascii() for e in errors)
        html = render_form(schema, case["data"], errors)
        assert 'class="dl-form-errors"' in html
        for e in errors:        # each message is shown at its field and in the summary
            assert html.count(e.message) >= (2 if e.path else 1)


def test_big_form_has_at_least_200_fields():
    schema, cases = load("big_form_200")
    controls = {name for name, _ in submit(render_form(schema, cases["valid"][0]))
                if "__" not in name}
    assert len(controls) >= 200
