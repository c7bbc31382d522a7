"""The pack editor's plain helpers: parsing, checking, versions, samples, try-it."""
import copy
import json

import pytest

from service.define import editor, tryit
from service.packs import build_pack, read_pack_files

from .conftest import ROOT


@pytest.fixture(scope="module")
def pack():
    files, problems = read_pack_files(ROOT)
    assert not problems
    return build_pack(files)


def _check(pack, item_id, part, value, **kw):
    target = editor.item_target(pack, item_id, part)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return editor.check_edit(pack, target, text, **kw)


# --------------------------------------------------------------------------- parsing

def test_syntax_errors_name_line_and_column_in_chinese():
    value, problems = editor.parse_json_text('{\n  ">=": [1,\n}')
    assert value is None and len(problems) == 1
    assert problems[0].code == "json-syntax"
    assert problems[0].message_zh.startswith("JSON 格式错误：第 3 行第 1 列：")
    assert "line 3 column 1" in problems[0].message_en


def test_missing_comma_is_explained():
    _, problems = editor.parse_json_text('{"a": 1 "b": 2}')
    assert "第 1 行第 9 列" in problems[0].message_zh and "缺少逗号" in problems[0].message_zh


@pytest.mark.parametrize("text, code", [
    ('{"a": 1, "a": 2}', "json-duplicate-key"),
    ("[NaN]", "json-invalid"),
    ("[" * 100_000, "json-too-deep"),
    ("   ", "json-empty"),
])
def test_json_that_is_not_acceptable(text, code):
    value, problems = editor.parse_json_text(text)
    assert value is None and [p.code for p in problems] == [code]
    assert problems[0].message_zh


def test_edited_text_has_a_size_limit():
    text = json.dumps({"==": ["x" * (editor.MAX_EDIT_BYTES + 10), "y"]})
    _, problems = editor.parse_json_text(text)
    assert problems[0].code == "too-large" and "上限 512 KB" in problems[0].message_zh


def test_pretty_keeps_short_parts_on_one_line():
    text = editor.pretty({">=": [{"count_if": [{"var": "records"}, {"in": ["年轻干部", {"var": "target_roles"}]}]},
                                 {"var": "target"}]})
    assert json.loads(text)[">="][1] == {"var": "target"}
    assert '{"var": "target"}' in text and "年轻干部" in text and text.count("\n") == 5


# --------------------------------------------------------------------------- rule checks

def test_unknown_operator_is_reported_at_its_place(pack):
    result = _check(pack, "fr-first-topic", "check", {">=": [{"cout_if": [{"var": "records"}]}, {"var": "target"}]})
    assert [p.code for p in result.problems] == ["rule-unknown_operator"]
    assert result.problems[0].pointer == "/>=/0"
    assert "未知运算符 'cout_if'" in result.problems[0].message_zh


def test_unknown_field_of_the_items_form(pack):
    rule = {">=": [{"count_if": [{"var": "records"}, {"===": [{"var": "meetng_type"}, "党委(党组)会议"]}]},
                   {"var": "target"}]}
    result = _check(pack, "fr-first-topic", "check", rule)
    assert [(p.pointer, p.code) for p in result.problems] == [("/>=/0/count_if/1/===/0/var", "rule-unknown_path")]
    assert "meetng_type" in result.problems[0].message_zh


def test_type_clash_between_a_date_and_a_number(pack):
    result = _check(pack, "fr-first-topic", "check", {">": [{"var": "period.start"}, 3]})
    assert [p.code for p in result.problems] == ["rule-type_mismatch"]
    assert "类型不兼容" in result.problems[0].message_zh


def test_applies_if_is_checked_against_the_unit_profile(pack):
    bad = _check(pack, "fr-first-topic", "applies_if", {"==": [{"var": "typ"}, "街道"]}, whole_pack=False)
    assert [p.code for p in bad.problems] == ["rule-unknown_path"]
    good = _check(pack, "fr-first-topic", "applies_if", {"==": [{"var": "type"}, "街道"]}, whole_pack=False)
    assert good.ok
    # A check rule's fields are not profile fields.
    wrong_data = _check(pack, "fr-first-topic", "applies_if", {">": [{"var": "target"}, 1]}, whole_pack=False)
    assert wrong_data.problems


