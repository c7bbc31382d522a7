"""季度提醒: a finished quarterly run gives every unit it checked one notice listing its unfinished
items, with the 履责 reminders (page, bell, per-user read marks); other units' users do not see
it; a resumed run gives one notice, not two; half-year and year-end runs notify nobody."""
from __future__ import annotations

import datetime as dt

import pytest

from service import audit
from service.perform import calendar, calendar_views
from service.perform.calendar_models import NotificationRead
from service.supervise import reminders, runs
from service.supervise.models import CheckResult, CheckRun
from service.tasks import jobs
from service.tasks.models import Job
from tests.conftest import Client
from tests.perform.test_status import item_of

D = dt.date.fromisoformat


@pytest.fixture
def clerks(units, make_user, unit_plans):
    """A clerk of the street (J02) and one of the SOE (G01); two of the street's for read marks."""
    return {"street": make_user("clerk", "unit", unit=units["street"]),
            "street2": make_user("clerk2", "unit", unit=units["street"]),
            "soe": make_user("soe-clerk", "unit", unit=units["soe"])}


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(calendar_views, "today", lambda: D("2022-07-05"))
    return D("2022-07-05")


def _run(period, kind, codes, *, run_it=True) -> CheckRun:
    with audit.acting_as(None, "test"):
        run = runs.create_run(period, kind, None, units=codes, source="cli", queue=False)
    return runs.run_here(run) if run_it else run


def _unfinished(run, unit) -> list[str]:
    """The run's unfinished items of the unit, of the lists the unit records itself."""
    return sorted(r.item_id for r in CheckResult.select().where(
        (CheckResult.run == run.id) & (CheckResult.unit == unit.id)
        & CheckResult.status.in_(reminders.UNFINISHED)
        & CheckResult.list_id.not_in(("supervision", "functional-supervision"))))


def test_a_quarterly_run_notifies_each_checked_unit_of_its_unfinished_items(unit_plans, units, clerks, record,
                                                                          today, app):
    # the street did its quarterly inspection, the SOE nothing at all
    record("street", "inspection", "2022-05-10")
    run = _run("2022Q2", "quarterly", ["J02", "G01"])
    assert run.state == "done" and run.job.result["drafted"] == 0
    street, soe = reminders.unit_notices(units["street"].id, today), reminders.unit_notices(units["soe"].id, today)
    assert len(street) == len(soe) == 1
    notice = street[0]
    assert notice.key == f"check:{run.id}:{units['street'].id}" and notice.run.id == run.id
    # exactly the run's stored results that are not done, most urgent first
    assert sorted(s.item_id for s in notice.items) == _unfinished(run, units["street"]) != []
    assert "fr-check-quarterly" not in {s.item_id for s in notice.items}
    # others' items (监督责任, 职能监督责任) are unfinished too, but not the unit's to do
    assert CheckResult.select().where((CheckResult.run == run.id) & (CheckResult.unit == units["street"].id)
                                      & CheckResult.status.in_(reminders.UNFINISHED)
                                      & (CheckResult.list_id == "supervision")).exists()
    assert not {s.list_id for s in notice.items} & {"supervision", "functional-supervision"}
    assert "fr-check-quarterly" in {s.item_id for s in soe[0].items}
    order = [reminders._ORDER[s.status] for s in notice.items]
    assert order == sorted(order)
    assert notice.overdue == sum(1 for s in notice.items if s.colour == "red") > 0

    client = Client(app.test_client())
    client.login("clerk")
    page = client.get("/perform/notifications").get_data(as_text=True)
    assert "2022年第二季度季度提醒" in page and f'data-key="{notice.key}"' in page
    first = notice.items[0]
    assert first.text in page and first.explanation in page
    assert f'href="/perform/fill/{item_of(unit_plans["street"], first.item_id).form}?item={first.plan_item_id}"' in page
    # the bell counts it with the reminders (it is unread)
    bell = client.get("/perform/notifications/bell").get_data(as_text=True)
    expected = calendar.unread_count(clerks["street"], today)
    assert expected == len(calendar.notices(clerks["street"], today)) + 1
    assert f'<span class="bell-count">{expected}</span>' in bell
    # the export lists its items, named by the run
    csv = client.get("/perform/notifications?export=csv").get_data(as_text=True)
    assert "2022年第二季度季度提醒" in csv and first.text in csv

    # read it: one mark for this user (audited), the bell one fewer; the other clerk has not read it
    response = client.post("/perform/notifications/read", {"key": notice.key}, htmx=True)
    assert response.status_code == 200 and f'<span class="bell-count">{expected - 1}</span>' in response.get_data(as_text=True)
    assert NotificationRead.select().where((NotificationRead.user == clerks["street"].id)
                                           & (NotificationRead.key == notice.key)).count() == 1
    assert not reminders.unit_notices(units["street"].id, today)[0].read  # read flags are per user
    assert not calendar.other_notices(clerks["street2"], today)[0].read
    assert calendar.other_notices(clerks["street"], today)[0].read


