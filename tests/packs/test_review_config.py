"""rules/scoring.json's review section and follow-ups: pack check reports what a
review session would trip over, at the right pointer."""
import pytest

from service.packs import check_pack

from .helpers import copy_pack, read, write

SCORING = "rules/scoring.json"


def codes(problems):
    return {(p.code, p.pointer) for p in problems if p.file == SCORING}


def edit(pack, change):
    scoring = read(pack, SCORING)
    change(scoring)
    write(pack, SCORING, scoring)
    return check_pack(pack)


def test_unknown_rule_field_and_scale_are_reported(tmp_path):
    pack = copy_pack(tmp_path)

    def change(s):
        s["review"]["grade_rule"] = "no-such-rule"
        s["review"]["scale_fields"]["grade"] = "overal"
        s["review"]["scale_fields"]["stars"] = "overall"
        s["review"]["session_fields"]["place"] = "session"
    found = codes(edit(pack, change))
    assert ("review-unknown-rule", "/review/grade_rule") in found
    assert ("review-unknown-field", "/review/scale_fields/grade") in found
    assert ("ref-unknown-scale", "/review/scale_fields/stars") in found
    assert ("review-unknown-field", "/review/session_fields/place") in found


def test_a_graded_answer_without_points_is_reported(tmp_path):
    pack = copy_pack(tmp_path)
    found = codes(edit(pack, lambda s: s["grade_scales"]["grade"]["values"].pop("一般")))
    assert ("review-grade-unscaled", "/review/scale_fields/grade") in found


def test_groups_must_match_the_weights(tmp_path):
    pack = copy_pack(tmp_path)
    found = codes(edit(pack, lambda s: s["evaluator_weights"].update({"guests": 0.1})))
    assert ("review-group-mismatch", "/review/group_field") in found


def test_follow_up_actions_come_from_the_threshold(tmp_path):
    pack = copy_pack(tmp_path)
    found = codes(edit(pack, lambda s: s["threshold"]["follow_ups"][0].update({"action": "诫勉谈话"})))
    assert ("review-unknown-action", "/threshold/follow_ups/0/action") in found


@pytest.mark.parametrize("change", [
    lambda s: s["review"].update({"decimals": 9}),
    lambda s: s["review"]["session_fields"].update({"session": "evaluator_name"}),
    lambda s: s["threshold"]["follow_ups"].append({"kind": "fine", "action": "提醒谈话", "text": "x"}),
])
def test_the_schema_refuses_what_the_code_does_not_know(tmp_path, change):
    pack = copy_pack(tmp_path)
    assert any(p.code == "schema-invalid" for p in edit(pack, change))
