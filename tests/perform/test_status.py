"""The status engine against hand-computed cases: every frequency, the window
a shorter period is counted over, due dates and colour boundaries, rules with
conditions, prohibitions, disabled and custom items, records that count for
several items, and the batch over many units."""
from __future__ import annotations

import datetime as dt

import pytest

from service import audit
from service.define import plans
from service.packs import periods
from service.packs.model import Pack
from service.perform import records, status
from service.perform.models import RecordItem

D = dt.date.fromisoformat

TALK = {"talk_type": "日常", "initiator_role": "主要负责人", "target_name": "甲", "target_roles": ["班子成员"],
        "reason": "岗位变动", "content": {"problems": "无", "requirements": "按期整改"}}
INSPECTION = {"area": "资金使用", "target_unit": "办公室", "target_unit_kind": "内设科室", "matter": "报销",
              "problems": []}
FIRST_TOPIC = {"meeting_type": "党委(党组)会议", "content": "学习党章", "source": "党内法规", "leader_spoke": False}
MEETING = {"meeting_type": "党委(党组)会议", "title": "专题会", "topics": ["党风廉政建设"], "chaired_by_leader": True}


@pytest.fixture
def clerk_user(make_user, units):
    return make_user("clerk", "unit", unit=units["street"])


@pytest.fixture
def record(unit_plan, clerk_user, units):
    """``record(form_id, date, item=None, **answers)``: a record submitted as a clerk would."""
    def make(form_id: str, date: str, item=None, **answers):
        base = {"talk": TALK, "inspection": INSPECTION, "first-topic": FIRST_TOPIC, "meeting": MEETING}[form_id]
        with audit.acting_as(clerk_user.id, "clerk"):
            rec, errors = records.submit(user=clerk_user, unit=units["street"], version=unit_plan.pack_version,
                                         form_id=form_id, plan_item=item, data=dict(base, date=date, **answers))
        assert not errors, errors
        return rec
    return make


def item_of(plan, item_id):
    return next(i for i in plan.ordered_items() if i.item_id == item_id)


def status_of(plan, item_id, period, as_of):
    found = [s for s in status.unit_status(plan.unit_id, period, D(as_of)) if s.item_id == item_id]
    assert len(found) == 1
    return found[0]


# --------------------------------------------------------------------------- pure date arithmetic

@pytest.mark.parametrize("frequency, period, window", [
    ("monthly", "2022-05", "2022-05"), ("monthly", "2022Q2", "2022Q2"), ("monthly", "2022", "2022"),
    ("quarterly", "2022-05", "2022Q2"), ("quarterly", "2022H1", "2022H1"),
    ("half-yearly", "2022Q3", "2022H2"), ("half-yearly", "2022-01", "2022H1"),
    ("yearly", "2022Q2", "2022"), ("yearly", "2022-12", "2022"), ("once", "2022H2", "2022"),
])
def test_the_window_an_item_is_counted_over(frequency, period, window):
    assert status.window_of(frequency, period) == window


@pytest.mark.parametrize("period, label", [("2022-05", "2022年5月"), ("2022Q2", "2022年第二季度"),
                                           ("2022H1", "2022年上半年"), ("2022H2", "2022年下半年"), ("2022", "2022年")])
def test_period_labels(period, label):
    assert status.period_label(period) == label


def test_explanations_are_messages_another_language_renders(unit_plan):
    """The Chinese explanation is the message rendered without a catalogue; the same
    message through a translation gives the other language's sentence, and it
    survives a round trip through JSON (as check runs store it)."""
    import json
    s = status_of(unit_plan, "fr-check-quarterly", "2022Q2", "2022-07-03")
    assert status.render(s.explanation_msg) == s.explanation
    english = {"%(status)s：%(where)s尚无符合要求的记录，目标 %(target)s 次；%(when)s": "%(status)s: none in %(where)s, "
               "target %(target)s; %(when)s", "未完成": "Missing", "%(year)s年第二季度": "%(year)s Q2",
               "截止日期 %(due)s，已逾期 %(days)s 天。": "due %(due)s, %(days)s day(s) overdue."}
    stored = json.loads(json.dumps(s.as_dict()))["explanation_msg"]
    assert status.render(stored, lambda text: english.get(text, text)) == \
        "Missing: none in 2022 Q2, target 1; due 2022-06-30, 3 day(s) overdue."
    assert status.period_label("2022H2", lambda text: {"%(year)s年下半年": "%(year)s H2"}[text]) == "2022 H2"


