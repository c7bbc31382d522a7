"""Real Chromium: logging in, a wrong password, and the unit boundary."""
import pytest

pytestmark = pytest.mark.browser



def test_admin_logs_in_and_sees_the_chinese_dashboard(page, login, make_user, screenshot_dir):
    make_user("admin", "admin", display_name="纪委监委管理员")
    make_user.unit("Q01", "区发展和改革局")
    login(page, "admin")
    page.wait_for_url("**/dashboard")
    assert page.get_by_role("heading", name="工作台").is_visible()
    nav = page.get_by_role("navigation", name="五个环节")
    for stage in ("明责", "履责", "督责", "评责", "问责"):
        assert nav.get_by_role("link", name=stage).is_visible()
    assert "纪委监委管理员" in page.locator(".topnav .who").inner_text()
    page.screenshot(path=str(screenshot_dir / "dashboard-admin.png"), full_page=True)


def test_wrong_password_shows_the_message_and_no_session(page, login, make_user, screenshot_dir):
    make_user("admin", "admin")
    login(page, "admin", "not-the-password", expect_dashboard=False)
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误"
    page.screenshot(path=str(screenshot_dir / "login-wrong-password.png"))
    page.goto("/dashboard")
    assert "/login" in page.url


def test_unit_user_gets_403_on_another_units_page(page, login, make_user):
    mine = make_user.unit("A01", "甲单位")
    other = make_user.unit("B01", "乙单位")
    make_user("clerk", "unit", unit=mine)
    login(page, "clerk")
    page.wait_for_url("**/dashboard")
    response = page.goto(f"/units/{other.id}")
    assert response.status == 403
    assert page.get_by_role("alert").get_by_text("您没有权限访问此页面").is_visible()
    assert page.goto(f"/units/{mine.id}").status == 200


def test_htmx_filter_updates_the_list_in_place(page, login, make_user, screenshot_dir):
    make_user("admin", "admin")
    make_user.unit("J01", "江滨街道", type="街道")
    make_user.unit("Q01", "区财政局", type="区直单位")
    login(page, "admin")
    page.goto("/units/")
    page.get_by_label("类型").select_option("街道")
    page.wait_for_function("() => !document.querySelector('#results').innerText.includes('区财政局')")
    assert "江滨街道" in page.locator("#results").inner_text()
    assert "type=" in page.url  # hx-push-url keeps the filter in the address bar
    page.screenshot(path=str(screenshot_dir / "units-filtered.png"), full_page=True)


def test_language_switch_in_the_browser(page, login, make_user):
    make_user("admin", "admin")
    login(page, "admin")
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Dashboard").is_visible()


def test_a_clerk_changes_the_password_from_the_top_bar(page, login, browser, live_server, make_user, screenshot_dir):
    make_user("clerk", "unit", display_name="江滨街道联络员")
    other = browser.new_context(base_url=live_server, locale="zh-CN")
    elsewhere = other.new_page()
    login(elsewhere, "clerk")                                  # signed in on another computer too
    login(page, "clerk")
    page.get_by_role("link", name="江滨街道联络员").click()
    page.get_by_label("当前密码").fill("correct-horse-9")
    page.get_by_label("新密码", exact=True).fill("new-horse-10")
    page.get_by_label("再次输入新密码").fill("new-horse-1O")   # a typo
    page.get_by_role("button", name="修改密码").click()
    assert "两次输入的新密码不一致" in page.locator("#e-repeat_password").inner_text()
    page.get_by_label("当前密码").fill("correct-horse-9")
    page.get_by_label("新密码", exact=True).fill("new-horse-10")
    page.get_by_label("再次输入新密码").fill("new-horse-10")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url("**/dashboard")
    assert "密码已修改" in page.get_by_role("status").inner_text()
    elsewhere.goto("/dashboard")
    assert "/login" in elsewhere.url                           # that session is over
    other.close()
    page.get_by_role("button", name="退出").click()
    login(page, "clerk", "new-horse-10")
