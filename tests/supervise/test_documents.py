"""Issued documents (出具): a portrait or report stored whole as issued, listed, read and downloaded
unchanged later, counted by 成效统计 (each figure equals its list's total), staff only."""
from __future__ import annotations

import datetime as dt
import io
import re

from docx import Document

from service import audit
from service.accountability import register, states
from service.audit.log import AuditEntry
from service.supervise import documents, portraits as pt
from service.supervise.models import IssuedDocument
from tests.supervise.test_portraits import HAND_MADE, _hand_made_run


def _issue(client, url: str, **form):
    response = client.post(url, data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    match = re.search(r"/supervise/documents/(\d+)$", response.headers["Location"])
    page = client.get(response.headers["Location"]).get_data(as_text=True)  # shows (and so spends) the flash
    assert "已出具" in page
    return IssuedDocument.get_by_id(int(match.group(1)))


def test_an_issued_portrait_is_kept_as_issued(admin_client, make_user, unit_plans, units):
    street = units["street"]
    _hand_made_run(street, "2022Q1", HAND_MADE)
    doc = _issue(admin_client, f"/supervise/portraits/{street.id}/issue", year="2022", note="报送区委主要领导")
    expected = documents.content_of(documents.portrait_report(pt.portrait(street.id, 2022, dt.date.today())))
    assert doc.kind == "portrait" and doc.unit_id == street.id and doc.period == "2022"
    assert doc.content == expected and documents.intact(doc) and doc.note == "报送区委主要领导"
    assert doc.title == "临江街道一把手画像（2022年）"
    assert doc.pack_version_id == unit_plans["street"].pack_version_id
    assert "发现问题 0 个" in "".join(text for _, text in doc.content["sections"])
    assert AuditEntry.select().where((AuditEntry.object_type == "issued_document")
                                     & (AuditEntry.object_id == str(doc.id))).exists()

    # The data moves on (a finding is registered); the live portrait says so, the document does not.
    inspector = make_user("inspector", "inspector")
    with audit.acting_as(inspector.id, inspector.username):
        finding = register.create({"unit": street, "title": "谈心谈话未经常性开展", "channel": "daily",
                                   "found_on": dt.date(2022, 5, 1), "severity": "minor"}, inspector)
        states.move(finding, "confirm", inspector)
    live = documents.portrait_report(pt.portrait(street.id, 2022, dt.date.today()))
    assert "发现问题 1 个" in "".join(text for _, text in live.sections)
    page = admin_client.get(f"/supervise/documents/{doc.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and doc.title in text and "报送区委主要领导" in text and "各季度完成情况" in text
    assert "发现问题 0 个" in text and "保存的内容与出具时的校验值不符" not in text
    word = admin_client.get(f"/supervise/documents/{doc.id}?format=docx")
    body = Document(io.BytesIO(word.data))
    assert body.paragraphs[0].text == doc.title
    assert any("发现问题 0 个" in p.text for p in body.paragraphs)
    assert any(row.cells[0].text == "期间" for t in body.tables for row in t.rows)

    # Tampering with the stored content is shown.
    IssuedDocument.update(content={**doc.content, "title": "改过的标题"}).where(IssuedDocument.id == doc.id).execute()
    assert "保存的内容与出具时的校验值不符" in admin_client.get(f"/supervise/documents/{doc.id}").get_data(as_text=True)


def test_issued_reports_are_listed_and_counted(admin_client, unit_plans, units):
    street, bureau = units["street"], units["bureau"]
    _hand_made_run(street, "2022Q1", HAND_MADE)
    unit_doc = _issue(admin_client, f"/supervise/reports/units/{street.id}/issue", period="2022Q1")
    district = _issue(admin_client, "/supervise/reports/district/issue", period="2022Q1")
    portrait = _issue(admin_client, f"/supervise/portraits/{bureau.id}/issue", year="2022")
    assert unit_doc.kind == "unit-report" and "临江街道2022年第一季度廉情报告" == unit_doc.title
    assert "完成率 60%" in "".join(text for _, text in unit_doc.content["sections"])
    assert district.kind == "district-report" and district.unit_id is None

    listing = admin_client.get("/supervise/documents?kind=report").get_data(as_text=True)
    assert unit_doc.title in listing and district.title in listing and portrait.title not in listing
    export = admin_client.get("/supervise/documents?export=csv").get_data(as_text=True)
    assert export.count("\n") >= 4 and "廉情报告" in export and "政治生态分析" in export

    today = dt.date.today().isoformat()
    body = admin_client.get(f"/api/v1/statistics?from={today}&to={today}").get_json()
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["leaders_portrayed"]["value"] == 1 and figures["analysis_reports"]["value"] == 2
    for key in ("leaders_portrayed", "analysis_reports"):
        listed = admin_client.get(figures[key]["list"]).get_json()
        assert listed["total"] == figures[key]["value"], key
    # With units chosen, the district's analysis (no unit) is not one of theirs.
    body = admin_client.get(f"/api/v1/statistics?from={today}&to={today}&units={street.id}").get_json()
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["analysis_reports"]["value"] == 1 and figures["leaders_portrayed"]["value"] == 0
    assert admin_client.get(figures["analysis_reports"]["list"]).get_json()["total"] == 1
    # Another period: nothing issued then.
    body = admin_client.get("/api/v1/statistics?from=2020-01-01&to=2020-12-31").get_json()
    assert {f["key"]: f["value"] for f in body["figures"]}["analysis_reports"] == 0

    # The statistics page links each figure to the documents list showing the same total.
    page = admin_client.get(f"/accountability/statistics?from={today}&to={today}").get_data(as_text=True)
    link = re.search(r'href="(/supervise/documents\?[^"]*kind=report[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "共 2 份" in admin_client.get(link).get_data(as_text=True)

    one = admin_client.get(f"/api/v1/documents/{unit_doc.id}").get_json()
    assert one["title"] == unit_doc.title and one["sections"] == unit_doc.content["sections"]
    assert one["tables"][0]["headers"] == ["类别", "完成", "计入", "完成率"]


def test_bad_input_and_other_roles(client, admin_client, make_user, unit_plans, units):
    street = units["street"]
    for year in ("abc", "1999", str(dt.date.today().year + 1), ""):
        response = admin_client.post(f"/supervise/portraits/{street.id}/issue", data={"year": year})
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/supervise/portraits/{street.id}")
    response = admin_client.post(f"/supervise/reports/units/{street.id}/issue", data={"period": "2022Q9"})
    assert response.status_code == 303
    assert "期间格式有误" in admin_client.get("/supervise/reports").get_data(as_text=True)
    assert admin_client.post("/supervise/portraits/999999/issue", data={"year": "2022"}).status_code == 404
    assert admin_client.get("/supervise/documents/999999").status_code == 404
    assert admin_client.get("/supervise/documents?kind=nonsense&issued_from=2022-13-01").status_code == 422
    assert IssuedDocument.select().count() == 0

    doc = _issue(admin_client, "/supervise/reports/district/issue", period="2022")
    make_user("clerk", "unit", unit=street)
    client.login("clerk")
    for url in ("/supervise/documents", f"/supervise/documents/{doc.id}", f"/supervise/documents/{doc.id}?format=docx",
                "/api/v1/documents", f"/api/v1/documents/{doc.id}"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/supervise/portraits/{street.id}/issue", data={"year": "2022"}).status_code == 403
    # A unit's own statistics do not count the commission's documents.
    keys = {f["key"] for f in client.get("/api/v1/statistics").get_json()["figures"]}
    assert "analysis_reports" not in keys and "problems_found" in keys
