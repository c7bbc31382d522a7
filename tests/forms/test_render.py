"""What a clerk sees: widgets chosen from the schema, labels, required marks,
errors, escaping, defaults, read-only and fallback."""
from __future__ import annotations

import re

import pytest

from service.forms import FieldError, registry, render_field, render_form

from .browser import submit
from .helpers import round_trip


def form(props, required=(), **extra):
    return {"type": "object", "properties": props, "required": list(required), **extra}


def control(html: str, name: str) -> str:
    """The opening tag of the control named ``name``."""
    m = re.search(r'<(input|select|textarea)[^>]*\bname="%s"[^>]*>' % re.escape(name), html)
    assert m, f"no control {name}"
    return m.group(0)


@pytest.mark.parametrize("prop, tag", [
    ({"type": "string"}, 'type="text"'),
    ({"type": "string", "format": "date"}, 'type="date"'),
    ({"type": "string", "format": "time"}, 'type="time"'),
    ({"type": "string", "format": "date-time"}, 'type="datetime-local"'),
    ({"type": "string", "format": "email"}, 'type="email"'),
    ({"type": "string", "format": "uri"}, 'type="url"'),
    ({"type": "number"}, 'type="number"'),
    ({"type": "integer"}, 'type="number"'),
    ({"type": "string", "x-widget": "textarea"}, "<textarea"),
    ({"type": "string", "maxLength": 500}, "<textarea"),
    ({"enum": ["a", "b"]}, "<select"),
    ({"enum": ["a", "b"], "x-widget": "radio"}, 'type="radio"'),
    ({"type": "array", "uniqueItems": True, "items": {"enum": ["a", "b"]}}, 'type="checkbox"'),
    ({"type": "object", "x-widget": "file", "properties": {"id": {"type": "string"}}}, 'type="file"'),
])
def test_widget_follows_type_and_format(prop, tag):
    html = render_form(form({"x": prop}))
    assert tag in html


def test_registry_dispatches_in_two_stages_with_a_named_fallback():
    assert registry.widget("string", {"format": "date"}).name == "date"
    assert registry.widget("string", {"x-widget": "textarea"}).name == "textarea"
    assert registry.widget("string", {"x-widget": "no-such"}).name == "text"
    assert registry.widget("mystery", {}).name == "fallback"


def test_unsupported_schema_gets_readonly_json_fallback_and_keeps_the_value():
    schema = form({"pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
                   "mixed": {"type": ["string", "integer"]}})
    data = {"pair": ["a", 1], "mixed": 3}
    html = render_form(schema, data)
    assert html.count("dl-fallback") == 2
    assert "readonly" in control(html, "pair/__json")
    assert "暂不支持在线填写" in html
    assert round_trip(schema, data) == data


def test_labels_descriptions_required_marks_and_aria():
    schema = form({"name": {"type": "string", "title": "姓名", "description": "填写全名"}}, ["name"])
    html = render_form(schema)
    assert '<label class="dl-label" for="dl-form-f-name">姓名<span class="dl-req" aria-hidden="true">*</span>' in html
    tag = control(html, "name")
    assert 'aria-required="true"' in tag and 'aria-describedby="dl-form-f-name-desc"' in tag
    assert 'id="dl-form-f-name-desc">填写全名' in html


def test_english_overrides_from_x_i18n():
    schema = form({"kind": {"title": "类型", "enum": ["甲", "乙"], "description": "说明",
                            "x-i18n": {"en": {"title": "Kind", "description": "Help",
                                              "enumNames": ["Alpha", "Beta"]}}}})
    en = render_form(schema, locale="en")
    assert ">Kind<" in en and "Help" in en and ">Alpha</option>" in en and "Please choose" in en
    zh = render_form(schema)
    assert ">类型<" in zh and ">甲</option>" in zh and "请选择" in zh


