"""The web shell: page vs fragment, errors, language, health, static files."""
import hashlib
from pathlib import Path

import pytest

from service.web.errors import AppError

STATIC = Path(__file__).resolve().parent.parent / "service" / "web" / "static"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"  # htmx.org 2.0.11
IDIOMORPH_SHA256 = "5811b9a7eda14878b7dab4378bf60432e1bb6f11fcfb970cc26540642650181e"  # idiomorph 0.8.0 (htmx ext)


def test_full_page_vs_fragment(admin_client):
    page = admin_client.get("/units/")
    fragment = admin_client.get("/units/", headers={"HX-Request": "true"})
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "共 0 个单位" in body
    for response in (page, fragment):
        assert "HX-Request" in response.headers["Vary"]


def test_boosted_requests_get_the_whole_page(admin_client):
    response = admin_client.get("/units/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_404_is_a_chinese_page(admin_client):
    response = admin_client.get("/no/such/page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_404_for_htmx_is_a_fragment(admin_client):
    response = admin_client.get("/no/such/page", headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 404 and "<html" not in text and "页面不存在" in text


def test_api_paths_get_problem_documents(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404 and response.content_type == "application/problem+json"
    assert response.get_json()["type"] == "urn:dutyloop:problem:not_found"


@pytest.fixture
def failing_app(app):
    @app.get("/boom")
    def boom():
        raise ZeroDivisionError("bug")

    @app.get("/api/boom")
    def api_boom():
        raise ZeroDivisionError("bug")

    @app.get("/invalid")
    def invalid():
        raise AppError("日期格式应为 年-月-日", status=422, details=["开始日期"])
    return app


def test_unexpected_error_is_a_chinese_500_page(failing_app, admin_client, caplog):
    client = admin_client.raw  # /api/ paths need a session or a token
    response = client.get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "系统错误" in text and "ZeroDivisionError" not in text
    problem = client.get("/api/boom")
    assert problem.content_type == "application/problem+json" and problem.get_json()["status"] == 500
    assert "ZeroDivisionError" not in problem.get_data(as_text=True)


def test_422_page_lists_details(failing_app):
    response = failing_app.test_client().get("/invalid")
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "日期格式应为 年-月-日" in text and "开始日期" in text


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user("admin", "admin")
    response = client.post("/login", {"username": "admin", "password": "correct-horse-9"}, csrf=False)
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_htmx_post_without_csrf_header_is_refused_and_with_it_accepted(admin_client, make_user):
    user = make_user("insp", "inspector")
    refused = admin_client.post(f"/admin/users/{user.id}/status", htmx=True, csrf=False)
    assert refused.status_code == 400
    accepted = admin_client.post(f"/admin/users/{user.id}/status", htmx=True)
    assert accepted.status_code == 302


def test_every_page_carries_the_csrf_header_for_htmx(admin_client):
    text = admin_client.get("/dashboard").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in text


def test_language_switch_to_english(admin_client):
    admin_client.post("/language/en", {"next": "/dashboard"})
    text = admin_client.get("/dashboard").get_data(as_text=True)
    assert "Dashboard" in text and 'lang="en"' in text
    admin_client.post("/language/zh_CN")
    assert "工作台" in admin_client.get("/dashboard").get_data(as_text=True)


def test_the_language_chosen_on_the_login_page_survives_logging_in(client, make_user):
    make_user("admin", "admin")
    client.post("/language/en", {"next": "/login"})
    assert "Log in" in client.get("/login").get_data(as_text=True)
    client.login("admin")
    text = client.get("/dashboard").get_data(as_text=True)
    assert "Dashboard" in text and 'lang="en"' in text


def test_chinese_is_the_default_language(client):
    text = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in text and "用户名" in text


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"


def test_healthz_503_when_database_is_unreachable(app, monkeypatch):
    from service.db import database

    def refuse(*args, **kwargs):
        raise OSError("connection refused")
    monkeypatch.setattr(database.obj, "execute_sql", refuse)
    monkeypatch.setattr(database.obj, "connect", refuse)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "unavailable"


def test_front_end_files_are_pinned_and_served_locally_with_their_licences(client):
    assert hashlib.sha256((STATIC / "vendor/htmx/htmx.min.js").read_bytes()).hexdigest() == HTMX_SHA256
    assert "Zero-Clause BSD" in (STATIC / "vendor/htmx/LICENSE").read_text()
    assert hashlib.sha256((STATIC / "vendor/idiomorph/idiomorph-ext.min.js").read_bytes()).hexdigest() == IDIOMORPH_SHA256
    assert "Zero-Clause BSD" in (STATIC / "vendor/idiomorph/LICENSE").read_text()
    response = client.get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200 and response.data.startswith(b"var htmx")
    page = client.get("/login").get_data(as_text=True)
    assert "/static/vendor/htmx/htmx.min.js" in page and "//unpkg" not in page and "cdn" not in page.lower()


@pytest.mark.parametrize("path", ["/units/99999999999999999999999", "/define/plans/99999999999999999999999",
                                  "/admin/audit/99999999999999999999", "/define/packs/99999999999999999999"])
def test_ids_too_large_for_the_database_are_404_not_500(admin_client, path):
    assert admin_client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/perform/?unit=99999999999999999999999", "/admin/audit/?page=99999999999999999999999",
                                  "/admin/audit/?since=2022-99-99&until=x", "/define/?year=99999999999999999999"])
def test_out_of_range_query_values_do_not_break_lists(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_xlsx_export_survives_sheet_names_and_text_excel_refuses(app):
    """A unit called 区城建/交通局 and text pasted from Word (a vertical tab)
    once made openpyxl raise, turning the download into a 500."""
    import io

    from openpyxl import load_workbook

    from service.web.export import export
    with app.test_request_context("/x?export=xlsx"):
        response = export("xlsx", "区城建/交通局[2022]:年度任务清单?*", ["事项\x0b"],
                          [["第一行\x0b第二行\x00", "=1+1"]])
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "区城建_交通局_2022__年度任务清单__"[:31]
    assert sheet["A1"].value == "事项"
    assert [c.value for c in sheet[2]][:2] == ["第一行第二行", "'=1+1"]


HIDDEN_FORMULAS = ["=1+1", "\t=1+1", "\r=1+1", " =1+1", "\x01=HYPERLINK(\"http://x\")", "＝1+1", "＋1", "－1", "＠SUM(A1)",
                   "\u3000=1+1", "+1", "-1", "@SUM(A1)", "\t普通文字", "\r普通文字"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_neutralise_formulas_behind_tabs_returns_and_full_width_signs(app, fmt):
    """Issue 8: the formula guard looked at the first character only, so a tab, a carriage
    return, a control character or a full-width ＝ in pack or unit text got through."""
    import csv
    import io

    from openpyxl import load_workbook

    from service.web.export import export
    with app.test_request_context(f"/x?export={fmt}"):
        response = export(fmt, "清单", ["=表头", "普通"], [[text, "普通文字"] for text in HIDDEN_FORMULAS])
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
        cells = [row[0] for row in rows]
    else:
        sheet = load_workbook(io.BytesIO(response.data)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        cells = [row[0].value for row in sheet.iter_rows()]
    assert cells[0] == "'=表头"
    for text, cell in zip(HIDDEN_FORMULAS, cells[1:]):
        assert cell.startswith("'"), (text, cell)
    assert (rows if fmt == "csv" else [[c.value for c in r] for r in sheet.iter_rows()])[1][1] == "普通文字"