@pytest.mark.parametrize("bad", ["2022Q5", "2022-13", "22", "", "1999", "2022h1", "2101"])
def test_bad_periods_are_refused(bad):
    with pytest.raises(periods.PeriodError):
        status.check_period(bad)


# --------------------------------------------------------------------------- quarterly

def test_quarterly_item_without_records_walks_through_the_colours(unit_plan):
    # fr-check-quarterly: at least 1 inspection a quarter; no due rule, so due at the quarter's end.
    cases = [("2022-05-30", "not_due", None, 31), ("2022-05-31", "not_due", "blue", 30),
             ("2022-06-22", "not_due", "blue", 8), ("2022-06-23", "not_due", "yellow", 7),
             ("2022-06-30", "not_due", "yellow", 0), ("2022-07-01", "missing", "red", -1)]
    for as_of, state, colour, days in cases:
        s = status_of(unit_plan, "fr-check-quarterly", "2022Q2", as_of)
        assert (s.status, s.colour, s.days_left, s.count, s.target, s.due) == (state, colour, days, 0, 1, "2022-06-30"), as_of
    assert "尚无符合要求的记录" in s.explanation and "已逾期 1 天" in s.explanation


def test_quarterly_item_counts_records_inside_the_quarter_up_to_the_as_of_date(unit_plan, record):
    before = record("inspection", "2022-03-31")
    first_day = record("inspection", "2022-04-01")
    later = record("inspection", "2022-06-20")
    s = status_of(unit_plan, "fr-check-quarterly", "2022Q2", "2022-06-15")
    assert (s.status, s.colour, s.count, s.target) == ("done", "green", 1, 1)
    assert [r["id"] for r in s.records] == [first_day.id]
    assert s.records[0] == {"id": first_day.id, "form_id": "inspection", "date": "2022-04-01"}
    assert "完成" in s.explanation and "1 次" in s.explanation
    # The quarter before: only the March inspection.
    q1 = status_of(unit_plan, "fr-check-quarterly", "2022Q1", "2022-06-15")
    assert q1.status == "done" and [r["id"] for r in q1.records] == [before.id]
    # Over the year: target 4 × 1, three inspections so far.
    year = status_of(unit_plan, "fr-check-quarterly", "2022", "2022-12-31")
    assert (year.status, year.colour, year.count, year.target, year.due) == ("partial", "yellow", 3, 4, "2022-12-31")
    assert [r["id"] for r in year.records] == [before.id, first_day.id, later.id]
    assert "还差 1 次" in year.explanation


def test_a_record_dated_after_the_as_of_date_does_not_count_yet(unit_plan, record):
    record("inspection", "2022-06-20")
    s = status_of(unit_plan, "fr-check-quarterly", "2022Q2", "2022-06-19")
    assert (s.status, s.count) == ("not_due", 0)
    assert status_of(unit_plan, "fr-check-quarterly", "2022Q2", "2022-06-20").status == "done"


def test_a_period_not_yet_started_is_not_due_without_colour(unit_plan):
    s = status_of(unit_plan, "fr-check-quarterly", "2022Q3", "2022-06-15")
    assert (s.status, s.colour, s.window) == ("not_due", None, "2022Q3")
    assert "尚未开始" in s.explanation


# --------------------------------------------------------------------------- monthly, with a due rule and a condition

def test_monthly_item_due_on_the_28th(unit_plan, record):
    # fr-first-topic: a 党委(党组)会议 first-topic study each month, due 27 days after the month starts.
    s = status_of(unit_plan, "fr-first-topic", "2022-05", "2022-05-28")
    assert (s.status, s.colour, s.due, s.days_left, s.target) == ("not_due", "yellow", "2022-05-28", 0, 1)
    assert "今天" in s.explanation
    s = status_of(unit_plan, "fr-first-topic", "2022-05", "2022-05-29")
    assert (s.status, s.colour, s.days_left) == ("missing", "red", -1)
    # A study at another kind of meeting does not meet the rule and is not a counted record.
    record("first-topic", "2022-05-10", meeting_type="支部主题党日")
    s = status_of(unit_plan, "fr-first-topic", "2022-05", "2022-05-29")
    assert (s.status, s.count, s.records) == ("missing", 0, [])
    good = record("first-topic", "2022-05-12")
    s = status_of(unit_plan, "fr-first-topic", "2022-05", "2022-05-29")
    assert (s.status, s.colour, s.count, [r["id"] for r in s.records]) == ("done", "green", 1, [good.id])


