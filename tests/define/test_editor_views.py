"""The pack editor in the app: browse, live checks, try-it, save as a new draft, access."""
import json

import pytest

from service.audit import AuditEntry
from service.packs.store import PackVersion

GOOD = {">=": [{"count_if": [{"var": "records"}, {"===": [{"var": "meeting_type"}, "党委(党组)会议"]}]},
               {"var": "target"}]}
# Counts every first-topic record, whatever the meeting: still passes the pack's tests.
LOOSER = {">=": [{"count_if": [{"var": "records"}]}, {"var": "target"}]}


def _url(version, tail, item="fr-first-topic"):
    return f"/define/packs/{version.id}/items/{item}/{tail}"


def _text(value):
    return json.dumps(value, ensure_ascii=False, indent=2)


@pytest.fixture
def inspector_client(client, make_user):
    make_user("insp", "inspector")
    assert client.login("insp").status_code == 302
    return client


# --------------------------------------------------------------------------- browse

def test_version_page_groups_items_by_list_and_category(admin_client, version):
    page = admin_client.get(f"/define/packs/{version.id}").get_data(as_text=True)
    assert "<h3>政治建设</h3>" in page
    assert page.index("<h2>主体责任清单") < page.index("<h2>第一责任人责任清单") < page.index("<h3>政治建设</h3>")
    assert f'href="/define/packs/{version.id}/items/fr-first-topic"' in page
    assert f'href="/define/packs/{version.id}/forms/first-topic"' in page


def test_item_page_shows_every_field_and_the_rules(admin_client, version):
    page = admin_client.get(_url(version, "")[:-1]).get_data(as_text=True)
    for text in ("落实“第一议题”制度", "每月", "每期至少 1 次", "每期开始后 27 天内", "第一议题学习记录",
                 "所有单位", "&#34;meeting_type&#34;", "“第一议题”学习制度落实不经常", "编辑检查规则"):
        assert text in page, text
    conditional = admin_client.get(_url(version, "", item="fr-project-clean")[:-1]).get_data(as_text=True)
    assert "国企" in conditional or "项目建设" in conditional


def test_unknown_item_or_form_is_404(admin_client, version):
    assert admin_client.get(_url(version, "", item="nope")[:-1]).status_code == 404
    assert admin_client.get(f"/define/packs/{version.id}/forms/nope").status_code == 404
    assert admin_client.get(_url(version, "edit?part=text")).status_code == 404


def test_form_preview_renders_the_fields_inside_a_harmless_form(admin_client, version):
    page = admin_client.get(f"/define/packs/{version.id}/forms/first-topic").get_data(as_text=True)
    assert 'class="form-preview card" action="#" method="get"' in page
    assert "学习日期" in page and "党委(党组)会议" in page and "落实“第一议题”制度" in page


# --------------------------------------------------------------------------- live check

def test_editor_page_starts_from_the_stored_rule(admin_client, version):
    page = admin_client.get(_url(version, "edit")).get_data(as_text=True)
    assert 'id="editor-text"' in page and "meeting_type" in page and "hx-trigger=\"keyup changed delay:500ms" in page
    assert "未发现问题" in page and "v1.2.1" in page and "保存为新版本" in page


