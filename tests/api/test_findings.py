"""/api/v1/findings: the register's filters, a finding with its timeline, creating,
uploading evidence and every move, refused exactly like the pages."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from service import audit
from service.accountability import register, states
from service.accountability.models import Finding


@pytest.fixture
def finding(people, units):
    """A confirmed finding of the street (the clerk's unit)."""
    inspector = people["inspector"]
    with audit.acting_as(inspector.id, inspector.username):
        made = register.create({"unit": units["street"], "title": "征地补偿款公示不及时", "channel": "petition",
                                "found_on": dt.date(2023, 1, 5), "due_on": dt.date(2023, 2, 5)}, inspector)
        states.move(made, "confirm", inspector)
    return made


def _etag(client, finding_id):
    response = client.get(f"/api/v1/findings/{finding_id}")
    assert response.status_code == 200
    return response.headers["ETag"]


def _move(client, finding_id, move, body=None, etag=None):
    return client.post(f"/api/v1/findings/{finding_id}/moves/{move}", json=body or {},
                       headers={"If-Match": etag or _etag(client, finding_id)})


def test_staff_create_a_draft_and_bad_input_points_at_the_field(api, units):
    staff = api("inspector")
    response = staff.post("/api/v1/findings", json={"unit_id": units["bureau"].id, "title": "执法记录仪使用不规范",
                                                     "channel": "daily", "found_on": "2023-03-01",
                                                     "category_id": "no-such-category"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"pointer": "/category_id", "message": "规则包中没有该类别。"}]
    response = staff.post("/api/v1/findings", json={"unit_id": units["bureau"].id, "title": "执法记录仪使用不规范",
                                                     "channel": "daily", "found_on": "2023-03-01",
                                                     "due_on": "2023-02-01"})
    assert response.status_code == 422 and response.get_json()["errors"][0]["pointer"] == "/due_on"
    response = staff.post("/api/v1/findings", json={"unit_id": units["bureau"].id, "title": "执法记录仪使用不规范",
                                                     "channel": "daily", "found_on": "2023-03-01", "severity": "major"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "draft" and body["source_kind"] == "external" and body["moves"] == ["confirm", "dismiss"]
    assert response.headers["Location"].endswith(f"/api/v1/findings/{body['id']}")
    assert api("clerk").post("/api/v1/findings", json={"unit_id": units["street"].id, "title": "x", "channel": "daily",
                                                       "found_on": "2023-03-01"}).status_code == 403


def test_the_loop_through_the_api_and_its_refusals(api, finding, people):
    clerk, inspector = api("clerk"), api("inspector")
    fid = finding.id
    assert clerk.get(f"/api/v1/findings/{fid}").get_json()["moves"] == ["submit_plan"]
    # If-Match is needed, and must be fresh
    assert clerk.post(f"/api/v1/findings/{fid}/moves/submit_plan", json={}).status_code == 428
    assert clerk.post(f"/api/v1/findings/{fid}/moves/submit_plan", json={"measures": "m", "due_on": "2023-03-01"},
                      headers={"If-Match": '"stale"'}).status_code == 412
    refused = _move(clerk, fid, "close")
    assert refused.status_code == 409 and refused.get_json()["detail"] == "当前状态下不能进行此操作。"
    refused = _move(clerk, fid, "submit_plan", {"measures": "逐户公示"})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["pointer"] == "/due_on"
    assert _move(clerk, fid, "submit_plan", {"measures": "逐户公示", "due_on": "2023-03-01"}).status_code == 200
    refused = _move(clerk, fid, "file_evidence", {"evidence_text": "已公示"})
    assert refused.status_code == 422 and refused.get_json()["errors"] == [
        {"pointer": "/files", "message": "请上传至少一份整改材料。"}]
    upload = clerk.post(f"/api/v1/findings/{fid}/files", data={"file": (io.BytesIO(b"%PDF-1.4 list"), "公示清单.pdf")})
    assert upload.status_code == 201
    file_id = upload.get_json()["id"]
    bad = _move(clerk, fid, "file_evidence", {"evidence_text": "已公示", "files": ["0" * 36]})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["pointer"] == "/files/0"
    done = _move(clerk, fid, "file_evidence", {"evidence_text": "已公示", "files": [file_id]})
    assert done.status_code == 200 and done.get_json()["status"] == "verifying"
    assert done.get_json()["evidence"][0]["name"] == "公示清单.pdf"
    refused = _move(clerk, fid, "close")
    assert refused.status_code == 409 and "不能对该问题" in refused.get_json()["detail"]
    # the inspector returns it, files evidence himself, and may not close it
    assert _move(inspector, fid, "return_evidence", {}).status_code == 422
    assert _move(inspector, fid, "return_evidence", {"reason": "缺少签收单"}).status_code == 200
    upload = inspector.post(f"/api/v1/findings/{fid}/files", data={"file": (io.BytesIO(b"%PDF-1.4 sign"), "签收单.pdf")})
    assert _move(inspector, fid, "file_evidence", {"evidence_text": "补充签收单",
                                                   "files": [upload.get_json()["id"]]}).status_code == 200
    refused = _move(inspector, fid, "close")
    assert refused.status_code == 409 and "提交整改材料的人不能核验销号" in refused.get_json()["detail"]
    closed = _move(api("admin"), fid, "close")
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    # the move's answer carries the ETag for the next move (staff all see the same finding)
    reopen = inspector.post(f"/api/v1/findings/{fid}/moves/reopen", json={"reason": "回访反弹"},
                            headers={"If-Match": closed.headers["ETag"]})
    assert reopen.status_code == 200 and reopen.get_json()["status"] == "rectifying"
    detail = inspector.get(f"/api/v1/findings/{fid}").get_json()
    assert [e["move"] for e in detail["timeline"] if e["kind"] == "move"] == [
        "confirm", "submit_plan", "file_evidence", "return_evidence", "file_evidence", "close", "reopen"]
    assert api("clerk", "read").post(f"/api/v1/findings/{fid}/moves/reopen", json={"reason": "x"}).status_code == 403


def test_unknown_moves_are_404_and_a_closed_finding_is_not_edited_through_moves(api, finding):
    clerk = api("clerk")
    assert clerk.post(f"/api/v1/findings/{finding.id}/moves/teleport", json={},
                      headers={"If-Match": "*"}).status_code == 404


def test_the_list_filters_and_the_unit_boundary(api, finding, people, units):
    inspector = people["inspector"]
    with audit.acting_as(inspector.id, inspector.username):
        other = register.create({"unit": units["bureau"], "title": "执法局的问题", "channel": "inspection_tour",
                                 "found_on": dt.date(2023, 5, 1)}, inspector)
        states.move(other, "confirm", inspector)
        register.create({"unit": units["street"], "title": "街道的草稿问题", "channel": "daily",
                         "found_on": dt.date(2023, 5, 2)}, inspector)
    staff = api("inspector")
    assert staff.get("/api/v1/findings").get_json()["total"] == 3
    titles = [f["title"] for f in staff.get("/api/v1/findings", query_string={"channel": "petition"}).get_json()["items"]]
    assert titles == ["征地补偿款公示不及时"]
    assert staff.get("/api/v1/findings", query_string=[("unit", units["bureau"].id), ("unit", units["street"].id),
                                                       ("status", "open")]).get_json()["total"] == 2
    assert staff.get("/api/v1/findings", query_string={"found_from": "2023-04-01"}).get_json()["total"] == 2
    assert staff.get("/api/v1/findings", query_string={"urgency": "red"}).get_json()["total"] == 1
    assert staff.get("/api/v1/findings", query_string={"status": "nope"}).status_code == 422
    clerk = api("clerk")
    body = clerk.get("/api/v1/findings").get_json()
    assert [f["title"] for f in body["items"]] == ["征地补偿款公示不及时"]  # no draft, no other unit's
    assert clerk.get("/api/v1/findings", query_string={"unit": units["bureau"].id}).get_json()["total"] == 0
    assert clerk.get(f"/api/v1/findings/{other.id}").status_code == 404
    assert Finding.select().count() == 3


def test_a_multipart_part_without_a_readable_name_is_no_server_error(api, finding):
    """Found by the contract test: werkzeug gives such a part the key None, which the NUL filter choked on."""
    body = (b'--b\r\nContent-Disposition: form-data; name="u\r"\r\n\r\nx\x00y\r\n'
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\r\n--b--\r\n')
    response = api("clerk").post(f"/api/v1/findings/{finding.id}/files", data=body,
                                 content_type="multipart/form-data; boundary=b")
    assert response.status_code in (201, 422), response.status_code
