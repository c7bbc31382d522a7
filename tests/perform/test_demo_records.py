"""`dutyloop demo`'s invented records: valid, dated in their plan year and never in the
future, and the planted gaps of docs/demo.md show as the documented statuses and colours."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from service.demo import load_demo
from service.forms import validate
from service.perform import records as record_functions, status
from service.perform.demo import BARELY, EXEMPLARY, LATE_CHECKS, NO_YOUNG_TALKS
from service.perform.models import Record
from service.units.models import Unit

pytestmark = pytest.mark.slow


def test_the_demo_records_and_their_planted_gaps(app):
    today = dt.date.today()
    last, now = today.year - 1, today.year
    with app.app_context():
        started = time.monotonic()
        summary = load_demo("demo-pass-1")
        took = time.monotonic() - started
        assert "demo records:" in summary and f"{last} plans: 20 created" in summary
        assert took < 120, f"dutyloop demo took {took:.0f} s"
        units = {u.code: u for u in Unit.select()}
        ids = [u.id for u in units.values()]

        # Every record is dated within its plan year and not after today; the records are copies
        # of a few templates per form, so a sample of each form's is checked against its form.
        rows = list(Record.select())
        assert len(rows) > 1000
        sampled: dict[str, int] = {}
        for record in rows:
            assert record.record_date <= today and record.record_date.year in (last, now)
            if sampled.get(record.form_id, 0) < 4 or record.form_id == "talk" and sampled["talk"] < 40:
                sampled[record.form_id] = sampled.get(record.form_id, 0) + 1
                assert validate(record.form_schema(), record.data) == [], (record.form_id, record.data)
        assert len(sampled) >= 12
        assert record_functions.linked_items(rows[0])
        # The bulk load writes the search columns too: the 履责记录本 finds demo records.
        assert all(r.search_text.startswith(r.form_schema()["title"]) and r.search_pairs for r in rows)

        year = status.statuses(ids, str(last), today)

        # Exemplary units: every item of last year done (绿).
        for code in EXEMPLARY:
            assert {(s.status, s.colour) for s in year[units[code].id]} == {("done", "green")}, code

        # Units that neglect young-cadre talks: 未完成 / 红 in both halves of last year.
        for code in NO_YOUNG_TALKS:
            for half in ("H1", "H2"):
                young = _one(units[code], f"{last}{half}", today, "fr-talk-young")
                assert (young.status, young.colour, young.count) == ("missing", "red", 0), (code, half)
            talks = Record.select().where((Record.unit == units[code]) & (Record.form_id == "talk"))
            assert talks.count() and not any("年轻干部" in (t.data.get("target_roles") or []) for t in talks)

        # Units late with quarterly checks: last year's Q3 check came on 8 October (红), so Q4 holds two.
        for code in LATE_CHECKS:
            q3 = _one(units[code], f"{last}Q3", today, "fr-check-quarterly")
            q4 = _one(units[code], f"{last}Q4", today, "fr-check-quarterly")
            assert (q3.status, q3.colour) == ("missing", "red"), code
            assert q4.status == "done" and any(r["date"] == f"{last}-10-08" for r in q4.records), code
            for q in ("Q1", "Q2"):
                done = _one(units[code], f"{last}{q}", today, "fr-check-quarterly")
                assert done.status == "done" and all(24 <= int(r["date"][8:]) <= 28 for r in done.records), code
            current = _one(units[code], f"{today.year}Q{(today.month - 1) // 3 + 1}", today, "fr-check-quarterly")
            in_last_week = today.month % 3 == 0 and today.day >= 24
            if not in_last_week:
                assert current.status != "done" and current.colour in ("blue", "yellow", None), code

        # The unit that barely records: only its annual duty report; everything else with a target is 红.
        for code in BARELY:
            statuses = year[units[code].id]
            assert Record.select().where((Record.unit == units[code]) & (Record.record_date.year == last)).count() == 1
            done = {s.item_id for s in statuses if s.status == "done" and s.target > 0}
            assert done == {"fr-duty-report"}
            assert all(s.colour == "red" for s in statuses if s.target > 0 and s.item_id != "fr-duty-report")

        # Ordinary units are not perfect, and not empty either.
        ordinary = [c for c in units if c not in EXEMPLARY + NO_YOUNG_TALKS + LATE_CHECKS + BARELY]
        for code in ordinary:
            states = [s.status for s in year[units[code].id]]
            assert states.count("done") > len(states) // 2 and "done" in states
        assert any(s.status != "done" for code in ordinary for s in year[units[code].id])

        # A second run adds nothing.
        count = Record.select().count()
        load_demo("demo-pass-1")
        assert Record.select().count() == count


def _one(unit, period, today, item_id):
    return next(s for s in status.unit_status(unit.id, period, today) if s.item_id == item_id)
