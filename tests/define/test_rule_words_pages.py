"""Rules a person reads are told in words, with the JSON one click away (issue 14, point 1),
and try-it neither contradicts the static checker nor starts from a sample that cannot
meet the rule (point 2)."""
import html
import json
import re

import pytest

from service.define import plans, tryit
from service.packs import load_pack


def _url(version, tail, item="fr-first-topic"):
    return f"/define/packs/{version.id}/items/{item}/{tail}"


def test_pack_browser_tells_applicability_in_words_with_the_json_behind_a_click(admin_client, version):
    page = admin_client.get(f"/define/packs/{version.id}").get_data(as_text=True)
    assert "下属单位数不少于 1 的单位" in page or "下属单位数不少于 1 个的单位" in page
    assert "u003e" not in page and '<code class="rule">' not in page
    row = page[page.index('id="fr-subordinate-duty"'):]
    row = row[:row.index("</tr>")]
    assert '<details class="rule-json"><summary>' in row
    assert "&#34;&gt;=&#34;" in row or '"&gt;="' in row   # the pretty JSON, escaped once, never \u003e


def test_pack_browser_in_english_tells_rules_in_english(admin_client, version):
    admin_client.post("/language/en", {})
    page = admin_client.get(f"/define/packs/{version.id}").get_data(as_text=True)
    assert "Units where Subordinate units is at least 1" in page or "Units where 下属单位数 is at least 1" in page


def test_item_page_tells_both_rules(admin_client, version):
    page = admin_client.get(f"/define/packs/{version.id}/items/fr-talk-team").get_data(as_text=True)
    assert "谈话对象身份包含“班子成员”的谈心谈话记录涉及的不同谈话对象不少于 4 个" in page
    assert "count_distinct" in page                       # the JSON, inside <details>
    assert page.index("谈话对象身份包含") < page.index("count_distinct")


def test_plan_page_tells_each_items_requirement_with_the_plans_target(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = next(i for i in plan.ordered_items() if i.item_id == "fr-check-quarterly")
    page = admin_client.get(f"/define/plans/{plan.id}").get_data(as_text=True)
    assert "达标要求" in page and "本季度监督检查记录不少于 1 次" in page and '<details class="rule-json">' in page
    row = admin_client.post(f"/define/plans/{plan.id}/items/{item.id}/target", {"min_count": "3"},
                            htmx=True).get_data(as_text=True)
    assert "本季度监督检查记录不少于 3 次" in row      # the plan's own target, also in the refreshed row


def test_form_preview_tells_its_visibility_conditions(admin_client, version):
    page = admin_client.get(f"/define/packs/{version.id}/forms/talk").get_data(as_text=True)
    assert "已向派驻纪检监察组报备" in page and "谈话类型为“提醒”、“诫勉”、“约谈”之一" in page


def test_editor_tells_the_rule_being_edited(admin_client, version):
    rule = {">=": [{"count_if": [{"var": "records"}]}, {"var": "target"}]}
    body = admin_client.post(_url(version, "check?part=check"), {"text": json.dumps(rule)},
                             htmx=True).get_data(as_text=True)
    assert "用文字表述" in body and "本月第一议题学习记录不少于 1 次" in body


def test_try_it_shows_the_checkers_problems_and_does_not_trust_the_result(admin_client, version):
    misspelt = {">=": [{"count_if": [{"var": "records"}]}, {"var": "targett"}]}   # 0 >= null is true
    sample = {"records": [], "period": {"id": "2022-01", "kind": "month", "start": "2022-01-01", "end": "2022-01-31"},
              "target": 1, "unit": {}}
    body = admin_client.post(_url(version, "try?part=check"),
                             {"text": json.dumps(misspelt), "sample": json.dumps(sample), "today": "2022-01-31"},
                             htmx=True).get_data(as_text=True)
    assert "下面的结果不可信" in body and "targett" in body
    assert "outcome-untrusted" in body and "outcome-true" not in body
    assert body.index("下面的结果不可信") < body.index("outcome-untrusted")
    clean = {">=": [{"count_if": [{"var": "records"}]}, {"var": "target"}]}
    body = admin_client.post(_url(version, "try?part=check"),
                             {"text": json.dumps(clean), "sample": json.dumps(sample), "today": "2022-01-31"},
                             htmx=True).get_data(as_text=True)
    assert "不可信" not in body and "outcome-false" in body


def test_try_it_page_starts_with_a_sample_that_meets_fr_talk_team(admin_client, version):
    page = admin_client.get(_url(version, "edit", item="fr-talk-team")).get_data(as_text=True)
    start = page.index('id="sample"')
    data = json.loads(html.unescape(page[page.index(">", start) + 1: page.index("</textarea>", start)]))
    team = [r for r in data["records"] if "班子成员" in r.get("target_roles", [])]
    assert len({r["target_name"] for r in team}) >= data["target"]


# -- the samples of every default item (documented in docs/packs.md, "Try it") -------------------

PACK = load_pack(".")
PROFILES = [tryit.EXAMPLE_PROFILE,
            {"name": "区城投集团", "type": "国企", "tags": ["项目建设", "征地拆迁"], "risk_areas": ["工程建设"],
             "subordinate_units": 5, "law_enforcement": True}]


@pytest.mark.parametrize("unit", PROFILES, ids=["plain", "soe"])
def test_each_default_items_sample_meets_its_rule(unit):
    for item in PACK.items:
        data = tryit.check_sample(PACK, item, unit)
        run = tryit.try_rule(item.check, data, tryit.sample_today(item))
        assert run.error is None and run.truthy, (item.id, data["records"])
        assert all(r["date"] >= data["period"]["start"] and r["date"] <= data["period"]["end"] for r in data["records"])


def test_without_records_only_prohibitions_are_met():
    for item in PACK.items:   # a unit with subordinate units, so coverage rules need records too
        data = tryit.check_sample(PACK, item, PROFILES[1], with_record=False)
        run = tryit.try_rule(item.check, data, tryit.sample_today(item))
        prohibition = re.match(r'\{"==": \[\{"count_if"', json.dumps(item.check)) is not None
        assert run.truthy == prohibition, item.id


def test_the_pages_with_rules_in_words_also_answer_htmx(admin_client, version):
    for url in (f"/define/packs/{version.id}", f"/define/packs/{version.id}/items/fr-talk-team",
                f"/define/packs/{version.id}/forms/talk"):
        response = admin_client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200 and "rule-words" in response.get_data(as_text=True), url
