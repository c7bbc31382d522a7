"""`check_pack`: the default pack is clean; each kind of breakage is reported
at the right file and JSON pointer, and every problem is reported, not just the first."""
import os

import pytest

from service.packs import check_pack, load_pack

from .helpers import ROOT, copy_pack, edit_item, item_location, read, write


def resolve(doc, pointer):
    """Follow a JSON pointer (RFC 6901) into a parsed document."""
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        doc = doc[int(token)] if isinstance(doc, list) else doc[token]
    return doc


def codes_at(problems, file, pointer_prefix=""):
    return {p.code for p in problems if p.file == file and p.pointer.startswith(pointer_prefix)}


def test_default_pack_is_clean():
    problems = check_pack(ROOT)
    assert problems == [], "\n".join(f"{p.location()}: {p.message}" for p in problems)


def test_check_accepts_a_loaded_pack():
    assert check_pack(load_pack(ROOT)) == []


def test_invalid_json_names_file_and_line(tmp_path):
    pack = copy_pack(tmp_path)
    (pack / "rules/categories.json").write_text(
        '[\n  {"id": "a", "list": "main-body", "name": "x", "order": 1},\n  {"id": "b",, "list": "main-body"}\n]',
        encoding="utf-8")
    problems = check_pack(pack)
    bad = [p for p in problems if p.code == "json-invalid"]
    assert [p.file for p in bad] == ["rules/categories.json"]
    assert "第 3 行" in bad[0].message_zh and "line 3" in bad[0].message_en


def test_duplicate_json_keys_are_reported(tmp_path):
    pack = copy_pack(tmp_path)
    (pack / "rules/pack.json").write_text(
        '{"id": "x", "id": "y", "name": "n", "version": "1.0.0", "format_version": 1}', encoding="utf-8")
    problems = check_pack(pack)
    assert any(p.file == "rules/pack.json" and p.code == "json-duplicate-key" for p in problems)


def test_schema_violation_points_at_the_field(tmp_path):
    pack = copy_pack(tmp_path)
    pointer = edit_item(pack, "fr-study-pfl", frequency="weekly")
    problems = check_pack(pack)
    assert "schema-invalid" in codes_at(problems, "rules/items/first-responsible.json", pointer + "/frequency")
    assert resolve(read(pack, "rules/items/first-responsible.json"), pointer + "/frequency") == "weekly"


def test_manifest_version_must_be_semver(tmp_path):
    pack = copy_pack(tmp_path)
    manifest = read(pack, "rules/pack.json")
    manifest["version"] = "v1"
    write(pack, "rules/pack.json", manifest)
    assert "schema-invalid" in codes_at(check_pack(pack), "rules/pack.json", "/version")


def test_duplicate_item_id(tmp_path):
    pack = copy_pack(tmp_path)
    pointer = edit_item(pack, "fr-ideology", id="fr-study-pfl")
    problems = check_pack(pack)
    assert "id-duplicate" in codes_at(problems, "rules/items/first-responsible.json", pointer + "/id")


def test_duplicate_category_id(tmp_path):
    pack = copy_pack(tmp_path)
    categories = read(pack, "rules/categories.json")
    categories[1]["id"] = categories[0]["id"]
    write(pack, "rules/categories.json", categories)
    assert "id-duplicate" in codes_at(check_pack(pack), "rules/categories.json", "/1/id")


def test_missing_form_reference(tmp_path):
    pack = copy_pack(tmp_path)
    pointer = edit_item(pack, "fr-talk-young", form="heart-talk")
    problems = check_pack(pack)
    found = [p for p in problems if p.code == "ref-unknown-form"]
    assert [(p.file, p.pointer) for p in found] == [("rules/items/first-responsible.json", pointer + "/form")]
    assert "forms/heart-talk.json" in found[0].message_zh


