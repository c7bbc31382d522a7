"""A year-end run over the demo's last full year finds exactly the gaps docs/demo.md plants,
each with a Chinese explanation, and a re-run is identical."""
from __future__ import annotations

import datetime as dt

import pytest

from service import audit
from tests.demo_cache import load_demo_into
from service.perform.demo import BARELY, EXEMPLARY, NO_YOUNG_TALKS
from service.supervise import runs
from service.units.models import Unit

pytestmark = pytest.mark.slow


def test_a_year_end_run_over_the_demo_finds_the_planted_gaps(app):
    last = dt.date.today().year - 1
    load_demo_into(app)
    with app.app_context():
        units = {u.code: u for u in Unit.select()}
        with audit.acting_as(None, "test"):
            run = runs.run_here(runs.create_run(str(last), "year-end", queue=False))
            again = runs.run_here(runs.create_run(str(last), "year-end", queue=False))
        assert run.state == again.state == "done" and run.as_of == dt.date(last + 1, 1, 1)
        results = list(runs.results(run))
        by_unit: dict[str, list] = {}
        for r in results:
            by_unit.setdefault(r.unit.code, []).append(r)
        assert set(by_unit) == set(units)  # every demo unit has a published plan of last year

        for code in EXEMPLARY:
            assert {(r.status, r.colour) for r in by_unit[code]} == {("done", "green")}, code
        for code in NO_YOUNG_TALKS:
            young = next(r for r in by_unit[code] if r.item_id == "fr-talk-young")
            assert (young.status, young.colour, young.count, young.target) == ("missing", "red", 0, 4), code
            assert "尚无符合要求的记录" in young.explanation and "已逾期" in young.explanation
        for code in BARELY:
            failing = {r.item_id for r in by_unit[code] if r.target > 0 and r.status != "done"}
            assert failing and "fr-duty-report" not in failing
            assert all(r.colour == "red" and "未完成" in r.explanation
                       for r in by_unit[code] if r.item_id in failing)
        # Every failed item says why, in Chinese; nothing is left 未到期 in a year-end check.
        failed = [r for r in results if r.status in runs.FAILED]
        assert failed and all(r.explanation.startswith(("未完成", "部分完成")) for r in failed)
        assert not [r for r in results if r.status == "not_due"]
        assert [runs.comparable(r) for r in results] == [runs.comparable(r) for r in runs.results(again)]


def test_the_demo_issues_last_years_portraits_and_district_analysis(app):
    from service.accountability import statistics
    from service.auth.models import User
    from service.supervise import documents
    load_demo_into(app)
    with app.app_context():
        last = str(dt.date.today().year - 1)
        portraits = list(documents.query(kind="portrait"))
        assert len(portraits) == Unit.select().count() == 20
        assert {d.period for d in portraits} == {last} and all(documents.intact(d) for d in portraits)
        analysis, = documents.query(kind="report")
        assert analysis.kind == "district-report" and analysis.title.endswith("政治生态分析报告")
        today = dt.date.today()
        counted, _ = statistics.figures(User.get(User.username == "inspector"), dt.date(today.year, 1, 1), today)
        values = {f.key: f.value for f in counted}
        assert (values["leaders_portrayed"], values["analysis_reports"]) == (20, 1)
