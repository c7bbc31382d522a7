"""Real Chromium over every page of every role: phones and accessibility.

* At 375×812 (a phone) no page may scroll sideways: the top bar folds into a
  menu, tables stack into cards or scroll inside their own box, forms are one
  column. The document is measured on every page the URL map has, as a unit
  clerk, an inspector and an admin, with the demo loaded.
* axe-core (a pinned copy in tests/vendor/axe-core) scans desktop pages for
  WCAG 2 A/AA problems.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.define.models import Plan
from tests.demo_cache import DEMO_PASSWORD, load_demo_into
from tests.site_map import ROLES, enough_pages, user_page_urls

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = DEMO_PASSWORD
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# Not is_mobile: a mobile viewport zooms out to fit a too wide page, which would
# hide the very overflow this test looks for (innerWidth grows with the page).
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "has_touch": True, "locale": "zh-CN"}
TALK = {"date": "2022-05-10", "talk_type": "日常", "initiator_role": "主要负责人", "target_name": "班子成员甲",
        "target_roles": "班子成员", "reason": "岗位变动", "content/problems": "指出推进不够有力",
        "content/requirements": "按期整改", "response": "诚恳接受"}


@pytest.fixture
def demo(app, client):
    """The demo loaded, with one submitted record of unit01 (so record pages exist)."""
    load_demo_into(app)
    clerk = type(client)(app.test_client())
    clerk.login("unit01", PASSWORD)
    clerk.post("/perform/fill/talk", TALK)
    return app


def _urls(app, client, username: str) -> list[str]:
    signed_in = type(client)(app.test_client())
    assert signed_in.login(username, PASSWORD).status_code == 302
    return user_page_urls(app, signed_in, username)


def _browser_login(page, username: str) -> None:
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/perform/todo/" if username.startswith("paizhu") else "**/dashboard")


@pytest.mark.parametrize("username", ROLES)
def test_every_page_fits_a_phone(browser, live_server, demo, client, username, screenshot_dir):
    urls = _urls(demo, client, username)
    assert len(urls) >= enough_pages(username)
    context = browser.new_context(base_url=live_server, **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        _browser_login(page, username)
        too_wide = []
        for url in urls:
            page.goto(url)
            width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            if width[0] > width[1]:
                too_wide.append(f"{url}: {width[0]} px")
        assert not too_wide, too_wide
        page.goto("/dashboard")
        page.screenshot(path=str(screenshot_dir / f"phone-dashboard-{username}.png"))
        # the menu opens and reaches every stage, the language switch and 退出
        page.locator("details.menu > summary").click()
        for name in (("待办事项",) if username.startswith("paizhu") else ("明责", "履责", "督责", "评责", "问责")):
            assert page.locator("nav.stages").get_by_role("link", name=name, exact=True).is_visible()
        assert page.get_by_role("button", name="English").is_visible()
        assert page.get_by_role("button", name="退出").is_visible()
        page.screenshot(path=str(screenshot_dir / f"phone-menu-{username}.png"))
        if username == "unit01":
            page.goto("/perform/")
            page.locator("table").first.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshot_dir / "phone-perform.png"))
            page.goto("/perform/fill/talk")
            page.screenshot(path=str(screenshot_dir / "phone-talk-form.png"))
        if username.startswith("paizhu"):
            page.goto("/perform/todo/")
            page.screenshot(path=str(screenshot_dir / "phone-holder-todo.png"))
    finally:
        context.close()


AXE_PAGES = ["/dashboard", "/units/", "/define/", "/define/packs", "/define/packs/{version}",
             "/define/plans/{plan}", "/perform/records", "/evaluate/", "/admin/audit/"]


def test_desktop_pages_pass_an_axe_wcag2aa_scan(browser, live_server, demo, client):
    from service.packs.store import PackVersion
    values = {"version": PackVersion.current().id, "plan": Plan.select().first().id}
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 860},
                                  bypass_csp=True)   # the scanner is injected; the app's CSP is not its business
    context.set_default_timeout(15_000)
    page = context.new_page()
    script = AXE.read_text(encoding="utf-8")
    try:
        _browser_login(page, "admin")
        problems = []
        for url in AXE_PAGES:
            page.goto(url.format(**values))
            page.evaluate(script)
            result = page.evaluate("""async () => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
                return r.violations.map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120) + ' ' + (n.any[0] ? n.any[0].message : ''))}));
            }""")
            problems += [f"{url}: {v['id']} {json.dumps(v['nodes'], ensure_ascii=False)}" for v in result]
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_the_english_plan_page(browser, live_server, demo, client, screenshot_dir):
    """Form titles come from the pack's English, buttons stay inside the table,
    placeholders are not cut."""
    plan = Plan.select().first()
    context = browser.new_context(base_url=live_server, locale="en", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        _browser_login(page, "admin")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state("networkidle")
        page.goto(f"/define/plans/{plan.id}")
        page.screenshot(path=str(screenshot_dir / "plan-en.png"))
        page.locator("#add-item").screenshot(path=str(screenshot_dir / "plan-en-add-item.png"))
        overflow = page.evaluate("""() => {
            const out = [];
            for (const table of document.querySelectorAll('table')) {
                const right = table.getBoundingClientRect().right;
                for (const el of table.querySelectorAll('button, input, select, a.button')) {
                    const r = el.getBoundingClientRect();
                    if (r.width && r.right > right + 1) out.push(el.outerHTML.slice(0, 80));
                }
            }
            const ctx = document.createElement('canvas').getContext('2d');
            for (const el of document.querySelectorAll('input[placeholder]')) {
                const style = getComputedStyle(el);
                ctx.font = style.font;
                const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                if (el.offsetParent && ctx.measureText(el.placeholder).width > room + 1) out.push('cut: ' + el.placeholder);
            }
            return out;
        }""")
        assert not overflow, overflow
        forms = page.locator("#new-form option").all_inner_texts()
        assert "Talk record" in " ".join(forms) or all(not any("\u4e00" <= c <= "\u9fff" for c in f) for f in forms), forms
    finally:
        context.close()