def test_removed_form_file_breaks_every_item_using_it(tmp_path):
    pack = copy_pack(tmp_path)
    os.remove(pack / "forms/rule-making.json")
    problems = check_pack(pack)
    users = [i.id for i in load_pack(ROOT).items if i.form == "rule-making"]
    in_items = [p for p in problems if p.code == "ref-unknown-form" and p.file.startswith("rules/items/")]
    assert len(in_items) == len(users) >= 3
    # test records of the missing form are reported too, in the test files
    assert any(p.code == "ref-unknown-form" and p.file.startswith("rules/tests/") for p in problems)


def test_unknown_category_and_wrong_list(tmp_path):
    pack = copy_pack(tmp_path)
    p1 = edit_item(pack, "fr-ideology", category="fr-nowhere")
    p2 = edit_item(pack, "fr-study-pfl", category="mb-leadership")
    problems = check_pack(pack)
    assert "ref-unknown-category" in codes_at(problems, "rules/items/first-responsible.json", p1 + "/category")
    assert "ref-category-list" in codes_at(problems, "rules/items/first-responsible.json", p2 + "/category")


def test_category_of_unknown_list(tmp_path):
    pack = copy_pack(tmp_path)
    categories = read(pack, "rules/categories.json")
    categories[0]["list"] = "no-such-list"
    write(pack, "rules/categories.json", categories)
    assert "ref-unknown-list" in codes_at(check_pack(pack), "rules/categories.json", "/0/list")


def test_unknown_operator_in_a_rule(tmp_path):
    pack = copy_pack(tmp_path)
    pointer = edit_item(pack, "fr-ideology", check={"count_where": [{"var": "records"}]})
    problems = check_pack(pack)
    assert "rule-compile" in codes_at(problems, "rules/items/first-responsible.json", pointer + "/check")
    assert any(p.code == "tests-skipped" for p in problems)


def test_rule_reading_a_field_the_form_lacks(tmp_path):
    pack = copy_pack(tmp_path)
    rule = {">=": [{"count_if": [{"var": "records"}, {"in": ["年轻干部", {"var": "target_role"}]}]}, {"var": "target"}]}
    pointer = edit_item(pack, "fr-talk-young", check=rule)
    problems = check_pack(pack)
    static = [p for p in problems if p.file == "rules/items/first-responsible.json"
              and p.pointer.startswith(pointer + "/check")]
    assert static and all(p.code.startswith("rule-") for p in static)
    assert any("target_role" in p.message for p in static)
    # the pointer leads an editor to the misspelt var inside the rule
    doc = read(pack, "rules/items/first-responsible.json")
    assert resolve(doc, static[0].pointer) in ({"var": "target_role"}, "target_role")


def test_applicability_rule_reading_an_unknown_profile_field(tmp_path):
    pack = copy_pack(tmp_path)
    pointer = edit_item(pack, "fr-board-decision", applies_if={"===": [{"var": "unit_type"}, "国企"]})
    problems = check_pack(pack)
    assert any(p.pointer.startswith(pointer + "/applies_if") and p.code.startswith("rule-") for p in problems)


def test_type_clash_in_a_rule(tmp_path):
    pack = copy_pack(tmp_path)
    rule = {">=": [{"count_if": [{"var": "records"}, {">": [{"var": "date"}, 20220101]}]}, {"var": "target"}]}
    pointer = edit_item(pack, "fr-ideology", check=rule)
    problems = check_pack(pack)
    assert any(p.pointer.startswith(pointer + "/check") and p.code.startswith("rule-") for p in problems)


def test_failing_pack_test_names_the_expectation(tmp_path):
    pack = copy_pack(tmp_path)
    doc = read(pack, "rules/tests/periods.json")
    doc["cases"][0]["expect"]["fr-check-quarterly"] = False
    write(pack, "rules/tests/periods.json", doc)
    problems = check_pack(pack)
    assert [(p.file, p.pointer, p.code) for p in problems] == [
        ("rules/tests/periods.json", "/cases/0/expect/fr-check-quarterly", "test-failed")]