def test_enum_labels_and_oneof_const_titles():
    schema = form({"a": {"enum": ["h", "l"], "x-enum-labels": ["高", "低"]},
                   "b": {"enum": ["h", "l"], "x-enum-labels": {"h": "高风险"}},
                   "c": {"oneOf": [{"const": 1, "title": "一"}, {"const": 2, "title": "二"}]}})
    html = render_form(schema, {"c": 2})
    assert '<option value="h">高</option>' in html
    assert '<option value="h">高风险</option>' in html and '<option value="l">l</option>' in html
    assert '<option value="2" selected>二</option>' in html


def test_field_order_from_x_order_else_declaration():
    schema = form({"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}})
    names = [n for n, _ in submit(render_form(schema, {}))]
    assert names == ["a", "b", "c"]
    names = [n for n, _ in submit(render_form({**schema, "x-order": ["c", "a"]}, {}))]
    assert names == ["c", "a", "b"]


def test_everything_from_the_schema_is_escaped():
    evil = '<script>alert(1)</script>"'
    schema = form({"x": {"type": "string", "title": evil, "description": evil, "x-placeholder": evil},
                   "e": {"enum": [evil], "title": evil}})
    html = render_form(schema, {"x": evil, "e": evil}, [{"path": "/x", "message": evil}])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert round_trip(schema, {"x": evil, "e": evil}) == {"x": evil, "e": evil}


def test_errors_mark_inputs_and_summary_links_to_them():
    schema = form({"date": {"type": "string", "format": "date", "title": "日期"}}, ["date"])
    errors = [FieldError("/date", "日期格式应为 年-月-日", "format")]
    html = render_form(schema, {"date": "2022/1/1"}, errors)
    tag = control(html, "date")
    assert 'aria-invalid="true"' in tag
    assert 'aria-describedby="dl-form-f-date-error"' in tag
    assert '<div class="dl-error" id="dl-form-f-date-error"><span>日期格式应为 年-月-日</span>' in html
    assert '<a href="#dl-form-f-date">日期：日期格式应为 年-月-日</a>' in html
    assert html.index("dl-form-errors") < html.index('name="date"')


def test_error_for_a_field_not_shown_links_to_nearest_ancestor():
    schema = form({"p": {"type": "object", "title": "人员", "properties": {"n": {"type": "string"}}}})
    html = render_form(schema, {"p": {}}, [{"path": "/p/zzz", "message": "坏了"}])
    assert '<a href="#dl-form-f-p">人员：坏了</a>' in html


def test_defaults_prefill_new_forms_only():
    schema = form({"place": {"type": "string", "default": "谈话室"}})
    assert 'value="谈话室"' in render_form(schema)
    assert 'value="谈话室"' not in render_form(schema, {})


def test_read_only_and_const():
    schema = form({"code": {"type": "string", "readOnly": True},
                   "version": {"const": "v1", "title": "版本"}}, ["version"])
    html = render_form(schema, {"code": "A1"})
    assert "readonly" in control(html, "code")
    assert '<output class="dl-const-value" aria-labelledby="dl-form-f-version">v1</output>' in html
    assert round_trip(schema, {"code": "A1", "version": "v1"}) == {"code": "A1", "version": "v1"}


def test_number_attributes_from_schema():
    schema = form({"n": {"type": "number", "minimum": 0, "maximum": 10, "multipleOf": 0.5},
                   "i": {"type": "integer"}, "f": {"type": "number"}})
    html = render_form(schema)
    tag = control(html, "n")
    assert 'step="0.5"' in tag and 'min="0"' in tag and 'max="10"' in tag
    assert 'step="1"' in control(html, "i")
    assert 'step="any"' in control(html, "f")


def test_booleans_checkbox_when_required_tri_state_otherwise():
    schema = form({"req": {"type": "boolean"}, "opt": {"type": "boolean"},
                   "nul": {"type": ["boolean", "null"]}}, ["req", "nul"])
    html = render_form(schema, {"req": True, "opt": False, "nul": None})
    assert 'type="checkbox"' in control(html, "req") and "checked" in control(html, "req")
    assert control(html, "opt").startswith("<select")
    assert '<option value="false" selected>否</option>' in html
    assert '<option value="null" selected>未填写</option>' in html
    data = {"req": False, "opt": False, "nul": None}
    assert round_trip(schema, data) == data
    assert round_trip(schema, {"req": True, "nul": True}) == {"req": True, "nul": True}


def test_nullable_string_and_number():
    schema = form({"s": {"type": ["string", "null"]}, "n": {"type": ["integer", "null"]}}, ["s", "n"])
    assert round_trip(schema, {"s": None, "n": None}) == {"s": None, "n": None}
    assert round_trip(schema, {"s": "x", "n": 0}) == {"s": "x", "n": 0}


def test_wrong_types_from_a_draft_are_shown_as_text_and_flagged():
    schema = form({"n": {"type": "integer"}, "d": {"type": "string", "format": "date"},
                   "e": {"enum": ["a"]}, "o": {"type": "object", "properties": {}},
                   "b": {"type": "boolean"}, "l": {"type": "array", "items": {"type": "string"}}})
    draft = {"n": "十二", "d": "下周一", "e": "z", "o": [1], "b": "yes", "l": 5}
    html = render_form(schema, draft)
    assert 'type="text" value="十二"' in html
    assert 'type="text" value="下周一"' in html
    assert html.count("不符合此项要求") >= 3
    assert round_trip(schema, draft) == draft     # the draft is kept as typed


def test_text_with_line_breaks_uses_a_textarea_and_keeps_them():
    schema = form({"s": {"type": "string"}})
    data = {"s": "\n第一行\n\n  第二行  "}
    assert "<textarea" in render_form(schema, data)
    assert round_trip(schema, data) == data


@pytest.mark.parametrize("value", [
    "2022-06-01T10:00:00+08:00", "2022-06-01T10:00:30Z", "2022-06-01T10:00:00.5-05:30",
    "2022-06-01T23:59:59.123+00:00", "2022-06-01t10:00:00z", "2022-06-01T10:00:00.123456+08:00",
])
def test_date_times_round_trip_exactly(value):
    schema = form({"t": {"type": "string", "format": "date-time"}})
    assert round_trip(schema, {"t": value}) == {"t": value}


def test_edited_date_time_gets_seconds_and_the_original_offset():
    from service.forms import parse_submission
    schema = form({"t": {"type": "string", "format": "date-time"}, "u": {"type": "string", "format": "time"}})
    got = parse_submission(schema, [("t", "2022-06-02T09:15"), ("t/__orig", "2022-06-01T10:00:00-05:00"),
                                    ("u", "08:30")])
    assert got == {"t": "2022-06-02T09:15:00-05:00", "u": "08:30:00+08:00"}


def test_times_round_trip_exactly():
    schema = form({"t": {"type": "string", "format": "time"}})
    for value in ("14:30:00+08:00", "00:00:01Z", "23:59:59.25-01:00"):
        assert round_trip(schema, {"t": value}) == {"t": value}


def test_numbers_keep_int_and_float_apart():
    schema = form({"n": {"type": "number"}, "i": {"type": "integer"}})
    for data in ({"n": 1.0, "i": 1}, {"n": 1, "i": -7}, {"n": 1e-07, "i": 10 ** 18}, {"n": -2.5e+300, "i": 0}):
        back = round_trip(schema, data)
        assert back == data and [type(v) for v in back.values()] == [type(v) for v in data.values()]


def test_whitespace_is_preserved():
    schema = form({"s": {"type": "string"}, "t": {"type": "string", "x-widget": "textarea"}})
    data = {"s": "  前后空格  ", "t": "  \t缩进\n"}
    assert round_trip(schema, data) == data


def test_nested_objects_render_as_fieldsets_with_legends():
    schema = form({"person": {"type": "object", "title": "谈话对象",
                              "properties": {"name": {"type": "string", "title": "姓名"}}}})
    html = render_form(schema, {"person": {"name": "李"}})
    assert '<legend class="dl-label">谈话对象</legend>' in html
    assert 'name="person/name"' in html


def test_refs_and_defs_are_followed():
    schema = {"type": "object", "$defs": {"p": {"type": "object", "properties": {"n": {"type": "string", "title": "姓名"}}}},
              "properties": {"a": {"$ref": "#/$defs/p", "title": "甲"}, "b": {"$ref": "#/$defs/p"}}}
    html = render_form(schema, {"a": {"n": "x"}})
    assert "<legend class=\"dl-label\">甲</legend>" in html and html.count(">姓名<") == 2


def test_property_names_with_slashes_and_tildes():
    schema = form({"a/b": {"type": "string"}, "c~d": {"type": "string"}})
    html = render_form(schema)
    assert 'name="a~1b"' in html and 'name="c~0d"' in html
    assert round_trip(schema, {"a/b": "1", "c~d": "2"}) == {"a/b": "1", "c~d": "2"}


def test_extra_properties_of_open_objects_are_kept():
    schema = form({"a": {"type": "string"}})
    data = {"a": "1", "legacy": {"k": [1, 2]}}
    assert round_trip(schema, data) == data


def test_render_field_returns_just_that_fields_wrapper():
    schema = form({"a": {"type": "string", "title": "甲"}, "b": {"type": "string"}})
    frag = render_field(schema, "/a", {"a": "1"}, [FieldError("/a", "错", "pattern")])
    assert frag.startswith('<div class="dl-field dl-string dl-invalid" id="dl-form-f-a-wrap">')
    assert 'name="b"' not in frag and "错" in frag
    assert render_field(schema, "/missing", {}) == ""


def test_element_ids_are_unique():
    from collections import Counter
    from .helpers import corpus_names, load
    for name in corpus_names():
        schema, cases = load(name)
        for data in cases["valid"]:
            ids = re.findall(r'\sid="([^"]+)"', render_form(schema, data))
            dupes = [i for i, n in Counter(ids).items() if n > 1]
            assert not dupes, (name, dupes)


def test_optional_null_boolean_shows_as_unanswered_not_flagged():
    schema = form({"b": {"type": ["boolean", "null"]}})
    html = render_form(schema, {"b": None})
    assert "不符合此项要求" not in html and '<option value="" selected>未填写</option>' in html
    assert round_trip(schema, {"b": None}) == {}


def test_error_summary_follows_the_page_order():
    from service.forms import validate
    from .helpers import load
    schema, _ = load("talk_record")
    data = {"talk_type": "诫勉", "date": "2022/6/1", "person": {"name": "李某"}, "content": "x"}
    html = render_form(schema, data, validate(schema, data))
    summary = html[html.index("dl-form-errors"):html.index("</ul>")]
    labels = re.findall(r'<a href="#[^"]+">([^：]+)：', summary)
    assert labels == ["谈话日期", "谈话人", "身份", "整改期限"]


def test_render_summary_alone_for_out_of_band_updates():
    from service.forms import render_summary, validate
    schema = {"type": "object", "title": "t", "required": ["a", "b"],
              "properties": {"a": {"type": "string", "title": "甲"}, "b": {"type": "string", "title": "乙"}}}
    html = render_summary(schema, {"a": "x"}, validate(schema, {"a": "x"}), form_id="f", oob=True)
    assert 'id="f-errors"' in html and 'hx-swap-oob="true"' in html and "乙：此项为必填项" in html
    assert "甲" not in html
    empty = render_summary(schema, {"a": "x", "b": "y"}, [], form_id="f", oob=True)
    assert 'id="f-errors"' in empty and "hidden" in empty and "<li>" not in empty
