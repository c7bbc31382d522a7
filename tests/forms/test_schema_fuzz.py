"""Any schema built from the supported (and some unsupported) keywords either
loads and then renders, submits and validates without an exception, or is
refused with SchemaError — never a crash."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from service.forms import SchemaError, load_schema, parse_submission, render_form, validate

from .browser import submit

NAMES = st.sampled_from(["a", "b", "c", "名称", "x/y", "t~1"])
SCALARS = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "number", "boolean", "null"])},
                          optional={"title": st.text(max_size=4), "default": st.integers(0, 3),
                                    "readOnly": st.booleans(), "minimum": st.integers(-2, 2),
                                    "maxLength": st.integers(0, 300), "x-widget": st.sampled_from(
                                        ["textarea", "radio", "select", "checkbox", "file", "nope"]),
                                    "format": st.sampled_from(["date", "time", "date-time", "email", "uri", "x"])}),
    st.fixed_dictionaries({"enum": st.lists(st.one_of(st.text(max_size=3), st.integers(), st.none()),
                                            min_size=1, max_size=4, unique_by=repr)}),
    st.fixed_dictionaries({"const": st.one_of(st.text(max_size=3), st.integers())}),
    st.fixed_dictionaries({"type": st.just(["string", "integer"])}),
    st.just({}), st.just(True),
)


def _extend(children):
    props = st.dictionaries(NAMES, children, max_size=3)
    return st.one_of(
        st.builds(lambda p, r, extra: {"type": "object", "properties": p, "required": [n for n in p if r], **extra},
                  props, st.booleans(),
                  st.fixed_dictionaries({}, optional={
                      "additionalProperties": st.booleans(),
                      "dependentRequired": st.dictionaries(NAMES, st.lists(NAMES, max_size=2), max_size=1),
                      "x-order": st.lists(NAMES, max_size=3)})),
        st.builds(lambda items, mn, uniq: {"type": "array", "items": items, "minItems": mn, "uniqueItems": uniq},
                  children, st.integers(0, 2), st.booleans()),
        st.builds(lambda alts: {"oneOf": alts}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda a, b: {"type": "object", "properties": {"k": {"enum": ["p", "q"]}},
                                "if": {"properties": {"k": {"const": "p"}}, "required": ["k"]},
                                "then": {"properties": {"extra": a}}, "else": {"properties": {"other": b}}},
                  children, children),
    )


SCHEMAS = st.builds(lambda props: {"type": "object", "properties": props},
                    st.dictionaries(NAMES, st.recursive(SCALARS, _extend, max_leaves=6), max_size=4))
ANSWERS = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=4),
                       lambda c: st.lists(c, max_size=2) | st.dictionaries(NAMES, c, max_size=3), max_leaves=8)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(schema=SCHEMAS, data=st.dictionaries(NAMES, ANSWERS, max_size=4))
def test_any_schema_renders_or_is_refused(schema, data):
    try:
        schema = load_schema(schema)
    except SchemaError:
        return
    for answers in (None, data):
        errors = validate(schema, answers if answers is not None else {})
        html = render_form(schema, answers, errors, locale="en")
        parsed = parse_submission(schema, submit(html))
        validate(schema, parsed)
        render_form(schema, parsed, hx={"refresh": "/r", "validate_field": "/v"})