def test_failing_applicability_expectation(tmp_path):
    pack = copy_pack(tmp_path)
    doc = read(pack, "rules/tests/applicability.json")
    doc["cases"][0]["applicable"] = ["fr-board-decision"]
    write(pack, "rules/tests/applicability.json", doc)
    problems = check_pack(pack)
    assert ("rules/tests/applicability.json", "/cases/0/applicable/0") in {(p.file, p.pointer) for p in problems}


def test_test_records_must_match_their_form(tmp_path):
    pack = copy_pack(tmp_path)
    doc = read(pack, "rules/tests/periods.json")
    doc["cases"][0]["records"]["inspection"][0]["area"] = "不存在的领域"
    write(pack, "rules/tests/periods.json", doc)
    problems = check_pack(pack)
    assert ("rules/tests/periods.json", "/cases/0/records/inspection/0/area", "test-record-invalid") in {
        (p.file, p.pointer, p.code) for p in problems}


def test_record_form_without_date(tmp_path):
    pack = copy_pack(tmp_path)
    form = read(pack, "forms/rule-making.json")
    del form["properties"]["date"]
    form["required"].remove("date")
    form["x-order"].remove("date")
    write(pack, "forms/rule-making.json", form)
    assert "form-no-date" in codes_at(check_pack(pack), "forms/rule-making.json")


def test_form_against_the_metaschema(tmp_path):
    pack = copy_pack(tmp_path)
    form = read(pack, "forms/talk.json")
    form["properties"]["place"]["type"] = "text"
    write(pack, "forms/talk.json", form)
    assert "form-metaschema" in codes_at(check_pack(pack), "forms/talk.json", "/properties/place/type")


def test_form_rejected_by_the_renderer_limits(tmp_path):
    pack = copy_pack(tmp_path)
    form = read(pack, "forms/talk.json")
    form["properties"]["place"]["$ref"] = "https://example.org/remote.json"
    write(pack, "forms/talk.json", form)
    assert "form-renderer" in codes_at(check_pack(pack), "forms/talk.json")


def test_unknown_file_and_missing_required_file(tmp_path):
    pack = copy_pack(tmp_path)
    write(pack, "rules/extra.json", {})
    os.remove(pack / "rules/lists.json")
    problems = check_pack(pack)
    assert ("rules/extra.json", "file-unknown") in {(p.file, p.code) for p in problems}
    assert ("rules/lists.json", "file-missing") in {(p.file, p.code) for p in problems}


def test_symlinked_file_is_refused(tmp_path):
    pack = copy_pack(tmp_path)
    outside = tmp_path / "outside.json"
    outside.write_text("{}", encoding="utf-8")
    os.symlink(outside, pack / "forms/outside.json")
    assert ("forms/outside.json", "file-symlink") in {(p.file, p.code) for p in check_pack(pack)}


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    pack = copy_pack(tmp_path)
    edit_item(pack, "fr-study-pfl", frequency="weekly")
    edit_item(pack, "fr-talk-young", form="heart-talk")
    (pack / "rules/tests/scoring.json").write_text("{", encoding="utf-8")
    categories = read(pack, "rules/categories.json")
    categories[0]["list"] = "no-such-list"
    write(pack, "rules/categories.json", categories)
    codes = {p.code for p in check_pack(pack)}
    assert {"schema-invalid", "ref-unknown-form", "json-invalid", "ref-unknown-list"} <= codes


def test_scoring_rule_is_checked_against_its_data_schema(tmp_path):
    pack = copy_pack(tmp_path)
    scoring = read(pack, "rules/scoring.json")
    scoring["rules"][2]["rule"] = {"*": [{"var": "basis"}, 2]}
    write(pack, "rules/scoring.json", scoring)
    problems = check_pack(pack)
    assert any(p.file == "rules/scoring.json" and p.pointer.startswith("/rules/2/rule") for p in problems)


def test_item_location_helper_matches_loader():
    pack = load_pack(ROOT)
    item = pack.item("fr-talk-young")
    assert item_location(ROOT, "fr-talk-young") == (item.file, item.pointer)