def test_monthly_item_over_a_quarter_needs_three_and_is_due_on_the_last_months_28th(unit_plan, record):
    record("first-topic", "2022-04-12")
    record("first-topic", "2022-05-12")
    s = status_of(unit_plan, "fr-first-topic", "2022Q2", "2022-06-10")
    assert (s.status, s.colour, s.count, s.target, s.due, s.days_left) == ("partial", "blue", 2, 3, "2022-06-28", 18)
    s = status_of(unit_plan, "fr-first-topic", "2022Q2", "2022-06-29")
    assert (s.status, s.colour) == ("partial", "red")


# --------------------------------------------------------------------------- half-yearly with a condition

def test_half_yearly_young_cadre_talks_count_only_matching_records(unit_plan, record):
    # fr-talk-young: 2 talks with 年轻干部 each half-year.
    young = record("talk", "2022-02-10", target_roles=["年轻干部"])
    record("talk", "2022-02-11", target_roles=["班子成员"])
    s = status_of(unit_plan, "fr-talk-young", "2022Q1", "2022-03-31")
    assert (s.window, s.target, s.due, s.count, s.status, s.colour) == ("2022H1", 2, "2022-06-30", 1, "partial", None)
    assert [r["id"] for r in s.records] == [young.id]
    year = status_of(unit_plan, "fr-talk-young", "2022", "2022-12-31")
    assert (year.target, year.count, year.status) == (4, 1, "partial")
    record("talk", "2022-06-30", target_roles=["年轻干部", "关键岗位干部"])
    s = status_of(unit_plan, "fr-talk-young", "2022H1", "2022-06-30")
    assert (s.status, s.colour, s.count) == ("done", "green", 2)
    assert status_of(unit_plan, "fr-talk-young", "2022H2", "2022-07-01").count == 0


# --------------------------------------------------------------------------- yearly with a fixed due date, once

def test_yearly_item_due_in_march_is_red_in_april_until_recorded(unit_plan, record):
    # fr-study-pfl: 2 meetings on 党风廉政建设 a year, due 12-31; fr-risk-review due 03-31 (risk-review form).
    s = status_of(unit_plan, "fr-risk-review", "2022Q2", "2022-04-15")
    assert (s.window, s.due, s.status, s.colour, s.days_left) == ("2022", "2022-03-31", "missing", "red", -15)
    s = status_of(unit_plan, "fr-study-pfl", "2022Q2", "2022-04-15")
    assert (s.window, s.target, s.due, s.status, s.colour) == ("2022", 2, "2022-12-31", "not_due", None)


def test_a_due_date_set_on_the_plan_item_wins(unit_plan):
    item = item_of(unit_plan, "fr-study-pfl")
    with audit.acting_as(None, "test"):
        plans.set_due_date(item, "2022-06-30")
    s = status_of(unit_plan, "fr-study-pfl", "2022Q2", "2022-06-25")
    assert (s.due, s.colour, s.days_left) == ("2022-06-30", "yellow", 5)


def test_once_items_never_multiply_their_target(unit_plan):
    item = item_of(unit_plan, "fr-annual-plan")
    assert item.frequency == "once"
    s = status_of(unit_plan, "fr-annual-plan", "2022", "2022-02-01")
    assert (s.window, s.target, s.due, s.colour) == ("2022", 1, "2022-03-31", None)


def test_a_target_tuned_on_the_plan_is_the_one_used(unit_plan, record):
    with audit.acting_as(None, "test"):
        plans.set_target(item_of(unit_plan, "fr-check-quarterly"), 2)
    record("inspection", "2022-04-05")
    s = status_of(unit_plan, "fr-check-quarterly", "2022Q2", "2022-05-01")
    assert (s.target, s.count, s.status) == (2, 1, "partial")


# --------------------------------------------------------------------------- prohibitions