def test_null_means_every_unit_for_applies_if_but_not_for_check(pack):
    everyone = _check(pack, "fr-project-clean", "applies_if", "null", whole_pack=False)
    assert everyone.ok
    item_file = everyone.files[pack.item("fr-project-clean").file]
    assert all("applies_if" not in i for i in item_file["items"] if i["id"] == "fr-project-clean")
    assert [p.code for p in _check(pack, "fr-first-topic", "check", "null").problems] == ["rule-missing"]


def test_hostile_rules_give_messages(pack):
    deep = True
    for _ in range(200):
        deep = {"!": [deep]}
    result = _check(pack, "fr-first-topic", "check", deep)
    assert result.problems and "过深" in result.problems[0].message_zh


def test_whole_pack_check_reports_failing_pack_tests(pack):
    result = _check(pack, "fr-first-topic", "check", {">=": [1, {"var": "target"}]})
    assert result.pack_checked
    failing = [p for p in result.problems if p.code == "test-failed"]
    assert failing and failing[0].file.startswith("rules/tests/") and "fr-first-topic" in failing[0].message_zh


def test_clean_edit_passes_the_whole_pack_check(pack):
    rule = {">=": [{"count_if": [{"var": "records"}, {"===": [{"var": "meeting_type"}, "党委(党组)会议"]}]},
                   {"var": "target"}]}
    result = _check(pack, "fr-first-topic", "check", rule)
    assert result.ok and result.pack_checked


def test_whole_item_edit_checks_both_rules_and_duplicate_ids(pack):
    item = copy.deepcopy(pack.files["rules/items/first-responsible.json"]["items"][0])
    item["check"] = {"nope": []}
    item["id"] = pack.items[5].id
    result = _check(pack, "fr-first-topic", "item", item)
    codes = {p.code for p in result.problems}
    assert "rule-unknown_operator" in codes and "id-duplicate" in codes
    assert any(p.pointer == "/check" for p in result.problems)


def test_editing_never_changes_the_stored_files(pack):
    before = json.dumps(pack.files, sort_keys=True)
    _check(pack, "fr-first-topic", "check", {"==": [1, 1]})
    _check(pack, "fr-first-topic", "item", {"id": "x"})
    assert json.dumps(pack.files, sort_keys=True) == before


# --------------------------------------------------------------------------- form checks

def _check_form(pack, form_id, schema):
    return editor.check_edit(pack, editor.form_target(pack, form_id), json.dumps(schema, ensure_ascii=False))


def test_form_without_date_is_refused_with_a_pointer(pack):
    schema = copy.deepcopy(pack.forms["first-topic"].schema)
    del schema["properties"]["date"]
    schema["required"].remove("date")
    schema["x-order"].remove("date")
    result = _check_form(pack, "first-topic", schema)
    assert any(p.code == "form-no-date" and p.pointer == "/properties/date" and not p.file for p in result.problems)


def test_form_pattern_must_be_safe_for_the_renderer(pack):
    schema = copy.deepcopy(pack.forms["first-topic"].schema)
    schema["properties"]["content"]["pattern"] = "(a+)+(?=b)"
    result = _check_form(pack, "first-topic", schema)
    assert [p.code for p in result.problems] == ["form-renderer"]
    assert result.problems[0].pointer == "/properties/content/pattern"


def test_renaming_a_form_field_breaks_the_rules_that_read_it(pack):
    schema = copy.deepcopy(pack.forms["first-topic"].schema)
    schema["properties"]["meeting"] = schema["properties"].pop("meeting_type")
    schema["required"] = ["meeting" if r == "meeting_type" else r for r in schema["required"]]
    schema["x-order"] = ["meeting" if r == "meeting_type" else r for r in schema["x-order"]]
    result = _check_form(pack, "first-topic", schema)
    broken = [p for p in result.problems if p.file == "rules/items/first-responsible.json"]
    assert broken and broken[0].code == "rule-unknown_path" and "meeting_type" in broken[0].message_zh


# --------------------------------------------------------------------------- versions

@pytest.mark.parametrize("version, taken, expected", [
    ("1.0.0", set(), "1.0.1"),
    ("1.0.0", {"1.0.1", "1.0.2"}, "1.0.3"),
    ("2.3.9-beta.1", set(), "2.3.10"),
    ("not a version", set(), "0.0.1"),
])
def test_bump_version(version, taken, expected):
    assert editor.bump_version(version, taken) == expected


def test_content_hash_ignoring_version(pack):
    files = pack.to_files()
    assert editor.content_hash_ignoring_version(files) == \
        editor.content_hash_ignoring_version(editor.with_version(files, "9.9.9"))
    assert files["rules/pack.json"]["version"] == "1.2.0"