def test_backtracking_pattern_in_a_form_does_not_hang_the_check(tmp_path):
    # (a+)+$ takes exponential time in Python's re on this input; RE2 is linear.
    pack = copy_pack(tmp_path)
    form = read(pack, "forms/inspection.json")
    form["properties"]["target_unit"]["pattern"] = "^(a+)+$"
    write(pack, "forms/inspection.json", form)
    doc = read(pack, "rules/tests/periods.json")
    doc["cases"][0]["records"]["inspection"][0]["target_unit"] = "a" * 40 + "!"
    write(pack, "rules/tests/periods.json", doc)
    problems = check_pack(pack)
    assert ("rules/tests/periods.json", "/cases/0/records/inspection/0/target_unit", "test-record-invalid") in {
        (p.file, p.pointer, p.code) for p in problems}


def test_form_condition_reading_an_unknown_field(tmp_path):
    pack = copy_pack(tmp_path)
    form = read(pack, "forms/decision.json")
    form["properties"]["party_pre_study"]["x-visible-if"] = {"===": [{"var": "deciding_body"}, "董事会"]}
    write(pack, "forms/decision.json", form)
    problems = check_pack(pack)
    assert any(p.file == "forms/decision.json" and p.pointer.startswith("/properties/party_pre_study/x-visible-if")
               and p.code.startswith("rule-") for p in problems)


def test_form_condition_with_unknown_operator(tmp_path):
    pack = copy_pack(tmp_path)
    form = read(pack, "forms/talk.json")
    form["properties"]["filed_with_commission"]["x-visible-if"] = {"one_of": [{"var": "talk_type"}, ["提醒"]]}
    write(pack, "forms/talk.json", form)
    assert "rule-compile" in codes_at(check_pack(pack), "forms/talk.json", "/properties/filed_with_commission")


def test_deeply_nested_json_is_refused_without_crashing(tmp_path):
    pack = copy_pack(tmp_path)
    (pack / "rules/tests/deep.json").write_text('{"cases": ' + "[" * 500 + "]" * 500 + "}", encoding="utf-8")
    problems = check_pack(pack)
    assert ("rules/tests/deep.json", "json-too-deep") in {(p.file, p.code) for p in problems}


def test_forms_dir_cannot_point_back_into_rules(tmp_path):
    pack = copy_pack(tmp_path)
    manifest = read(pack, "rules/pack.json")
    manifest["forms_dir"] = "../rules"
    write(pack, "rules/pack.json", manifest)
    problems = check_pack(pack)
    assert "schema-invalid" in codes_at(problems, "rules/pack.json", "/forms_dir")
    assert not any(p.code == "ref-unknown-form" for p in problems)  # forms still read from forms/


@pytest.mark.parametrize("item_id, field, rule, bad", [
    ("fr-first-topic", "check",  # full-width brackets: looks right, never matches
     {">=": [{"count_if": [{"var": "records"}, {"===": [{"var": "meeting_type"}, "党委（党组）会议"]}]}, {"var": "target"}]},
     "党委（党组）会议"),
    ("fr-talk-young", "check",
     {">=": [{"count_if": [{"var": "records"}, {"in": ["青年干部", {"var": "target_roles"}]}]}, {"var": "target"}]},
     "青年干部"),
    ("fr-board-decision", "applies_if", {"===": [{"var": "type"}, "国有企业"]}, "国有企业"),
    ("fr-check-village-power", "applies_if", {"in": [{"var": "type"}, ["街道", "乡"]]}, "乡"),
])
def test_literal_that_is_not_an_enum_value(tmp_path, item_id, field, rule, bad):
    pack = copy_pack(tmp_path)
    pointer = edit_item(pack, item_id, **{field: rule})
    file, _ = item_location(pack, item_id)
    found = [p for p in check_pack(pack) if p.code == "rule-unknown-value"]
    assert [p.file for p in found] == [file]
    assert found[0].pointer.startswith(f"{pointer}/{field}")
    assert resolve(read(pack, file), found[0].pointer) == bad
    assert bad in found[0].message_zh
