"""Real Chromium: a clerk opens the duty calendar from the dashboard, sees the month's due
items in the engine's colours, moves between months, subscribes to the feed, reads the
reminders from the bell (htmx mark-read), and the calendar fits a 375 px phone."""
import datetime as dt

import pytest
from icalendar import Calendar

from service.perform import calendar_views
from tests.perform.test_status import clerk_user, item_of, record  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_a_clerk_uses_the_calendar_and_the_reminders(page, login, unit_plan, record, monkeypatch,  # noqa: F811
                                                    screenshot_dir, browser, live_server):
    monkeypatch.setattr(calendar_views, "today", lambda: dt.date(2022, 6, 25))
    record("inspection", "2022-04-01", item=item_of(unit_plan, "fr-check-quarterly"))
    login(page, "clerk")
    unread = int(page.locator("#bell .bell-count").inner_text())  # fetched once the page has loaded
    assert unread > 5

    page.goto("/perform/")
    page.get_by_role("link", name="履职月历").click()
    page.wait_for_url("**/perform/calendar")
    assert "2022年6月" in page.locator(".month-title").inner_text()
    cell = page.locator(".month-grid td", has=page.locator(".day-no", has_text="30")).last
    green = cell.locator('.chip[data-item="fr-check-quarterly"]')
    assert green.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(20, 108, 46)"  # --ok
    yellow = page.locator('.month-grid .chip[data-item="fr-talk-young"]')
    assert yellow.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(246, 195, 67)"
    page.screenshot(path=str(screenshot_dir / "calendar-month.png"), full_page=True)

    page.get_by_role("link", name="‹ 上月").click()
    assert "2022年5月" in page.locator(".month-title").inner_text()
    red = page.locator('.month-grid .chip[data-item="fr-first-topic"]')
    assert red.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(179, 38, 30)"
    page.get_by_role("link", name="下月 ›").click()
    assert "2022年6月" in page.locator(".month-title").inner_text()

    # subscribe: the address is shown once and answers an iCalendar file
    page.get_by_role("button", name="生成订阅地址").click()
    url = page.locator("input.feed-url").input_value()
    assert "/perform/calendar/" in url and url.endswith(".ics")
    feed = page.request.get(url.replace("http://localhost", live_server))
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    summaries = {str(e["summary"]) for e in Calendar.from_ical(feed.body()).walk("VEVENT")}
    assert item_of(unit_plan, "fr-talk-young").text in summaries
    page.screenshot(path=str(screenshot_dir / "calendar-feed.png"), full_page=True)

    # a chip opens the item's record form
    page.locator('.month-grid .chip[data-item="fr-talk-young"]').click()
    page.wait_for_url("**/perform/fill/talk?item=*")

    # the bell: reminders, one marked read through htmx, the count follows
    page.locator("#bell").click()
    page.wait_for_url("**/perform/notifications")
    first = page.locator(".due-list li.unread").first
    first.get_by_role("button", name="标为已读").click()
    page.locator(".due-list li.read").first.wait_for()
    assert int(page.locator("#bell .bell-count").inner_text()) == unread - 1
    page.screenshot(path=str(screenshot_dir / "calendar-notifications.png"), full_page=True)
    page.reload()
    assert page.locator(".due-list li.read").count() == 1

    # a 375 px phone: the list instead of the grid, nothing wider than the screen
    phone = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 375, "height": 740})
    small = phone.new_page()
    login(small, "clerk")
    small.goto("/perform/calendar?month=2022-06")
    assert not small.locator(".month-grid").is_visible()
    assert small.locator(".due-list li").first.is_visible()
    assert small.locator("#bell").is_visible()
    assert small.evaluate("document.documentElement.scrollWidth") <= 375
    small.screenshot(path=str(screenshot_dir / "calendar-phone.png"))  # the first screen
    phone.close()
