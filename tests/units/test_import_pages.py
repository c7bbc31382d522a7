"""Import through the pages: upload → preview → confirm; problems; template; export round trip."""
import io
import os
import re

from openpyxl import load_workbook

from service.audit import AuditEntry
from service.units import Unit
from service.units.importer import analyse

from .files import csv_bytes, xlsx_bytes

TOKEN = re.compile(r"/units/import/([A-Za-z0-9_-]{20,})")


def _upload(client, data, filename):
    return client.post("/units/import", {"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def _staged_files(app):
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "imports")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_upload_preview_confirm_creates_and_updates(admin_client, make_user, app):
    make_user.unit("Q01", "区发改局", type="区直单位")
    make_user.unit("Q02", "区财政局", type="区直单位")
    rows = [["Q01", "区发展和改革局", "区直单位", "", "", "", "0", "否", "", ""],
            ["Q02", "区财政局", "区直单位", "", "", "", "0", "否", "", ""],
            ["J01", "江滨街道", "街道", "", "征地拆迁", "", "9", "否", "蒋某", "党工委书记"]]
    response = _upload(admin_client, xlsx_bytes(rows), "单位.xlsx")
    assert response.status_code == 302
    token = TOKEN.search(response.headers["Location"]).group(1)
    assert token in _staged_files(app)

    preview = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "检查全部通过" in preview and "以下内容尚未写入" in preview
    assert re.search(r"<strong>1</strong> 新增.*<strong>1</strong> 更新.*<strong>1</strong> 无变化", preview, re.S)
    assert re.search(r"<del>区发改局</del>\s+→ <ins>区发展和改革局</ins>", preview)
    assert "标签：征地拆迁" in preview and "职务：党工委书记" in preview  # what a new unit will get
    assert Unit.select().count() == 2 and Unit.get(Unit.code == "Q01").name == "区发改局"  # preview writes nothing

    digest = re.search(r'name="digest" value="([0-9a-f]+)"', preview).group(1)
    done = admin_client.post(f"/units/import/{token}/confirm", {"digest": digest}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "导入完成：新增 1 个单位，更新 1 个，1 个无变化。" in text and "江滨街道" in text
    assert Unit.get(Unit.code == "Q01").name == "区发展和改革局"
    assert Unit.get(Unit.code == "J01").leader_name == "蒋某"
    assert _staged_files(app) == []  # the upload is gone after confirm
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.actor_name == "admin")]
    assert actions.count("create") == 1 and actions.count("update") == 1
    # Confirming twice (a double click, a second tab) does nothing more.
    again = admin_client.post(f"/units/import/{token}/confirm", {"digest": digest})
    assert again.status_code == 404 and "已完成、已取消或已过期" in again.get_data(as_text=True)


