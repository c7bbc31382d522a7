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
