"""Real Chromium: an admin tunes a plan without code; the unit sees it."""
import pytest

from service.define import plans
from service.define.models import PlanItem

pytestmark = pytest.mark.browser



def test_admin_tunes_a_plan_and_the_unit_sees_it(page, login, browser, live_server, make_user, version, units, screenshot_dir):
    make_user("admin", "admin")
    plan, _ = plans.generate_plan(units["bureau"], 2022, version)
    first, second = plan.ordered_items()[:2]
    login(page, "admin")
    page.goto(f"/define/plans/{plan.id}")

    # Switching off without a reason: the message appears in the row, nothing changes.
    row = page.locator(f"#item-{first.id}")
    row.get_by_role("button", name="停用").click()
    expect_text = row.get_by_role("alert")
    expect_text.wait_for()
    assert "停用事项须填写原因" in expect_text.inner_text()
    # With a reason it is switched off in place and the revision count moves on.
    page.locator(f"#item-{first.id}").get_by_label("停用原因").fill("本单位本年度不涉及")
    page.locator(f"#item-{first.id}").get_by_role("button", name="停用").click()
    page.locator(f"#item-{first.id}").get_by_role("button", name="恢复").wait_for()
    assert "第 2 次修订" in page.locator("#plan-revision").inner_text()
    # Changing a target count saves on change.
    count = page.locator(f"#item-{second.id}").get_by_label("目标次数")
    count.fill("4")
    count.dispatch_event("change")
    page.wait_for_function("() => document.querySelector('#plan-revision').innerText.includes('第 3 次修订')")
    assert PlanItem.get_by_id(second.id).min_count == 4
    page.screenshot(path=str(screenshot_dir / "plan-tuning.png"))

    page.get_by_role("button", name="发布清单").click()
    page.get_by_text("清单已发布").wait_for()

    # The unit's clerk sees the published plan, without the switched-off item, and its mind map.
    make_user("clerk", "unit", unit=units["bureau"])
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    clerk = context.new_page()
    login(clerk, "clerk")
    clerk.goto("/define/?year=2022")
    clerk.wait_for_url(f"**/define/plans/{plan.id}")
    assert first.text not in clerk.content()
    assert second.text in clerk.content()
    clerk.get_by_role("link", name="导图").click()
    assert clerk.locator(".node.root").inner_text().startswith(units["bureau"].leader_name or "")
    clerk.screenshot(path=str(screenshot_dir / "plan-mindmap-unit.png"))
    context.close()


def test_a_refused_target_says_why_beside_the_box(page, login, make_user, version, units, screenshot_dir):
    """−5 used to be swallowed by the browser (the box kept −5, a reload showed 1)."""
    make_user("admin", "admin")
    plan, _ = plans.generate_plan(units["bureau"], 2022, version)
    item = plan.ordered_items()[1]
    login(page, "admin")
    page.goto(f"/define/plans/{plan.id}")
    row = page.locator(f"#item-{item.id}")
    count = row.get_by_label("目标次数")
    count.fill("-5")
    count.dispatch_event("change")
    error = page.locator(f"#item-{item.id}-error")
    error.wait_for()
    assert "目标次数应在 0 到 366 之间" in error.inner_text() and f"未保存，仍为 {item.min_count}" in error.inner_text()
    assert row.get_by_label("目标次数").input_value() == str(item.min_count)
    assert row.get_by_label("目标次数").get_attribute("aria-invalid") == "true"
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "plan-refused-target.png"))

    # The add-custom-item form answers where the clerk is, not in the flash bar at the top.
    page.locator("#new-text").fill("")
    page.locator("#new-count").fill("0")
    page.locator("#add-item").get_by_role("button", name="添加").click()
    page.locator("#new-text-error").wait_for()
    assert "请填写事项内容" in page.locator("#new-text-error").inner_text()
    assert page.locator("#new-min_count-error").is_visible()
    assert page.locator("#flash .flash").count() == 0
    page.locator("#add-item").screenshot(path=str(screenshot_dir / "plan-add-item-errors.png"))
    page.locator("#new-text").fill("街道自定的走访事项")
    page.locator("#new-count").fill("2")
    page.locator("#add-item").get_by_role("button", name="添加").click()
    page.get_by_text("街道自定的走访事项").first.wait_for()
    assert PlanItem.select().where((PlanItem.plan == plan) & (PlanItem.custom == True)).count() == 1  # noqa: E712
