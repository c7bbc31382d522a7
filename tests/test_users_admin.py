"""The admin's account pages: list, create, disable, reset, export."""
import io

from openpyxl import load_workbook

from service.audit import AuditEntry
from service.auth.models import User


def test_admin_creates_a_unit_user(admin_client, make_user):
    unit = make_user.unit("A01", "甲单位")
    response = admin_client.post("/admin/users/", {"username": "clerk1", "display_name": "联络员",
                                                   "role": "unit", "unit": str(unit.id), "password": "long-enough-1"})
    assert response.status_code == 302
    user = User.get(User.username == "clerk1")
    assert user.unit_id == unit.id and user.check_password("long-enough-1")
    entry = AuditEntry.get((AuditEntry.object_type == "user") & (AuditEntry.object_id == str(user.id)))
    assert entry.action == "create" and entry.actor_name == "admin"
    assert "long-enough-1" not in str(entry.after) and entry.after["password_hash"].startswith("sha256:")


def test_bad_account_form_shows_chinese_messages_and_keeps_input(admin_client):
    response = admin_client.post("/admin/users/", {"username": "admin", "display_name": "某某",
                                                   "role": "unit", "password": "short"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "用户名已存在" in text and "单位用户必须选择所属单位" in text and "密码至少 8 位" in text
    assert 'value="某某"' in text
    assert User.select().count() == 1


def test_disable_and_enable_are_audited(admin_client, make_user):
    user = make_user("clerk", "inspector")
    admin_client.post(f"/admin/users/{user.id}/status")
    assert User.get_by_id(user.id).active is False
    admin_client.post(f"/admin/users/{user.id}/status")
    assert User.get_by_id(user.id).active is True
    updates = AuditEntry.select().where((AuditEntry.object_type == "user") & (AuditEntry.action == "update")
                                        & (AuditEntry.object_id == str(user.id)))
    assert [e.after["active"] for e in updates.order_by(AuditEntry.id)] == [False, True]


def test_admin_cannot_disable_self(admin_client):
    me = User.get(User.username == "admin")
    response = admin_client.post(f"/admin/users/{me.id}/status")
    assert response.status_code == 422
    assert "不能停用自己的账户" in response.get_data(as_text=True)


def test_reset_password_shows_new_password_once(admin_client, make_user, client):
    user = make_user("clerk", "inspector")
    response = admin_client.post(f"/admin/users/{user.id}/password", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "的新密码" in text
    assert not User.get_by_id(user.id).check_password("correct-horse-9")


def test_users_list_filters_and_exports(admin_client, make_user):
    make_user("insp1", "inspector", display_name="检查员甲")
    make_user("insp2", "inspector", display_name="检查员乙", active=False)
    text = admin_client.get("/admin/users/?role=inspector&status=active").get_data(as_text=True)
    assert "检查员甲" in text and "检查员乙" not in text
    response = admin_client.get("/admin/users/?role=inspector&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][:3] == ("用户名", "姓名", "角色")
    assert {r[0] for r in rows[1:]} == {"insp1", "insp2"}
    csv_text = admin_client.get("/admin/users/?export=csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("用户名,姓名")


def test_unknown_export_format_is_a_clear_error(admin_client):
    response = admin_client.get("/admin/users/?export=pdf")
    assert response.status_code == 400
    assert "不支持的导出格式" in response.get_data(as_text=True)