# --------------------------------------------------------------------------- try it

def test_check_sample_is_the_items_first_period_with_one_record(pack):
    item = pack.item("fr-leader-leads-study")  # quarterly, form first-topic
    data = tryit.check_sample(pack, item)
    assert data["period"] == {"id": "2022Q1", "kind": "quarter", "start": "2022-01-01", "end": "2022-03-31"}
    assert data["target"] == item.min_count and len(data["records"]) == 1
    assert data["records"][0]["date"] == "2022-01-10"
    assert set(data["unit"]) == {"name", "type", "tags", "risk_areas", "subordinate_units", "law_enforcement"}
    assert tryit.check_sample(pack, item, with_record=False)["records"] == []
    assert tryit.sample_today(item) == "2022-03-31"


def test_sample_record_from_the_schema_fills_required_fields():
    schema = {"type": "object", "required": ["date", "kind", "n", "ok", "roles"],
              "properties": {"date": {"type": "string", "format": "date"}, "kind": {"enum": ["甲", "乙"]},
                             "n": {"type": "integer", "minimum": 3}, "ok": {"type": "boolean"},
                             "roles": {"type": "array", "items": {"enum": ["x", "y"]}}, "free": {"type": "string"}}}
    assert tryit.sample_record(schema, "2022-05-01") == {"date": "2022-05-01", "kind": "甲", "n": 3, "ok": True,
                                                          "roles": ["x"]}


def test_try_rule_explains_which_condition_failed():
    run = tryit.try_rule({"and": [{">=": [{"var": "a"}, 1]}, {">=": [{"var": "b"}, 2]}]}, {"a": 5, "b": 1}, "2022-12-31")
    assert run.error is None and run.value is False and not run.truthy
    assert [(n.op, n.args) for n in run.failed] == [(">=", [1, 2])]
    assert run.trace.op == "and" and run.trace.children[1].failed


def test_try_rule_on_the_items_own_sample_is_met(pack):
    item = pack.item("fr-first-topic")
    run = tryit.try_rule(item.check, tryit.check_sample(pack, item), tryit.sample_today(item))
    assert run.truthy and not run.failed


def test_try_rule_numbers_repeated_evaluations_inside_iterations():
    run = tryit.try_rule({"count_if": [{"var": "r"}, {"==": [{"var": "x"}, 1]}]},
                          {"r": [{"x": 1}, {"x": 2}]}, "2022-01-01")
    assert run.value == 1
    assert [c.index for c in run.trace.children if c.op == "=="] == [1, 2]
    assert run.trace.children[0].read_text == "r"


@pytest.mark.parametrize("rule, data, expected", [
    ({"+": ["a"]}, {}, "结果不是数字"),
    ({"throw": "boom"}, {}, "规则抛出"),
    ({"cat": [{"var": "s"}, {"var": "s"}]}, {"s": "x" * 600_000}, "资源上限"),
    ({"nope": [1]}, {}, "未知运算符"),
])
def test_try_rule_errors_are_chinese_messages(rule, data, expected):
    run = tryit.try_rule(rule, data, "2022-01-01")
    assert run.error and expected in run.error[0] and not run.truthy


def test_valid_date():
    assert tryit.valid_date("2022-12-31")
    assert not tryit.valid_date("2022-13-01") and not tryit.valid_date("31/12/2022") and not tryit.valid_date("")


def test_pretty_puts_the_keys_people_look_for_first(pack):
    text = editor.pretty(json.loads(json.dumps(pack.forms["first-topic"].schema, sort_keys=True)))
    lines = [line.strip() for line in text.splitlines()]
    assert lines[1].startswith('"$schema"') and lines[3].startswith('"title"')
    assert editor.form_fields(pack.forms["first-topic"].schema)[:2] == [("date", "学习日期"), ("meeting_type", "会议类型")]


def test_whole_item_is_checked_against_the_items_schema(pack):
    result = _check(pack, "fr-first-topic", "item", {"id": "fr-first-topic", "check": {"==": [1, 1]}, "bogus": 1},
                    whole_pack=False)
    messages = [p.message_zh for p in result.problems]
    assert any("缺少必填项 'text'" in m for m in messages) and any("bogus" in p.message_en for p in result.problems)
    assert all(p.pointer == "" and not p.file for p in result.problems)
