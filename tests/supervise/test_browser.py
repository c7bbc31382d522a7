"""Chromium: start a check run, watch its progress bar move, open a unit's results, download the XLSX."""
from __future__ import annotations

import io
import threading
import time

import pytest
from openpyxl import load_workbook

from service.perform import status
from service.supervise import runs
from service.supervise.models import CheckRun
from service.tasks import jobs

pytestmark = pytest.mark.browser


def test_start_watch_and_read_a_run(page, login, make_user, unit_plans, units, record, monkeypatch, screenshot_dir):
    record("street", "talk", "2022-02-10", target_roles=["年轻干部"])
    make_user("inspector", "inspector")
    monkeypatch.setattr(runs, "CHUNK", 1)
    real = status.statuses

    def slow(*args, **kwargs):  # a step long enough to see the bar between two polls
        time.sleep(2.5)
        return real(*args, **kwargs)
    monkeypatch.setattr(status, "statuses", slow)

    login(page, "inspector")
    page.goto("/supervise/")
    page.get_by_role("link", name="发起检查").click()
    page.get_by_label("年底检查").check()
    page.get_by_label("期间").fill("2022")
    page.get_by_label("单位编码").fill("J02, Q08, G01")
    page.screenshot(path=str(screenshot_dir / "supervise-new-run.png"))
    page.get_by_role("button", name="开始检查").click()
    page.wait_for_url("**/supervise/runs/*")
    assert page.get_by_text("排队中").is_visible()

    run = CheckRun.get()
    consumer = threading.Thread(target=jobs.run_job_task.call_local, args=(run.job_id,))  # what a consumer does
    consumer.start()
    try:
        deadline = time.monotonic() + 20  # polled from here: the page's CSP forbids evaluating a string
        while int(page.locator("#run-progress progress").get_attribute("value") or 0) < 1:
            assert time.monotonic() < deadline, "the progress bar never moved"
            page.wait_for_timeout(200)
        assert "已检查" in page.locator("#run-progress").inner_text()
        page.screenshot(path=str(screenshot_dir / "supervise-run-progress.png"))
        page.get_by_text("检查完成").wait_for(timeout=30_000)  # the page reloaded itself with the results
    finally:
        consumer.join(60)
    page.screenshot(path=str(screenshot_dir / "supervise-run-done.png"), full_page=True)
    page.get_by_role("link", name="J02 临江街道").click()
    page.get_by_text("还差 3 次").wait_for()
    page.screenshot(path=str(screenshot_dir / "supervise-unit-results.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    rows = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.values)
    assert rows[0][0] == "单位编码" and {r[0] for r in rows[1:]} == {"J02"}
