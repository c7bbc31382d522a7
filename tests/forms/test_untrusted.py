"""Schemas from other districts are untrusted: refs stay inside, patterns run
in linear time, and every limit gives a clear error instead of a hang."""
from __future__ import annotations

import json
import time

import pytest

from service.forms import (Limits, SchemaError, SubmissionError, load_schema, parse_submission,
                           render_form, validate)


def form(props, **extra):
    return {"type": "object", "properties": props, **extra}


@pytest.mark.parametrize("ref", ["https://evil.example/schema.json", "file:///etc/passwd",
                                 "other.json#/x", "#/$defs/missing"])
def test_remote_file_and_dangling_refs_are_refused_at_load(ref):
    with pytest.raises(SchemaError) as exc:
        load_schema(form({"a": {"$ref": ref}}))
    assert "引用" in str(exc.value)


def test_render_and_validate_refuse_remote_refs_too():
    schema = form({"a": {"$ref": "https://evil.example/s.json"}})
    with pytest.raises(SchemaError):
        render_form(schema)
    with pytest.raises(SchemaError):
        validate(schema, {"a": 1})


def test_pack_registry_refs_are_bundled_locally():
    person = {"$defs": {"person": {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}},
                                   "required": ["name"]}}}
    schema = load_schema(form({"p": {"$ref": "common/person.json#/$defs/person"}}),
                         registry={"common/person.json": person})
    assert json.dumps(schema).count('"$ref": "#/') == 1
    assert 'name="p/name"' in render_form(schema)
    assert [(e.path, e.code) for e in validate(schema, {"p": {}})] == [("/p/name", "required")]
    with pytest.raises(SchemaError):
        load_schema(form({"p": {"$ref": "common/other.json"}}), registry={"common/person.json": person})


