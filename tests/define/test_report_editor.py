"""Editing the report templates (rules/reports.json) in the pack editor: placeholders listed,
problems refused in Chinese, a preview with real figures, saved as a new audited pack version
whose reports use the new wording."""
import datetime as dt
import json

import pytest

from service import audit
from service.audit import AuditEntry
from service.define import plans
from service.packs.model import REPORTS_FILE
from service.packs.report_templates import DEFAULT_TEMPLATES
from service.packs.store import PackVersion, publish
from service.supervise import reports

NEW_UNIT = {"title": "{unit}{period}履责情况通报",
            "sections": [{"heading": "总体", "text": "{leader}同志履责完成率 {completion_rate}，共 {counted_items} 项。"}]}


def _url(version, tail, kind="unit"):
    return f"/define/packs/{version.id}/reports/{kind}/{tail}"


def _text(value):
    return json.dumps(value, ensure_ascii=False, indent=2)


def _save(client, version, value, kind="unit", note="改写廉情报告措辞"):
    text = value if isinstance(value, str) else _text(value)
    return client.post(_url(version, "save", kind), {"text": text, "note": note})


def test_the_editor_shows_the_wording_and_the_allowed_placeholders(admin_client, version):
    page = admin_client.get(f"/define/packs/{version.id}").get_data(as_text=True)
    assert f'href="/define/packs/{version.id}/reports/unit/edit"' in page
    assert f'href="/define/packs/{version.id}/reports/district/edit"' in page and "{district}{period}政治生态分析报告" in page
    page = admin_client.get(_url(version, "edit")).get_data(as_text=True)
    assert "编辑报告模板" in page and "廉情报告" in page
    assert "{unit}{period}廉情报告" in page                      # the current wording, as JSON
    assert "<code>{completion_rate}</code>" in page and "完成率（百分比，完成 ÷ 计入事项）" in page
    assert "<code>{weakest_units}</code>" not in page           # a district placeholder, not a unit's
    district = admin_client.get(_url(version, "edit", "district")).get_data(as_text=True)
    assert "<code>{weakest_units}</code>" in district and "<code>{leader}</code>" not in district
    assert admin_client.get(_url(version, "edit", "nope")).status_code == 404


def test_live_check_names_an_unknown_placeholder_and_bad_json_in_chinese(admin_client, version):
    bad = dict(NEW_UNIT, title="{unit}{quarter}通报")
    text = admin_client.post(_url(version, "check"), {"text": _text(bad)}, htmx=True).get_data(as_text=True)
    assert "不认识的占位符 {quarter}" in text and "/title" in text
    text = admin_client.post(_url(version, "check"), {"text": '{"title": "x", "sections": [}'}, htmx=True
                             ).get_data(as_text=True)
    assert "JSON 格式错误：第 1 行" in text
    text = admin_client.post(_url(version, "check"), {"text": '{"title": "x"}'}, htmx=True).get_data(as_text=True)
    assert "发现 1 个问题" in text and "sections" in text
    text = admin_client.post(_url(version, "check"), {"text": '["x"]'}, htmx=True).get_data(as_text=True)
    assert "报告模板必须是 JSON 对象" in text
    assert "未发现问题" in admin_client.post(_url(version, "check"), {"text": _text(NEW_UNIT)},
                                        htmx=True).get_data(as_text=True)


def test_save_refuses_an_unknown_placeholder_and_bad_json(admin_client, version):
    before = PackVersion.select().count()
    for value, message in ((dict(NEW_UNIT, sections=[{"text": "完成率 {rate}"}]), "不认识的占位符 {rate}"),
                           ('{"title": "x", "sections": [', "JSON 格式错误"),
                           ({"title": "x", "sections": [], "extra": 1}, "reports")):
        response = _save(admin_client, version, value)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and "未保存" in page and message in page, message
    assert PackVersion.select().count() == before


