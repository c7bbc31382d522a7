"""Real Chromium: fill a 三重一大 decision record with a repeatable group, a field
that appears and disappears with the answers, a Chinese error fixed, then submit."""
import pytest

from service.perform.models import Draft, Record

pytestmark = pytest.mark.browser



def test_fill_a_decision_record(page, login, make_user, units, unit_plan, screenshot_dir):
    make_user("clerk", "unit", unit=units["street"])
    login(page, "clerk")
    page.goto("/perform/fill/decision")
    form = page.locator("form.record-form")
    amount = form.get_by_label("涉及金额（万元）")

    # The amount appears only for money and project decisions, re-rendered by the server.
    assert amount.count() == 0
    form.get_by_label("大额资金使用", exact=True).check()
    amount.wait_for()
    form.get_by_label("重要干部任免", exact=True).check()
    amount.wait_for(state="detached")
    form.get_by_label("大额资金使用", exact=True).check()
    amount.wait_for()
    amount.fill("120")
    amount.dispatch_event("change")
    page.wait_for_load_state("networkidle")
    assert "已自动保存草稿" in page.locator("#draft-status").inner_text()

    # A repeatable group: two members' opinions in speaking order.
    add = page.get_by_role("button", name="添加一项 班子成员发表意见")
    add.click()
    page.locator('[name="opinions/0/member"]').wait_for()
    add.click()
    page.locator('[name="opinions/1/member"]').wait_for()
    page.fill('[name="opinions/0/order"]', "1")
    page.fill('[name="opinions/0/member"]', "副书记")
    page.locator('[name="opinions/0/opinion"][value="同意"]').check()
    page.fill('[name="opinions/1/order"]', "2")
    page.fill('[name="opinions/1/member"]', "书记")
    page.locator('[name="opinions/1/opinion"][value="同意"]').check()

    # A bad date: the Chinese message appears next to the field as it is left.
    page.fill('[name="topic"]', "街道老旧小区改造资金安排")
    date = form.get_by_label("决策日期")
    date.fill("2022-06-15")
    page.fill('[name="votes/for"]', "7")
    page.fill('[name="votes/against"]', "-1")
    page.locator('[name="votes/against"]').dispatch_event("change")
    error = page.locator("#record-form-f-votes-against-wrap .dl-error")
    error.wait_for()
    assert "不能小于 0" in error.inner_text()
    page.screenshot(path=str(screenshot_dir / "form-inline-error.png"), full_page=True)
    page.fill('[name="votes/against"]', "0")
    page.locator('[name="votes/against"]').dispatch_event("change")
    error.wait_for(state="detached")
    page.fill('[name="votes/abstain"]', "0")
    form.get_by_label("决策机构").select_option("党工委会议")
    form.get_by_role("checkbox", name="主要负责人末位表态", exact=True).check()
    form.get_by_role("checkbox", name="集体讨论决定", exact=True).check()

    page.get_by_role("button", name="提交记录").click()
    page.get_by_text("已提交记录").wait_for()
    page.screenshot(path=str(screenshot_dir / "form-submitted.png"), full_page=True)
    record = Record.get()
    assert record.data["category"] == "大额资金使用" and record.data["amount_wan"] == 120
    assert [o["member"] for o in record.data["opinions"]] == ["副书记", "书记"]
    assert record.data["votes"] == {"for": 7, "against": 0, "abstain": 0}
    assert Draft.select().count() == 0


def test_a_click_right_after_typing_is_not_lost(page, login, make_user, units, unit_plan):
    """Leaving a field fires its own refresh; the button clicked at that moment
    must still act (morph swap keeps the button, hx-sync queues its request)."""
    make_user("clerk", "unit", unit=units["street"])
    login(page, "clerk")
    page.goto("/perform/fill/decision")
    form = page.locator("form.record-form")
    form.get_by_label("大额资金使用", exact=True).check()
    amount = form.get_by_label("涉及金额（万元）")
    amount.wait_for()
    page.wait_for_load_state("networkidle")
    amount.fill("120")
    amount.focus()
    page.get_by_role("button", name="添加一项 班子成员发表意见").click()  # blur, change and click at once
    page.locator('[name="opinions/0/member"]').wait_for()
    assert amount.input_value() == "120"


