"""Real Chromium: the street's 派驻纪检监察组 records its 监督责任 item for the street from
its to-do list; the street's clerk sees the item done, read-only, "由…记录"."""
import datetime as dt

import pytest

from service.holders import views as todo_views
from tests.holders.conftest import item_of

pytestmark = pytest.mark.browser


def test_a_holder_records_a_supervision_item_and_the_clerk_sees_it_read_only(
        browser, live_server, page, login, make_user, units, holders, plans_published, screenshot_dir, monkeypatch):
    monkeypatch.setattr(todo_views, "today", lambda: dt.date(2022, 12, 26))
    sv = item_of(plans_published["street"], "sv-quarterly-reminder")
    login(page, "paizhu", expect_dashboard=False)
    page.wait_for_url("**/perform/todo/")
    row = page.locator('tr[data-todo="sv-quarterly-reminder"][data-unit="J02"]')
    assert "临江街道" in row.inner_text() and "黄" in row.locator(".status").inner_text()
    assert page.locator('tr[data-unit="Q08"]').count() == 0             # the bureau is not its unit
    assert page.locator('tr[data-todo^="fr-"]').count() == 0            # nor the unit's own lists
    # The bell counts its 黄 and 红 items once the page has loaded (htmx).
    urgent = page.locator('tr[data-todo][data-colour="red"], tr[data-todo][data-colour="yellow"]').count()
    assert urgent and page.locator("#bell .bell-count").inner_text() == str(urgent)
    page.screenshot(path=str(screenshot_dir / "holder-todo.png"), full_page=True)

    row.get_by_role("link", name="记录").click()
    page.wait_for_url(f"**/perform/fill/talk?item={sv.id}")
    assert "临江街道" in page.locator("main").inner_text()
    page.locator('[name="date"]').fill("2022-12-10")
    page.locator('[name="talk_type"]').select_option("提醒")
    page.locator('input[name="initiator_role"][value="派驻纪检监察组"]').check()
    page.locator('[name="target_name"]').fill("临江街道党工委书记")
    page.locator('input[name="target_roles"][value="班子成员"]').check()
    page.locator('[name="reason"]').select_option("例行谈心")
    page.locator('[name="content/problems"]').fill("第四季度履责记录不够及时")
    page.locator('[name="content/requirements"]').fill("月底前补齐记录")
    page.get_by_role("button", name="提交记录").click()
    page.wait_for_url("**/perform/records/*")
    record_url = page.url
    assert "第四季度履责记录不够及时" in page.content()

    page.goto("/perform/todo/")
    assert page.locator('tr[data-todo="sv-quarterly-reminder"][data-unit="J02"]').count() == 0
    assert "绿" in page.locator('li[data-done="sv-quarterly-reminder"][data-unit="J02"]').inner_text()
    assert page.get_by_role("link", name="履责", exact=True).count() == 0  # no stage menus for a holder
    assert page.locator("#bell .bell-count").inner_text() == str(urgent - 1)

    # The unit's record book, from the top bar: the record just made, only its units to choose.
    page.locator(".topnav").get_by_role("link", name="履责记录本").click()
    page.wait_for_url("**/perform/records")
    assert page.locator(f'a[href="{record_url.split(live_server)[-1]}"]').count() == 1
    options = page.locator('select[name="unit"] option').all_inner_texts()
    assert "临江街道" in options and "区综合行政执法局" not in options
    page.screenshot(path=str(screenshot_dir / "holder-book.png"), full_page=True)
    page.locator(".topnav").get_by_role("link", name="履职月历").click()
    page.wait_for_url("**/perform/calendar")
    assert "临江街道" in page.locator("h1").inner_text() and page.locator('a[href*="/perform/fill/"]').count() == 0

    make_user("clerk2", "unit", unit=units["street"])
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 860})
    clerk = context.new_page()
    login(clerk, "clerk2")
    clerk.goto("/perform/")
    item = clerk.locator('tr[data-item="sv-quarterly-reminder"]')
    assert "绿" in item.locator(".status").inner_text()
    assert "由区纪委监委第一派驻纪检监察组记录" in item.inner_text()
    assert item.get_by_role("link").count() == 0                         # no 记录 / 填写记录 button
    own = clerk.locator('tr[data-item="fr-talk-young"]')
    assert own.get_by_role("link", name="填写记录").count() == 1
    clerk.screenshot(path=str(screenshot_dir / "holder-clerk-dashboard.png"), full_page=True)
    others = clerk.locator("table.others-todo")
    assert "由区委组织部记录" in others.inner_text() and others.get_by_role("link").count() == 0
    others.scroll_into_view_if_needed()
    clerk.screenshot(path=str(screenshot_dir / "holder-clerk-dashboard-others.png"))
    item.scroll_into_view_if_needed()
    clerk.screenshot(path=str(screenshot_dir / "holder-clerk-dashboard-row.png"))
    clerk.goto(record_url)
    assert "此记录由区纪委监委第一派驻纪检监察组记录，本单位只能查看。" in clerk.content()
    assert clerk.get_by_role("link", name="修改").count() == 0
    clerk.screenshot(path=str(screenshot_dir / "holder-clerk-record.png"))
    context.close()


def test_an_admin_chooses_a_bodys_units(page, login, make_user, units, bodies, screenshot_dir):
    make_user("boss", "admin")
    login(page, "boss")
    page.goto("/admin/holders/")
    page.locator(f'tr[data-body="{bodies["bureau_group"].id}"]').get_by_role("link", name="编辑").click()
    page.get_by_label(f'{units["plain"].code} {units["plain"].name}').check()
    page.get_by_role("button", name="保存").click()
    page.locator(".flash-success").wait_for()
    assert bodies["bureau_group"].unit_ids() == {units["bureau"].id, units["plain"].id}
    page.screenshot(path=str(screenshot_dir / "holder-admin-edit.png"), full_page=True)