def test_a_prohibition_is_done_until_a_violating_record_appears(unit_plan, record):
    # fr-check-rectify: no inspection may leave a problem unrectified.
    s = status_of(unit_plan, "fr-check-rectify", "2022Q2", "2022-05-01")
    assert (s.status, s.colour, s.target) == ("done", "green", 0)
    assert "未发现不符合要求的记录" in s.explanation
    problem = {"description": "审批不全", "measure": "补全", "deadline": "2022-07-15"}
    record("inspection", "2022-04-10", problems=[dict(problem, rectified=True)])
    assert status_of(unit_plan, "fr-check-rectify", "2022Q2", "2022-05-01").status == "done"
    bad = record("inspection", "2022-04-12", problems=[dict(problem, rectified=False)])
    s = status_of(unit_plan, "fr-check-rectify", "2022Q2", "2022-05-01")
    assert (s.status, s.colour, s.count, [r["id"] for r in s.records]) == ("missing", "red", 1, [bad.id])
    assert "不符合要求" in s.explanation


# --------------------------------------------------------------------------- disabled and custom items

def test_a_disabled_item_is_not_applicable_without_colour(unit_plan, record):
    with audit.acting_as(None, "test"):
        plans.set_enabled(item_of(unit_plan, "fr-check-quarterly"), False, "本单位无下属单位")
    record("inspection", "2022-04-05")
    s = status_of(unit_plan, "fr-check-quarterly", "2022Q2", "2022-07-15")
    assert (s.status, s.colour, s.count) == ("not_applicable", None, 0)
    assert "本单位无下属单位" in s.explanation
    hidden = status.unit_status(unit_plan.unit_id, "2022Q2", D("2022-07-15"), include_disabled=False)
    assert "fr-check-quarterly" not in {s.item_id for s in hidden}


def test_a_custom_item_counts_its_records_against_its_target(unit_plan, record):
    with audit.acting_as(None, "test"):
        custom = plans.add_custom_item(unit_plan, list_id="first-responsible", category_id="fr-talks",
                                       text="每季度与新入职干部谈话2次", frequency="quarterly", min_count=2, form="talk")
        bare = plans.add_custom_item(unit_plan, list_id="first-responsible", category_id="fr-talks",
                                     text="年内完成一次调研", frequency="yearly", min_count=1, due_date="2022-09-30")
    s = status_of(unit_plan, custom.item_id, "2022Q2", "2022-04-20")
    assert (s.custom, s.status, s.target, s.colour) == (True, "not_due", 2, None)
    first = record("talk", "2022-04-10", item=custom)
    assert RecordItem.select().where(RecordItem.plan_item == custom.id).count() == 1
    s = status_of(unit_plan, custom.item_id, "2022Q2", "2022-04-20")
    assert (s.status, s.count, [r["id"] for r in s.records]) == ("partial", 1, [first.id])
    record("talk", "2022-05-10")  # any talk of the unit counts for an item of the talk form
    assert status_of(unit_plan, custom.item_id, "2022Q2", "2022-05-20").status == "done"
    s = status_of(unit_plan, bare.item_id, "2022Q3", "2022-09-01")
    assert (s.window, s.due, s.status, s.colour, s.days_left) == ("2022", "2022-09-30", "not_due", "blue", 29)
    s = status_of(unit_plan, bare.item_id, "2022Q4", "2022-10-01")
    assert (s.status, s.colour) == ("missing", "red")


# --------------------------------------------------------------------------- records for several items

def test_one_meeting_counts_for_every_item_whose_rule_it_meets(unit_plan, record):
    meeting = record("meeting", "2022-03-10", topics=["党风廉政建设", "意识形态"])
    linked = {l.plan_item.item_id for l in RecordItem.select().where(RecordItem.record == meeting)}
    assert {"fr-study-pfl", "fr-ideology", "fr-chair-meeting"} <= linked
    pfl = status_of(unit_plan, "fr-study-pfl", "2022Q1", "2022-03-31")
    ideology = status_of(unit_plan, "fr-ideology", "2022Q1", "2022-03-31")
    ecology = status_of(unit_plan, "mb-ecology-analysis", "2022Q1", "2022-03-31")
    assert (pfl.status, pfl.count, pfl.target) == ("partial", 1, 2)
    assert (ideology.status, ideology.count) == ("done", 1)
    assert (ecology.status, ecology.count) == ("not_due", 0)  # 政治生态分析 was not a topic
    assert [r["id"] for r in pfl.records] == [meeting.id] == [r["id"] for r in ideology.records]


def test_a_record_counts_only_for_the_items_it_is_linked_to(unit_plan, record):
    meeting = record("meeting", "2022-03-10", topics=["意识形态"])
    ideology = item_of(unit_plan, "fr-ideology")
    records.link_items(meeting, [item_of(unit_plan, "fr-study-pfl").id])
    assert status_of(unit_plan, "fr-ideology", "2022Q1", "2022-03-31").count == 0
    records.link_items(meeting, [ideology.id])
    assert status_of(unit_plan, "fr-ideology", "2022Q1", "2022-03-31").status == "done"


