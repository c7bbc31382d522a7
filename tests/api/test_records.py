"""Records and files through the API are the records and files of the pages:
same validator, same form version, same checks, same audit, same record page."""
from __future__ import annotations

import io
import re

from service.audit import AuditEntry
from service.perform.models import Draft, Record, StoredFile
from tests.api.conftest import TALK

UI_FIELDS = {"date": "2022-05-10", "talk_type": "日常", "initiator_role": "主要负责人", "target_name": "班子成员甲",
             "target_roles": "班子成员", "reason": "岗位变动", "content/problems": "指出推进不够有力",
             "content/requirements": "按期整改", "response": "诚恳接受"}


def _record_page(client, record_id: int) -> str:
    """The record page without what differs between two records by nature: id and time."""
    html = client.get(f"/perform/records/{record_id}").get_data(as_text=True)
    html = html.replace(f"#{record_id}", "#N").replace(f"/records/{record_id}", "/records/N")
    html = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "TIME", html)  # submitted at, revisions' times
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'<meta name="csrf-token" content="[^"]*">', "", html)


def test_a_record_posted_through_the_api_appears_in_the_ui_exactly_as_if_filled_there(client, api, people):
    assert client.login("clerk").status_code == 302
    filled = client.post("/perform/fill/talk", UI_FIELDS)
    assert filled.status_code == 302
    client.get(filled.headers["Location"])  # the page shows the "submitted" note once; take it
    by_page = Record.select().order_by(Record.id.desc()).get()

    response = api("clerk").post("/api/v1/records", json={"form_id": "talk", "data": TALK})
    assert response.status_code == 201, response.get_data(as_text=True)
    by_api = Record.get_by_id(response.get_json()["id"])
    assert response.headers["Location"] == f"/api/v1/records/{by_api.id}" and response.headers["ETag"]

    for field in ("unit_id", "pack_version_id", "form_id", "plan_item_id", "record_date", "data", "created_by_id"):
        assert getattr(by_api, field) == getattr(by_page, field), field
    assert _record_page(client, by_api.id) == _record_page(client, by_page.id)
    entry = AuditEntry.select().where((AuditEntry.object_type == "record")
                                      & (AuditEntry.object_id == str(by_api.id))).get()
    assert entry.action == "create" and entry.actor_id == people["clerk"].id


def test_the_api_validates_with_the_forms_validator_at_pointers_into_data(api):
    response = api("clerk").post("/api/v1/records", json={"form_id": "talk", "data": dict(TALK, date="2022-13-45",
                                                                                         target_roles="班子成员")})
    body = response.get_json()
    assert response.status_code == 422
    pointers = {e["pointer"] for e in body["errors"]}
    assert {"/data/date", "/data/target_roles"} <= pointers
    english = api("clerk", language="en").post("/api/v1/records", json={"form_id": "talk", "data": {}}).get_json()
    assert any(e["pointer"] == "/data/talk_type" and "required" in e["message"].lower() for e in english["errors"])
    assert Record.select().count() == 0


def test_a_record_for_a_plan_item_uses_that_plans_version(api, plans_published):
    item = next(i for i in plans_published["street"].ordered_items() if i.form == "talk")
    response = api("clerk").post("/api/v1/records", json={"form_id": "talk", "plan_item_id": item.id, "data": TALK})
    assert response.status_code == 201
    record = Record.get_by_id(response.get_json()["id"])
    assert record.plan_item_id == item.id and record.pack_version_id == plans_published["street"].pack_version_id
    plan = api("clerk").get(f"/api/v1/plans/{plans_published['street'].id}").get_json()
    assert next(i for i in plan["items"] if i["id"] == item.id)["record_count"] == 1


def test_staff_cannot_make_records_and_units_cannot_name_unknown_forms(api):
    assert api("admin").post("/api/v1/records", json={"form_id": "talk", "data": TALK}).status_code == 403
    response = api("clerk").post("/api/v1/records", json={"form_id": "nope", "data": TALK})
    assert response.status_code == 422 and response.get_json()["errors"][0]["pointer"] == "/form_id"


