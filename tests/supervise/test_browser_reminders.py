"""Real Chromium: a clerk reads the quarterly run's notice from the bell and marks it read (htmx);
an admin edits the 廉情报告 wording, previews it with real figures and saves a new version."""
import datetime as dt

import pytest

from service import audit
from service.packs.store import PackVersion
from service.perform import calendar_views
from service.supervise import runs

pytestmark = pytest.mark.browser


def test_a_clerk_reads_the_quarterly_notice_from_the_bell(page, login, unit_plans, units, make_user, monkeypatch,
                                                          screenshot_dir):
    monkeypatch.setattr(calendar_views, "today", lambda: dt.date(2022, 7, 5))
    make_user("clerk", "unit", unit=units["street"])
    with audit.acting_as(None, "test"):
        run = runs.run_here(runs.create_run("2022Q2", "quarterly", None, units=["J02"], queue=False))
    login(page, "clerk")
    before = int(page.locator("#bell .bell-count").inner_text())
    page.locator("#bell").click()
    page.wait_for_url("**/perform/notifications")
    notice = page.locator(f"#run-notice-{run.id}")
    assert "2022年第二季度季度提醒" in notice.inner_text() and "项尚未完成" in notice.inner_text()
    assert notice.locator(".due-list li").count() > 3
    notice.locator("summary").click()   # many items: the list opens on demand
    notice.locator(".due-list li").first.wait_for()
    page.screenshot(path=str(screenshot_dir / "supervise-quarterly-notice.png"))
    notice.get_by_role("button", name="标为已读").click()
    page.locator(f"#run-notice-{run.id}.read").wait_for()
    assert int(page.locator("#bell .bell-count").inner_text()) == before - 1


def test_an_admin_edits_the_report_wording(page, login, version, unit_plans, units, make_user, screenshot_dir):
    make_user("admin", "admin")
    login(page, "admin")
    page.goto(f"/define/packs/{version.id}")
    page.get_by_role("link", name="编辑措辞").first.click()
    page.wait_for_url("**/reports/unit/edit")
    text = page.locator("#editor-text")
    text.fill(text.input_value().replace("{unit}{period}廉情报告", "{unit}{quarter}廉情通报"))
    page.locator("#editor-messages", has_text="不认识的占位符 {quarter}").wait_for()
    text.fill(text.input_value().replace("{unit}{quarter}廉情通报", "{unit}{period}廉情通报"))
    page.locator("#editor-messages", has_text="未发现问题").wait_for()
    page.locator("#preview-period").fill("2022")
    page.get_by_role("button", name="预览报告").click()
    page.locator("#report-preview h1", has_text="廉情通报").wait_for()
    page.locator("#report-preview").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "define-report-editor.png"))
    page.get_by_role("button", name="保存为新版本").click()
    page.wait_for_url("**/define/packs")
    assert PackVersion.select().order_by(PackVersion.id.desc()).get().files["rules/reports.json"]["unit"]["title"] \
        == "{unit}{period}廉情通报"
