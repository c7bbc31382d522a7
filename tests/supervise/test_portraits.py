"""Portraits (动态画像) and analysis reports: figures read from stored check results (the engine only
for periods without a run), warning levels from the manifest, safe report templates, Word downloads,
staff only."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from service import audit
from service.packs.report_templates import DEFAULT_TEMPLATES, fill, unknown_placeholders
from service.perform import status
from service.supervise import portraits as pt
from service.supervise import reports
from service.supervise.models import CheckResult, CheckRun
from service.tasks.models import Job

TODAY = dt.date(2023, 1, 10)


def _hand_made_run(unit, period: str, statuses: list[tuple[str, str, str]], *, state: str = "done") -> CheckRun:
    """A run of ``period`` whose results for ``unit`` are exactly ``statuses`` (list, category, status)."""
    with audit.acting_as(None, "test"):
        job = Job.create(kind="supervise.check_run", params={}, state=state, done=1, total=1)
        run = CheckRun.create(period=period, kind="quarterly", as_of=dt.date(2022, 4, 1), unit_ids=[unit.id],
                              job=job, source="manual")
    for n, (list_id, category_id, state_) in enumerate(statuses):
        CheckResult.create(run=run, unit=unit, plan_item_id=1000 + n, item_id=f"x-{n}", list_id=list_id,
                           category_id=category_id, text=f"事项{n}", status=state_, colour=None, count=0, target=1,
                           explanation="", data={}, rule_sha256="0" * 64)
    return run


HAND_MADE = [("first-responsible", "fr-talks", "done"), ("first-responsible", "fr-talks", "missing"),
             ("first-responsible", "fr-political", "done"), ("first-responsible", "fr-political", "done"),
             ("main-body", "mb-leadership", "partial"), ("main-body", "mb-leadership", "not_due"),
             ("main-body", "mb-leadership", "not_applicable")]


def test_portrait_figures_are_the_stored_results_of_the_newest_finished_run(app, unit_plans, units):
    street = units["street"]
    run = _hand_made_run(street, "2022Q1", HAND_MADE)
    _hand_made_run(street, "2022Q1", [("first-responsible", "fr-talks", "missing")], state="running")  # ignored

    p = pt.portrait(street.id, 2022, TODAY)
    q1 = next(f for f in p.quarters if f.period == "2022Q1")
    assert (q1.source, q1.run_id) == ("run", run.id)
    # 完成 3 of 5 counted (not_due and not_applicable are left out).
    assert (q1.overall.done, q1.overall.counted, q1.overall.rate) == (3, 5, 60.0)
    assert q1.lists["first-responsible"].rate == 75.0 and q1.lists["main-body"].rate == 0.0
    assert q1.categories["fr-talks"].rate == 50.0 and q1.categories["fr-political"].rate == 100.0
    assert {i["text"] for i in q1.failed_items} == {"事项1", "事项4"}
    # A quarter without a run: the status engine's answer as of the day after its end, as a run would store.
    q2 = next(f for f in p.quarters if f.period == "2022Q2")
    engine = status.unit_status(street.id, "2022Q2", dt.date(2022, 7, 1), include_disabled=True)
    assert q2.source == "engine" and q2.run_id is None and q2.as_of == dt.date(2022, 7, 1)
    assert q2.overall.done == sum(s.status == "done" for s in engine) and q2.overall.counted > 0
    assert q2.overall.counted == sum(s.status in ("done", "partial", "missing") for s in engine)
    # 2021 has no plan: its quarters are left out, 2022's four are there.
    assert [f.period for f in p.quarters] == ["2022Q1", "2022Q2", "2022Q3", "2022Q4"] and list(p.years) == [2022]
    assert p.radar[0][0].startswith("fr-") and len(p.radar) == 13  # the 第一责任人 list's categories
    # Periods not begun are left out.
    assert [f.period for f in pt.portrait(street.id, 2022, dt.date(2022, 5, 1)).quarters][-2:] == ["2022Q1", "2022Q2"]


def test_warning_levels_follow_the_manifest_thresholds():
    settings = pt.Settings.of(None)
    assert (settings.red_below, settings.yellow_below) == (60.0, 80.0)
    none = pt.FindingSummary({}, 0, 0, 0, [])
    assert pt.warning(59.9, none, settings).level == "red"
    assert pt.warning(79, none, settings).level == "yellow"
    assert pt.warning(95, none, settings).level == "green"
    assert pt.warning(None, none, settings).level == "none"
    assert pt.warning(95, pt.FindingSummary({}, 1, 0, 1, []), settings).level == "yellow"
    assert pt.warning(95, pt.FindingSummary({}, 1, 1, 1, []), settings).level == "red"

    class FakePack:
        files = {"rules/pack.json": {"portraits": {"red_below": 90, "yellow_below": 95, "radar_list": "main-body"}}}
    strict = pt.Settings.of(FakePack())
    assert pt.warning(89, none, strict).level == "red" and strict.radar_list == "main-body"
    odd = pt.Settings.of(type("P", (), {"files": {"rules/pack.json": {"portraits": {"red_below": "x"}}}})())
    assert odd.red_below == 60.0


HOSTILE = ["{unit.__class__.__mro__}", "{0}", "{unit!r}", "{completion_rate:>99999999}", "{__import__}",
           "{{unit}}", "%(unit)s", "{unit[0]}", "{values}", "{" * 50]


def test_hostile_placeholders_do_nothing():
    values = {"unit": "临江街道", "completion_rate": "60%"}
    for text in HOSTILE:
        out = fill(text, values)
        assert "class" not in out or "__class__" in text
        assert len(out) <= len(text) + 20  # no padding, no expansion
    assert fill("{unit.__class__.__mro__}", values) == "{unit.__class__.__mro__}"
    assert fill("{completion_rate:>99999999}", values) == "{completion_rate:>99999999}"
    assert fill("{{unit}}", values) == "{临江街道}"
    assert fill("{unit}完成率{completion_rate}{nope}", values) == "临江街道完成率60%{nope}"
    assert unknown_placeholders("{unit}{unit.name}{0}", "unit") == ["unit.name", "0"]


def test_the_pack_checker_names_unknown_placeholders_and_radar_lists(tmp_path):
    import json
    import shutil

    from service.packs.check import check_pack
    from tests.define.conftest import ROOT
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    reports_file = tmp_path / "rules" / "reports.json"
    templates = json.loads(reports_file.read_text(encoding="utf-8"))
    assert templates == DEFAULT_TEMPLATES  # the default pack ships the wording the code falls back to
    templates["unit"]["sections"][0]["text"] += "{unit.__class__}"
    reports_file.write_text(json.dumps(templates, ensure_ascii=False), encoding="utf-8")
    manifest = tmp_path / "rules" / "pack.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["portraits"]["radar_list"] = "no-such-list"
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    found = {(p.file, p.pointer, p.code) for p in check_pack(tmp_path)}
    assert ("rules/reports.json", "/unit/sections/0/text", "report-unknown-placeholder") in found
    assert ("rules/pack.json", "/portraits/radar_list", "ref-unknown-list") in found


def test_a_hostile_template_in_a_pack_prints_as_written(app, unit_plans, units, monkeypatch):
    from service.packs import report_templates
    hostile = {"title": "{unit.__class__.__init__.__globals__}", "sections": [{"text": "{unit}{0}{leader!r}"}]}
    monkeypatch.setattr(report_templates, "templates", lambda pack: {"unit": hostile, "district": hostile})
    monkeypatch.setattr(reports, "templates", report_templates.templates)
    report = reports.unit_report(units["street"], "2022", TODAY, label="2022年")
    assert report.title == "{unit.__class__.__init__.__globals__}"
    assert report.sections == [("", "临江街道{0}{leader!r}")]


def test_unit_report_in_the_browser_and_as_word(admin_client, unit_plans, units):
    street = units["street"]
    _hand_made_run(street, "2022Q1", HAND_MADE)
    page = admin_client.get(f"/supervise/reports/units/{street.id}?period=2022Q1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "临江街道2022年第一季度廉情报告" in text and "完成率 60%" in text and "已完成 3 项" in text
    assert "谈心谈话与约谈（50%）" in text

    word = admin_client.get(f"/supervise/reports/units/{street.id}?period=2022Q1&format=docx")
    assert word.status_code == 200 and word.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in word.headers["Content-Disposition"]
    document = Document(io.BytesIO(word.data))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "临江街道2022年第一季度廉情报告" in body and "完成率 60%" in body and "已完成 3 项" in body
    cells = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert cells[0] == ["类别", "完成", "计入", "完成率"] and any(r[1:] == ["1", "2", "50%"] for r in cells[1:])
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)

    district = admin_client.get("/supervise/reports/district?period=2022Q1&format=docx")
    document = Document(io.BytesIO(district.data))
    assert "政治生态分析报告" in document.paragraphs[0].text
    assert any(row.cells[1].text == "临江街道" for row in document.tables[0].rows)


def test_portrait_pages_charts_and_comparison(admin_client, unit_plans, units):
    street, bureau = units["street"], units["bureau"]
    _hand_made_run(street, "2022Q1", HAND_MADE)
    page = admin_client.get(f"/supervise/portraits/{street.id}?year=2022")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "各类别完成率" in text and "radar.svg" in text and "trend.svg" in text
    assert "60.0" in text  # 2022Q1's rate in the trend table beside the chart
    for chart in ("radar", "trend"):
        svg = admin_client.get(f"/supervise/portraits/{street.id}/{chart}.svg?year=2022")
        assert svg.mimetype == "image/svg+xml" and b"<script" not in svg.data and b"<svg" in svg.data
    trend_xlsx = admin_client.get(f"/supervise/portraits/{street.id}?year=2022&export=csv")
    assert trend_xlsx.status_code == 200 and "60.0" in trend_xlsx.get_data(as_text=True)

    listing = admin_client.get("/supervise/portraits?year=2022").get_data(as_text=True)
    assert "临江街道" in listing and "区综合行政执法局" in listing
    compare = admin_client.get(f"/supervise/portraits/compare?year=2022&unit={street.id}&unit={bureau.id}")
    assert compare.status_code == 200 and "临江街道" in compare.get_data(as_text=True)
    svg = admin_client.get(f"/supervise/portraits/compare/radar.svg?year=2022&unit={street.id}&unit={bureau.id}")
    assert b"<svg" in svg.data and "临江街道".encode() in svg.data


def test_charts_of_a_unit_without_data_are_empty_images(admin_client, unit_plans, units):
    plain = units["plain"]  # no plan
    for url in (f"/supervise/portraits/{plain.id}/radar.svg", f"/supervise/portraits/{plain.id}/trend.svg",
                f"/supervise/portraits/compare/radar.svg?unit={plain.id}", "/supervise/portraits/compare/radar.svg"):
        response = admin_client.get(url)
        assert response.status_code == 200 and b"<svg" in response.data, url
    page = admin_client.get(f"/supervise/portraits/{plain.id}").get_data(as_text=True)
    assert "暂无数据" in page


def test_bad_year_and_period_are_shown_next_to_the_field(admin_client, unit_plans, units):
    street = units["street"]
    for year in ("abc", "²⁰²²", "1999", "99999999999999999999"):
        page = admin_client.get(f"/supervise/portraits/{street.id}?year={year}")
        assert page.status_code == 422 and 'id="e-year"' in page.get_data(as_text=True)
    page = admin_client.get(f"/supervise/reports/units/{street.id}?period=2022Q9")
    assert page.status_code == 422 and "期间格式有误" in page.get_data(as_text=True)
    page = admin_client.get("/supervise/reports?period={unit.__class__}")
    assert page.status_code == 422


@pytest.mark.parametrize("path", ["/supervise/portraits", "/supervise/portraits/{own}", "/supervise/portraits/{own}/radar.svg",
                                  "/supervise/portraits/compare?unit={own}", "/supervise/reports",
                                  "/supervise/reports/district", "/supervise/reports/units/{own}?format=docx"])
def test_portraits_and_reports_are_staff_only_even_for_the_own_unit(client, make_user, units, path):
    clerk = make_user("clerk-street", "unit", unit=units["street"])
    assert client.login(clerk.username).status_code == 302
    assert client.get(path.format(own=units["street"].id)).status_code == 403
    make_user("inspector", "inspector")
    client.logout()
    client.login("inspector")
    assert client.get(path.format(own=units["street"].id)).status_code == 200
