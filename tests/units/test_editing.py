"""Admin pages for one unit: create, edit, field checks, deactivate; who may do what."""
import re

import pytest

from service.audit import AuditEntry
from service.units import Unit

FORM = {"code": "Q20", "name": "区审计局", "type": "区直单位", "parent": "", "tags": "项目建设，征地拆迁",
        "risk_areas": "审计执法、资金监管", "subordinate_units": "2", "law_enforcement": "1",
        "leader_name": "林某", "leader_title": "党组书记、局长"}


def _audit(unit_id, action):
    return list(AuditEntry.select().where((AuditEntry.object_type == "unit") & (AuditEntry.action == action)
                                          & (AuditEntry.object_id == str(unit_id))).order_by(AuditEntry.id))


def test_admin_creates_a_unit_with_every_field_audited(admin_client):
    page = admin_client.get("/units/new").get_data(as_text=True)
    assert "新建单位" in page and 'name="tags"' in page and "多项用顿号“、”或逗号分隔" in page
    response = admin_client.post("/units/new", FORM)
    assert response.status_code == 302
    unit = Unit.get(Unit.code == "Q20")
    assert response.headers["Location"].endswith(f"/units/{unit.id}")
    assert unit.tags == ["项目建设", "征地拆迁"] and unit.risk_areas == ["审计执法", "资金监管"]
    assert unit.subordinate_units == 2 and unit.law_enforcement is True and unit.leader_name == "林某"
    [entry] = _audit(unit.id, "create")
    assert entry.actor_name == "admin" and entry.after["name"] == "区审计局"


def test_bad_form_shows_messages_next_to_fields_and_keeps_input(admin_client, make_user):
    make_user.unit("Q20", "区统计局")
    response = admin_client.post("/units/new", dict(FORM, name="", type="局", subordinate_units="两个"))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="f-code"[^>]*aria-invalid="true"\s+aria-describedby="e-code"', text)
    assert '<span class="field-error" id="e-code">编号已被「区统计局」使用</span>' in text
    assert '<span class="field-error" id="e-name">请填写单位名称</span>' in text
    assert "未知的类型「局」，可选：区直单位、街道、镇、国企" in text
    assert "须为不小于 0 的整数（填写的是「两个」）" in text
    assert 'value="林某"' in text and 'value="项目建设，征地拆迁"' in text
    assert Unit.select().count() == 1


def test_edit_changes_profile_and_audits_before_and_after(admin_client, make_user):
    unit = make_user.unit("J01", "江滨街道", type="街道", tags=["征地拆迁"])
    page = admin_client.get(f"/units/{unit.id}/edit").get_data(as_text=True)
    assert 'value="征地拆迁"' in page and 'value="J01"' in page
    response = admin_client.post(f"/units/{unit.id}/edit", dict(FORM, code="J01", name="江滨街道", type="街道",
                                                                 tags="征地拆迁、项目建设"))
    assert response.status_code == 302
    unit = Unit.get_by_id(unit.id)
    assert unit.tags == ["征地拆迁", "项目建设"] and unit.leader_name == "林某"
    [entry] = _audit(unit.id, "update")
    assert entry.before["tags"] == ["征地拆迁"] and entry.after["tags"] == ["征地拆迁", "项目建设"]
    assert {"tags", "leader_name", "law_enforcement"} <= set(entry.changed_fields())


def test_parent_choices_exclude_the_unit_and_its_descendants(admin_client, make_user):
    top = make_user.unit("T", "上级单位")
    mid = make_user.unit("M", "中间单位", parent=top)
    low = make_user.unit("L", "基层单位", parent=mid)
    other = make_user.unit("O", "其他单位")
    page = admin_client.get(f"/units/{mid.id}/edit").get_data(as_text=True)
    assert f'<option value="{top.id}" selected>' in page and f'value="{other.id}"' in page
    assert f'value="{low.id}"' not in page and f'<option value="{mid.id}"' not in page
    # A forged POST that would close a loop is refused, and nothing changes.
    response = admin_client.post(f"/units/{top.id}/edit", dict(FORM, code="T", name="上级单位", parent=str(low.id)))
    assert response.status_code == 422
    assert "不能选择本单位或其下级单位作为上级单位" in response.get_data(as_text=True)
    assert Unit.get_by_id(top.id).parent_id is None and not _audit(top.id, "update")


def test_deactivate_and_reactivate_keep_the_unit_and_its_accounts(admin_client, make_user):
    unit = make_user.unit("J01", "江滨街道")
    make_user("clerk", "unit", unit=unit)
    response = admin_client.post(f"/units/{unit.id}/status", follow_redirects=True)
    assert "已停用 江滨街道（1 个账户和全部记录仍保留，可随时重新启用）" in response.get_data(as_text=True)
    assert Unit.get_by_id(unit.id).active is False
    listing = admin_client.get("/units/?status=inactive").get_data(as_text=True)
    assert "江滨街道" in listing
    admin_client.post(f"/units/{unit.id}/status")
    assert Unit.get_by_id(unit.id).active is True
    assert [e.after["active"] for e in _audit(unit.id, "update")] == [False, True]


