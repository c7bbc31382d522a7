"""The round-trip property over *generated schemas* (not just the corpus):
random forms from test_schema_fuzz, random valid answers from
hypothesis-jsonschema, submitted unchanged, come back exactly (with the
documented exclusions of test_roundtrip_property)."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, reject, settings, strategies as st
from hypothesis_jsonschema import from_schema

from service.forms import SchemaError, load_schema, validate

from . import hypothesis_compat  # noqa: F401
from .helpers import round_trip
from .test_roundtrip_property import _browser_safe, _canonical
from .test_schema_fuzz import SCHEMAS
from tests.conftest import many


def _check(schema, data):
    try:
        schema = load_schema(schema)
    except SchemaError:
        reject()
    assume('"checkbox"' not in json.dumps(schema))     # unchecked is false: excluded by design
    try:
        instance = data.draw(from_schema(schema))
    except Exception:          # hypothesis-jsonschema cannot build some schemas
        reject()
    assume(not validate(schema, instance))
    assume(_browser_safe(instance))
    back = round_trip(schema, instance)
    assert json.dumps(back, sort_keys=True, ensure_ascii=False) == \
        json.dumps(_canonical(schema, instance), sort_keys=True, ensure_ascii=False)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(schema=SCHEMAS, data=st.data())
def test_generated_forms_round_trip(schema, data):
    _check(schema, data)


@pytest.mark.slow
@settings(max_examples=many(1000), deadline=None, suppress_health_check=list(HealthCheck))
@given(schema=SCHEMAS, data=st.data())
def test_generated_forms_round_trip_many(schema, data):
    _check(schema, data)
