"""Static checks of rules against the JSON Schema of their data."""

import pytest

from service.logic import check_rule

RECORD = {
    "type": "object",
    "properties": {
        "date": {"type": "string", "format": "date"},
        "kind": {"type": "string", "enum": ["监督检查", "谈心谈话"]},
        "issues": {"type": "integer"},
        "people": {"type": "array", "items": {"$ref": "#/$defs/person"}},
    },
    "additionalProperties": False,
}
SCHEMA = {
    "$defs": {
        "record": RECORD,
        "person": {"type": "object", "properties": {"name": {"type": "string"}, "role": {"type": "string"}}},
    },
    "type": "object",
    "properties": {
        "records": {"type": "array", "items": {"$ref": "#/$defs/record"}},
        "period": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"}},
        },
        "target": {"type": "integer"},
        "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}], "items": False},
        "extra": {"type": "object", "additionalProperties": {"type": "number"}},
        "either": {"anyOf": [
            {"type": "object", "properties": {"a": {"type": "number"}}},
            {"type": "object", "properties": {"b": {"type": "string"}}},
        ]},
        "both": {"allOf": [{"$ref": "#/$defs/person"}, {"properties": {"age": {"type": "integer"}}}]},
        "open": {"type": "object"},
    },
}


def codes(rule):
    return [(p.code, p.pointer) for p in check_rule(rule, SCHEMA)]


VALID = [
    {">=": [{"count_if": [{"var": "records"}, {"==": [{"var": "kind"}, "监督检查"]}]}, {"var": "target"}]},
    {"count_if": [{"var": "records"}, {"in_period": [{"var": "date"}, {"val": [[2], "period"]}]}]},
    {"<=": [{"var": "period.start"}, {"var": "records.0.date"}, {"var": "period.end"}]},
    {"some": [{"var": "records"}, {"some": [{"var": "people"}, {"==": [{"var": "role"}, "组长"]}]}]},
    {"sum_of": [{"var": "records"}, {"var": "issues"}, {">": [{"var": "issues"}, 0]}]},
    {"reduce": [{"var": "records"}, {"+": [{"var": "accumulator"}, {"var": "current.issues"}]}, 0]},
    {"==": [{"var": "pair.0"}, "x"]},
    {"+": [{"var": "extra.anything"}, {"var": "either.a"}, {"var": "both.age"}]},
    {"cat": [{"var": "either.b"}, {"var": "both.name"}, {"var": "open.whatever.deep"}]},
    {"if": [{"missing": ["target"]}, False, True]},
    {">": [{"days_between": [{"var": "period.start"}, {"today": []}]}, 30]},
]


@pytest.mark.parametrize("rule", VALID)
def test_valid_rules_have_no_problems(rule):
    assert check_rule(rule, SCHEMA) == []


def test_unknown_operator():
    assert codes({"and": [True, {"method": ["x", "upper"]}]}) == [("unknown_operator", "/and/1")]


def test_wrong_number_of_arguments():
    assert codes({"in_period": [{"var": "period.start"}]}) == [("arity", "/in_period")]
    assert codes({"==": [1]}) == [("arity", "/==")]
    assert codes({"and": True}) == [("invalid_arguments", "/and")]


def test_path_the_schema_cannot_have():
    assert codes({"var": "targt"}) == [("unknown_path", "/var")]
    assert codes({"var": "period.begin"}) == [("unknown_path", "/var")]
    assert codes({"var": "target.value"}) == [("unknown_path", "/var")]


def test_path_through_ref_and_array_items():
    assert codes({"var": "records.0.kind"}) == []
    assert codes({"var": "records.0.kinds"}) == [("unknown_path", "/var")]
    assert codes({"var": "records.1.people.0.nmae"}) == [("unknown_path", "/var")]
    assert codes({"val": ["records", 0, "people", 0, "name"]}) == []


def test_prefix_items_and_unions():
    assert codes({"var": "pair.2"}) == [("unknown_path", "/var")]
    assert codes({"var": "either.c"}) == [("unknown_path", "/var")]
    assert codes({"var": "both.nope"}) == [("unknown_path", "/var")]


def test_paths_inside_iterations_use_the_item_schema():
    rule = {"filter": [{"var": "records"}, {"==": [{"var": "knd"}, "监督检查"]}]}
    assert codes(rule) == [("unknown_path", "/filter/1/==/0/var")]
    # target is not a record field, but it is reachable two scopes up
    assert codes({"map": [{"var": "records"}, {"val": [[2], "target"]}]}) == []
    assert codes({"map": [{"var": "records"}, {"val": "target"}]}) == [("unknown_path", "/map/1/val")]


def test_date_compared_with_number():
    assert codes({">": [{"var": "period.start"}, 3]}) == [("type_mismatch", "/>")]
    assert codes({"<": [{"date": "2022-01-01"}, {"var": "target"}]}) == [("type_mismatch", "/<")]
    assert codes({"==": [{"var": "target"}, "abc"]}) == [("type_mismatch", "/==")]
    assert codes({"==": [{"var": "records"}, 1]}) == [("type_mismatch", "/==")]


def test_iteration_over_something_that_is_not_an_array():
    assert codes({"map": [{"var": "target"}, 1]}) == [("not_an_array", "/map/0")]
    assert codes({"count_if": [{"var": "period"}, True]}) == [("not_an_array", "/count_if/0")]
    assert codes({"all": [{"cat": ["a"]}, True]}) == [("not_an_array", "/all/0")]


def test_problems_have_english_and_chinese_messages():
    (problem,) = check_rule({"var": "targt"}, SCHEMA)
    assert "targt" in problem.message and "targt" in problem.message_zh


def test_open_schema_allows_any_path():
    assert check_rule({"var": "a.b.c"}, {}) == []
    assert check_rule({"var": "a.b.c"}, True) == []


def test_compile_errors_are_reported():
    assert codes({"map": [[1], None]}) == [("invalid_arguments", "/map")]


def test_check_rule_over_a_record_form_via_check_data_schema():
    from service.logic import check_data_schema

    form = {"$defs": {"person": SCHEMA["$defs"]["person"]}, **RECORD,
            "properties": {**RECORD["properties"]}}
    schema = check_data_schema(form)
    good = {"and": [
        {">=": [{"count_if": [{"var": "records"}, {"in_period": [{"var": "date"}, {"val": [[2], "period", "id"]}]}]}, {"var": "target"}]},
        {"some": [{"var": "records"}, {"some": [{"var": "people"}, {"==": [{"var": "name"}, "张三"]}]}]},
        {"in": ["征地拆迁", {"var": "unit.tags"}]},
    ]}
    assert check_rule(good, schema) == []
    bad = {"count_if": [{"var": "records"}, {"==": [{"var": "people.0.nmae"}, "张三"]}]}
    assert [p.code for p in check_rule(bad, schema)] == ["unknown_path"]
    assert [p.code for p in check_rule({"var": "unit.tag"}, schema)] == ["unknown_path"]


def test_self_referencing_schema_does_not_crash_the_check():
    schema = {"$defs": {"a": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}
    problems = check_rule({"var": "x.y"}, schema)
    assert all(p.code in ("limit", "unknown_path") for p in problems)


def test_pattern_properties_are_matched_safely():
    schema = {"type": "object", "patternProperties": {"^(a+)+$": {"type": "number"}}}
    assert check_rule({"var": "aaaa"}, schema) == []
    assert [p.code for p in check_rule({"var": "a" * 40 + "!"}, schema)] == ["unknown_path"]
