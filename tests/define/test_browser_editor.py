"""Real Chromium: an admin edits a check rule in the browser, tries it, saves a
new draft version and publishes it."""
import json

import pytest

from service.packs.store import PackVersion

pytestmark = pytest.mark.browser

FIXED = {">=": [{"count_if": [{"var": "records"}]}, {"var": "target"}]}



def test_admin_edits_tries_saves_and_publishes_a_check_rule(page, login, make_user, version, units, screenshot_dir):
    make_user("admin", "admin")
    login(page, "admin")
    page.goto(f"/define/packs/{version.id}/items/fr-first-topic")
    page.screenshot(path=str(screenshot_dir / "pack-item.png"), full_page=True)
    page.get_by_role("link", name="编辑检查规则").click()
    page.wait_for_url("**/edit?part=check")
    messages = page.locator("#editor-messages")
    assert "未发现问题" in messages.inner_text()

    # A typo in an operator: the Chinese problem appears as the admin types.
    editor = page.locator("#editor-text")
    editor.fill(json.dumps({">=": [{"cout_if": [{"var": "records"}]}, {"var": "target"}]}, indent=2))
    editor.press("End")
    messages.get_by_text("未知运算符 'cout_if'").wait_for()
    assert "/>=/0" in messages.inner_text()
    page.screenshot(path=str(screenshot_dir / "pack-editor-problem.png"), full_page=True)

    # Fixed: the whole pack, with its tests, checks clean.
    editor.fill(json.dumps(FIXED, indent=2))
    editor.press("End")
    messages.get_by_text("整个规则包（含规则包测试）检查通过").wait_for()

    # Try it on the prefilled sample (one record in January 2022): met.
    result = page.locator("#tryit-result")
    page.get_by_role("button", name="运行").click()
    result.locator(".outcome").wait_for()
    assert "结果：达标" in result.inner_text()
    # Without records: not met, and the explanation says which condition failed.
    page.get_by_label("记录").select_option("0")
    page.wait_for_function("() => JSON.parse(document.querySelector('#sample').value).records.length === 0")
    page.get_by_role("button", name="运行").click()
    result.get_by_text("未满足的条件").wait_for()
    text = result.inner_text()
    assert "结果：未达标" in text and "得到 [0, 1] → 假" in text and "0 ≥ 1 不成立" in text and "计算过程" in text
    page.screenshot(path=str(screenshot_dir / "pack-editor-tryit.png"), full_page=True)

    # Save: a new draft version, listed; the old one is unchanged.
    page.get_by_label("修改说明").fill("第一议题：所有会议类型均计入")
    page.get_by_role("button", name="保存为新版本").click()
    page.wait_for_url("**/define/packs")
    page.get_by_text("已保存为新版本").wait_for()
    row = page.locator("tr", has_text="第一议题：所有会议类型均计入")
    assert "1.2.1" in row.inner_text() and "草稿" in row.inner_text()
    assert PackVersion.get_by_id(version.id).pack().item("fr-first-topic").check != FIXED
    page.screenshot(path=str(screenshot_dir / "pack-versions.png"), full_page=True)

    # Publishing is its own (confirmed, audited) step.
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="发布").click()
    page.get_by_text("已发布规则包").wait_for()
    current = PackVersion.current()
    assert current.version == "1.2.1" and current.pack().item("fr-first-topic").check == FIXED


def test_form_preview_follows_the_edited_json(page, login, make_user, version, screenshot_dir):
    make_user("admin", "admin")
    login(page, "admin")
    page.goto(f"/define/packs/{version.id}?list=first-responsible")
    page.get_by_role("heading", name="政治建设").wait_for()
    page.screenshot(path=str(screenshot_dir / "pack-version.png"))
    page.goto(f"/define/packs/{version.id}/forms/first-topic")
    page.screenshot(path=str(screenshot_dir / "pack-form-preview.png"), full_page=True)
    page.goto(f"/define/packs/{version.id}/forms/first-topic/edit")
    preview = page.locator("#form-preview")
    assert "学习日期" in preview.inner_text()
    schema = version.pack().forms["first-topic"].schema
    schema = json.loads(json.dumps(schema, ensure_ascii=False).replace("学习日期", "学习的日期"))
    page.locator("#editor-text").fill(json.dumps(schema, ensure_ascii=False, indent=2))
    page.locator("#editor-text").press("End")
    preview.get_by_text("学习的日期").wait_for()
    page.screenshot(path=str(screenshot_dir / "pack-form-editor.png"), full_page=True)
