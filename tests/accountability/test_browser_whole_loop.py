"""Real Chromium: the whole loop of one leader's year. A year-end check run drafts a finding; the
inspector confirms it on the run page and records a disposition; the unit's clerk answers with a
plan and evidence (a file); a second inspector verifies and closes it (销号); the statistics page
counts it; a portrait is issued; and the leader's loop page shows all five stages reached."""
from __future__ import annotations

import datetime as dt

import pytest

from service import audit
from service.accountability.models import Finding
from service.supervise import drafts, runs
from tests.accountability.test_loop import _published_score
from tests.supervise.conftest import record, unit_plans, units  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def _logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login**")


def test_the_whole_loop_in_the_browser(page, login, make_user, version, unit_plans, units, record,  # noqa: F811
                                       screenshot_dir, tmp_path):
    street = units["street"]
    admin = make_user("boss", "admin")
    inspector = make_user("inspector", "inspector", display_name="监督员甲")
    make_user("inspector2", "inspector", display_name="监督员乙")
    make_user("clerk", "unit", unit=street, display_name="临江街道联络员")
    record("street", "talk", "2022-02-10")
    record("street", "meeting", "2022-05-20")
    _published_score(version, street, admin, 91.0, dt.date(2022, 12, 20))
    with audit.acting_as(inspector.id, "inspector"):
        run = runs.run_here(runs.create_run("2022", "year-end", units=[street.code], queue=False,
                                            created_by=inspector))
    drafted = drafts.drafted(run).first()
    assert drafted is not None

    # 督责 → 问责: the drafted finding is confirmed on the run page, then gets a disposition.
    login(page, "inspector")
    page.goto(f"/supervise/runs/{run.id}")
    item = page.locator(f"#draft-{drafted.id}")
    item.get_by_role("button", name="确认问题").click()
    item.locator(".status.finding-confirmed").wait_for()
    item.get_by_role("link", name=drafted.title).click()
    page.get_by_text("检查结论", exact=True).wait_for()
    finding_url = page.url
    page.get_by_text("记录处置").first.click()
    page.get_by_label("处置方式").select_option(label="督促提醒")
    page.get_by_label("决定日期").fill("2023-01-10")
    page.get_by_label("决定机关或决定人").fill("区纪委监委第一监督检查室")
    page.get_by_role("button", name="记录处置").click()
    page.get_by_text("已记录处置。").wait_for()
    _logout(page)

    # The unit answers: a plan, then the evidence with a file.
    login(page, "clerk")
    page.goto(finding_url)
    page.get_by_label("整改措施").fill("建立年轻干部谈心谈话台账，每季度至少谈一次。")
    page.get_by_label("整改期限").fill("2023-03-31")
    page.get_by_role("button", name="提交整改方案").click()
    page.get_by_text("已完成：提交整改方案").wait_for()
    proof = tmp_path / "谈心谈话台账.pdf"
    proof.write_bytes(b"%PDF-1.4 talks ledger")
    page.get_by_label("整改完成情况").fill("已建立台账，一季度完成谈话 6 人次。")
    page.get_by_label("整改材料").set_input_files(str(proof))
    page.get_by_role("button", name="提交整改材料").click()
    page.get_by_text("已完成：提交整改材料").wait_for()
    _logout(page)

    # Another inspector verifies and closes it, counts it, issues the portrait, reads the loop.
    login(page, "inspector2")
    page.goto(finding_url)
    page.get_by_role("button", name="核验通过，销号").click()
    page.get_by_text("已完成：核验通过，销号").wait_for()
    assert Finding.get_by_id(drafted.id).status == "closed"
    found_on = Finding.get_by_id(drafted.id).found_on.isoformat()
    page.goto(f"/accountability/statistics?from={found_on}&to={found_on}&unit={street.id}")
    assert page.locator('a.figure[data-key="problems_found"] .num').inner_text() == "1"
    assert page.locator('a.figure[data-key="problems_closed"] .num').inner_text() == "1"
    page.locator('a.figure[data-key="problems_found"]').click()
    page.get_by_role("link", name=drafted.title).wait_for()

    page.goto(f"/supervise/portraits/{street.id}?year=2022")
    page.get_by_label("出具备注（可选）").fill("报送区委主要领导")
    page.get_by_role("button", name="出具画像").click()
    page.get_by_text("已出具：临江街道一把手画像（2022年）").wait_for()
    page.screenshot(path=str(screenshot_dir / "supervise-issued-portrait.png"), full_page=True)

    page.goto(f"/accountability/loop/{street.id}?year=2022")
    strip = page.locator("ol.loop-strip")
    assert strip.locator("li.reached").count() == 5, strip.inner_text()
    for stage_id, text in (("define", "年度责任清单"), ("perform", "全年履责记录 2 条"), ("supervise", f"#{run.id}"),
                           ("evaluate", "91"), ("account", drafted.title)):
        assert text in page.locator(f"#stage-{stage_id}").inner_text(), stage_id
    assert "督促提醒" in page.locator("#stage-account").inner_text()
    assert "一把手画像" in page.locator("#stage-supervise").inner_text()
    page.screenshot(path=str(screenshot_dir / "accountability-leader-loop.png"), full_page=True)
    page.locator("#stage-account").get_by_role("link", name=drafted.title).click()
    page.wait_for_url(finding_url)
