"""Real Chromium: an inspector opens the district overview, sorts it by 红 items
(an htmx swap), and drills from a red cell into the unit's items of that category."""
import pytest

from tests.perform.test_overview import case  # noqa: F401  (the hand-computed case)

pytestmark = pytest.mark.browser


def test_an_inspector_opens_the_overview_and_drills_into_a_unit(page, login, make_user, units, case,  # noqa: F811
                                                                  screenshot_dir):
    make_user("insp", "inspector")
    login(page, "insp")
    page.goto("/perform/")
    page.get_by_role("link", name="履责总览（各单位按类别的完成情况）").click()
    page.wait_for_url("**/perform/overview")
    page.get_by_label("期间").fill("2022Q2")
    page.get_by_label("截至日期").fill("2022-06-27")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**/perform/overview?*period=2022Q2*")
    rows = page.locator("table.overview-grid tbody tr")
    assert rows.first.get_attribute("data-unit") == "G01"  # by code

    page.get_by_role("link", name="逾期（红）").click()  # htmx: only the grid is swapped
    page.wait_for_url("**sort=red**")
    page.locator('table.overview-grid tbody tr[data-unit="J02"]:first-child').wait_for()
    street = page.locator('tr[data-unit="J02"]')
    red = street.locator(f'td[data-category="{case["b"]}"] a.cell')
    assert red.inner_text().strip() == "0/2 红" and "status-red" in red.get_attribute("class")
    assert street.locator(f'td[data-category="{case["a"]}"] a.cell').inner_text().strip() == "1/2 黄"
    page.screenshot(path=str(screenshot_dir / "perform-overview.png"), full_page=True)

    red.click()
    page.wait_for_url(f"**/perform/units/{units['street'].id}?category={case['b']}*")
    a1, a2, b1, b2 = case["items"]
    overdue = page.locator(f'tr[data-item="{b1.item_id}"]')
    assert "红" in overdue.locator(".status").inner_text() and "未完成" in overdue.inner_text()
    assert page.locator(f'tr[data-item="{a1.item_id}"]').count() == 0
    assert page.locator("a[href*='/perform/fill/']").count() == 0  # read-only
    page.screenshot(path=str(screenshot_dir / "perform-overview-unit.png"), full_page=True)

    # On a phone the grid scrolls inside its own box; the page itself does not scroll sideways.
    page.set_viewport_size({"width": 375, "height": 740})
    page.go_back()
    page.wait_for_url("**/perform/overview**")
    box = page.locator(".grid-box")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    page.screenshot(path=str(screenshot_dir / "perform-overview-phone.png"), full_page=True)
