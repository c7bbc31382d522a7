"""Chromium: an inspector opens a finished year-end run, confirms a drafted finding in place (htmx),
dismisses another with a reason, and follows the confirmed one to the register and back to its result."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from service import audit
from service.accountability.models import Finding
from service.supervise import drafts, runs
from service.supervise.models import CheckResult

pytestmark = pytest.mark.browser


def test_an_inspector_confirms_a_drafted_finding_on_the_run_page(page, login, make_user, unit_plans, units, record,
                                                                 screenshot_dir):
    record("street", "talk", "2022-02-10", target_roles=["年轻干部"])
    inspector = make_user("inspector", "inspector", display_name="监督员甲")
    with audit.acting_as(inspector.id, "inspector"):
        run = runs.run_here(runs.create_run("2022", "year-end", units=["J02"], queue=False, created_by=inspector))
    # The first two drafts the run page lists (by unit code, then id), each worded by its item's template.
    young, other = list(drafts.drafted(run).limit(2))
    result = CheckResult.get_by_id(young.source_id)
    assert young.title == result.pack_version.pack().item(result.item_id).finding

    login(page, "inspector")
    page.goto(f"/supervise/runs/{run.id}")
    drafts_card = page.locator("#drafts")
    drafts_card.get_by_role("heading", name="待确认的问题").wait_for()
    item = page.locator(f"#draft-{young.id}")
    assert result.explanation in item.inner_text() and young.title in item.inner_text()
    page.screenshot(path=str(screenshot_dir / "supervise-drafts.png"), full_page=True)
    pending = int(page.locator("#drafts-pending").inner_text())
    assert pending == len(list(drafts.drafted(run))) > 2
    item.get_by_role("button", name="确认问题").click()
    item.locator(".status.finding-confirmed").wait_for()  # swapped in place, no reload
    expect(page.locator("#drafts-pending")).to_have_text(str(pending - 1))  # the count, out of band
    expect(page.locator("#drafts-summary")).to_contain_text("已确认 1 个")
    assert item.get_by_role("button", name="确认问题").count() == 0
    assert Finding.get_by_id(young.id).status == "confirmed"
    page.screenshot(path=str(screenshot_dir / "supervise-draft-confirmed.png"), full_page=True)

    # Dismissing without a reason is refused next to the field; with one it is done.
    row = page.locator(f"#draft-{other.id}")
    row.get_by_text("不予立项", exact=True).first.click()  # the <summary>
    row.get_by_role("button", name="不予立项").click()
    row.get_by_text("请填写理由。").wait_for()
    row.get_by_label("理由").fill("年内已整改到位")
    row.get_by_role("button", name="不予立项").click()
    row.locator(".status.finding-dismissed").wait_for()
    assert Finding.get_by_id(other.id).status == "dismissed"

    # The confirmed finding's page links back to the check result with its explanation.
    page.locator(f"#draft-{young.id}").get_by_role("link", name=young.title).click()
    page.get_by_text("检查结论", exact=True).wait_for()
    page.screenshot(path=str(screenshot_dir / "accountability-finding-from-check.png"), full_page=True)
    page.get_by_role("link", name=f"检查结果 #{young.source_id}").click()
    page.wait_for_url(f"**/supervise/runs/{run.id}/units/{units['street'].id}*")
    page.locator(f"#result-{result.id}").get_by_text(result.text).wait_for()