def test_posting_a_record_consumes_the_users_draft_like_the_page(client, api, people):
    assert client.login("clerk").status_code == 302
    client.post("/perform/fill/talk/refresh", dict(UI_FIELDS, place="会议室"), htmx=True)
    assert Draft.select().count() == 1
    assert api("clerk").post("/api/v1/records", json={"form_id": "talk", "data": TALK}).status_code == 201
    assert Draft.select().count() == 0


def test_an_uploaded_file_is_checked_like_the_page_and_attached_by_reference(api):
    clerk = api("clerk")
    refused = clerk.post("/api/v1/files", data={"form_id": "talk", "field": "/attachments",
                                                "file": (io.BytesIO(b"MZ..."), "tool.exe", "application/x-msdownload")})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["pointer"] == "/file"
    assert "tool.exe" in refused.get_json()["errors"][0]["message"]
    not_a_file_field = clerk.post("/api/v1/files", data={"form_id": "talk", "field": "/reason",
                                                         "file": (io.BytesIO(b"%PDF"), "a.pdf", "application/pdf")})
    assert not_a_file_field.status_code == 422
    assert StoredFile.select().count() == 0

    uploaded = clerk.post("/api/v1/files", data={"form_id": "talk", "field": "/attachments",
                                                 "file": (io.BytesIO(b"%PDF-1.4 minutes"), "谈话记录.pdf",
                                                          "application/pdf")})
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    reference = uploaded.get_json()["reference"]
    assert reference["name"] == "谈话记录.pdf" and reference["size"] == 16
    record = clerk.post("/api/v1/records", json={"form_id": "talk", "data": dict(TALK, attachments=[reference])})
    assert record.status_code == 201 and record.get_json()["data"]["attachments"] == [reference]
    content = clerk.get(f"/api/v1/files/{reference['id']}/content")
    assert content.data == b"%PDF-1.4 minutes" and content.headers["Content-Type"] == "application/octet-stream"
    assert clerk.get(f"/api/v1/files/{reference['id']}/content",
                     headers={"If-None-Match": content.headers["ETag"]}).status_code == 304


def test_record_filters(api, plans_published):
    clerk = api("clerk")
    for date in ("2022-01-05", "2022-06-05"):
        assert clerk.post("/api/v1/records", json={"form_id": "talk", "data": dict(TALK, date=date)}).status_code == 201
    assert api("inspector").get("/api/v1/records?date_from=2022-06-01").get_json()["total"] == 1
    assert clerk.get("/api/v1/records?date_to=2022-06-01&form=talk").get_json()["total"] == 1
    assert clerk.get("/api/v1/records?form=meeting").get_json()["total"] == 0
    bad = clerk.get("/api/v1/records?date_from=2022-13-01")
    assert bad.status_code == 422 and bad.get_json()["errors"][0] == {
        "pointer": "/date_from", "in": "query", "message": "须为 ISO 8601 日期（YYYY-MM-DD）。"}


def test_api_uploads_count_against_the_quota_and_records_keep_their_files(api, app):
    """Issue 8 W7 through the API: the same quota as the pages; a file a record names is kept."""
    clerk = api("clerk")
    app.config["UPLOAD_QUOTA_BYTES"] = 30

    def upload(size):
        return clerk.post("/api/v1/files", data={"form_id": "talk", "field": "/attachments",
                                                 "file": (io.BytesIO(b"%PDF-1.4" + b"x" * (size - 8)), "a.pdf",
                                                          "application/pdf")})
    first = upload(20)
    assert first.status_code == 201
    refused = upload(20)
    assert refused.status_code == 422 and "已用 20 B，上限 30 B" in refused.get_json()["errors"][0]["message"]
    assert StoredFile.select().count() == 1
    reference = first.get_json()["reference"]
    assert not StoredFile.get_by_id(reference["id"]).kept
    assert clerk.post("/api/v1/records", json={"form_id": "talk", "data": dict(TALK, attachments=[reference])}
                      ).status_code == 201
    assert StoredFile.get_by_id(reference["id"]).kept


def _talk(api, **extra):
    response = api.post("/api/v1/records", json={"form_id": "talk", "data": dict(TALK, **extra)})
    assert response.status_code == 201, response.get_json()
    return response


