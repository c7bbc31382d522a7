"""Real Chromium: a clerk searches the 履责记录本 for a two-character word, narrows it to a list,
and opens the printed book, whose first pages are the 主体责任 mind map and the month table."""
import pytest

from service import audit
from service.perform import records

pytestmark = pytest.mark.browser

ENTRIES = [
    ("talk", "2022-04-08", {"talk_type": "日常", "initiator_role": "主要负责人", "target_name": "办公室主任",
                            "target_roles": ["年轻干部"], "reason": "例行谈心", "place": "三楼会议室",
                            "content": {"problems": "年轻干部培养推进不够有力", "requirements": "按期整改"}}),
    ("talk", "2022-05-10", {"talk_type": "提醒", "initiator_role": "班子成员", "target_name": "城建科科长",
                            "target_roles": ["分管部门负责人"], "reason": "节假日前提醒",
                            "content": {"problems": "强调党风廉政建设的要求", "requirements": "廉洁过节"}}),
    ("talk", "2022-06-20", {"talk_type": "日常", "initiator_role": "主要负责人", "target_name": "社区书记",
                            "target_roles": ["村(社区)干部"], "reason": "岗位变动", "place": "社区服务中心",
                            "content": {"problems": "提醒征地拆迁中的廉洁风险", "requirements": "公开透明"}}),
]


def test_a_clerk_searches_filters_and_prints_the_record_book(page, login, make_user, units, unit_plan,
                                                             screenshot_dir):
    clerk = make_user("clerk", "unit", unit=units["street"])
    with audit.acting_as(clerk.id, "clerk"):
        for form_id, date, data in ENTRIES:
            _, errors = records.submit(user=clerk, unit=units["street"], version=unit_plan.pack_version,
                                       form_id=form_id, plan_item=None, data=dict(data, date=date))
            assert not errors
    login(page, "clerk")
    page.goto("/perform/records")
    assert page.locator(".timeline-entry").count() == 3
    page.screenshot(path=str(screenshot_dir / "perform-book.png"), full_page=True)

    page.get_by_label("全文检索").fill("党风")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**q=*")
    page.locator("#results").get_by_text("共 1 条").wait_for()
    assert "强调党风廉政建设的要求" in page.locator(".timeline").inner_text()
    page.get_by_label("全文检索").fill("党")
    page.get_by_role("button", name="查询").click()
    page.locator("#e-q").get_by_text("请输入至少 2 个字").wait_for()
    page.screenshot(path=str(screenshot_dir / "perform-book-too-short.png"), full_page=True)

    page.get_by_label("全文检索").fill("")
    page.get_by_label("期间").fill("2022-05")
    page.locator("select[name=list]").select_option(label="一岗双责责任清单")
    page.locator("#results").get_by_text("共 1 条").wait_for()
    assert "城建科科长" in page.locator(".timeline").inner_text()
    page.screenshot(path=str(screenshot_dir / "perform-book-filtered.png"), full_page=True)

    page.goto("/perform/records?period=2022Q2&view=print")
    text = page.locator("body").inner_text()
    assert text.index("主体责任清单导图") < text.index("履职月历") < text.index("提醒征地拆迁中的廉洁风险")
    assert page.locator(".mindmap .node.list").count() == 1
    assert page.locator(".month-table tbody tr").count() >= 3
    page.screenshot(path=str(screenshot_dir / "perform-book-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (screenshot_dir / "perform-book-print.pdf").write_bytes(pdf)
