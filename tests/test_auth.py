"""Login, lockout, logout, roles and the unit boundary."""
import datetime as dt

import pytest

from service.auth.models import LoginAttempt, User


def test_login_success_redirects_to_dashboard(client, make_user):
    make_user("admin", "admin")
    response = client.login("admin")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "工作台" in page


def test_wrong_password_shows_message_and_no_session(client, make_user):
    make_user("admin", "admin")
    response = client.login("admin", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still not logged in


def test_unknown_user_gets_the_same_message(client):
    response = client.login("nobody", "whatever")
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_disabled_account_cannot_log_in(client, make_user):
    make_user("old", "admin", active=False)
    assert client.login("old").status_code == 401


def test_five_failures_lock_the_account_even_for_the_right_password(client, make_user, app):
    make_user("admin", "admin")
    for _ in range(5):
        assert client.login("admin", "bad").status_code == 401
    response = client.login("admin")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_lock_expires_after_the_window(app, make_user):
    make_user("admin", "admin")
    start = dt.datetime(2026, 1, 1, 9, 0)
    for i in range(5):
        LoginAttempt.create(username="admin", success=False, at=start + dt.timedelta(minutes=i))
    locked = LoginAttempt.locked_until("admin", 5, 15, now=start + dt.timedelta(minutes=5))
    assert locked == start + dt.timedelta(minutes=19)
    assert LoginAttempt.locked_until("admin", 5, 15, now=start + dt.timedelta(minutes=20)) is None


def test_four_failures_do_not_lock_and_success_clears_them(client, make_user):
    make_user("admin", "admin")
    for _ in range(4):
        client.login("admin", "bad")
    assert client.login("admin").status_code == 302
    client.logout()
    for _ in range(4):
        client.login("admin", "bad")
    assert client.login("admin").status_code == 302


def test_failures_of_one_account_do_not_lock_another(client, make_user):
    make_user("admin", "admin")
    make_user("other", "admin")
    for _ in range(5):
        client.login("admin", "bad")
    assert client.login("other").status_code == 302


def test_login_does_not_follow_offsite_next(client, make_user):
    make_user("admin", "admin")
    response = client.post("/login?next=//evil.example/x", {"username": "admin", "password": "correct-horse-9"})
    assert response.headers["Location"].endswith("/dashboard")


def test_logout_requires_post(admin_client):
    assert admin_client.get("/logout").status_code == 405
    assert admin_client.logout().status_code == 302
    assert admin_client.get("/dashboard").status_code == 302


def test_passwords_are_hashed(app, make_user):
    user = make_user("admin", "admin")
    assert "correct-horse-9" not in User.get_by_id(user.id).password_hash
    assert user.check_password("correct-horse-9")


def test_session_cookie_is_httponly_and_lax(client, make_user):
    make_user("admin", "admin")
    response = client.login("admin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("path", ["/admin/users/", "/admin/audit/"])
def test_admin_pages_refuse_inspectors_and_units(client, make_user, path):
    make_user("insp", "inspector")
    client.login("insp")
    assert client.get(path).status_code == 403
    client.logout()
    make_user("clerk", "unit")
    client.login("clerk")
    assert client.get(path).status_code == 403


def test_unit_user_sees_own_unit_but_not_another(client, make_user):
    mine = make_user.unit("A01", "甲单位")
    other = make_user.unit("B01", "乙单位")
    make_user("clerk", "unit", unit=mine)
    client.login("clerk")
    assert client.get(f"/units/{mine.id}").status_code == 200
    response = client.get(f"/units/{other.id}")
    assert response.status_code == 403
    assert "您没有权限访问此页面" in response.get_data(as_text=True)
    assert client.get("/units/").status_code == 403


def test_inspector_sees_every_unit(client, make_user):
    unit = make_user.unit("A01", "甲单位")
    make_user("insp", "inspector")
    client.login("insp")
    assert client.get(f"/units/{unit.id}").status_code == 200
    assert "甲单位" in client.get("/units/").get_data(as_text=True)


def test_anonymous_htmx_request_is_redirected_by_header(client):
    response = client.get("/units/", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login")


def test_sign_ins_refusals_lockouts_and_logouts_are_audited(client, make_user):
    from service.audit.log import AuditEntry
    user = make_user("admin", "admin")
    client.login("ghost", "bad")                       # an unknown name
    for _ in range(5):
        client.login("admin", "bad")
    client.login("admin")                              # refused: locked
    entries = list(AuditEntry.select().where(AuditEntry.object_type == "user", AuditEntry.action != "create")
                   .order_by(AuditEntry.id))
    assert [e.action for e in entries] == ["login_failed"] * 6 + ["login_locked"]
    assert (entries[0].object_id, entries[0].actor_id, entries[0].actor_name) == ("ghost", None, "ghost")
    assert entries[1].object_id == str(user.id) and entries[1].after["username"] == "admin"
    assert entries[1].after["remote_addr"] == "127.0.0.1"

    LoginAttempt.delete().execute()                    # the window has passed
    client.login("admin")
    client.logout()
    last = list(AuditEntry.select().order_by(AuditEntry.id.desc()).limit(2))
    assert [e.action for e in last] == ["logout", "login"]
    assert all(e.actor_id == user.id for e in last)


def test_the_audit_page_names_actions_and_objects_in_chinese(client, make_user):
    make_user("admin", "admin")
    client.login("admin", "bad")
    client.login("admin")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "登录失败" in page and "用户 #" in page
    assert '<option value="user" >用户</option>' in page


def test_a_password_change_or_reset_ends_the_other_sessions(app, client, make_user):
    from service import audit
    user = make_user("clerk", "unit")
    other_device = type(client)(app.test_client())
    assert client.login("clerk").status_code == 302 and other_device.login("clerk").status_code == 302
    response = client.post("/password", {"current_password": "correct-horse-9", "new_password": "new-horse-10",
                                         "repeat_password": "new-horse-10"})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200           # this session goes on
    assert other_device.get("/dashboard").status_code == 302     # the other one is over
    assert other_device.login("clerk", "new-horse-10").status_code == 302
    # An admin's reset ends the user's sessions too.
    with audit.acting_as(None, "test"):
        audit.update(User.get_by_id(user.id), password_hash=User.hash_password("third-horse-11"))
    assert other_device.get("/dashboard").status_code == 302


def test_changing_a_password_checks_every_field_in_chinese(client, make_user):
    from service.audit.log import AuditEntry
    make_user("clerk", "unit")
    client.login("clerk")
    page = client.get("/password").get_data(as_text=True)
    assert "修改密码" in page and 'autocomplete="new-password"' in page
    response = client.post("/password", {"current_password": "wrong", "new_password": "short",
                                         "repeat_password": "other"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "当前密码不正确" in text and "密码至少 8 位" in text and 'aria-invalid="true"' in text
    assert AuditEntry.select().where(AuditEntry.action == "login_failed").count() == 1
    text = client.post("/password", {"current_password": "correct-horse-9", "new_password": "long-enough-1",
                                     "repeat_password": "long-enough-2"}).get_data(as_text=True)
    assert "两次输入的新密码不一致" in text
    text = client.post("/password", {"current_password": "correct-horse-9", "new_password": "clerk",
                                     "repeat_password": "clerk"}).get_data(as_text=True)
    assert "密码至少 8 位" in text
    assert User.get(User.username == "clerk").check_password("correct-horse-9")


def test_wrong_current_passwords_count_toward_the_lockout(client, make_user):
    make_user("clerk", "unit")
    client.login("clerk")
    for _ in range(5):
        client.post("/password", {"current_password": "guess", "new_password": "long-enough-1",
                                  "repeat_password": "long-enough-1"})
    text = client.post("/password", {"current_password": "correct-horse-9", "new_password": "long-enough-1",
                                     "repeat_password": "long-enough-1"}).get_data(as_text=True)
    assert "登录失败次数过多" in text
    assert User.get(User.username == "clerk").check_password("correct-horse-9")


def test_an_admin_resetting_their_own_password_stays_signed_in(admin_client):
    me = User.get(User.username == "admin")
    response = admin_client.post(f"/admin/users/{me.id}/password")
    assert response.status_code == 200 and 'data-testid="new-password"' in response.get_data(as_text=True)
    assert admin_client.get("/admin/users/").status_code == 200


def test_an_overlong_user_name_is_refused_and_counted_not_a_500(client, make_user):
    make_user("a" * 80, "admin")
    response = client.login("a" * 80 + "b")
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
    assert LoginAttempt.select().where(LoginAttempt.username == "a" * 80).count() == 1
    assert client.login("x" * 5000, "bad").status_code == 401
    assert client.login("a" * 80).status_code == 302
