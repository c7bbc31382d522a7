"""问责 pages: registering, the register's boundary and filters, moves through
the page (refusals shown next to their field), export with the formula guard."""
from __future__ import annotations

import csv
import datetime as dt
import io

from service.accountability.models import Finding, FindingEvent


def _as(client, username):
    client.logout()
    assert client.login(username).status_code == 302
    return client


def test_an_inspector_registers_a_finding_with_a_file(client, people, version):
    _as(client, "inspector")
    page = client.get("/accountability/findings/new")
    assert page.status_code == 200 and "登记问题" in page.get_data(as_text=True)
    response = client.post("/accountability/findings/new", {
        "unit": str(people["q08"].id), "channel": "petition", "title": "群众反映执法人员态度粗暴",
        "description": "信访件反映……", "found_on": "2023-02-01", "due_on": "2023-03-01", "severity": "major",
        "source_ref": "信访〔2023〕12号", "category_id": "", "leader": "",
        "files": (io.BytesIO(b"%PDF-1.4 letter"), "信访件.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    finding = Finding.get(Finding.title == "群众反映执法人员态度粗暴")
    assert finding.status == "draft" and finding.leader == "钟南屏" and finding.leader_post == "党委书记、局长"
    assert finding.files[0]["name"] == "信访件.pdf" and finding.created_by_id == people["inspector"].id
    assert "信访件.pdf" in client.get(f"/accountability/findings/{finding.id}").get_data(as_text=True)


def test_bad_input_is_shown_next_to_each_field_and_nothing_is_saved(client, people, version):
    _as(client, "inspector")
    response = client.post("/accountability/findings/new", {
        "unit": "999999", "channel": "nowhere", "title": " ", "found_on": "2023-02-30", "due_on": "2023-01-01",
        "category_id": "no-such-category"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for field, words in (("unit", "请选择单位"), ("channel", "请选择问题来源渠道"), ("title", "请填写问题概述"),
                         ("found_on", "发现日期不是有效的日期"), ("category_id", "规则包中没有该类别")):
        assert f'id="e-{field}">{words}' in body, field
    assert Finding.select().count() == 0
    response = client.post("/accountability/findings/new", {
        "unit": str(people["q08"].id), "channel": "daily", "title": "x", "found_on": "2023-02-10",
        "due_on": "2023-01-01"})
    assert 'id="e-due_on">整改期限不能早于发现问题的日期' in response.get_data(as_text=True)


def test_units_see_only_their_confirmed_findings(client, people, make_finding):
    mine = make_finding("confirmed", title="本单位的问题")
    draft = make_finding("draft", title="尚未确认的问题")
    theirs = make_finding("confirmed", unit=people["j01"], title="别的单位的问题")
    _as(client, "unit01")
    listing = client.get("/accountability/").get_data(as_text=True)
    assert "本单位的问题" in listing and "尚未确认的问题" not in listing and "别的单位的问题" not in listing
    assert client.get(f"/accountability/findings/{mine.id}").status_code == 200
    assert client.get(f"/accountability/findings/{draft.id}").status_code == 404
    assert client.get(f"/accountability/findings/{theirs.id}").status_code == 404
    assert client.get(f"/accountability/findings/{theirs.id}/edit").status_code == 403
    assert client.get("/accountability/findings/new").status_code == 403
    # a unit filtering by another unit still gets only its own
    assert "别的单位的问题" not in client.get(f"/accountability/?unit={people['j01'].id}").get_data(as_text=True)
    exported = client.get("/accountability/?export=csv").get_data(as_text=True)
    assert "本单位的问题" in exported and "别的单位的问题" not in exported


def test_filters_narrow_the_register(client, people, make_finding):
    make_finding("confirmed", title="巡察发现的问题", channel="inspection_tour")
    make_finding("confirmed", title="信访反映的问题", channel="petition", unit=people["j01"])
    overdue = make_finding("confirmed", title="逾期的问题", found_on=dt.date(2020, 1, 1), due_on=dt.date(2020, 2, 1))
    _as(client, "inspector")
    body = client.get("/accountability/?channel=petition").get_data(as_text=True)
    assert "信访反映的问题" in body and "巡察发现的问题" not in body
    body = client.get(f"/accountability/?unit={people['j01'].id}").get_data(as_text=True)
    assert "信访反映的问题" in body and "巡察发现的问题" not in body
    body = client.get("/accountability/?urgency=red").get_data(as_text=True)
    assert "逾期的问题" in body and "巡察发现的问题" not in body and "due-red" in body
    body = client.get("/accountability/?q=巡察", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "巡察发现的问题" in body and "<html" not in body
    assert overdue.id


def test_the_export_guards_against_formulas(client, people, make_finding):
    make_finding("confirmed", title="=HYPERLINK(\"http://x\")")
    _as(client, "inspector")
    rows = list(csv.reader(io.StringIO(client.get("/accountability/?export=csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "#" and rows[1][3].startswith("'=")
    xlsx = client.get("/accountability/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("sheet")


def test_the_loop_through_the_pages_and_its_refusals(client, people, make_finding):
    finding = make_finding("draft")
    url = f"/accountability/findings/{finding.id}"
    _as(client, "unit01")
    assert client.post(f"{url}/moves/confirm").status_code == 404  # a unit does not see drafts
    _as(client, "inspector")
    assert client.post(f"{url}/moves/confirm").status_code == 302
    _as(client, "unit01")
    page = client.get(url).get_data(as_text=True)
    assert "提交整改方案" in page and "核验通过，销号" not in page
    refused = client.post(f"{url}/moves/submit_plan", {"measures": "", "due_on": "2023-13-01"})
    assert refused.status_code == 422 and 'id="e-due_on">整改期限不是有效的日期' in refused.get_data(as_text=True)
    refused = client.post(f"{url}/moves/close")
    assert refused.status_code == 422 and "当前状态下不能进行此操作" in refused.get_data(as_text=True)
    due = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    assert client.post(f"{url}/moves/submit_plan", {"measures": "逐卷清理", "due_on": due}).status_code == 302
    refused = client.post(f"{url}/moves/file_evidence", {"evidence_text": "已完成"})
    assert refused.status_code == 422 and 'id="e-files">请上传至少一份整改材料' in refused.get_data(as_text=True)
    assert client.post(f"{url}/moves/file_evidence", {
        "evidence_text": "已完成", "files": (io.BytesIO(b"%PDF-1.4 proof"), "整改报告.pdf")},
        content_type="multipart/form-data").status_code == 302
    assert client.post(f"{url}/moves/close").status_code == 422  # a unit never closes
    _as(client, "inspector")
    # the inspector files evidence again after a return, then cannot close it
    assert client.post(f"{url}/moves/return_evidence", {"reason": ""}).status_code == 422
    assert client.post(f"{url}/moves/return_evidence", {"reason": "缺少对比照片"}).status_code == 302
    assert client.post(f"{url}/moves/file_evidence", {
        "evidence_text": "现场核查补充照片", "files": (io.BytesIO(b"\x89PNG photo"), "现场.png")},
        content_type="multipart/form-data").status_code == 302
    refused = client.post(f"{url}/moves/close")
    assert refused.status_code == 422 and "提交整改材料的人不能核验销号" in refused.get_data(as_text=True)
    assert Finding.get_by_id(finding.id).status == "verifying"
    _as(client, "inspector2")
    assert client.post(f"{url}/moves/close").status_code == 302
    assert Finding.get_by_id(finding.id).status == "closed"
    # closed: the edit page and the edit post refuse until it is reopened
    assert client.get(f"{url}/edit").status_code == 409
    assert client.post(f"{url}/edit", {"unit": str(people["q08"].id), "title": "改", "channel": "daily",
                                       "found_on": "2023-01-01"}).status_code == 409
    assert client.post(f"{url}/moves/reopen", {"reason": "复查发现反弹"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    for words in ("登记问题", "确认问题", "提交整改方案", "提交整改材料", "退回整改材料", "缺少对比照片", "核验通过，销号",
                  "重新打开", "复查发现反弹", "整改报告.pdf", "现场.png"):
        assert words in page, words
    assert FindingEvent.select().where(FindingEvent.finding == finding).count() == 8


def test_comments_go_on_the_timeline(client, people, make_finding):
    finding = make_finding("confirmed")
    _as(client, "unit01")
    assert client.post(f"/accountability/findings/{finding.id}/comments", {"text": " "}).status_code == 422
    assert client.post(f"/accountability/findings/{finding.id}/comments", {"text": "已安排专人负责"}).status_code == 302
    assert "已安排专人负责" in client.get(f"/accountability/findings/{finding.id}").get_data(as_text=True)


def test_an_inspector_edits_a_finding(client, people, make_finding):
    finding = make_finding("confirmed")
    _as(client, "inspector")
    assert client.get(f"/accountability/findings/{finding.id}/edit").status_code == 200
    response = client.post(f"/accountability/findings/{finding.id}/edit", {
        "unit": str(people["q08"].id), "title": "执法案卷归档严重滞后", "channel": "daily",
        "found_on": finding.found_on.isoformat(), "severity": "serious"})
    assert response.status_code == 302
    fresh = Finding.get_by_id(finding.id)
    assert (fresh.title, fresh.severity) == ("执法案卷归档严重滞后", "serious")


def test_both_dashboards_show_overdue_rectifications_red_and_due_ones_yellow(client, people, make_finding):
    today = dt.date.today()
    make_finding("confirmed", found_on=today - dt.timedelta(days=60), due_on=today - dt.timedelta(days=1))
    make_finding("confirmed", found_on=today - dt.timedelta(days=60), due_on=today + dt.timedelta(days=3))
    make_finding("confirmed", found_on=today - dt.timedelta(days=60), due_on=today + dt.timedelta(days=60))
    make_finding("confirmed", unit=people["j01"], found_on=today - dt.timedelta(days=60),
                 due_on=today - dt.timedelta(days=5))
    import re

    def counts(body):
        return {label: int(num) for num, label in re.findall(r'<span class="num">(\d+)</span><span>([^<]+)</span>', body)}

    _as(client, "unit01")
    mine = counts(client.get("/dashboard").get_data(as_text=True))
    assert (mine["未销号问题"], mine["整改已逾期（红）"], mine["整改临近期限（黄）"]) == (3, 1, 1)
    _as(client, "inspector")
    staff = counts(client.get("/dashboard").get_data(as_text=True))
    assert (staff["未销号问题"], staff["整改已逾期（红）"], staff["整改临近期限（黄）"]) == (4, 2, 1)
    listing = client.get("/accountability/?urgency=red").get_data(as_text=True)
    assert listing.count('class="due-red"') == 2


def test_every_page_answers_htmx_with_its_fragment(client, people, make_finding):
    """Found by the hostile sweep: macros outside the block were missing from the fragment."""
    from service.accountability import cases
    finding = make_finding("rectifying")
    entry = cases.open_case(finding, people["inspector"], [{"responsibility": "direct", "person": "王某某"}])[0]
    _as(client, "inspector")
    for url in ("/accountability/", "/accountability/findings/new", f"/accountability/findings/{finding.id}",
                f"/accountability/findings/{finding.id}/edit", f"/accountability/entries/{entry.id}",
                "/accountability/entries", "/accountability/dispositions", "/accountability/statistics"):
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, url
        assert "<html" not in response.get_data(as_text=True), url
    refused = client.post(f"/accountability/findings/{finding.id}/moves/file_evidence", {"evidence_text": ""},
                          htmx=True)
    assert refused.status_code == 422 and 'id="e-evidence_text"' in refused.get_data(as_text=True)