def test_an_answer_given_while_a_refresh_is_in_flight_is_kept(page, login, make_user, units, unit_plan):
    """A refresh answers with the form as it was when the request left. Answers
    given while it was on the way must survive its swap and reach the draft
    (CI once lost a checkbox ticked just after a select triggered a refresh)."""
    make_user("clerk", "unit", unit=units["street"])
    login(page, "clerk")
    page.goto("/perform/fill/decision")
    page.wait_for_load_state("networkidle")
    form = page.locator("form.record-form")

    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/perform/fill/decision/refresh*", hold_the_first)
    form.get_by_label("决策机构").select_option("党工委会议")  # a condition field: a refresh leaves
    while not held:
        page.wait_for_timeout(20)
    leader = form.get_by_role("checkbox", name="主要负责人末位表态", exact=True)
    leader.click()                                   # ticked while the refresh is held
    form.get_by_label("大额资金使用", exact=True).click()      # a radio group, also answered meanwhile
    page.fill('[name="topic"]', "街道食堂外包")      # and a text typed meanwhile
    held[0].continue_()
    page.wait_for_load_state("networkidle")
    form.get_by_label("涉及金额（万元）").wait_for()  # the queued refresh saw the new category

    assert leader.is_checked()
    assert form.get_by_label("大额资金使用", exact=True).is_checked()
    assert page.locator('[name="topic"]').input_value() == "街道食堂外包"
    draft = Draft.get()
    assert draft.data.get("leader_spoke_last") is True
    assert draft.data.get("category") == "大额资金使用"
    assert draft.data.get("topic") == "街道食堂外包"
    assert draft.data.get("body") == "党工委会议"


def test_inline_errors_show_at_once_and_stay_until_fixed(page, login, make_user, units, unit_plan, screenshot_dir):
    """A field that refreshes the whole form shows its error at once; an earlier
    error stays while other fields refresh the form; htmx logs no errors."""
    console = []
    page.on("console", lambda message: console.append(message.text))
    make_user("clerk", "unit", unit=units["street"])
    login(page, "clerk")
    page.goto("/perform/fill/decision")
    page.wait_for_load_state("networkidle")
    form = page.locator("form.record-form")
    form.get_by_label("大额资金使用", exact=True).check()
    amount = form.get_by_label("涉及金额（万元）")
    amount.wait_for()
    page.wait_for_load_state("networkidle")

    topic = page.locator('[name="topic"]')
    topic.fill("议" * 501)
    topic.dispatch_event("change")
    topic_error = page.locator("#record-form-f-topic-wrap .dl-error")
    topic_error.wait_for()

    amount.fill("-500")
    amount.dispatch_event("change")
    amount_error = page.locator("#record-form-f-amount_5f_wan-wrap .dl-error")
    amount_error.wait_for()
    assert "不能小于 0" in amount_error.inner_text()

    form.get_by_label("决策机构").select_option("党工委会议")  # refreshes the whole form
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)
    assert topic_error.is_visible() and amount_error.is_visible()
    assert topic.get_attribute("aria-invalid") == "true"
    page.screenshot(path=str(screenshot_dir / "record-form-errors.png"), full_page=True)

    topic.fill("资金安排")
    topic.dispatch_event("change")
    topic_error.wait_for(state="detached")
    form.get_by_label("重大项目安排", exact=True).check()                 # another refresh: the fixed error stays gone
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)
    assert topic_error.count() == 0 and amount_error.is_visible()
    assert not [text for text in console if "htmx:" in text or "oobErrorNoTarget" in text], console