def test_recursive_refs_are_refused():
    schema = {"type": "object", "$defs": {"node": {"type": "object", "properties": {
        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
        "properties": {"root": {"$ref": "#/$defs/node"}}}
    with pytest.raises(SchemaError, match="递归"):
        load_schema(schema)


@pytest.mark.parametrize("pattern", [r"(a)\1", r"a(?=b)", r"(?<!x)y"])
def test_patterns_re2_cannot_run_are_refused(pattern):
    with pytest.raises(SchemaError, match="正则"):
        load_schema(form({"a": {"type": "string", "pattern": pattern}}))
    with pytest.raises(SchemaError):
        load_schema(form({}, patternProperties={pattern: {"type": "string"}}))


def test_redos_pattern_finishes_fast():
    schema = form({"a": {"type": "string", "pattern": "^(a+)+$"}},
                  patternProperties={"^(x+)+$": {"type": "integer"}})
    evil = "a" * 50000 + "!"
    start = time.perf_counter()
    errors = validate(schema, {"a": evil, "x" * 50000 + "!": "not checked"})
    assert time.perf_counter() - start < 1.0
    assert [(e.path, e.code) for e in errors] == [("/a", "pattern")]
    assert validate(schema, {"a": "aaaa", "xxx": 3}) == []
    assert [e.code for e in validate(schema, {"xxx": "s"})] == ["type"]


def test_pattern_is_ecma_like_ascii_digits():
    schema = form({"a": {"type": "string", "pattern": r"^\d+$"}})
    assert validate(schema, {"a": "123"}) == []
    assert validate(schema, {"a": "١٢٣"})     # Arabic-Indic digits are not \d


def test_deep_nesting_is_refused():
    node = {"type": "string"}
    for _ in range(100):
        node = {"type": "object", "properties": {"x": node}}
    with pytest.raises(SchemaError, match="嵌套过深"):
        load_schema(node)
    text = "[" * 100000 + "]" * 100000
    with pytest.raises(SchemaError):
        load_schema(text)


def test_size_and_property_count_limits():
    big = form({f"p{i}": {"type": "string", "description": "x" * 100} for i in range(3000)})
    with pytest.raises(SchemaError):
        load_schema(big)
    with pytest.raises(SchemaError, match="字段数量过多"):
        load_schema(form({f"p{i}": {} for i in range(30)}), limits=Limits(max_properties=20))
    with pytest.raises(SchemaError, match="过大"):
        load_schema(json.dumps(form({"a": {"description": "x" * 1000}})), limits=Limits(max_schema_bytes=500))


def test_max_items_cap():
    with pytest.raises(SchemaError, match="maxItems"):
        load_schema(form({"a": {"type": "array", "maxItems": 100000}}))
    schema = form({"a": {"type": "array", "items": {"type": "string"}}})
    html = render_form(schema, {"a": ["x"] * 500})
    assert "add:/a" not in html         # the global cap also limits adding
    with pytest.raises(SubmissionError):
        parse_submission(schema, [("a/__len", "100000")])
    with pytest.raises(SubmissionError):
        parse_submission(schema, [("a/99999", "x")])


def test_huge_submissions_are_refused_quickly():
    schema = form({"a": {"type": "string"}})
    start = time.perf_counter()
    with pytest.raises(SubmissionError, match="字段过多"):
        parse_submission(schema, [("junk", "x")] * 200000)
    with pytest.raises(SubmissionError, match="过长"):
        parse_submission(schema, [("a", "x" * 1_000_000)])
    assert time.perf_counter() - start < 2


def test_unknown_fields_in_a_submission_are_ignored():
    schema = form({"a": {"type": "string"}}, additionalProperties=False)
    assert parse_submission(schema, [("a", "1"), ("evil", "2"), ("__proto__", "3")]) == {"a": "1"}


def test_reserved_property_names_are_refused():
    with pytest.raises(SchemaError, match="__"):
        load_schema(form({"__op": {"type": "string"}}))


def test_not_json_or_not_an_object():
    for bad in ("{", "[]", "42", b"\xff"):
        with pytest.raises(SchemaError):
            load_schema(bad)
    with pytest.raises(SchemaError, match="2020-12"):
        load_schema({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"})


def test_custom_limits_through_a_compiled_form():
    from service.forms import compile_form
    schema = form({"a": {"type": "array", "items": {"type": "string"}}})
    strict = compile_form(schema, limits=Limits(max_items=3, max_fields=10))
    assert "add:/a" not in render_form(strict, {"a": ["1", "2", "3"]})
    assert "add:/a" in render_form(schema, {"a": ["1", "2", "3"]})
    with pytest.raises(SubmissionError):
        parse_submission(strict, [("a/__len", "4")])
    with pytest.raises(SubmissionError):
        parse_submission(strict, [("x", "1")] * 11)
    assert validate(strict, {"a": ["1"]}) == []


def test_invalid_visibility_rules_are_refused_at_load():
    pytest.importorskip("service.logic")
    with pytest.raises(SchemaError, match="条件规则无效.*no_such_operator") as exc:
        load_schema(form({"a": {"type": "string", "x-visible-if": {"no_such_operator": [1]}}}))
    assert exc.value.pointer == "/properties/a/x-visible-if"


# --- W3 (issue 8): hostile field names ------------------------------------------------------

def _bounded(fn, *, seconds: float, megabytes: float):
    """Run fn; assert it took at most ``seconds`` and peaked at most ``megabytes`` of new memory."""
    import tracemalloc
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = fn()
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.2f}s"
    assert peak < megabytes * 2**20, f"peaked at {peak / 2**20:.1f} MB"
    return outcome


def test_a_field_name_of_forty_thousand_segments_is_refused_in_linear_time():
    """The review's body: one name a/a/…/a of 40,000 segments (80 KB) took 18.8 s and 1.5 GB."""
    from service.forms import read_post
    schema = form({"a": {"type": "array", "items": {"type": "string"}}}, additionalProperties=True)
    hostile = "/".join(["a"] * 40_000)

    def attack():
        with pytest.raises(SubmissionError) as exc:
            read_post(schema, [(hostile, "x")])
        return str(exc.value)

    assert "字段名" in _bounded(attack, seconds=0.5, megabytes=4)


def test_many_names_within_the_bounds_cost_linear_time_and_memory():
    """The prefix index is read from the sorted names: 5,000 names of 60 segments each
    (≈ 600 KB) under a form that takes extra properties index in well under a second."""
    from service.forms.parse import FormFields, read_post
    schema = form({"a": {"type": "string"}}, additionalProperties=True)
    names = [(f"x{i}/" + "/".join(["s"] * 59), "v") for i in range(5_000)]
    _bounded(lambda: read_post(schema, names), seconds=2.0, megabytes=60)
    fields = FormFields(names, Limits())
    assert len(fields.children("")) == 5_000 and fields.children("x7/s/") == {"s"}


def test_overlong_field_names_are_refused():
    limits = Limits()
    with pytest.raises(SubmissionError, match="字段名过长"):
        parse_submission(form({"a": {"type": "string"}}), {"b" * (limits.max_name_chars + 1): "x"})
    with pytest.raises(SubmissionError, match="层级过深"):
        parse_submission(form({"a": {"type": "string"}}), {"a/" * limits.max_name_segments + "a": "x"})


def test_names_the_form_does_not_have_are_not_indexed():
    from service.forms import compile_form
    from service.forms.parse import FormFields
    fs = compile_form(form({"list": {"type": "array", "items": {"type": "string"}}}, additionalProperties=False))
    fields = FormFields([("list/0", "a"), ("list/1", "b"), ("junk/" + "/".join(["j"] * 50), "x"),
                         ("__op", "")], fs.limits, fs)
    assert fields.children("") == {"list", "__op"} and fields.children("junk/") == set()
    assert parse_submission(fs, [("list/0", "a"), ("list/1", "b"), ("junk/j", "x")]) == {"list": ["a", "b"]}


# --- W10 (issue 8): one place, two spellings ------------------------------------------------

def test_a_ref_with_a_leading_zero_cannot_hide_a_cycle():
    """The review's schema passed load_schema (#/allOf/01 resolved, but the cycle check
    compared it with /allOf/1 as text) and the preview died in RecursionError."""
    schema = {"allOf": [{"type": "object"}, {"properties": {"a": {"$ref": "#/allOf/01"}}}]}
    with pytest.raises(SchemaError) as exc:
        load_schema(schema)
    assert "前导零" in exc.value.message and exc.value.pointer == "/allOf/1/properties/a"
    with pytest.raises(SchemaError, match="递归引用"):
        load_schema({"allOf": [{"type": "object"}, {"properties": {"a": {"$ref": "#/allOf/1"}}}]})


@pytest.mark.parametrize("ref,message", [("#/$defs/a~2", "~0 或 ~1"), ("#/$defs/a~0b", "递归引用"),
                                         ("#/$defs/list/٠", "不存在")])
def test_pointers_are_compared_in_their_canonical_spelling(ref, message):
    schema = {"$defs": {"a~2": {"properties": {"x": {"$ref": ref}}}, "a~b": {"properties": {"x": {"$ref": ref}}},
                        "list": [{"type": "string"}]},
              "properties": {"p": {"$ref": ref}}}
    with pytest.raises(SchemaError, match=message):
        load_schema(schema)