def test_blur_check_answers_with_the_field_fragment(admin_client, make_user):
    unit = make_user.unit("Q01", "区发改局")
    response = admin_client.post("/units/check/code", {"code": "Q01", "unit_id": ""}, htmx=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.strip().startswith('<div class="field" id="field-code">')
    assert "编号已被「区发改局」使用" in text and 'aria-invalid="true"' in text and "<html" not in text
    # Its own code is fine when editing that unit.
    text = admin_client.post("/units/check/code", {"code": "Q01", "unit_id": str(unit.id)}, htmx=True).get_data(as_text=True)
    assert "field-error" not in text and 'value="Q01"' in text
    text = admin_client.post("/units/check/subordinate_units", {"subordinate_units": "3.5"}, htmx=True).get_data(as_text=True)
    assert "须为不小于 0 的整数" in text
    assert admin_client.post("/units/check/password", {"password": "x"}, htmx=True).status_code == 404


def test_detail_page_shows_profile_parent_children_accounts(admin_client, make_user):
    top = make_user.unit("J01", "江滨街道", type="街道", risk_areas=["征地补偿"])
    child = make_user.unit("J01-1", "江滨社区", type="街道", parent=top)
    make_user("clerk", "unit", unit=top, display_name="联络员甲")
    text = admin_client.get(f"/units/{top.id}").get_data(as_text=True)
    assert "征地补偿" in text and f'href="/units/{child.id}"' in text and "联络员甲" in text
    assert f'href="/units/{top.id}/edit"' in text
    text = admin_client.get(f"/units/{child.id}").get_data(as_text=True)
    assert f'<a href="/units/{top.id}">江滨街道</a>' in text


@pytest.mark.parametrize("method, path", [
    ("get", "/units/new"), ("post", "/units/new"), ("get", "/units/{id}/edit"), ("post", "/units/{id}/edit"),
    ("post", "/units/{id}/status"), ("post", "/units/check/code"), ("get", "/units/import"),
    ("post", "/units/import"), ("get", "/units/import/template.xlsx"),
    ("post", "/units/import/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/confirm"),
])
def test_inspectors_may_look_but_not_edit(client, make_user, method, path):
    unit = make_user.unit("Q01", "区发改局")
    make_user("insp", "inspector")
    client.login("insp")
    assert client.get("/units/").status_code == 200
    text = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "区发改局" in text and "/edit" not in text
    response = getattr(client, method)(path.format(id=unit.id), **({"data": FORM} if method == "post" else {}))
    assert response.status_code == 403
    assert Unit.get_by_id(unit.id).name == "区发改局" and Unit.select().count() == 1


def test_unit_users_cannot_reach_the_registry(client, make_user):
    clerk = make_user("clerk", "unit")
    client.login("clerk")
    assert client.get("/units/").status_code == 403
    assert client.get(f"/units/{clerk.unit_id}/edit").status_code == 403
    assert client.get(f"/units/{clerk.unit_id}").status_code == 200


def test_the_form_lists_the_words_the_rules_use_and_warns_about_others(admin_client, version):
    page = admin_client.get("/units/new").get_data(as_text=True)
    assert "规则包的适用规则用到的：" in page and 'data-add-term="征地拆迁"' in page
    # On leaving the field: a near miss is pointed out, the words themselves are not refused.
    fragment = admin_client.post("/units/check/tags", {"tags": "拆迁、征地拆迁"}, htmx=True).get_data(as_text=True)
    assert "提示：「拆迁」与规则用到的「征地拆迁」相近但不相同" in fragment
    assert 'aria-describedby="h-tags w-tags u-tags"' in fragment and "field-error" not in fragment
    clean = admin_client.post("/units/check/tags", {"tags": "征地拆迁、乡村振兴"}, htmx=True).get_data(as_text=True)
    assert "提示" not in clean
    # Saving keeps what was typed.
    assert admin_client.post("/units/new", dict(FORM, tags="拆迁")).status_code == 302
    assert Unit.get(Unit.code == "Q20").tags == ["拆迁"]


def test_without_a_published_pack_there_is_nothing_to_compare_with(admin_client):
    page = admin_client.get("/units/new").get_data(as_text=True)
    assert "规则包的适用规则用到的" not in page
    fragment = admin_client.post("/units/check/tags", {"tags": "拆迁"}, htmx=True).get_data(as_text=True)
    assert "提示" not in fragment


def test_the_unit_page_shows_its_plans_and_what_its_profile_brings(admin_client, version, make_user):
    from service.define import plans
    from service.packs.evaluate import applicable_items
    street = make_user.unit("J02", "临江街道", type="街道", tags=["征地拆迁"], subordinate_units=9)
    plain = make_user.unit("Q10", "区民政局", type="区直单位")
    plan, _ = plans.generate_plan(street, 2022, version)
    page = admin_client.get(f"/units/{street.id}").get_data(as_text=True)
    assert f'href="/define/plans/{plan.id}"' in page and "2022 年度任务清单" in page and "草稿" in page
    pack = version.pack()
    items = applicable_items(pack, street.profile())
    assert f"该单位适用 {len(items)} 项（共 {len(pack.items)} 项）" in page
    land = [i for i in items if i.applies_if and "征地拆迁" in str(i.applies_if)]
    assert land and all(i.text in page for i in land)
    # A plain bureau gets fewer items, and none of the land-acquisition ones.
    other = admin_client.get(f"/units/{plain.id}").get_data(as_text=True)
    assert "尚未生成年度任务清单" in other and not any(i.text in other for i in land)


def test_a_unit_user_sees_neither_plans_nor_rules_on_its_unit_page(client, make_user, version):
    user = make_user("clerk", "unit")
    client.login("clerk")
    page = client.get(f"/units/{user.unit_id}").get_data(as_text=True)
    assert "年度任务清单" not in page and "该单位适用" not in page