def test_other_units_users_and_staff_do_not_see_it(unit_plans, units, clerks, today, app, make_user):
    run = _run("2022Q2", "quarterly", ["J02"])
    key = reminders.notice_key(run.id, units["street"].id)
    # the SOE was not checked: no notice, and the street's key cannot be marked by its clerk
    assert calendar.other_notices(clerks["soe"], today) == []
    soe = Client(app.test_client())
    soe.login("soe-clerk")
    page = soe.get("/perform/notifications").get_data(as_text=True)
    assert key not in page and 'class="run-notices"' not in page
    soe.post("/perform/notifications/read", {"key": key})
    assert NotificationRead.select().where(NotificationRead.key == key).count() == 0
    # staff have no notices
    inspector = make_user("inspector", "inspector")
    assert reminders.notices_for(inspector, today) == []


def test_a_resumed_run_notifies_once(unit_plans, units, clerks, today, monkeypatch):
    """A consumer dies after the first chunk: the job is requeued and resumed; each unit still has
    exactly one notice, the same as an uninterrupted run's."""
    monkeypatch.setattr(runs, "CHUNK", 1)
    run = _run("2022Q2", "quarterly", ["J02", "G01"], run_it=False)
    real = runs._insert
    calls = {"n": 0}

    def dies(rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("killed")
        real(rows)
    monkeypatch.setattr(runs, "_insert", dies)
    with pytest.raises(SystemExit):
        jobs.run_job(run.job_id)
    job = Job.get_by_id(run.job_id)
    assert job.state == "running" and job.done == 1
    # not finished: nobody is notified yet
    assert reminders.unit_notices(units["street"].id, today) == reminders.unit_notices(units["soe"].id, today) == []
    monkeypatch.setattr(runs, "_insert", real)
    jobs.move(job, "queued", owner=None)
    run = runs.run_here(run)
    assert run.state == "done"
    for key in ("street", "soe"):
        found = reminders.unit_notices(units[key].id, today)
        assert len(found) == 1 and sorted(s.item_id for s in found[0].items) == _unfinished(run, units[key])
    # a re-run of the quarter replaces the notice (one per quarter), under its own key
    again = _run("2022Q2", "quarterly", ["J02"])
    found = reminders.unit_notices(units["street"].id, today)
    assert [n.run.id for n in found] == [again.id]
    assert [n.run.id for n in reminders.unit_notices(units["soe"].id, today)] == [run.id]


def test_half_year_and_year_end_runs_notify_nobody(unit_plans, units, clerks, today):
    _run("2022H1", "half-year", ["J02"])
    _run("2022", "year-end", ["J02"], )
    assert CheckRun.select().count() == 2
    assert calendar.other_notices(clerks["street"], today) == []
    assert calendar.unread_count(clerks["street"], today) == len(
        [n for n in calendar.notices(clerks["street"], today) if not n.read])


def test_a_failed_run_notifies_nobody(unit_plans, units, clerks, today, monkeypatch):
    run = _run("2022Q2", "quarterly", ["J02"], run_it=False)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(runs.status, "statuses", broken)
    jobs.run_job(run.job_id)
    assert Job.get_by_id(run.job_id).state in ("failed", "queued", "running")
    assert reminders.unit_notices(units["street"].id, today) == []
