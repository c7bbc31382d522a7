"""/api/v1/portraits and /api/v1/reports: the 动态画像 and analysis reports as JSON, staff only."""
from __future__ import annotations

import pytest

from service import audit
from service.supervise import runs
from service.supervise.models import CheckResult

pytestmark = pytest.mark.db


@pytest.fixture
def year_end(app, people, units):
    """A finished year-end run of 2022 over the bureau (the street has none: its figures are computed now)."""
    with audit.acting_as(None, "test"):
        return runs.run_here(runs.create_run("2022", "year-end", unit_ids=[units["bureau"].id], queue=False))


def _rate_of(run, unit_id) -> float:
    counts = {}
    for result in CheckResult.select().where((CheckResult.run == run.id) & (CheckResult.unit == unit_id)):
        counts[result.status] = counts.get(result.status, 0) + 1
    counted = counts.get("done", 0) + counts.get("partial", 0) + counts.get("missing", 0)
    return round(100 * counts.get("done", 0) / counted, 1)


def test_a_portrait_reads_the_newest_finished_run_of_each_year(api, units, year_end):
    bureau = units["bureau"]
    response = api("inspector").get(f"/api/v1/portraits/{bureau.id}?year=2022")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["unit"]["code"] == bureau.code and body["year"] == 2022
    whole = next(y for y in body["years"] if y["period"] == "2022")
    assert whole["source"] == "run" and whole["run_id"] == year_end.id and whole["as_of"] == "2023-01-01"
    assert whole["rate"] == body["rate"] == _rate_of(year_end, bureau.id)
    assert sum(whole["counts"].values()) == CheckResult.select().where(CheckResult.run == year_end.id).count()
    failed = [r.item_id for r in CheckResult.select().where((CheckResult.run == year_end.id)
                                                           & CheckResult.status.in_(("missing", "partial")))]
    assert sorted(i["item_id"] for i in whole["failed_items"]) == sorted(failed)
    # Each list's and category's counts add up to the whole year's.
    assert sum(r["counted"] for r in whole["lists"]) == sum(r["counted"] for r in whole["categories"]) \
        == whole["counts"]["done"] + whole["counts"]["partial"] + whole["counts"]["missing"]
    assert body["radar"] and all(set(r) == {"id", "name", "rate", "done", "counted"} for r in body["radar"])
    assert [q["period"] for q in body["quarters"]] == sorted(q["period"] for q in body["quarters"])
    assert body["warning"]["level"] in ("red", "yellow", "green", "none") and body["warning"]["label"]


def test_the_list_has_every_active_unit_or_those_asked_for(api, units, year_end):
    staff = api("inspector")
    body = staff.get("/api/v1/portraits?year=2022").get_json()
    assert {p["unit"]["id"] for p in body["items"]} >= {units["street"].id, units["bureau"].id}
    bureau = next(p for p in body["items"] if p["unit"]["id"] == units["bureau"].id)
    assert bureau["rate"] == _rate_of(year_end, units["bureau"].id)
    asked = staff.get(f"/api/v1/portraits?year=2022&unit={units['bureau'].id}&unit=999999").get_json()
    assert [p["unit"]["id"] for p in asked["items"]] == [units["bureau"].id]


def test_reports_carry_the_figures_of_the_portrait(api, units, year_end):
    staff = api("inspector")
    bureau = units["bureau"]
    report = staff.get(f"/api/v1/reports/units/{bureau.id}?period=2022").get_json()
    assert report["kind"] == "unit" and report["unit_id"] == bureau.id and report["period"] == "2022"
    assert report["values"]["completion_rate"] == f"{_rate_of(year_end, bureau.id):g}%"
    assert bureau.name in report["title"] and report["sections"] and all(len(s) == 2 for s in report["sections"])
    district = staff.get("/api/v1/reports/district?period=2022").get_json()
    assert district["kind"] == "district" and district["unit_id"] is None
    rows = district["tables"][0]["rows"]
    assert any(row[0] == bureau.code and row[3] == f"{_rate_of(year_end, bureau.id):g}%" for row in rows)


@pytest.mark.parametrize("url, pointer", [
    ("/api/v1/portraits?year=1999", "/year"),
    ("/api/v1/portraits/{bureau}?year=2999", "/year"),
    ("/api/v1/reports/district?period=2022Q5", "/period"),
    ("/api/v1/reports/units/{bureau}?period=2999", "/period"),
    ("/api/v1/reports/units/{bureau}?period=%E5%85%A8%E5%B9%B4", "/period"),
])
def test_bad_years_and_periods_are_422_pointing_at_them(api, units, url, pointer):
    response = api("inspector").get(url.format(bureau=units["bureau"].id))
    assert response.status_code == 422
    body = response.get_json()
    assert [e["pointer"] for e in body["errors"]] == [pointer] and body["errors"][0]["message"]


def test_units_may_not_read_portraits_or_reports_and_unknown_units_are_404(api, units):
    clerk = api("clerk", "read")
    for url in ("/api/v1/portraits", f"/api/v1/portraits/{units['street'].id}", "/api/v1/reports/district",
                f"/api/v1/reports/units/{units['street'].id}"):
        assert clerk.get(url).status_code == 403, url
    staff = api("admin", "read")
    assert staff.get("/api/v1/portraits/999999").status_code == 404
    assert staff.get("/api/v1/reports/units/999999").status_code == 404
