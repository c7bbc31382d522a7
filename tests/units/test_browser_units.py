"""Real Chromium: an admin imports an XLSX through the pages, and edits a unit with inline checks."""
import pytest

from service.units import Unit

from .files import xlsx_bytes

pytestmark = pytest.mark.browser



def test_admin_imports_an_xlsx_previews_and_confirms(page, login, make_user, tmp_path, screenshot_dir):
    make_user("admin", "admin", display_name="纪委监委管理员")
    make_user.unit("Q01", "区发改局", type="区直单位", risk_areas=["项目审批"])
    rows = [["Q01", "区发展和改革局", "区直单位", None, "项目建设", "项目审批、资金分配", 2, "否", "周某", "党组书记、局长"],
            ["J01", "江滨街道", "街道", None, "征地拆迁", "征地补偿、村社小微权力", 9, "否", "蒋某", "党工委书记"],
            ["J01-1", "江滨社区", "街道", "J01", None, "惠民资金", 0, "否", "陈某", "社区书记"],
            ["G01", "区城市建设投资集团有限公司", "国企", None, "项目建设", "工程招投标、融资管理", 7, "否", "施某", "党委书记、董事长"]]
    path = tmp_path / "单位名单.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    login(page, "admin")
    page.goto("/units/")
    page.get_by_role("link", name="批量导入").click()
    page.get_by_label("CSV 或 XLSX 文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()

    page.get_by_role("heading", name="导入预览").wait_for()
    summary = page.get_by_role("list", name="导入汇总").inner_text()
    assert "3\n新增" in summary.replace(" ", "\n") and "1\n更新" in summary.replace(" ", "\n")
    table = page.locator("table.preview")
    assert "区发改局 → 区发展和改革局" in table.inner_text()
    assert Unit.select().count() == 1  # nothing written before confirming
    page.screenshot(path=str(screenshot_dir / "units-import-preview.png"), full_page=True)

    page.get_by_role("button", name="确认导入").first.click()
    page.wait_for_url("**/units/")
    assert "导入完成：新增 3 个单位，更新 1 个，0 个无变化。" in page.get_by_role("status").inner_text()
    results = page.locator("#results").inner_text()
    assert "江滨社区" in results and "区城市建设投资集团有限公司" in results
    page.screenshot(path=str(screenshot_dir / "units-imported.png"), full_page=True)
    assert Unit.get(Unit.code == "J01-1").parent.code == "J01"


def test_import_with_problems_lists_them(page, login, make_user, tmp_path, screenshot_dir):
    make_user("admin", "admin")
    rows = [["A1", "甲单位", "区直", None, None, None, 1, "否", None, None],
            ["A2", None, "镇", "ZZZ", None, None, "两个", "否", None, None],
            ["A1", "丙单位", "镇", None, None, None, 1, "否", None, None]]
    path = tmp_path / "有问题的名单.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    login(page, "admin")
    page.goto("/units/import")
    page.get_by_label("CSV 或 XLSX 文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "有 5 处问题，没有导入任何数据" in alert.inner_text()
    assert "第 4 行「编号」：编号「A1」与第 2 行重复" in alert.inner_text()
    page.screenshot(path=str(screenshot_dir / "units-import-problems.png"), full_page=True)
    assert Unit.select().count() == 0


def test_edit_form_checks_a_field_on_blur(page, login, make_user, screenshot_dir):
    make_user("admin", "admin")
    make_user.unit("Q01", "区发改局")
    unit = make_user.unit("Q02", "区财政局")
    login(page, "admin")
    page.goto(f"/units/{unit.id}")
    page.get_by_role("link", name="编辑").click()
    page.wait_for_load_state()  # htmx must be running before the field is left
    code = page.get_by_label("编号")
    code.fill("Q01")
    code.blur()
    error = page.locator("#e-code")
    error.wait_for()
    assert error.inner_text() == "编号已被「区发改局」使用"
    assert page.get_by_label("编号").get_attribute("aria-invalid") == "true"
    page.screenshot(path=str(screenshot_dir / "units-edit-inline-error.png"), full_page=True)
    page.get_by_label("编号").fill("Q02")
    page.get_by_label("一把手").fill("沈某")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/units/{unit.id}")
    assert "已保存 区财政局" in page.get_by_role("status").inner_text()
    assert Unit.get_by_id(unit.id).leader_name == "沈某"
    page.screenshot(path=str(screenshot_dir / "units-detail.png"), full_page=True)


def test_a_tag_no_rule_uses_is_pointed_out_and_a_known_one_is_one_click_away(page, login, make_user, version):
    make_user("admin", "admin")
    login(page, "admin")
    page.goto("/units/new")
    tags = page.get_by_label("标签")
    tags.fill("拆迁")
    tags.dispatch_event("change")
    warning = page.locator("#u-tags")
    warning.wait_for()
    assert "「拆迁」与规则用到的「征地拆迁」相近但不相同" in warning.inner_text()
    tags.fill("")
    page.locator("#field-tags").get_by_role("button", name="征地拆迁").click()
    page.locator("#field-tags").get_by_role("button", name="项目建设").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_label("标签").input_value() == "征地拆迁、项目建设"
    assert page.locator("#u-tags").count() == 0
