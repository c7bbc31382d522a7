"""Conditional fields appear and disappear with the answers, the same way in
render, parse and validate; htmx hooks and no-JS array buttons."""
from __future__ import annotations

import json
import re

from service.forms import apply_array_op, parse_choices, parse_submission, render_form, validate

from .browser import submit
from .helpers import load, round_trip

HX = {"refresh": "/forms/refresh", "validate_field": "/forms/field"}


def names(html):
    return [n for n, _ in submit(html)]


def tag(html, name):
    m = re.search(r'<(input|select|textarea)[^>]*\bname="%s"[^>]*>' % re.escape(name), html)
    assert m, name
    return m.group(0)


def test_if_then_else_shows_the_branch_field_only_when_it_applies():
    schema, _ = load("talk_record")
    base = {"talk_type": "日常", "date": "2022-06-01", "initiator": "王", "person": {"name": "李", "role": "其他"}, "content": "x"}
    assert "rectify_deadline" not in names(render_form(schema, base))
    html = render_form(schema, {**base, "talk_type": "诫勉"})
    assert "rectify_deadline" in names(html)
    assert 'aria-required="true"' in tag(html, "rectify_deadline")
    # x-order puts it right after the content
    order = names(html)
    assert order.index("rectify_deadline") == order.index("content") + 1


def test_hidden_branch_answers_are_dropped_on_submit():
    schema, _ = load("talk_record")
    fields = submit(render_form(schema, {"talk_type": "诫勉", "rectify_deadline": "2022-07-01"}))
    fields = [(n, "日常" if n == "talk_type" else v) for n, v in fields]
    assert "rectify_deadline" not in parse_submission(schema, fields)
    fields = [(n, "诫勉" if n == "talk_type" else v) for n, v in fields]
    assert parse_submission(schema, fields)["rectify_deadline"] == "2022-07-01"


def test_dependent_required_marks_fields_required_once_trigger_answered():
    schema, _ = load("intervention_record")
    html = render_form(schema, {"recorded_on": "2022-01-01"})
    assert "aria-required" not in tag(html, "matter")
    html = render_form(schema, {"recorded_on": "2022-01-01", "intervener": "某"})
    assert 'aria-required="true"' in tag(html, "matter")
    assert {(e.path, e.code) for e in validate(schema, {"recorded_on": "2022-01-01", "intervener": "某"})} == \
        {("/matter", "dependentRequired"), ("/handling", "dependentRequired")}


def test_dependent_schemas_add_fields():
    schema, _ = load("duty_report")
    data = {"year": 2022, "period": "全年", "summary": "一二三四五六七八九十"}
    assert "submitted_to" not in names(render_form(schema, data))
    html = render_form(schema, {**data, "submitted": True})
    assert "submitted_to" in names(html) and "submitted_on" in names(html)


def test_oneof_with_discriminator_switches_fields():
    schema, _ = load("personal_matters")
    html = render_form(schema, {"reporter": "某", "year": 2022, "status": "无变化"})
    assert 'name="confirm"' in html and "changes/__len" not in names(html)
    assert '<option value="有变化">有变化</option>' in html
    html = render_form(schema, {"reporter": "某", "year": 2022, "status": "有变化"})
    assert "changes/__len" in names(html) and 'name="confirm"' not in html


def test_oneof_without_discriminator_has_a_selector_kept_across_refresh():
    schema = {"type": "object", "properties": {"who": {"type": "string"}},
              "oneOf": [{"title": "本人", "properties": {"self_note": {"type": "string"}}, "required": ["self_note"]},
                        {"title": "代报", "properties": {"agent": {"type": "string", "minLength": 1}}, "required": ["agent"]}]}
    html = render_form(schema, {})
    assert '<option value="0" selected>本人</option>' in html and "__alt0" in names(html)
    fields = [(n, "1" if n == "__alt0" else v) for n, v in submit(html)]
    data = parse_submission(schema, fields)
    again = render_form(schema, data, choices=parse_choices(fields))
    assert "agent" in names(again) and "self_note" not in names(again)
    assert round_trip(schema, {"agent": "张"}) == {"agent": "张"}
    assert round_trip(schema, {"who": "x", "self_note": "y"}) == {"who": "x", "self_note": "y"}


def test_value_level_choice():
    schema, _ = load("study_schedule")
    for value in ("2022-12-31", "长期"):
        data = {"weekday": 1, "start": "09:00:00+08:00", "finish_by": value}
        assert round_trip(schema, data) == data
    html = render_form(schema, {"weekday": 1, "start": "09:00:00+08:00", "finish_by": "长期"})
    assert '<option value="1" selected>长期坚持</option>' in html


def test_x_visible_if_and_x_required_if_use_the_rule_engine():
    schema, _ = load("major_decision")
    base = {"topic": "购车", "category": "重要干部任免"}
    assert "amount" not in names(render_form(schema, base))
    html = render_form(schema, {**base, "category": "大额资金使用"})
    assert 'aria-required="true"' in tag(html, "amount")
    errors = validate(schema, {**base, "category": "大额资金使用"})
    assert ("/amount", "x-required-if", "此项为必填项") in {(e.path, e.code, e.message) for e in errors}
    # an answer in a hidden field is neither validated nor kept
    assert not [e for e in validate(schema, {**base, "amount": -5}) if e.path == "/amount"]
    fields = submit(render_form(schema, {**base, "category": "大额资金使用", "amount": 3}))
    fields = [(n, "重要干部任免" if n == "category" else v) for n, v in fields]
    assert "amount" not in parse_submission(schema, fields)


