"""Issue 8, the web half: markup and % in flashed values, the templates' ``_``, response headers.

The browser sweep with hostile text everywhere is in ``test_browser_security.py``.
"""
from __future__ import annotations

import re

from service.web.security import CONTENT_SECURITY_POLICY

MARKUP = '<img src=x onerror=alert(1)>'


def test_a_unit_named_with_markup_is_flashed_as_text(admin_client):
    response = admin_client.post("/units/new", {"code": "X1", "name": MARKUP + "U", "type": "区直单位"},
                                 follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert MARKUP not in page
    assert "&lt;img src=x onerror=alert(1)&gt;U" in page


def test_a_percent_in_a_flashed_value_does_not_break_the_next_pages(admin_client):
    response = admin_client.post("/units/new", {"code": "P1", "name": "完成率100%", "type": "区直单位"},
                                 follow_redirects=True)
    assert response.status_code == 200
    assert "完成率100%" in response.get_data(as_text=True)
    assert admin_client.get("/dashboard").status_code == 200


def test_the_templates_gettext_treats_unknown_strings_as_data(app):
    from service.web.gettext import known_msgids, template_gettext
    with app.test_request_context("/"):
        assert "用户名或密码错误" in known_msgids()
        assert template_gettext(MARKUP) == "&lt;img src=x onerror=alert(1)&gt;"
        assert template_gettext("100%") == "100%"
        assert template_gettext("%(x)s 个", x="<b>") == "&lt;b&gt; 个"
        assert template_gettext("%(missing)s") == "%(missing)s"
        # A known msgid is formatted as before, its values escaped.
        assert template_gettext("已创建用户 %(name)s", name="<b>") == "已创建用户 &lt;b&gt;"


def test_flask_login_message_is_still_translated(app, client):
    with client.raw.session_transaction() as sess:
        sess["lang"] = "en"
    page = client.get("/dashboard", follow_redirects=True).get_data(as_text=True)
    assert "请先登录" not in page


def test_pages_carry_a_strict_content_security_policy(admin_client):
    response = admin_client.get("/dashboard")
    csp = response.headers["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script_handlers_or_styles():
    """What the CSP would block must not be in our own templates (vendor files aside)."""
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "service"
    offenders = []
    for path in list(root.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"hx-on",
                        r"javascript:"):
            if re.search(pattern, text, re.I):
                offenders.append(f"{path.relative_to(root)}: {pattern}")
    assert offenders == []


def test_signed_in_pages_and_exports_are_not_stored(admin_client):
    for url in ("/dashboard", "/units/", "/units/?export=csv", "/admin/audit/?export=xlsx"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_static_files_may_be_cached(client):
    response = client.get("/static/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_the_development_server_does_not_name_itself(live_server):
    import urllib.request
    with urllib.request.urlopen(live_server + "/login") as response:
        assert response.headers.get("Server") is None
        assert response.headers["Cache-Control"] == "no-store"


def test_a_reset_password_is_shown_once_and_never_put_in_the_session(admin_client, make_user):
    from service.auth.models import User
    user = make_user("clerk", "inspector")
    response = admin_client.post(f"/admin/users/{user.id}/password")
    assert response.status_code == 200
    password = re.search(r'data-testid="new-password">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert User.get_by_id(user.id).check_password(password)
    assert response.headers["Cache-Control"] == "no-store"
    with admin_client.raw.session_transaction() as sess:
        assert password not in repr(dict(sess))
    assert password not in admin_client.get("/admin/users/").get_data(as_text=True)


def _stored(app, make_user, content: bytes, claimed: str):
    import io
    from service.perform import records
    user = make_user("u1", "unit")
    with app.app_context():
        return records.store_upload(unit=user.unit, user=user, filename="证据.pdf", content_type=claimed,
                                    stream=io.BytesIO(content), field_schema=None,
                                    upload_folder=app.config["UPLOAD_FOLDER"]), user


def test_an_evidence_file_is_served_as_octet_stream_unless_its_content_is_a_safe_type(app, client, make_user):
    stored, _user = _stored(app, make_user, b"<html><script>alert(1)</script>", "application/pdf")
    assert client.login("u1").status_code == 302
    response = client.get(f"/files/{stored.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"


def test_sniffing_names_only_safe_types_the_content_shows():
    from service.perform.sniff import OCTET_STREAM, sniff
    assert sniff(b"%PDF-1.4", "text/html") == "application/pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....", "image/svg+xml") == "image/png"
    assert sniff(b"<svg onload=alert(1)>", "image/svg+xml") == OCTET_STREAM
    assert sniff(b"<html>", "application/pdf") == OCTET_STREAM
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert sniff(b"PK\x03\x04rest", docx) == docx
    assert sniff(b"PK\x03\x04rest", "text/html") == OCTET_STREAM


def test_the_database_and_uploads_are_private(app, make_user, tmp_path):
    import os
    import stat
    from service.db import open_database
    db = open_database(f"sqlite:///{tmp_path}/fresh.sqlite3")
    db.connect()
    db.execute_sql("CREATE TABLE t (x)")
    db.close()
    assert stat.S_IMODE(os.stat(tmp_path / "fresh.sqlite3").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(app.config["UPLOAD_FOLDER"]).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(app.instance_path).st_mode) == 0o700
    stored, _user = _stored(app, make_user, b"%PDF-1.7", "application/pdf")
    path = os.path.join(app.config["UPLOAD_FOLDER"], stored.path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
