"""Real Chromium: a clerk whose unit is over its storage quota sees why the file was not saved."""
import pytest

from service.perform.models import StoredFile

pytestmark = pytest.mark.browser


def test_an_upload_past_the_quota_is_refused_beside_the_field(page, login, make_user, units, unit_plan, app,
                                                             screenshot_dir):
    app.config["UPLOAD_QUOTA_BYTES"] = 2048
    make_user("clerk", "unit", unit=units["street"])
    login(page, "clerk")
    page.goto("/perform/fill/talk")
    page.set_input_files('input[type="file"][name="attachments"]', files=[
        {"name": "谈话记录扫描件.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 " + b"x" * 4000}])
    message = page.get_by_text("本单位的附件存储空间已满")
    message.wait_for()
    assert "已用 0 B，上限 2.0 KB" in message.inner_text()
    message.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "upload-quota-refused.png"))
    assert StoredFile.select().count() == 0