def test_three_bad_rows_are_all_listed_and_nothing_is_written(admin_client, app):
    rows = [["A1", "甲", "镇", "", "", "", "1", "否", "", ""],
            ["A2", "乙", "区直", "", "", "", "1", "否", "", ""],
            ["A3", "", "镇", "", "", "", "1", "否", "", ""],
            ["A4", "丁", "镇", "", "", "", "1.5", "否", "", ""],
            ["A5", "戊", "镇", "", "", "", "2", "否", "", ""]]
    response = _upload(admin_client, csv_bytes(rows), "units.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "「units.csv」中有 3 处问题，没有导入任何数据" in text
    assert "第 3 行「类型」：未知的类型「区直」" in text
    assert "第 4 行「单位名称」：请填写单位名称" in text
    assert "第 5 行「下属单位数」：须为不小于 0 的整数（填写的是「1.5」）" in text
    assert Unit.select().count() == 0 and _staged_files(app) == []


def test_unreadable_uploads_get_a_chinese_message_never_a_500(admin_client):
    for data, name, expected in [
        (b"PK\x03\x04broken", "units.xlsx", "文件已损坏或不是有效的 XLSX 文件"),
        (b"\x89PNG\r\n\x1a\n", "photo.png", "只能导入 CSV 或 XLSX 文件"),
        (b"", "empty.csv", "文件是空的"),
        (b"a,b\n" * 600_000, "big.csv", "上限为 2 MB"),
    ]:
        response = _upload(admin_client, data, name)
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert expected in text and 'role="alert"' in text
    response = admin_client.post("/units/import", {}, content_type="multipart/form-data")
    assert response.status_code == 422 and "请选择要导入的 CSV 或 XLSX 文件" in response.get_data(as_text=True)


def test_confirm_rechecks_the_stored_file_against_the_registry_now(admin_client, make_user):
    rows = [["J01", "江滨街道", "街道", "", "", "", "9", "否", "", ""]]
    response = _upload(admin_client, csv_bytes(rows), "units.csv")
    token = TOKEN.search(response.headers["Location"]).group(1)
    digest = re.search(r'name="digest" value="([0-9a-f]+)"',
                       admin_client.get(response.headers["Location"]).get_data(as_text=True)).group(1)
    make_user.unit("J01", "江滨街道（旧）", type="街道")  # someone else creates J01 meanwhile
    response = admin_client.post(f"/units/import/{token}/confirm", {"digest": digest})
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "预览之后系统中的单位已有变化" in text
    assert "<del>江滨街道（旧）</del>" in text and Unit.get(Unit.code == "J01").name == "江滨街道（旧）"
    new_digest = re.search(r'name="digest" value="([0-9a-f]+)"', text).group(1)
    assert admin_client.post(f"/units/import/{token}/confirm", {"digest": new_digest}).status_code == 302
    assert Unit.get(Unit.code == "J01").name == "江滨街道"


def test_cancel_drops_the_upload(admin_client, app):
    response = _upload(admin_client, csv_bytes([["J01", "江滨街道", "街道"]], header=["编号", "单位名称", "类型"]), "u.csv")
    token = TOKEN.search(response.headers["Location"]).group(1)
    text = admin_client.post(f"/units/import/{token}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "已取消导入，没有写入任何数据" in text and _staged_files(app) == [] and Unit.select().count() == 0


def test_another_admin_cannot_confirm_my_upload(admin_client, make_user, app):
    response = _upload(admin_client, csv_bytes([["J01", "江滨街道", "街道"]], header=["编号", "单位名称", "类型"]), "u.csv")
    token = TOKEN.search(response.headers["Location"]).group(1)
    make_user("admin2", "admin")
    admin_client.logout()
    admin_client.login("admin2")
    assert admin_client.get(f"/units/import/{token}").status_code == 404
    assert admin_client.post(f"/units/import/{token}/confirm", {"digest": "x"}).status_code == 404
    assert Unit.select().count() == 0
    assert admin_client.get("/units/import/..%2F..%2Fsecret_key").status_code == 404


def test_template_has_the_headers_and_an_example_that_imports(admin_client):
    response = admin_client.get("/units/import/template.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.values)
    assert rows[0] == ("编号", "单位名称", "类型", "上级单位编号", "标签", "风险领域", "下属单位数", "执法单位", "一把手", "职务")
    assert rows[1][:3] == ("Q99", "区示例局", "区直单位")
    result = analyse(response.data, "template.xlsx")
    assert result.ok and result.counts()["create"] == 1


def _registry(make_user):
    top = make_user.unit("001", "江滨街道", type="街道", tags=["征地拆迁", "项目建设"],
                         risk_areas=["征地补偿"], subordinate_units=9, leader_name="蒋某", leader_title="党工委书记")
    make_user.unit("001-2", "-江滨社区", type="街道", parent=top, law_enforcement=True)
    make_user.unit("G01", "区城投集团", type="国企", subordinate_units=7, active=False)


def test_export_reimports_unchanged_in_xlsx_and_csv(admin_client, make_user):
    _registry(make_user)
    for fmt in ("xlsx", "csv"):
        response = admin_client.get(f"/units/?export={fmt}")
        result = analyse(response.data, f"export.{fmt}")
        assert result.ok, [str(p) for p in result.problems]
        assert [(r.code, r.action) for r in result.rows] == [("001", "unchanged"), ("001-2", "unchanged"),
                                                             ("G01", "unchanged")]
    rows = list(load_workbook(io.BytesIO(admin_client.get("/units/?export=xlsx").data)).active.values)
    assert rows[0] == ("编号", "单位名称", "类型", "上级单位编号", "标签", "风险领域", "下属单位数", "执法单位", "一把手", "职务")
    assert rows[2] == ("001-2", "'-江滨社区", "街道", "001", None, None, 0, "是", None, None)


def test_export_into_an_empty_registry_recreates_it(admin_client, make_user, db):
    _registry(make_user)
    data = admin_client.get("/units/?export=xlsx").data
    before = {u.code: (u.name, u.parent.code if u.parent else "", u.tags, u.law_enforcement) for u in Unit.select()}
    Unit.update(parent=None).execute()
    Unit.delete().execute()
    result = analyse(data, "export.xlsx")
    from service.units.importer import apply
    assert apply(result)["create"] == 3
    after = {u.code: (u.name, u.parent.code if u.parent else "", u.tags, u.law_enforcement) for u in Unit.select()}
    assert after == before


def test_english_export_uses_the_english_headers_which_import(admin_client, make_user):
    _registry(make_user)
    admin_client.post("/language/en")
    response = admin_client.get("/units/?export=csv")
    assert response.data.decode("utf-8-sig").splitlines()[0] == \
        "code,name,type,parent_code,tags,risk_areas,subordinate_units,law_enforcement,leader_name,leader_title"
    assert analyse(response.data, "export.csv").counts()["unchanged"] == 3


def test_the_preview_points_out_tags_no_rule_uses_without_refusing_them(admin_client, version):
    rows = [["J01", "江滨街道", "街道", "", "拆迁、项目建设", "征地补偿", "9", "否", "蒋某", "党工委书记"],
            ["J02", "江心街道", "街道", "", "征地拆迁", "", "3", "否", "", ""]]
    response = _upload(admin_client, xlsx_bytes(rows), "单位.xlsx")
    preview = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "与适用规则用到的词相近但不相同" in preview
    assert "第 2 行「标签」：「拆迁」与规则用到的「征地拆迁」相近但不相同" in preview
    assert "第 2 行「风险领域」" not in preview and "第 3 行" not in preview
    token = TOKEN.search(response.headers["Location"]).group(1)
    digest = re.search(r'name="digest" value="([^"]+)"', preview).group(1)
    assert admin_client.post(f"/units/import/{token}/confirm", {"digest": digest}).status_code == 302
    assert Unit.get(Unit.code == "J01").tags == ["拆迁", "项目建设"]


def test_a_clean_file_gets_no_note(admin_client, version):
    rows = [["J02", "江心街道", "街道", "", "征地拆迁", "", "3", "否", "", ""]]
    response = _upload(admin_client, xlsx_bytes(rows), "单位.xlsx")
    assert "相近但不相同" not in admin_client.get(response.headers["Location"]).get_data(as_text=True)