def test_save_makes_a_new_audited_version_whose_reports_use_the_new_wording(admin_client, version, units):
    old_files = json.dumps(version.files, sort_keys=True)
    response = _save(admin_client, version, NEW_UNIT)
    assert response.status_code == 302
    new = PackVersion.select().order_by(PackVersion.id.desc()).get()
    assert new.parent_id == version.id and new.source == "editor" and new.note == "改写廉情报告措辞"
    major, minor, patch = version.version.split(".")
    assert new.version == f"{major}.{minor}.{int(patch) + 1}" and not new.published  # the next patch version
    assert new.files[REPORTS_FILE]["unit"] == NEW_UNIT
    assert new.files[REPORTS_FILE]["district"] == version.files[REPORTS_FILE]["district"]
    assert json.dumps(PackVersion.get_by_id(version.id).files, sort_keys=True) == old_files
    entry = AuditEntry.get((AuditEntry.object_type == "pack_version") & (AuditEntry.object_id == str(new.id))
                           & (AuditEntry.action == "create"))
    assert entry.actor_name == "admin" and entry.after["parent"] == version.id
    assert "已保存为新版本" in admin_client.get("/define/packs").get_data(as_text=True)

    # a unit whose plan is made under the new version gets the new wording; one under the old keeps it
    with audit.acting_as(None, "test"):
        publish(new)
        street, _ = plans.generate_plan(units["street"], 2022, new)
        plans.publish_plan(street)
        bureau, _ = plans.generate_plan(units["bureau"], 2022, version)
        plans.publish_plan(bureau)
    today = dt.date(2023, 3, 1)
    report = reports.unit_report(units["street"], "2022", today, label="2022年")
    assert report.title == "临江街道2022年履责情况通报"
    assert report.sections[0][0] == "总体" and f"履责完成率 {report.values['completion_rate']}，共" in report.sections[0][1]
    assert reports.unit_report(units["bureau"], "2022", today, label="2022年").title == "区综合行政执法局2022年廉情报告"


def test_saving_into_a_pack_without_the_file_adds_it(admin_client, version):
    files = {k: v for k, v in version.files.items() if k != REPORTS_FILE}
    from service.packs.store import store_files
    with audit.acting_as(None, "test"):
        bare, _ = store_files(dict(files, **{"rules/pack.json": dict(files["rules/pack.json"], version="9.0.0")}),
                              source="install")
    page = admin_client.get(_url(bare, "edit", "district")).get_data(as_text=True)
    assert "{district}{period}政治生态分析报告" in page          # the default wording it uses today
    wording = dict(DEFAULT_TEMPLATES["district"], title="{district}{period}政治生态研判")
    assert _save(admin_client, bare, wording, kind="district").status_code == 302
    new = PackVersion.select().order_by(PackVersion.id.desc()).get()
    assert new.files[REPORTS_FILE] == {"district": wording}


def test_the_preview_fills_real_figures_and_saves_nothing(admin_client, version, units):
    with audit.acting_as(None, "test"):
        plan, _ = plans.generate_plan(units["street"], 2022, version)
        plans.publish_plan(plan)
    before = PackVersion.select().count()
    page = admin_client.post(_url(version, "preview"), {"text": _text(NEW_UNIT), "period": "2022",
                                                        "unit": str(units["street"].id)}, htmx=True)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "临江街道2022年履责情况通报" in text and "履责完成率" in text
    assert "{completion_rate}" not in text and PackVersion.select().count() == before
    district = admin_client.post(_url(version, "preview", "district"),
                                 {"text": _text(dict(DEFAULT_TEMPLATES["district"], title="{period}研判")),
                                  "period": "2022"}, htmx=True).get_data(as_text=True)
    assert "2022年研判" in district
    bad = admin_client.post(_url(version, "preview"), {"text": _text(NEW_UNIT), "period": "2022Q9",
                                                       "unit": str(units["street"].id)}, htmx=True)
    assert "期间格式有误" in bad.get_data(as_text=True)
    broken = admin_client.post(_url(version, "preview"), {"text": '{"title": "{x}"', "period": "2022",
                                                          "unit": str(units["street"].id)}, htmx=True)
    assert "模板有问题" in broken.get_data(as_text=True)


@pytest.fixture
def inspector_client(client, make_user):
    make_user("insp", "inspector")
    assert client.login("insp").status_code == 302
    return client


def test_inspectors_check_and_preview_but_cannot_save(inspector_client, version):
    assert inspector_client.get(_url(version, "edit")).status_code == 200
    assert "只有管理员可以保存修改" in inspector_client.get(_url(version, "edit")).get_data(as_text=True)
    assert _save(inspector_client, version, NEW_UNIT).status_code == 403
    assert PackVersion.select().count() == 1