def test_check_fragment_names_line_and_column(admin_client, version):
    response = admin_client.post(_url(version, "check?part=check"), {"text": '{\n ">=": [1 2]\n}'}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "第 2 行第 11 列" in body and "缺少逗号" in body


def test_check_fragment_unknown_operator_and_field(admin_client, version):
    body = admin_client.post(_url(version, "check?part=check"), {"text": '{">==": [1, 2]}'}, htmx=True).get_data(as_text=True)
    assert "未知运算符 &#39;&gt;==&#39;" in body
    bad_field = json.loads(json.dumps(GOOD).replace("meeting_type", "meetng_type"))
    body = admin_client.post(_url(version, "check?part=check"), {"text": _text(bad_field)}, htmx=True).get_data(as_text=True)
    assert "/&gt;=/0/count_if/1/===/0/var" in body and "数据中不存在路径" in body


def test_check_fragment_reports_pack_tests_the_edit_breaks(admin_client, version):
    body = admin_client.post(_url(version, "check?part=check"), {"text": _text({">=": [0, 1]})},
                             htmx=True).get_data(as_text=True)
    assert "rules/tests/" in body and "未通过" in body
    body = admin_client.post(_url(version, "check?part=check"), {"text": _text(LOOSER)}, htmx=True).get_data(as_text=True)
    assert "整个规则包（含规则包测试）检查通过" in body


def test_check_refuses_oversized_text_with_a_message(admin_client, version):
    text = json.dumps({"==": ["x" * (600 * 1024), 1]})
    response = admin_client.post(_url(version, "check?part=check"), {"text": text}, htmx=True)
    assert response.status_code == 200 and "内容过大" in response.get_data(as_text=True)


def test_form_check_updates_the_preview_out_of_band(admin_client, version):
    schema = json.loads(json.dumps(version.pack().forms["first-topic"].schema))
    schema["properties"]["content"]["title"] = "学习的具体内容"
    body = admin_client.post(f"/define/packs/{version.id}/forms/first-topic/check", {"text": _text(schema)},
                             htmx=True).get_data(as_text=True)
    assert 'id="form-preview" hx-swap-oob="innerHTML"' in body and "学习的具体内容" in body
    broken = admin_client.post(f"/define/packs/{version.id}/forms/first-topic/check", {"text": "{"},
                               htmx=True).get_data(as_text=True)
    assert "JSON 格式错误" in broken and "修正后预览会更新" in broken


# --------------------------------------------------------------------------- try it

def test_try_it_shows_result_and_explanation(admin_client, version):
    sample = {"records": [{"date": "2022-01-10", "meeting_type": "理论学习中心组学习"}],
              "period": {"id": "2022-01", "kind": "month", "start": "2022-01-01", "end": "2022-01-31"},
              "target": 1, "unit": {}}
    body = admin_client.post(_url(version, "try?part=check"),
                             {"text": _text(GOOD), "sample": json.dumps(sample, ensure_ascii=False), "today": "2022-01-31"},
                             htmx=True).get_data(as_text=True)
    assert "未达标" in body and "未满足的条件" in body
    assert "得到 <code>[0, 1]</code> → <span class=\"v-false\">假</span>" in body
    assert "读取 <code>records</code>" in body and "计算过程" in body


def test_try_it_starts_with_a_sample_that_meets_the_stored_rule(admin_client, version, units):
    page = admin_client.get(_url(version, "edit")).get_data(as_text=True)
    start = page.index('id="sample"')
    sample = page[page.index(">", start) + 1: page.index("</textarea>", start)]
    import html
    data = json.loads(html.unescape(sample))
    assert data["period"]["id"] == "2022-01" and len(data["records"]) == 1
    body = admin_client.post(_url(version, "try?part=check"), {"text": _text(GOOD), "sample": html.unescape(sample),
                                                               "today": "2022-01-31"}, htmx=True).get_data(as_text=True)
    assert "达标" in body and "未达标" not in body


def test_try_applies_if_with_a_units_profile(admin_client, version, units):
    sample = admin_client.get(_url(version, f"sample?part=applies_if&unit={units['soe'].id}", item="fr-project-clean"),
                              headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "区城投集团" in sample and "<html" not in sample
    rule = version.pack().item("fr-project-clean").applies_if
    profile = json.dumps(units["soe"].profile(), ensure_ascii=False)
    body = admin_client.post(_url(version, "try?part=applies_if", item="fr-project-clean"),
                             {"text": _text(rule), "sample": profile, "today": "2022-06-30"}, htmx=True).get_data(as_text=True)
    assert "结果：<strong>适用</strong>" in body
    profile = json.dumps(units["plain"].profile(), ensure_ascii=False)
    body = admin_client.post(_url(version, "try?part=applies_if", item="fr-project-clean"),
                             {"text": _text(rule), "sample": profile, "today": "2022-06-30"}, htmx=True).get_data(as_text=True)
    assert "结果：<strong>不适用</strong>" in body


@pytest.mark.parametrize("text, sample, today, expected", [
    ("{", "{}", "2022-01-01", "规则的 JSON 有误"),
    (_text(GOOD), "{records: []}", "2022-01-01", "示例数据有误"),
    (_text(GOOD), "{}", "2022/01/01", "格式 YYYY-MM-DD"),
    (_text({"nope": []}), "{}", "2022-01-01", "未知运算符"),
    (_text({"cat": [{"var": "s"}] * 4}), json.dumps({"s": "x" * 300_000}), "2022-01-01", "资源上限"),
    (_text(GOOD), json.dumps({"s": "x" * 600_000}), "2022-01-01", "内容过大"),
])
def test_try_it_bad_input_gives_chinese_messages(admin_client, version, text, sample, today, expected):
    response = admin_client.post(_url(version, "try?part=check"), {"text": text, "sample": sample, "today": today},
                                 htmx=True)
    assert response.status_code == 200 and expected in response.get_data(as_text=True)


# --------------------------------------------------------------------------- save

def _save(client, version, value, note="放宽第一议题的会议类型", tail="save?part=check", item="fr-first-topic"):
    return client.post(_url(version, tail, item=item), {"text": _text(value), "note": note})


def test_save_creates_a_new_draft_version_and_leaves_the_old_one(admin_client, version):
    old_files = json.dumps(version.files, sort_keys=True)
    response = _save(admin_client, version, LOOSER)
    assert response.status_code == 302 and response.headers["Location"].endswith("/define/packs")
    new = PackVersion.select().order_by(PackVersion.id.desc()).get()
    assert new.id != version.id and new.parent_id == version.id and new.source == "editor"
    assert new.version == "1.2.1" and new.note == "放宽第一议题的会议类型" and not new.published
    assert new.pack().item("fr-first-topic").check == LOOSER
    assert new.pack().item("fr-leader-leads-study").check == version.pack().item("fr-leader-leads-study").check
    stored_old = PackVersion.get_by_id(version.id)
    assert json.dumps(stored_old.files, sort_keys=True) == old_files and stored_old.published
    assert stored_old.pack().item("fr-first-topic").check == GOOD
    listing = admin_client.get("/define/packs").get_data(as_text=True)
    assert "已保存为新版本" in listing and "1.2.1" in listing and "草稿" in listing
    entry = AuditEntry.get((AuditEntry.object_type == "pack_version") & (AuditEntry.object_id == str(new.id))
                           & (AuditEntry.action == "create"))
    assert entry.actor_name == "admin" and entry.after["source"] == "editor" and entry.after["parent"] == version.id


def test_versions_keep_bumping_when_the_next_is_taken(admin_client, version):
    _save(admin_client, version, LOOSER)
    other = {">=": [{"count_if": [{"var": "records"}, {"!==": [{"var": "meeting_type"}, "支部主题党日"]}]}, {"var": "target"}]}
    _save(admin_client, version, other)
    assert [v.version for v in PackVersion.select().order_by(PackVersion.id)] == ["1.2.0", "1.2.1", "1.2.2"]


def test_saving_unchanged_content_returns_the_existing_version(admin_client, version):
    response = _save(admin_client, version, GOOD)
    assert response.status_code == 302 and PackVersion.select().count() == 1
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "内容没有变化，未创建新版本" in page
    _save(admin_client, version, LOOSER)
    again = _save(admin_client, version, LOOSER)
    assert PackVersion.select().count() == 2
    assert "与已有版本" in admin_client.get(again.headers["Location"]).get_data(as_text=True)


def test_save_is_refused_with_the_problems_listed(admin_client, version):
    response = admin_client.post(_url(version, "save?part=check"), {"text": '{">=": [0, 1]}', "note": "试试"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "未保存：规则包检查发现" in body and "rules/tests/" in body and "未通过" in body
    assert "{&#34;&gt;=&#34;: [0, 1]}</textarea>" in body and 'value="试试"' in body  # what the admin typed is kept
    messages = body[body.index('id="editor-messages"'):body.index('class="save-bar"')]
    assert "rules/tests/" in messages and "未通过" in messages  # listed next to the editor
    response = admin_client.post(_url(version, "save?part=check"), {"text": '{">=": [', "note": "x"})
    assert response.status_code == 422 and "JSON 格式错误" in response.get_data(as_text=True)
    assert PackVersion.select().count() == 1


def test_save_refuses_a_too_long_note(admin_client, version):
    response = _save(admin_client, version, LOOSER, note="长" * 1001)
    assert response.status_code == 422 and "修改说明过长" in response.get_data(as_text=True)


def test_save_applies_if_and_whole_item(admin_client, version):
    every_type = {"in": [{"var": "type"}, ["区直单位", "街道", "镇", "国企"]]}
    assert _save(admin_client, version, every_type, tail="save?part=applies_if").status_code == 302
    first = PackVersion.select().order_by(PackVersion.id.desc()).get()
    assert first.pack().item("fr-first-topic").applies_if == every_type
    item = json.loads(json.dumps(first.files["rules/items/first-responsible.json"]["items"][0]))
    item["weight"] = 3
    item["finding"] = "第一议题学习不足"
    response = admin_client.post(_url(first, "save?part=item"), {"text": _text(item), "note": ""})
    assert response.status_code == 302
    second = PackVersion.select().order_by(PackVersion.id.desc()).get()
    assert second.parent_id == first.id and second.version == "1.2.2"
    assert second.pack().item("fr-first-topic").weight == 3
    assert second.pack().item("fr-first-topic").finding == "第一议题学习不足"
    assert second.note == "在线编辑：条目 fr-first-topic 的整个条目"


def test_save_form_as_a_new_version(admin_client, version):
    schema = json.loads(json.dumps(version.pack().forms["first-topic"].schema))
    schema["properties"]["content"]["title"] = "学习的具体内容"
    response = admin_client.post(f"/define/packs/{version.id}/forms/first-topic/save", {"text": _text(schema), "note": ""})
    assert response.status_code == 302
    new = PackVersion.select().order_by(PackVersion.id.desc()).get()
    assert new.pack().forms["first-topic"].schema["properties"]["content"]["title"] == "学习的具体内容"
    assert new.note == "在线编辑：表单 first-topic"


def test_publishing_the_new_version_is_audited(admin_client, version):
    _save(admin_client, version, LOOSER)
    new = PackVersion.select().order_by(PackVersion.id.desc()).get()
    page = admin_client.get(f"/define/packs/{new.id}").get_data(as_text=True)
    assert "发布此版本" in page and "基于" in page
    admin_client.post(f"/define/packs/{new.id}/publish")
    assert PackVersion.current().id == new.id
    assert AuditEntry.select().where((AuditEntry.action == "publish") & (AuditEntry.object_id == str(new.id))).count() == 1
    assert "曾发布" in admin_client.get("/define/packs").get_data(as_text=True)


# --------------------------------------------------------------------------- access

def test_inspectors_browse_check_and_try_but_cannot_save_or_publish(inspector_client, version):
    page = inspector_client.get(_url(version, "edit")).get_data(as_text=True)
    assert "只有管理员可以保存修改" in page and "保存为新版本" not in page
    assert inspector_client.post(_url(version, "check?part=check"), {"text": "{"}, htmx=True).status_code == 200
    assert inspector_client.post(_url(version, "try?part=check"),
                                 {"text": _text(GOOD), "sample": "{}", "today": "2022-01-01"}, htmx=True).status_code == 200
    assert _save(inspector_client, version, LOOSER).status_code == 403
    assert inspector_client.post(f"/define/packs/{version.id}/forms/first-topic/save", {"text": "{}"}).status_code == 403
    assert inspector_client.post(f"/define/packs/{version.id}/publish").status_code == 403
    assert PackVersion.select().count() == 1


def test_unit_users_cannot_open_the_editor(client, make_user, version):
    make_user("clerk", "unit")
    client.login("clerk")
    assert client.get(_url(version, "edit")).status_code == 403
    assert client.post(_url(version, "check?part=check"), {"text": "{}"}, htmx=True).status_code == 403


# --------------------------------------------------------------------------- hostile input

def _nested_rule(depth):
    rule = True
    for _ in range(depth):
        rule = {"!": [rule]}
    return rule


@pytest.mark.parametrize("text, expected", [
    ("[" * 100_000, "JSON 嵌套层数过深"),
    (json.dumps(_nested_rule(150)), "过深"),
    ('{"==": [1, 1], "!=": [1, 2]}', "运算对象只能有一个键"),
    ("\x00", "内容为空"),                       # NUL never reaches the views (service/web/request.py)
    ("\x01", "JSON 格式错误"),
])
def test_hostile_text_gets_a_message_not_a_500(admin_client, version, text, expected):
    response = admin_client.post(_url(version, "check?part=check"), {"text": text}, htmx=True)
    assert response.status_code == 200 and expected in response.get_data(as_text=True)
    saved = admin_client.post(_url(version, "save?part=check"), {"text": text, "note": ""})
    assert saved.status_code == 422 and expected in saved.get_data(as_text=True)
    assert PackVersion.select().count() == 1


def test_hostile_form_schema_gets_a_message(admin_client, version):
    schema = {"type": "string"}
    for _ in range(60):
        schema = {"type": "object", "properties": {"x": schema}}
    response = admin_client.post(f"/define/packs/{version.id}/forms/first-topic/check", {"text": json.dumps(schema)},
                                 htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "发现" in body and "表单渲染器拒绝该表单" in body
    response = admin_client.post(f"/define/packs/{version.id}/forms/first-topic/check", {"text": "[1, 2]"}, htmx=True)
    assert response.status_code == 200 and "表单定义必须是 JSON 对象" in response.get_data(as_text=True)


def test_every_form_of_the_pack_previews_or_says_why_not(admin_client, version):
    for form_id in version.pack().forms:
        response = admin_client.get(f"/define/packs/{version.id}/forms/{form_id}")
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and ('class="form-preview' in body or "无法预览此表单" in body), form_id


def test_editor_pages_work_in_english(admin_client, version):
    admin_client.post("/language/en", {"next": "/dashboard"})
    for url in (_url(version, "edit"), f"/define/packs/{version.id}/forms/first-topic/edit",
                _url(version, "")[:-1], f"/define/packs/{version.id}"):
        response = admin_client.get(url)
        assert response.status_code == 200 and '<html lang="en">' in response.get_data(as_text=True), url


def test_out_of_range_ids_are_not_found(admin_client, version):
    assert admin_client.get("/define/packs/99999999999999999999").status_code == 404
    assert admin_client.get("/define/packs/99999999999999999999/items/fr-first-topic/edit").status_code == 404
    sample = admin_client.get(_url(version, "sample?part=applies_if&unit=99999999999999999999"),
                              headers={"HX-Request": "true"})
    assert sample.status_code == 200 and "示例单位" in sample.get_data(as_text=True)
    odd = admin_client.get(_url(version, "sample?part=applies_if&unit=²"), headers={"HX-Request": "true"})
    assert odd.status_code == 200


def test_a_version_number_taken_meanwhile_is_a_clear_409(admin_client, version, monkeypatch):
    from service.packs import store

    def taken(*args, **kwargs):
        raise store.VersionTaken("wuze-default", "1.2.1")
    monkeypatch.setattr("service.define.editor_views.store_files", taken)
    response = _save(admin_client, version, LOOSER)
    assert response.status_code == 409 and "同一版本号" in response.get_data(as_text=True)


@pytest.mark.parametrize("today", ["9999-99-99", "2022-02-30", "明天", "9" * 5000])
def test_try_it_with_an_impossible_today_is_a_message_not_a_500(admin_client, version, today):
    # without htmx the whole editor page is drawn, including the sample-period line
    response = admin_client.post(_url(version, "try?part=check"),
                                 {"text": _text(GOOD), "sample": "{}", "today": today})
    assert response.status_code in (200, 422)
    assert "日期" in response.get_data(as_text=True)


def test_the_editor_says_a_json_error_once_in_the_ui_language(admin_client, version):
    url = f"/define/packs/{version.id}/forms/first-topic/check"
    chinese = admin_client.post(url, {"text": "{"}, htmx=True).get_data(as_text=True)
    assert "JSON 格式错误" in chinese and "invalid JSON" not in chinese
    admin_client.post("/language/en")
    english = admin_client.post(url, {"text": "{"}, htmx=True).get_data(as_text=True)
    assert "invalid JSON" in english and "JSON 格式错误" not in english
