"""The conventions every endpoint follows: the generated OpenAPI 3.1 document,
problem documents in Chinese or English, the list envelope with Link headers,
ETag / If-Match, hostile JSON answered with 4xx."""
import inspect
import json

import marshmallow as ma
import pytest
from openapi_spec_validator import validate

from service.api import base, messages
from service.web.problems import CONTENT_TYPE


def test_the_document_is_openapi_3_1_and_valid(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1.")
    validate(document)
    assert {"/api/v1/units", "/api/v1/records", "/api/v1/files/{file_id}/content"} <= set(document["paths"])


def test_every_operation_documents_its_errors_as_problem_documents(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= codes, (method, path)
            assert "default" not in codes  # every status is named, none hides behind "default"
    problem = document["components"]["responses"]["NOT_FOUND"]["content"]
    assert list(problem) == [CONTENT_TYPE]


def test_problems_speak_chinese_by_default_and_english_when_asked(api):
    for language, expected in ((None, "须在 1 到 200 之间。"), ("en-US,en;q=0.9", "Must be between 1 and 200.")):
        response = api("clerk", language=language).get("/api/v1/units?per_page=201")
        body = response.get_json()
        assert response.status_code == 422 and response.content_type == CONTENT_TYPE
        assert body["errors"] == [{"pointer": "/per_page", "in": "query", "message": expected}]
        assert set(body) == {"type", "title", "status", "detail", "errors"}
    english = api("clerk", language="en").get("/api/v1/records/999").get_json()
    assert english["title"] == "Not found" and english["detail"] == "No such record"


def test_every_marshmallow_message_our_schemas_can_give_is_translated():
    fields_used = set()
    validators_used = set()
    for module_name in ("units", "packs", "plans", "records", "files"):
        module = __import__(f"service.api.{module_name}", fromlist=["x"])
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, ma.Schema):
                for field in cls._declared_fields.values():
                    stack = [field]
                    while stack:
                        current = stack.pop()
                        fields_used.add(type(current))
                        validators_used.update(type(v) for v in current.validators)
                        stack.extend(getattr(current, "inner", None) and [current.inner] or [])
    # "format" messages are raised when dumping, never for input.
    templates = {message for cls in fields_used for klass in cls.__mro__
                 for key, message in getattr(klass, "default_error_messages", {}).items() if key != "format"}
    templates |= {"Unknown field.", "Invalid input type."}
    for validator in validators_used:
        if validator is ma.validate.Range:
            templates |= {"Must be greater than or equal to {min} and less than or equal to {max}.",
                          "Must be greater than or equal to {min}.", "Must be less than or equal to {max}."}
        elif validator is ma.validate.Length:
            templates |= {"Length must be between {min} and {max}.", "Longer than maximum length {max}.",
                          "Shorter than minimum length {min}."}
        elif validator is ma.validate.OneOf:
            templates.add("Must be one of: {choices}.")
    missing = sorted(t for t in templates if t not in messages.TEMPLATES)
    assert not missing


def test_lists_answer_the_envelope_with_link_headers(api):
    admin = api("admin")
    response = admin.get("/api/v1/units?per_page=1&page=2&type=区直单位")
    body = response.get_json()
    assert set(body) == {"items", "total", "page", "per_page"} and body["page"] == 2 and body["per_page"] == 1
    assert body["total"] == 2 and len(body["items"]) == 1
    links = response.headers["Link"]
    assert 'rel="first"' in links and 'rel="prev"' in links and 'rel="last"' in links and 'rel="next"' not in links
    assert "type=%E5%8C%BA%E7%9B%B4%E5%8D%95%E4%BD%8D" in links  # the filter is kept
    assert response.headers["X-Total-Count"] == "2"
    assert admin.get("/api/v1/units?per_page=0").status_code == 422


def test_etag_on_reads_and_if_match_on_updates(api, units):
    admin = api("admin")
    url = f"/api/v1/units/{units['street'].id}"
    read = admin.get(url)
    etag = read.headers["ETag"]
    assert admin.get(url, headers={"If-None-Match": etag}).status_code == 304
    missing = admin.patch(url, json={"leader_name": "甲"})
    assert missing.status_code == 428 and missing.get_json()["type"] == "urn:dutyloop:problem:precondition_required"
    first = admin.patch(url, json={"leader_name": "甲"}, headers={"If-Match": etag})
    assert first.status_code == 200 and first.get_json()["leader_name"] == "甲"
    assert first.headers["ETag"] != etag
    # A second client still holding the old ETag cannot overwrite the change silently.
    stale = admin.patch(url, json={"leader_name": "乙"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.get_json()["type"] == "urn:dutyloop:problem:precondition_failed"
    assert admin.get(url).get_json()["leader_name"] == "甲"


def test_unit_updates_are_checked_like_the_unit_form(api, units):
    admin = api("admin")
    url = f"/api/v1/units/{units['street'].id}"
    etag = admin.get(url).headers["ETag"]
    response = admin.patch(url, json={"code": "Q10", "parent_id": units["street"].id}, headers={"If-Match": etag})
    errors = {e["pointer"]: e["message"] for e in response.get_json()["errors"]}
    assert response.status_code == 422
    assert errors == {"/code": "编号已被「区民政局」使用", "/parent_id": "不能选择本单位或其下级单位作为上级单位"}


@pytest.mark.parametrize("body", [
    b"{", b"[" * 5000 + b"]" * 5000, b'{"code": NaN}', b'{"n": ' + b"1" * 5000 + b"}", b"\xff\xfe",
    json.dumps({"code": "A" * 41, "name": "x", "type": "镇"}).encode(),
    json.dumps({"code": "N9", "name": "x", "type": "镇", "extra": 1}).encode(),
    json.dumps({"code": "N9", "name": "x", "type": "镇", "subordinate_units": "3"}).encode(),
    json.dumps({"code": "N9", "name": "x", "type": "镇", "law_enforcement": "yes"}).encode(),
    json.dumps({"code": "N9", "name": "x", "type": "镇", "tags": [["a"]]}).encode(),
    json.dumps([{"code": "N9"}]).encode(),
])
def test_hostile_bodies_get_4xx_problem_documents(api, body):
    response = api("admin").post("/api/v1/units", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500 and response.content_type == CONTENT_TYPE, response.data[:300]


def test_nul_characters_are_dropped_from_json_text(api):
    response = api("admin").post("/api/v1/units", json={"code": "N\x005", "name": "甲\x00乙", "type": "镇"})
    assert response.status_code == 201 and response.get_json()["name"] == "甲乙"


def test_a_json_body_over_the_limit_is_refused(api):
    body = json.dumps({"code": "N6", "name": "x" * (base.MAX_JSON_BYTES + 1), "type": "镇"})
    assert api("admin").post("/api/v1/units", data=body, content_type="application/json").status_code == 413


def test_unknown_api_paths_and_methods_are_problems(api):
    admin = api("admin")
    assert admin.get("/api/v1/nothing").content_type == CONTENT_TYPE
    response = admin.open("DELETE", "/api/v1/units")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.content_type == CONTENT_TYPE
