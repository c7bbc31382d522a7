"""Evidence files: the file input, stored-file links and upload checks."""
from __future__ import annotations

from service.forms import check_upload, file_refs, render_form, schema_at

from .browser import file_inputs
from .helpers import load, round_trip

REF = {"id": "abc", "name": "整改报告.pdf", "size": 2048, "type": "application/pdf"}


def test_file_input_accept_size_and_stored_links():
    schema, _ = load("talk_record")
    html = render_form(schema, {"attachments": [REF]}, file_url="/files/{id}")
    assert file_inputs(html) == ["attachments"]
    assert 'accept=".pdf,.jpg,.png,image/*"' in html and 'data-max-bytes="10485760"' in html
    assert "multiple" in html and "可上传 PDF、JPG、PNG、image/*，单个文件不超过 10 MB" in html
    english = render_form(schema, {}, locale="en")
    assert "Accepted: PDF, JPG, PNG, image/*. Each file at most 10 MB" in english
    assert '<a href="/files/abc" target="_blank" rel="noopener">整改报告.pdf</a>' in html
    assert 'value="remove:/attachments/0"' in html


def test_single_file_field_uses_clear_and_content_media_type():
    schema, _ = load("problem_rectification")
    html = render_form(schema, {"evidence": REF})
    assert 'accept="application/pdf"' in html and 'value="clear:/evidence"' in html
    data = {"source": "自查", "description": "x", "disposition": "责令整改", "deadline": "2022-09-30", "evidence": REF}
    assert round_trip(schema, data) == data


def test_check_upload():
    schema, _ = load("talk_record")
    node = schema_at(schema, {}, "/attachments")
    assert check_upload(node, "a.pdf", "application/pdf", 1000) is None
    assert check_upload(node, "photo.heic", "image/heic", 1000) is None          # image/*
    assert check_upload(node, "a.exe", "application/octet-stream", 1000) == "不支持此文件类型：a.exe"
    assert check_upload(node, "a.pdf", "application/pdf", 20 * 1024 * 1024) == "文件过大（20 MB），上限为 10 MB"
    assert check_upload(node, "a.pdf", "application/pdf", 0) == "文件为空"
    assert "too large" in check_upload(node, "a.pdf", "application/pdf", 10 ** 9, locale="en")
    assert check_upload({}, "any.bin", "", 5) is None


def test_schema_at_follows_conditions():
    schema, _ = load("talk_record")
    assert schema_at(schema, {"talk_type": "日常"}, "/rectify_deadline") is None
    assert schema_at(schema, {"talk_type": "诫勉"}, "/rectify_deadline")["format"] == "date"
    assert schema_at(schema, {}, "/person/name")["title"] == "姓名"


def test_file_refs_lists_stored_files_for_ownership_checks():
    schema, _ = load("talk_record")
    assert file_refs(schema, {"attachments": [REF, REF]}) == [("/attachments/0", REF), ("/attachments/1", REF)]
    schema, _ = load("problem_rectification")
    assert file_refs(schema, {"evidence": REF}) == [("/evidence", REF)]


def test_file_links_quote_the_reference():
    schema, _ = load("talk_record")
    evil = {"id": "../../etc/passwd?x=\"<b>", "name": "<b>x</b>"}
    html = render_form(schema, {"attachments": [evil]}, file_url="/files/{id}")
    assert 'href="/files/..%2F..%2Fetc%2Fpasswd%3Fx%3D%22%3Cb%3E"' in html
    assert "<b>x</b>" not in html


def test_a_file_field_with_a_wrong_stored_value_keeps_it():
    schema, _ = load("problem_rectification")
    data = {"source": "自查", "description": "x", "disposition": "工作建议", "deadline": "2022-09-30",
            "evidence": "旧系统中的文件名.pdf"}
    html = render_form(schema, data)
    assert "dl-fallback" in html
    assert round_trip(schema, data) == data
