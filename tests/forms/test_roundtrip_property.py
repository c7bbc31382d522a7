"""Property: any valid instance, rendered and submitted unchanged, comes back
exactly — over every corpus schema, with instances from hypothesis-jsonschema.

Documented exclusions (see docs/forms.md, "Round trip"): an empty string, an
empty optional array/object or an optional null is the same as "not answered"
and is left out; a checkbox is never "not answered" (unchecked is false); keys starting with
"__" are reserved for the form's own controls; checkbox groups come back in option order; text containing a
carriage return or NUL cannot survive any browser."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from hypothesis_jsonschema import from_schema

from . import hypothesis_compat  # noqa: F401  (adapts hypothesis-jsonschema to this Hypothesis)

from service.forms import validate
from service.forms.model import compile_form

from .helpers import corpus_names, load, round_trip
from tests.conftest import many

SMALL = [n for n in corpus_names() if n != "big_form_200"]


def _browser_safe(value) -> bool:
    """No value the round-trip claim excludes (see module docstring)."""
    if isinstance(value, str):
        return value != "" and "\r" not in value and "\x00" not in value
    if isinstance(value, list):
        return all(_browser_safe(v) for v in value)
    if isinstance(value, dict):
        return all(v is not None and v != [] and v != {} and _browser_safe(v) and _browser_safe(k)
                   and not k.startswith("__")       # reserved for the form's own controls
                   for k, v in value.items())
    return True


def _canonical(schema: dict, value):
    """Checkbox groups (uniqueItems enum arrays) come back in option order."""
    fs = compile_form(schema)
    from service.forms.widgets import boolean_widget, registry
    from service.forms.conditions import object_layout

    def walk(raw, v):
        node = fs.resolve(raw)
        kind = registry.kind(fs, node)
        if kind == "multi" and isinstance(v, list):
            items = fs.resolve(node.get("items"))
            order = [json.dumps(o, sort_keys=True) for o in items.get("enum", [])]
            return sorted(v, key=lambda x: order.index(json.dumps(x, sort_keys=True))
                          if json.dumps(x, sort_keys=True) in order else len(order))
        if kind == "object" and isinstance(v, dict):
            layout = object_layout(fs, raw, v)
            props = dict(layout.props)
            out = {k: walk(props[k], x) if k in props else x for k, x in v.items()
                   if k not in layout.hidden}      # fields x-visible-if hides are dropped
            for k, sub in layout.props:   # a checkbox has no "not answered": unchecked is false
                sub = fs.resolve(sub)
                if k not in out and registry.kind(fs, sub) == "boolean" and \
                        boolean_widget(sub, k in layout.required).template == "checkbox":
                    out[k] = False
            return out
        if kind == "array" and isinstance(v, list):
            return [walk(node.get("items", {}), x) for x in v]
        return v
    return walk(fs.root, value)


def _check(schema: dict, instance) -> None:
    assume(not validate(schema, instance))
    assume(_browser_safe(instance))
    back = round_trip(schema, instance)
    expected = _canonical(schema, instance)
    assert json.dumps(back, sort_keys=True, ensure_ascii=False) == \
        json.dumps(expected, sort_keys=True, ensure_ascii=False)


def _strategy(name: str):
    schema, _ = load(name)
    return schema, from_schema(schema)


@pytest.mark.parametrize("name", SMALL)
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_valid_instances_round_trip(name, data):
    schema, strategy = _strategy(name)
    _check(schema, data.draw(strategy))


@pytest.mark.slow
@pytest.mark.parametrize("name", SMALL)
@settings(max_examples=many(100), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_valid_instances_round_trip_many(name, data):
    schema, strategy = _strategy(name)
    _check(schema, data.draw(strategy))
