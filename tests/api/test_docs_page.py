"""The API reference page: pinned Swagger UI served by the app, working under a strict CSP."""
import hashlib
from pathlib import Path

import pytest

from service.auth import tokens  # noqa: F401

STATIC = Path(__file__).resolve().parents[2] / "service" / "web" / "static"
SWAGGER_UI_SHA256 = {  # swagger-ui-dist 5.35.0 from the npm registry, unchanged
    "swagger-ui-bundle.js": "e6a898692f2d768e807c3ba4626068a69a2c5dd960dd6c76f3e4d3a3de180af2",
    "swagger-ui.css": "5ed08757e53da3e026d6cbecc61fe5d43585c9560b302d534ad56692519a273d",
}


def test_swagger_ui_is_the_pinned_copy_with_its_licence():
    folder = STATIC / "vendor" / "swagger-ui"
    for name, digest in SWAGGER_UI_SHA256.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert "SmartBear" in (folder / "NOTICE").read_text()


def test_the_docs_page_has_no_inline_script_and_a_strict_csp(client):
    response = client.get("/api/v1/docs")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "<script>" not in page and " on" not in page.split("<body", 1)[1].split(">", 1)[0]
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page and "//unpkg" not in page and "cdn" not in page


@pytest.mark.browser
def test_the_docs_page_shows_every_group_under_its_csp(page, people, screenshot_dir):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused" in message.text else None)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-tag", timeout=20_000)
    tags = page.locator(".opblock-tag").all_inner_texts()
    for group in ("units", "versions", "plans", "records", "files"):
        assert any(group in tag for tag in tags), tags
    assert page.locator(".opblock").count() >= 15
    page.screenshot(path=str(screenshot_dir / "api-docs.png"), full_page=False)
    assert not violations, violations


@pytest.mark.browser
def test_a_clerk_makes_a_token_on_the_account_page(page, people, login, screenshot_dir):
    login(page, "clerk")
    page.goto("/password")
    page.get_by_label("名称").fill("本单位OA")
    page.get_by_label("权限").select_option("write")
    page.get_by_role("button", name="创建令牌").click()
    secret = page.get_by_test_id("new-token").inner_text()
    assert secret.startswith("dlt_")
    page.screenshot(path=str(screenshot_dir / "account-tokens.png"), full_page=True)
    page.get_by_role("button", name="撤销").click()
    assert page.get_by_text("已撤销").first.is_visible()
