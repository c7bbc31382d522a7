"""Chromium: open a leader's portrait (charts beside their tables), then its 廉情报告, and download it as .docx."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from service.supervise import reports
from tests.supervise.test_portraits import HAND_MADE, _hand_made_run

pytestmark = pytest.mark.browser


def test_open_a_portrait_and_download_the_report(page, login, make_user, unit_plans, units, screenshot_dir):
    street = units["street"]
    _hand_made_run(street, "2022Q1", HAND_MADE)
    make_user("inspector", "inspector")
    login(page, "inspector")
    page.goto("/supervise/portraits?year=2022")
    page.get_by_role("link", name="J02 临江街道").click()
    page.wait_for_url(f"**/supervise/portraits/{street.id}?year=2022")
    radar = page.get_by_alt_text("各类别完成率雷达图")
    radar.wait_for()
    page.wait_for_load_state("load")
    assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert "60.0" in page.locator(".chart-pair").nth(1).inner_text()  # 2022Q1 in the trend's table
    page.screenshot(path=str(screenshot_dir / "supervise-portrait.png"), full_page=True)

    page.goto("/supervise/portraits?year=2022")  # two units side by side
    page.get_by_label("对比 临江街道").check()
    page.get_by_label("对比 区综合行政执法局").check()
    page.get_by_role("button", name="对比所选单位").click()
    page.get_by_alt_text("各单位类别完成率雷达图").wait_for()
    page.wait_for_load_state("load")
    assert page.evaluate("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator("table.compare thead").inner_text().count("区") >= 1
    page.screenshot(path=str(screenshot_dir / "supervise-portraits-compare.png"), full_page=True)
    page.go_back()
    page.go_back()

    page.get_by_role("link", name="廉情报告", exact=True).click()
    page.get_by_role("heading", name="临江街道2022年廉情报告").wait_for()
    page.screenshot(path=str(screenshot_dir / "supervise-report.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(screenshot_dir / "supervise-report-print.png"), full_page=True)
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word").click()
    assert download.value.suggested_filename.endswith(".docx")
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "临江街道2022年廉情报告" in body and "完成率" in body
    # The unit's figures for 2022 (no year-end run: the status engine's), as the report module computes them.
    expected = reports.unit_report(street, "2022", dt.date.today(), label="2022年")
    assert f"完成率 {expected.values['completion_rate']}" in body and expected.values["completion_rate"] != "—"
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[1:] == [[str(v) for v in row] for row in expected.tables[0]["rows"]]
