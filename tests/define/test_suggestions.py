"""问责 back to 明责: a unit's findings of a year propose changes to its plan of the
next, by the rules of the plan's pack (scoring.json → accountability.plan_suggestions);
taking one is audited plan tuning that names the finding."""
from __future__ import annotations

import datetime as dt

import pytest

from service import audit
from service.accountability import register
from service.audit.log import AuditEntry
from service.define import plans, suggestions
from service.define.models import PlanItem, PlanRevision
from service.packs.check import check_pack
from service.packs.loader import build_pack, read_pack_files
from service.demo import DEFAULT_PACK
from tests.accountability.conftest import people  # noqa: F401  (fixture)
from tests.define.conftest import version  # noqa: F401  (fixture)

YEAR = 2023


@pytest.fixture
def plan(people, version):  # noqa: F811
    with audit.acting_as(None, "test"):
        made, _ = plans.generate_plan(people["q08"], YEAR, version)
    return made


def _finding(people, **facts):  # noqa: F811
    values = {"unit": people["q08"], "title": "“三重一大”事项未经集体讨论", "channel": "inspection_tour",
              "found_on": dt.date(YEAR - 1, 5, 6), "severity": "minor", "list_id": "first-responsible",
              "category_id": "fr-centralism"}
    values.update(facts)
    inspector = people["inspector"]
    with audit.acting_as(inspector.id, inspector.username):
        return register.create(values, inspector)


def test_last_years_findings_propose_items_and_targets(plan, people):
    centralism = _finding(people)
    talks = _finding(people, title="年轻干部谈话不经常", category_id="fr-talks", severity="serious")
    _finding(people, found_on=dt.date(YEAR, 2, 1))                     # this year's: for next year's plan
    _finding(people, unit=people["j01"])                                # another unit's
    found = {(s.rule_id, s.finding_id): s for s in suggestions.for_plan(plan)}
    assert set(found) == {("centralism-self-check", centralism.id), ("talks-more", talks.id),
                          ("serious-warning-education", talks.id)}
    custom = found[("centralism-self-check", centralism.id)]
    assert custom.kind == "custom" and not custom.taken and custom.custom["frequency"] == "quarterly"
    raise_talks = found[("talks-more", talks.id)]
    assert raise_talks.kind == "target" and raise_talks.item.item_id == "fr-talk-young"
    assert (raise_talks.item.min_count, raise_talks.min_count, raise_talks.taken) == (2, 3, False)


def test_taking_a_suggestion_is_audited_plan_tuning_that_names_the_finding(plan, people):
    talks = _finding(people, title="年轻干部谈话不经常", category_id="fr-talks")
    admin = people["admin"]
    with audit.acting_as(admin.id, admin.username):
        taken = suggestions.accept(plan, f"talks-more:{talks.id}")
    item = PlanItem.get((PlanItem.plan == plan) & (PlanItem.item_id == "fr-talk-young"))
    assert taken is not None and item.min_count == 3
    revision = PlanRevision.select().where(PlanRevision.plan == plan).order_by(PlanRevision.id.desc()).first()
    assert f"依据问题 #{talks.id}" in revision.summary and "talks-more" in revision.summary
    assert AuditEntry.select().where((AuditEntry.object_type == "plan_item") & (AuditEntry.object_id == str(item.id))
                                     & (AuditEntry.action == "update")).exists()
    assert [s.taken for s in suggestions.for_plan(plan)] == [True]
    with audit.acting_as(admin.id, admin.username):
        assert suggestions.accept(plan, f"talks-more:{talks.id}") is None     # taken once only
        assert suggestions.accept(plan, "no-such:1") is None


def test_a_switched_off_item_is_switched_back_on(plan, people):
    item = PlanItem.get((PlanItem.plan == plan) & (PlanItem.item_id == "fr-talk-young"))
    with audit.acting_as(None, "test"):
        plans.set_enabled(item, False, "本单位无年轻干部")
    talks = _finding(people, category_id="fr-talks")
    with audit.acting_as(None, "test"):
        suggestions.accept(plan, f"talks-more:{talks.id}")
    item = PlanItem.get_by_id(item.id)
    assert item.enabled and item.min_count == 3


def test_dismissed_findings_propose_nothing(plan, people):
    from service.accountability import states
    finding = _finding(people)
    with audit.acting_as(people["inspector"].id, "inspector"):
        states.move(finding, "dismiss", people["inspector"], reason="经核实不属实")
    assert suggestions.for_plan(plan) == []


def test_the_admin_takes_a_suggestion_on_the_plan_page_and_a_unit_cannot(app, client, plan, people):
    finding = _finding(people)
    clerk = type(client)(app.test_client())
    assert clerk.login("unit01").status_code == 302
    assert clerk.post(f"/define/plans/{plan.id}/suggestions", {"key": f"centralism-self-check:{finding.id}"}) \
        .status_code == 403
    assert client.login("admin").status_code == 302
    page = client.get(f"/define/plans/{plan.id}").get_data(as_text=True)
    assert "依据 2022 年发现的问题的建议" in page and f"#{finding.id}" in page
    assert "问题类别为“民主集中制与“三重一大””" in page and "查看规则 JSON" in page    # the rule in words
    answer = client.post(f"/define/plans/{plan.id}/suggestions", {"key": f"centralism-self-check:{finding.id}"})
    assert answer.status_code == 302
    added = PlanItem.get((PlanItem.plan == plan) & (PlanItem.custom == True))  # noqa: E712
    assert (added.text, added.frequency, added.category_id) == ("每季度开展“三重一大”制度执行情况自查", "quarterly",
                                                                 "fr-centralism")
    page = client.get(f"/define/plans/{plan.id}").get_data(as_text=True)
    assert "已采纳" in page


def test_pack_check_names_a_suggestion_that_points_nowhere():
    files, problems = read_pack_files(DEFAULT_PACK)
    assert not problems
    rules = files["rules/scoring.json"]["accountability"]["plan_suggestions"]
    rules[1]["item"] = "no-such-item"
    rules.append(dict(rules[0]))
    codes = {p.code for p in check_pack(build_pack(files))}
    assert {"ref-unknown-item", "id-duplicate"} <= codes
