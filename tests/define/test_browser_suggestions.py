"""Real Chromium: last year's findings propose changes to a unit's plan; the admin reads the
suggestion next to its finding (the rule in words, its JSON one click away), takes it, and the
plan shows the new item and the raised target, with the revision naming the finding."""
from __future__ import annotations

import pytest

from service import audit
from service.define import plans
from service.define.models import PlanItem
from tests.accountability.conftest import people  # noqa: F401  (fixture)
from tests.define.conftest import version  # noqa: F401  (fixture)
from tests.define.test_suggestions import YEAR, _finding

pytestmark = pytest.mark.browser


def test_the_admin_takes_suggestions_on_the_plan_page(page, login, people, version, screenshot_dir):  # noqa: F811
    with audit.acting_as(None, "test"):
        plan, _ = plans.generate_plan(people["q08"], YEAR, version)
    centralism = _finding(people)
    talks = _finding(people, title="年轻干部谈话不经常", category_id="fr-talks")

    login(page, "admin")
    page.goto(f"/define/plans/{plan.id}")
    section = page.locator("#suggestions")
    section.get_by_role("heading", name=f"依据 {YEAR - 1} 年发现的问题的建议").wait_for()
    custom = section.locator("li").filter(has=page.get_by_role("link", name=f"#{centralism.id} {centralism.title}"))
    assert "新增事项“每季度开展“三重一大”制度执行情况自查”" in custom.inner_text()
    assert "问题类别为“民主集中制与“三重一大””" in custom.inner_text()     # the condition in words
    custom.get_by_text("查看规则 JSON").click()
    assert '"finding.category_id"' in custom.locator("pre").first.inner_text()   # the JSON one click away
    section.screenshot(path=str(screenshot_dir / "define-plan-suggestions.png"))

    custom.get_by_role("button", name="采纳").click()
    page.locator("#suggestions li").filter(has=page.get_by_role("link", name=f"#{centralism.id} {centralism.title}")) \
        .get_by_text("已采纳").wait_for()
    page.get_by_role("cell", name="每季度开展“三重一大”制度执行情况自查").first.wait_for()

    raise_talks = page.locator("#suggestions li").filter(has=page.get_by_role("link", name=f"#{talks.id} {talks.title}"))
    assert "目标次数改为 3 次（现为 2 次）" in raise_talks.inner_text()
    raise_talks.get_by_role("button", name="采纳").first.click()
    page.locator("#suggestions li").filter(has=page.get_by_role("link", name=f"#{talks.id} {talks.title}")) \
        .get_by_text("已采纳").first.wait_for()
    young = PlanItem.get((PlanItem.plan == plan) & (PlanItem.item_id == "fr-talk-young"))
    assert young.min_count == 3

    page.goto(f"/define/plans/{plan.id}/revisions")
    body = page.locator("main").inner_text()
    assert f"依据问题 #{centralism.id}" in body and f"依据问题 #{talks.id}" in body