def test_x_required_if_in_mutual_reminder():
    schema, _ = load("mutual_reminder")
    data = {"from_person": "甲", "to_person": "乙", "way": "书面提醒", "at": "2022-05-06T15:30:00+08:00", "content": "x"}
    assert [(e.path, e.code) for e in validate(schema, data)] == [("/written_notice", "x-required-if")]
    assert validate(schema, {**data, "way": "当面提醒"}) == []


def test_htmx_triggers_refresh_others_validate_inline():
    schema, _ = load("talk_record")
    html = render_form(schema, {}, hx=HX, form_id="talk")
    assert html.startswith('<div class="dl-form" id="talk">')
    trigger = tag(html, "talk_type")
    assert 'hx-post="/forms/refresh"' in trigger and 'hx-target="#talk"' in trigger
    assert 'hx-swap="outerHTML"' in trigger and 'hx-include="closest form"' in trigger
    other = tag(html, "place")
    assert 'hx-post="/forms/field"' in other and 'hx-target="#talk-f-place-wrap"' in other
    assert json.loads(re.search(r"hx-vals=\"([^\"]*)\"", other).group(1).replace("&#34;", '"')) == {"__field": "place"}
    assert "hx-" not in render_form(schema, {})


def test_dependency_triggers_get_refresh():
    schema, _ = load("intervention_record")
    html = render_form(schema, {}, hx=HX)
    assert 'hx-post="/forms/refresh"' in tag(html, "intervener")
    assert 'hx-post="/forms/field"' in tag(html, "matter")
    schema, _ = load("major_decision")
    assert 'hx-post="/forms/refresh"' in tag(render_form(schema, {}, hx=HX), "category")


def test_array_buttons_are_submit_buttons_with_ops_and_honour_limits():
    schema, _ = load("major_decision")
    three = [{"member": str(i), "opinion": "同意"} for i in range(3)]
    html = render_form(schema, {"opinions": three}, hx=HX)
    assert 'name="__op" value="add:/opinions"' in html
    assert 'value="remove:/opinions/0"' not in html        # minItems 3
    assert 'value="up:/opinions/1"' in html and 'value="down:/opinions/1"' in html
    assert 'value="up:/opinions/0"' not in html and 'value="down:/opinions/2"' not in html
    button = re.search(r'<button[^>]*value="add:/opinions"[^>]*>', html).group(0)
    assert 'type="submit"' in button and 'hx-post="/forms/refresh"' in button
    four = three + [{"member": "3", "opinion": "同意"}]
    assert 'value="remove:/opinions/0"' in render_form(schema, {"opinions": four})
    fifteen = [{"member": str(i), "opinion": "同意"} for i in range(15)]
    assert "add:/opinions" not in render_form(schema, {"opinions": fifteen})   # maxItems 15


def test_apply_array_op_without_javascript():
    schema, _ = load("major_decision")
    data = {"opinions": [{"member": "a", "opinion": "同意"}, {"member": "b", "opinion": "同意"},
                         {"member": "c", "opinion": "同意"}]}
    added = apply_array_op(schema, data, "add:/opinions")
    assert added["opinions"][-1] == {} and len(data["opinions"]) == 3
    moved = apply_array_op(schema, data, "down:/opinions/0")
    assert [o["member"] for o in moved["opinions"]] == ["b", "a", "c"]
    moved = apply_array_op(schema, data, "up:/opinions/2")
    assert [o["member"] for o in moved["opinions"]] == ["a", "c", "b"]
    assert apply_array_op(schema, data, "remove:/opinions/1") == data      # minItems 3
    removed = apply_array_op(schema, added, "remove:/opinions/1")
    assert [o.get("member") for o in removed["opinions"]] == ["a", "c", None]
    assert apply_array_op(schema, data, "explode:/opinions") == data
    assert apply_array_op(schema, {}, "add:/opinions") == {"opinions": [{}]}
    schema2, _ = load("supervision_check")
    assert apply_array_op(schema2, {}, "add:/inspectors") == {"inspectors": [""]}


def test_new_item_renders_empty_and_parses_back():
    schema, _ = load("supervision_check")
    data = apply_array_op(schema, {"inspectors": ["甲"]}, "add:/inspectors")
    assert round_trip(schema, data) == {"inspectors": ["甲", ""]}
    errors = validate(schema, round_trip(schema, data))
    assert ("/inspectors/1", "minLength") in {(e.path, e.code) for e in errors}


def test_read_post_serves_refresh_no_js_and_inline_validation_endpoints():
    from service.forms import errors_for, read_post, render_field
    schema, _ = load("supervision_check")
    html = render_form(schema, {"inspectors": ["甲"]}, hx=HX)
    # a no-JS click on "add" posts the whole form plus the button's name/value
    post = read_post(schema, submit(html) + [("__op", "add:/inspectors")])
    assert post.op == "add:/inspectors" and post.data["inspectors"] == ["甲", ""]
    assert 'name="inspectors/1"' in render_form(schema, post.data, choices=post.choices)
    # htmx inline validation of one field
    fields = [(n, "2022/1/1" if n == "date" else v) for n, v in submit(html)] + [("__field", "date")]
    post = read_post(schema, fields)
    errors = errors_for(validate(schema, post.data), "/" + post.field)
    assert [e.code for e in errors] == ["format"]
    fragment = render_field(schema, post.field, post.data, errors, hx=HX)
    assert fragment.startswith('<div class="dl-field dl-string dl-invalid" id="dl-form-f-date-wrap">')
    assert 'hx-target="#dl-form-f-date-wrap"' in fragment


def test_render_field_of_a_value_choice_returns_the_input_fragment():
    from service.forms import render_field
    schema, _ = load("study_schedule")
    frag = render_field(schema, "/finish_by", {"finish_by": "2022-12-31"}, hx=HX)
    assert frag.startswith('<div class="dl-field dl-string" id="dl-form-f-finish_5f_by-wrap">')
    assert 'type="date"' in frag