# --------------------------------------------------------------------------- thresholds from the pack

def test_colour_thresholds_come_from_the_pack_manifest(unit_plan):
    pack = unit_plan.pack_version.pack()
    assert status.Thresholds.of(pack) == status.Thresholds(30, 7)
    files = pack.to_files()
    files["rules/pack.json"]["reminders"] = {"due_soon_days": 10, "due_now_days": 2}
    tuned = Pack.from_files(files)
    assert status.Thresholds.of(tuned) == status.Thresholds(10, 2)
    item = item_of(unit_plan, "fr-check-quarterly")
    unit = unit_plan.unit.profile()
    colours = [status.evaluate(item, "2022Q2", D(day), [], pack=tuned, unit=unit).colour
               for day in ("2022-06-19", "2022-06-20", "2022-06-27", "2022-06-28")]
    assert colours == [None, "blue", "blue", "yellow"]
    files["rules/pack.json"]["reminders"] = {"due_soon_days": "x", "due_now_days": -3}
    assert status.Thresholds.of(Pack.from_files(files)) == status.Thresholds(30, 7)


def test_the_default_pack_with_reminders_passes_pack_check(tmp_path):
    import json
    import shutil
    from service.packs import check_pack
    from tests.define.conftest import ROOT
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    manifest = json.loads((tmp_path / "rules/pack.json").read_text())
    manifest["reminders"] = {"due_soon_days": 14, "due_now_days": 3}
    (tmp_path / "rules/pack.json").write_text(json.dumps(manifest, ensure_ascii=False))
    assert [p for p in check_pack(tmp_path) if p.file == "rules/pack.json"] == []
    manifest["reminders"] = {"due_soon_days": 400}
    (tmp_path / "rules/pack.json").write_text(json.dumps(manifest, ensure_ascii=False))
    assert [p.code for p in check_pack(tmp_path) if p.file == "rules/pack.json"] == ["schema-invalid"]


# --------------------------------------------------------------------------- many units

def test_many_units_in_a_bounded_number_of_queries(app, version, units, make_user, db, monkeypatch):
    clerk = make_user("clerk2", "unit", unit=units["street"])
    for unit in units.values():
        plan, _ = plans.generate_plan(unit, 2022, version)
        plans.publish_plan(plan)
        with audit.acting_as(clerk.id, "clerk"):
            rec, errors = records.submit(user=clerk, unit=unit, version=version, form_id="inspection",
                                         plan_item=None, data=dict(INSPECTION, date="2022-04-02"))
        assert not errors
    ids = [u.id for u in units.values()]
    count = {"n": 0}
    original = db.obj.execute_sql

    def counting(sql, *args, **kwargs):
        count["n"] += 1
        return original(sql, *args, **kwargs)
    monkeypatch.setattr(db.obj, "execute_sql", counting)
    everything = status.statuses(ids, "2022Q2", D("2022-06-15"))
    queries = count["n"]
    monkeypatch.setattr(db.obj, "execute_sql", original)
    assert queries <= 7, queries
    for unit_id in ids:
        one = status.unit_status(unit_id, "2022Q2", D("2022-06-15"))
        assert [s.as_dict() for s in one] == [s.as_dict() for s in everything[unit_id]]
        quarterly = next(s for s in one if s.item_id == "fr-check-quarterly")
        assert quarterly.status == "done" and quarterly.unit_id == unit_id
    assert status.statuses([999999], "2022Q2", D("2022-06-15")) == {999999: []}


def test_a_unit_without_a_published_plan_has_no_statuses(version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    assert status.unit_status(units["plain"].id, "2022", D("2022-06-15")) == []
    assert len(status.unit_status(units["plain"].id, "2022", D("2022-06-15"), published_only=False)) == \
        len(plan.ordered_items())
    assert status.unit_status(units["plain"].id, "2023", D("2023-06-15"), published_only=False) == []


def test_item_status_matches_the_batch(unit_plan, record):
    record("inspection", "2022-04-05")
    item = item_of(unit_plan, "fr-check-quarterly")
    assert status.item_status(item, "2022Q2", D("2022-06-15")).as_dict() == \
        status_of(unit_plan, "fr-check-quarterly", "2022Q2", "2022-06-15").as_dict()
