"""Real Chromium: a clerk sees a 红 item, records it with an attachment, sees it turn 绿,
changes the record with a reason and compares both versions side by side."""
import pytest

from service import audit
from service.define import plans

pytestmark = pytest.mark.browser


def test_a_red_item_recorded_turns_green_and_its_change_is_kept(page, login, make_user, units, unit_plan,
                                                                 screenshot_dir, tmp_path):
    with audit.acting_as(None, "test"):
        custom = plans.add_custom_item(unit_plan, list_id="first-responsible", category_id="fr-talks",
                                       text="上半年完成一次基层走访调研", frequency="yearly", min_count=1,
                                       due_date="2022-06-30")
    make_user("clerk", "unit", unit=units["street"])
    login(page, "clerk")
    page.goto("/perform/")
    first = page.locator("table.todo tbody tr").first
    assert "红" in first.inner_text()  # overdue first
    page.screenshot(path=str(screenshot_dir / "perform-unit-dashboard.png"))
    row = page.locator(f'tr[data-item="{custom.item_id}"]')
    assert "红" in row.locator(".status").inner_text() and "未完成" in row.inner_text()
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "perform-unit-red.png"))

    row.get_by_role("link", name="标记完成").click()
    page.wait_for_url("**/perform/fill/_note**")
    page.get_by_label("完成日期").fill("2022-05-20")
    page.get_by_label("完成情况").fill("走访三个社区，形成调研报告")
    evidence = tmp_path / "调研报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 report")
    page.locator('input[type="file"][name="attachments"]').set_input_files(str(evidence))
    page.get_by_role("button", name="提交记录").click()
    page.wait_for_url("**/perform/records/*")
    assert "走访三个社区" in page.content() and "调研报告.pdf" in page.content()

    page.goto("/perform/")
    row = page.locator(f'tr[data-item="{custom.item_id}"]')
    assert "绿" in row.locator(".status").inner_text() and "完成" in row.inner_text()
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "perform-unit-green.png"))

    page.goto("/perform/records")
    page.locator(".timeline-entry a").first.click()
    page.get_by_role("link", name="修改").click()
    page.get_by_label("完成情况").fill("走访四个社区，形成调研报告并通报")
    page.get_by_role("button", name="保存修改").click()
    page.locator("#edit-reason-error").wait_for()
    assert "须填写修改原因" in page.locator("#edit-reason-error").inner_text()
    assert page.get_by_label("完成情况").input_value() == "走访四个社区，形成调研报告并通报"
    page.get_by_label("修改原因").fill("走访社区数量填错")
    page.get_by_role("button", name="保存修改").click()
    page.wait_for_url("**/perform/records/*")
    assert "第 2 版" in page.content()
    page.get_by_role("link", name="对照查看各版本").click()
    columns = page.locator(".revisions-side-by-side section")
    assert columns.count() == 2
    assert columns.nth(0).locator('[name="note"]').input_value() == "走访三个社区，形成调研报告"
    assert columns.nth(1).locator('[name="note"]').input_value() == "走访四个社区，形成调研报告并通报"
    assert "走访社区数量填错" in columns.nth(1).inner_text()
    page.screenshot(path=str(screenshot_dir / "perform-revisions.png"))
