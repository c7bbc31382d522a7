"""Real Chromium: rules read as words in the pack browser and on a plan page, the JSON opens
with a click, nothing runs past the table's edge, no favicon 404 (issue 14, points 1 and 9)."""
import json

import pytest

from service.define import plans

pytestmark = pytest.mark.browser

OVERFLOW = """() => [...document.querySelectorAll('table')].filter(t => {
  const box = t.parentElement.getBoundingClientRect();
  return t.getBoundingClientRect().right > box.right + 1
      || [...t.querySelectorAll('td')].some(td => td.scrollWidth > td.clientWidth + 1);
}).length"""


def test_pack_browser_and_plan_page_tell_rules_in_words(page, login, make_user, version, units, screenshot_dir):
    make_user("admin", "admin")
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    login(page, "admin")
    page.goto(f"/define/packs/{version.id}")
    row = page.locator("#fr-check-subordinates")
    assert "执法单位为是且下属单位数不少于 3 个的单位" in row.inner_text()
    assert "u003e" not in page.content()
    json_view = row.locator("details.rule-json pre")
    assert not json_view.is_visible()
    row.locator("details.rule-json summary").click()
    assert json.loads(json_view.inner_text()) == version.pack().item("fr-check-subordinates").applies_if
    assert page.evaluate(OVERFLOW) == 0
    page.screenshot(path=str(screenshot_dir / "pack-browser-rules-in-words.png"), full_page=True)
    row.locator("xpath=ancestor::table").screenshot(path=str(screenshot_dir / "pack-browser-rules-table.png"))

    plan, _ = plans.generate_plan(units["bureau"], 2022, version)
    page.goto(f"/define/plans/{plan.id}")
    page.get_by_text("本季度监督检查记录不少于 1 次").first.wait_for()
    assert page.evaluate(OVERFLOW) == 0
    page.screenshot(path=str(screenshot_dir / "plan-rules-in-words.png"), full_page=True)
    page.locator("table.plan-table").first.screenshot(path=str(screenshot_dir / "plan-rules-table.png"))
    assert not [u for u in missing if u.endswith("favicon.ico") or "favicon" in u], missing


def test_try_it_does_not_trust_a_rule_the_checker_flags(page, login, make_user, version, units, screenshot_dir):
    make_user("admin", "admin")
    login(page, "admin")
    page.goto(f"/define/packs/{version.id}/items/fr-talk-team/edit?part=check")
    result = page.locator("#tryit-result")
    page.get_by_role("button", name="运行").click()
    result.locator(".outcome").wait_for()
    assert "达标" in result.inner_text() and "不可信" not in result.inner_text()   # the sample fits 班子成员
    editor = page.locator("#editor-text")
    editor.fill(json.dumps({">=": [{"count_if": [{"var": "records"}]}, {"var": "targett"}]}, indent=2))
    editor.press("End")
    page.locator("#editor-messages").get_by_text("targett").first.wait_for()
    page.get_by_role("button", name="运行").click()
    result.get_by_text("下面的结果不可信").wait_for()
    assert result.locator(".outcome-untrusted").is_visible() and not result.locator(".outcome-true").count()
    page.screenshot(path=str(screenshot_dir / "tryit-untrusted.png"), full_page=True)
