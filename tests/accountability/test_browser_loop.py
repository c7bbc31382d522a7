"""Real Chromium: the core loop of a finding. An inspector registers and confirms
a finding and gives it a disposition; the unit submits its plan and then its
evidence with a file; the inspector who filed nothing verifies and closes it
(销号), and the timeline shows every step. A second inspector's refusal is seen too."""
import pytest

from service.accountability.models import Finding

pytestmark = pytest.mark.browser


def _logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login**")


def test_the_core_loop_in_the_browser(page, login, people, version, screenshot_dir, tmp_path):
    login(page, "inspector")
    page.goto("/accountability/findings/new")
    page.get_by_label("单位").select_option(label="Q08 区综合行政执法局")
    page.get_by_label("来源渠道").select_option(label="信访举报")
    page.get_by_label("问题概述").fill("群众反映执法人员作风粗暴")
    page.get_by_label("问题描述").fill("信访件反映执法中队在检查中态度粗暴、言语不文明。")
    page.get_by_label("来源文号").fill("信访件第 2023-017 号")
    page.get_by_label("责任清单与类别").select_option(label="作风建设")
    page.get_by_label("严重程度").select_option(label="较重")
    page.get_by_label("发现日期").fill("2023-02-01")
    page.get_by_label("整改期限").fill("2023-03-01")
    page.screenshot(path=str(screenshot_dir / "finding-new.png"), full_page=True)
    page.get_by_role("button", name="登记").click()
    page.get_by_text("已登记问题：群众反映执法人员作风粗暴").wait_for()
    finding_url = page.url
    page.get_by_role("button", name="确认问题").click()
    page.get_by_text("已完成：确认问题").wait_for()
    page.get_by_text("记录处置").first.click()
    page.get_by_label("处置方式").select_option(label="廉政谈话/约谈")
    page.get_by_label("决定日期").fill("2023-02-05")
    page.get_by_label("决定机关或决定人").fill("区纪委监委")
    page.get_by_role("button", name="记录处置").click()
    page.get_by_text("已记录处置。").wait_for()
    _logout(page)

    login(page, "unit01")
    page.goto("/dashboard")
    page.get_by_role("link", name="未销号问题").click()
    page.get_by_role("link", name="群众反映执法人员作风粗暴").click()
    page.get_by_label("整改措施").fill("开展文明执法专题教育，执法全程佩戴记录仪。")
    page.get_by_label("整改期限").fill("2023-04-30")
    page.get_by_role("button", name="提交整改方案").click()
    page.get_by_text("已完成：提交整改方案").wait_for()
    # a refusal is shown next to its field: evidence without a file
    page.get_by_label("整改完成情况").fill("已完成专题教育，记录仪配发到人。")
    page.get_by_role("button", name="提交整改材料").click()
    page.locator("#e-files").get_by_text("请上传至少一份整改材料").wait_for()
    proof = tmp_path / "整改报告.pdf"
    proof.write_bytes(b"%PDF-1.4 rectification report")
    page.get_by_label("整改完成情况").fill("已完成专题教育，记录仪配发到人。")
    page.get_by_label("整改材料").set_input_files(str(proof))
    page.screenshot(path=str(screenshot_dir / "finding-unit-evidence.png"), full_page=True)
    page.get_by_role("button", name="提交整改材料").click()
    page.get_by_text("已完成：提交整改材料").wait_for()
    assert page.get_by_role("button", name="核验通过，销号").count() == 0
    _logout(page)

    login(page, "inspector2")
    page.goto(finding_url)
    page.get_by_role("link", name="整改报告.pdf").first.wait_for()
    page.get_by_role("button", name="核验通过，销号").click()
    page.get_by_text("已完成：核验通过，销号").wait_for()
    page.locator("h1 .status").get_by_text("已销号").wait_for()
    timeline = page.locator("#timeline").inner_text()
    for step in ("登记问题", "确认问题", "廉政谈话/约谈", "提交整改方案", "提交整改材料", "核验通过，销号"):
        assert step in timeline, step
    page.screenshot(path=str(screenshot_dir / "finding-closed.png"), full_page=True)
    finding = Finding.get(Finding.title == "群众反映执法人员作风粗暴")
    assert finding.status == "closed" and finding.verified_by_id == people["inspector2"].id
    page.goto("/accountability/")
    page.screenshot(path=str(screenshot_dir / "findings-register.png"), full_page=True)
    # the statistics page counts it, and its number leads to the list with it
    page.goto("/accountability/statistics?from=2023-01-01&to=2023-12-31")
    found = page.locator('a.figure[data-key="problems_found"] .num')
    assert found.inner_text() == "1"
    assert page.locator('a.figure[data-key="integrity_talks"] .num').inner_text() == "1"
    assert page.locator(".chart img").evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path=str(screenshot_dir / "statistics.png"), full_page=True)
    page.locator('a.figure[data-key="problems_found"]').click()
    page.get_by_role("link", name="群众反映执法人员作风粗暴").wait_for()