def test_a_record_is_changed_with_if_match_and_a_reason_and_keeps_its_revisions(api, plans_published):
    clerk = api("clerk")
    created = _talk(clerk)
    record = created.get_json()
    assert record["revision"] == 1 and record["plan_item_ids"] and record["deleted_at"] is None
    url = f"/api/v1/records/{record['id']}"
    change = {"data": dict(TALK, target_roles=["年轻干部"]), "reason": "谈话对象身份填错"}
    assert clerk.open("PUT", url, json=change).status_code == 428
    assert clerk.open("PUT", url, json=change, headers={"If-Match": '"stale"'}).status_code == 412
    etag = clerk.get(url).headers["ETag"]
    missing_reason = clerk.open("PUT", url, json={"data": change["data"]}, headers={"If-Match": etag})
    assert missing_reason.status_code == 422
    assert [e["pointer"] for e in missing_reason.get_json()["errors"]] == ["/reason"]
    future = clerk.open("PUT", url, json={"data": dict(TALK, date="2031-01-01"), "reason": "x"}, headers={"If-Match": etag})
    assert future.status_code == 422
    assert future.get_json()["errors"][0]["pointer"] == "/data/date"
    assert "不能晚于今天" in future.get_json()["errors"][0]["message"]
    changed = clerk.open("PUT", url, json=change, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["revision"] == 2 and changed.get_json()["data"]["target_roles"] == ["年轻干部"]
    assert clerk.open("PUT", url, json=change, headers={"If-Match": etag}).status_code == 412  # the old ETag
    revisions = clerk.get(url + "/revisions").get_json()["items"]
    assert [(r["number"], r["reason"]) for r in revisions] == [(1, ""), (2, "谈话对象身份填错")]
    assert revisions[0]["data"]["target_roles"] == ["班子成员"]
    only_items = clerk.open("PUT", url, json={"plan_item_ids": [], "reason": "不计入"},
                            headers={"If-Match": changed.headers["ETag"]})
    assert only_items.status_code == 200 and only_items.get_json()["plan_item_ids"] == []
    bad_items = clerk.open("PUT", url, json={"plan_item_ids": [999999], "reason": "x"},
                           headers={"If-Match": only_items.headers["ETag"]})
    assert bad_items.status_code == 422 and bad_items.get_json()["errors"][0]["pointer"] == "/plan_item_ids"


def test_a_deleted_record_is_kept_for_inspectors_and_hidden_from_the_units_list(api, plans_published):
    clerk = api("clerk")
    record = _talk(clerk).get_json()
    url = f"/api/v1/records/{record['id']}"
    etag = clerk.get(url).headers["ETag"]
    assert clerk.open("DELETE", url, json={"reason": ""}, headers={"If-Match": etag}).status_code == 422
    assert api("inspector").open("DELETE", url, json={"reason": "x"}, headers={"If-Match": etag}).status_code == 403
    deleted = clerk.open("DELETE", url, json={"reason": "重复录入"}, headers={"If-Match": etag})
    assert deleted.status_code == 200 and deleted.get_json()["deleted_reason"] == "重复录入"
    assert deleted.get_json()["deleted_at"]
    assert clerk.get("/api/v1/records").get_json()["total"] == 0
    staff = api("inspector", "read").get("/api/v1/records").get_json()["items"]
    assert [(r["id"], r["deleted_reason"]) for r in staff] == [(record["id"], "重复录入")]
    again = clerk.open("PUT", url, json={"reason": "x"}, headers={"If-Match": clerk.get(url).headers["ETag"]})
    assert again.status_code == 409


def test_the_clerk_may_choose_the_items_when_posting(api, plans_published):
    items = [i for i in plans_published["street"].ordered_items() if i.item_id == "fr-talk-young"]
    record = api("clerk").post("/api/v1/records", json={"form_id": "talk", "data": TALK,
                                                         "plan_item_ids": [items[0].id]}).get_json()
    assert record["plan_item_ids"] == [items[0].id]
    listed = api("clerk").get("/api/v1/records", query_string={"item": items[0].id}).get_json()
    assert [r["id"] for r in listed["items"]] == [record["id"]]
