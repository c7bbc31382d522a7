"""Real Chromium: a small review meeting end to end. The chair (desktop) issues
personal links and opens the session; two evaluators on 375 px phones score two
leaders with autosave; the chair watches the tally fill in without scores,
closes the session, grades appear and the low score has drafted its follow-ups."""
import pytest

from service.evaluate.models import ReviewBallot, ReviewFollowUp

from .conftest import build_session

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}


def _fits(page, selector: str = "html") -> bool:
    """Nothing wider than the phone's screen (no sideways scrolling)."""
    return page.evaluate("(s) => document.querySelector(s).scrollWidth <= window.innerWidth", selector)


def _score(phone, leader_name: str, grade: str, shots, name: str):
    phone.get_by_role("link", name=leader_name).click()
    phone.wait_for_url("**/evaluate/ballot/*")
    overall = phone.locator("#ballot-form-f-overall-wrap")
    overall.get_by_label(grade, exact=True).check()
    phone.locator("#ballot-status").get_by_text("本票有效").wait_for()
    assert _fits(phone)
    if shots is not None:
        phone.screenshot(path=str(shots / name), full_page=True)
    phone.get_by_role("button", name="完成，返回列表").click()
    phone.wait_for_url("**/evaluate/ballot/")


def test_a_small_meeting_on_phones(browser, live_server, page, login, admin, version, two_units, screenshot_dir):
    session, (bureau, street), _people = build_session(
        admin, version, two_units, evaluators=(("委员甲", "commission"), ("代表乙", "others")))
    login(page, "admin")
    page.goto(f"/evaluate/sessions/{session.id}")
    page.get_by_role("button", name="为全部评议人发放链接（打印二维码）").click()
    page.get_by_role("heading", name="个人评议链接").wait_for()
    assert page.locator(".slip svg").count() == 2
    page.screenshot(path=str(screenshot_dir / "review-links.png"), full_page=True)
    links = {a.get_attribute("data-evaluator"): a.get_attribute("href") for a in page.locator(".slip a").all()}
    assert all("/evaluate/join#" in href for href in links.values())
    page.get_by_role("link", name="返回评议会").click()
    page.get_by_role("button", name="开始评议").click()
    tally = page.locator("#tally")
    tally.wait_for()
    assert tally.locator(".count").all_inner_texts() == ["0 / 2", "0 / 2"]

    phones = []
    for evaluator_id, href in sorted(links.items()):
        context = browser.new_context(base_url=live_server, **PHONE)
        context.set_default_timeout(10_000)
        phone = context.new_page()
        phone.goto(href.replace("http://localhost", live_server))
        phone.wait_for_url("**/evaluate/ballot/")
        phones.append((context, phone))
    first, second = phones[0][1], phones[1][1]
    assert "委员甲" in first.locator(".ballot-who").inner_text()
    assert _fits(first)
    first.screenshot(path=str(screenshot_dir / "review-phone-list.png"), full_page=True)

    _score(first, "钟南屏", "好", screenshot_dir, "review-phone-sheet.png")
    _score(first, "蒋澄明", "差", None, "")
    page.wait_for_function("() => document.querySelector('#tally .count').innerText === '1 / 2'", timeout=10_000)
    _score(second, "钟南屏", "好", None, "")
    _score(second, "蒋澄明", "差", None, "")
    first.screenshot(path=str(screenshot_dir / "review-phone-done.png"), full_page=True)
    assert first.locator(".ballot-state.done").count() == 2

    # The chair's page polls: both leaders reach 2 / 2, and no score is shown before closing.
    page.wait_for_function(
        "() => [...document.querySelectorAll('#tally .count')].every(e => e.innerText === '2 / 2')", timeout=10_000)
    assert "88" not in tally.inner_text() and "较好" not in tally.inner_text()
    page.screenshot(path=str(screenshot_dir / "review-chair-tally.png"), full_page=True)

    # An evaluator changes a mind before the close: still allowed.
    first.get_by_role("link", name="钟南屏").click()
    first.locator("#ballot-form-f-overall-wrap").get_by_label("较好", exact=True).check()
    first.locator("#ballot-status").get_by_text("本票有效").wait_for()

    page.get_by_role("button", name="结束评议并计分").click()
    page.get_by_text("评议会状态：已结束").wait_for()
    leaders = page.locator("#leaders")
    assert "较好" in leaders.inner_text() and "82" in leaders.inner_text()  # 0.6 × 70 + 0.4 × 100 = 82
    assert "需后续处置" in leaders.inner_text()
    page.screenshot(path=str(screenshot_dir / "review-chair-closed.png"), full_page=True)

    # The phones are locked out now.
    first.reload()
    assert "评议已结束" in first.content() or "评议链接" in first.content()
    assert ReviewBallot.select().where(ReviewBallot.ballot_key.is_null(False)).count() == 0

    page.get_by_role("link", name="蒋澄明").click()
    follow_ups = page.locator("#follow-ups")
    assert "提醒谈话" in follow_ups.inner_text() and "限期整改" in follow_ups.inner_text()
    assert {f.kind for f in ReviewFollowUp.select()} == {"talk", "finding"}
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=str(screenshot_dir / "review-leader-follow-up-375.png"), full_page=True)
    # Staff pages: this page's own content fits (the shared top bar is being
    # made narrow by the ux-pages work).
    assert _fits(page, "#page-content")
    page.get_by_role("button", name="确认").first.click()
    page.locator("#follow-ups").get_by_text("已确认").wait_for()
    page.goto(f"/evaluate/sessions/{session.id}/results")
    assert _fits(page, "#page-content")
    page.screenshot(path=str(screenshot_dir / "review-results-375.png"), full_page=True)
    for context, _phone in phones:
        context.close()
