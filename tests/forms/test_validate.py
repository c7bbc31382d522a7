"""Validation messages a clerk can act on, pointing at the right field."""
from __future__ import annotations

import pytest

from service.forms import FieldError, validate
from service.forms.model import compile_form


def form(props, required=(), **extra):
    return {"type": "object", "properties": props, "required": list(required), **extra}


@pytest.mark.parametrize("prop, value, code, zh, en", [
    ({"type": "string", "format": "date"}, "2022/06/01", "format", "日期格式应为 年-月-日（如 2022-06-01）", "Date must be"),
    ({"type": "string", "format": "date"}, "2022-02-30", "format", "日期格式应为", "Date must be"),
    ({"type": "string", "format": "email"}, "someone", "format", "请输入有效的电子邮箱", "valid email"),
    ({"type": "string", "format": "uri"}, "not a url", "format", "请输入有效的网址", "web address"),
    ({"type": "string", "format": "time"}, "25:00:00Z", "format", "时间格式应为", "Time must be"),
    ({"type": "string", "format": "date-time"}, "2022-06-01 10:00", "format", "日期时间格式应为", "Date and time"),
    ({"type": "array", "minItems": 2}, [1], "minItems", "不能少于 2 项", "at least 2 items"),
    ({"type": "array", "maxItems": 1}, [1, 2], "maxItems", "不能多于 1 项", "at most 1 items"),
    ({"type": "number", "minimum": 0}, -1, "minimum", "不能小于 0", "less than 0"),
    ({"type": "number", "maximum": 100}, 101, "maximum", "不能大于 100", "greater than 100"),
    ({"type": "number", "exclusiveMinimum": 0}, 0, "exclusiveMinimum", "应大于 0", "greater than 0"),
    ({"type": "number", "multipleOf": 0.5}, 0.3, "multipleOf", "应为 0.5 的整数倍", "multiple of 0.5"),
    ({"type": "string", "minLength": 2}, "a", "minLength", "不能少于 2 个字", "at least 2 characters"),
    ({"type": "string", "maxLength": 2}, "abc", "maxLength", "不能多于 2 个字", "at most 2 characters"),
    ({"type": "string", "pattern": "^[0-9]+$"}, "12a", "pattern", "格式不正确", "Invalid format"),
    ({"enum": ["好", "差"]}, "中", "enum", "请从选项中选择", "choose one"),
    ({"type": "integer"}, 1.5, "type", "应为整数", "whole number"),
    ({"type": "array", "uniqueItems": True}, [1, 1], "uniqueItems", "不能有重复项", "must not repeat"),
    ({"const": "v1"}, "v2", "const", "此项的值应为 v1", "Must be v1"),
])
def test_messages_in_chinese_and_english(prop, value, code, zh, en):
    schema = form({"x": prop})
    [error] = validate(schema, {"x": value})
    assert (error.path, error.code) == ("/x", code)
    assert zh in error.message
    [error] = validate(schema, {"x": value}, locale="en")
    assert en in error.message


def test_required_error_points_at_the_missing_field():
    schema = form({"a": {"type": "object", "properties": {"b": {"type": "string"}}, "required": ["b"]}}, ["a"])
    assert validate(schema, {}) == [FieldError("/a", "此项为必填项", "required")]
    assert validate(schema, {"a": {}}) == [FieldError("/a/b", "此项为必填项", "required")]
    assert validate(schema, {"a": {}}, locale="en")[0].message == "This field is required"


def test_errors_inside_arrays_have_item_pointers():
    schema = form({"m": {"type": "array", "items": {"type": "object", "properties": {
        "d": {"type": "string", "format": "date"}}, "required": ["n"]}}})
    got = {(e.path, e.code) for e in validate(schema, {"m": [{"n": 1}, {"d": "x", "n": 1}, {}]})}
    assert got == {("/m/1/d", "format"), ("/m/2/n", "required")}


def test_custom_messages_per_keyword_and_locale():
    schema = form({"tel": {"type": "string", "pattern": "^1[0-9]{10}$", "x-messages": {"pattern": "请输入11位手机号"},
                           "x-i18n": {"en": {"messages": {"pattern": "Enter 11 digits"}}}}})
    assert validate(schema, {"tel": "123"})[0].message == "请输入11位手机号"
    assert validate(schema, {"tel": "123"}, locale="en")[0].message == "Enter 11 digits"


def test_oneof_errors_come_from_the_alternative_the_form_shows():
    schema = form({"status": {"type": "string"}}, ["status"], oneOf=[
        {"properties": {"status": {"const": "无"}, "ok": {"type": "boolean"}}, "required": ["ok"]},
        {"properties": {"status": {"const": "有"}, "items": {"type": "array", "minItems": 1}}, "required": ["items"]}])
    assert [(e.path, e.code) for e in validate(schema, {"status": "有"})] == [("/items", "required")]
    assert [(e.path, e.code) for e in validate(schema, {"status": "有", "items": []})] == [("/items", "minItems")]


def test_data_of_the_wrong_shape_never_crashes():
    schema = form({"a": {"type": "object", "properties": {"b": {"type": "integer"}}}})
    for data in (None, [], "x", {"a": "y"}, {"a": {"b": "z"}}, {"a": {"b": [{}]}}):
        assert validate(schema, data)


def test_compiled_validators_are_cached_by_schema_content():
    schema = form({"a": {"type": "string"}})
    first = compile_form(schema)
    assert compile_form(form({"a": {"type": "string"}})) is first
    assert compile_form(form({"a": {"type": "integer"}})) is not first
    two = form({"a": {"type": "string"}, "b": {"type": "string"}})
    swapped = form({"b": {"type": "string"}, "a": {"type": "string"}})
    assert compile_form(two) is not compile_form(swapped)      # field order is part of the form
    from service.forms import model
    for i in range(model._CACHE_SIZE + 5):         # bounded LRU
        compile_form(form({f"p{i}": {"type": "string"}}))
    assert len(model._cache) <= model._CACHE_SIZE


def test_fielderror_as_dict():
    assert FieldError("/a", "m", "required").as_dict() == {"path": "/a", "message": "m", "code": "required"}


def test_errors_come_in_page_order():
    from .helpers import load
    schema, _ = load("talk_record")
    data = {"talk_type": "诫勉", "date": "2022/6/1", "person": {"name": "李某"}, "content": "x"}
    assert [e.path for e in validate(schema, data)] == ["/date", "/initiator", "/person/role", "/rectify_deadline"]
