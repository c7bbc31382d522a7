"""Dispositions from the pack's list and 一案双查 entries with their own outcomes."""
from __future__ import annotations

import datetime as dt

import pytest

from service import audit
from service.accountability import cases, states
from service.accountability.models import AccountabilityEntry, Disposition, FindingEvent
from service.packs.store import publish, store_files


def _as(client, username):
    client.logout()
    assert client.login(username).status_code == 302
    return client


def test_the_default_pack_lists_the_documented_dispositions(make_finding):
    finding = make_finding("confirmed")
    names = [d["name"] for d in cases.disposition_choices(finding)]
    assert names == ["督促提醒", "廉政谈话/约谈", "责令整改（立行立改）", "曝光通报", "诫勉", "组织处理", "党纪政务处分",
                     "移送问责", "工作建议", "建章立制"]
    assert [d["name"] for d in cases.DEFAULT_DISPOSITIONS] == names


def test_dispositions_come_from_the_findings_own_pack_version(app, make_finding, people, version):
    finding = make_finding("confirmed")
    files = dict(version.files)
    scoring = dict(files["rules/scoring.json"], accountability={"dispositions": [{"id": "note", "name": "函询"}]})
    files["rules/scoring.json"] = scoring
    files["rules/pack.json"] = dict(files["rules/pack.json"], version="9.0.0")
    with audit.acting_as(None, "test"):
        newer, _ = store_files(files, source="install")
        publish(newer)
    later = make_finding("confirmed")
    assert [d["name"] for d in cases.disposition_choices(later)] == ["函询"]
    assert "督促提醒" in [d["name"] for d in cases.disposition_choices(finding)]  # its own version's list
    with pytest.raises(states.FindingError, match="处置方式"):
        cases.add_disposition(later, people["inspector"], kind="talk", decided_on="2023-01-01", decided_by="区纪委")
    # a pack without the section gets the documented default list
    files["rules/scoring.json"] = {k: v for k, v in scoring.items() if k != "accountability"}
    files["rules/pack.json"] = dict(files["rules/pack.json"], version="9.0.1")
    with audit.acting_as(None, "test"):
        bare, _ = store_files(files, source="install")
        publish(bare)
    assert len(cases.disposition_choices(make_finding("confirmed"))) == 10


def test_a_disposition_records_what_when_and_who_decided(client, make_finding, people):
    finding = make_finding("rectifying")
    _as(client, "inspector")
    url = f"/accountability/findings/{finding.id}/dispositions"
    refused = client.post(url, {"kind": "talk", "decided_on": "2023-02-30", "decided_by": ""})
    assert refused.status_code == 422 and 'id="e-decided_on">决定日期不是有效的日期' in refused.get_data(as_text=True)
    refused = client.post(url, {"kind": "no-such", "decided_on": "2023-02-03", "decided_by": "区纪委"})
    assert 'id="e-kind">请选择处置方式' in refused.get_data(as_text=True)
    assert client.post(url, {"kind": "talk", "decided_on": "2023-02-03", "decided_by": "区纪委监委",
                             "note": "由分管委领导约谈"}).status_code == 302
    disposition = Disposition.get()
    assert (disposition.kind, disposition.label, disposition.counts_as, disposition.decided_by,
            disposition.recorded_by_id) == ("talk", "廉政谈话/约谈", "talk", "区纪委监委", people["inspector"].id)
    page = client.get(f"/accountability/findings/{finding.id}").get_data(as_text=True)
    assert "廉政谈话/约谈" in page and "由分管委领导约谈" in page
    assert FindingEvent.select().where(FindingEvent.kind == "disposition").count() == 1
    listing = client.get("/accountability/dispositions?counts_as=talk").get_data(as_text=True)
    assert "廉政谈话/约谈" in listing
    _as(client, "unit01")
    assert client.post(url, {"kind": "talk", "decided_on": "2023-02-03", "decided_by": "x"}).status_code == 403
    assert "廉政谈话/约谈" in client.get("/accountability/dispositions").get_data(as_text=True)
    _as(client, "unit02")
    assert "廉政谈话/约谈" not in client.get("/accountability/dispositions").get_data(as_text=True)


def test_no_disposition_on_a_draft_or_a_closed_finding(make_finding, people):
    for status in ("draft", "closed"):
        finding = make_finding(status)
        with pytest.raises(states.FindingError):
            cases.add_disposition(finding, people["inspector"], kind="talk", decided_on="2023-01-01", decided_by="区纪委")


def test_one_case_two_inquiries_entries_stay_linked_with_their_own_outcomes(client, make_finding, people):
    finding = make_finding("rectifying", title="下属单位违规发放津补贴")
    _as(client, "inspector")
    url = f"/accountability/findings/{finding.id}/case"
    refused = client.post(url, {"responsibility-0": "direct", "person-0": ""})
    assert refused.status_code == 422 and "请至少填写一名被问责人员" in refused.get_data(as_text=True)
    response = client.post(url, {
        "responsibility-0": "direct", "person-0": "王某某", "post-0": "下属中队队长", "unit-0": str(people["q08"].id),
        "responsibility-1": "main", "person-1": "钟南屏", "post-1": "党委书记、局长", "unit-1": str(people["q08"].id),
        "responsibility-2": "supervision", "person-2": "李某某", "post-2": "派驻纪检监察组组长", "unit-2": str(people["j01"].id)})
    assert response.status_code == 302
    direct, main, supervision = AccountabilityEntry.select().order_by(AccountabilityEntry.id)
    assert [e.responsibility for e in (direct, main, supervision)] == ["direct", "main", "supervision"]
    # each gets its own disposition and outcome
    assert client.post(f"/accountability/findings/{finding.id}/dispositions", {
        "kind": "discipline", "decided_on": "2023-03-01", "decided_by": "区纪委监委", "entry": str(direct.id)}).status_code == 302
    assert client.post(f"/accountability/findings/{finding.id}/dispositions", {
        "kind": "admonition", "decided_on": "2023-03-02", "decided_by": "区纪委监委", "entry": str(main.id)}).status_code == 302
    refused = client.post(f"/accountability/entries/{direct.id}/conclude", {"status": "concluded", "outcome": "",
                                                                         "concluded_on": "2023-03-05"})
    assert refused.status_code == 422 and 'id="e-outcome">请填写处理结果' in refused.get_data(as_text=True)
    assert client.post(f"/accountability/entries/{direct.id}/conclude", {
        "status": "concluded", "outcome": "给予党内警告处分", "concluded_on": "2023-03-05"}).status_code == 302
    assert client.post(f"/accountability/entries/{supervision.id}/conclude", {
        "status": "cleared", "outcome": "已按规定履行监督职责", "concluded_on": "2023-03-06"}).status_code == 302
    assert client.post(f"/accountability/entries/{supervision.id}/conclude", {
        "status": "concluded", "outcome": "x", "concluded_on": "2023-03-06"}).status_code == 422  # once
    statuses = {e.person: e.status for e in AccountabilityEntry.select()}
    assert statuses == {"王某某": "concluded", "钟南屏": "open", "李某某": "cleared"}
    # the links are visible from every side: the finding, each entry, the list
    finding_page = client.get(f"/accountability/findings/{finding.id}").get_data(as_text=True)
    for e in (direct, main, supervision):
        assert f"/accountability/entries/{e.id}" in finding_page
        page = client.get(f"/accountability/entries/{e.id}").get_data(as_text=True)
        assert f"/accountability/findings/{finding.id}" in page
        assert all(other.person in page for other in (direct, main, supervision))
    assert "诫勉" in client.get(f"/accountability/entries/{main.id}").get_data(as_text=True)
    listing = client.get("/accountability/entries?responsibility=supervision").get_data(as_text=True)
    assert "李某某" in listing and "王某某" not in listing
    exported = client.get("/accountability/entries?export=csv").get_data(as_text=True)
    assert "给予党内警告处分" in exported
    # the supervising leader's unit sees the entry naming it, and the case's title, not the finding itself
    _as(client, "unit02")
    page = client.get(f"/accountability/entries/{supervision.id}")
    assert page.status_code == 200 and "下属单位违规发放津补贴" in page.get_data(as_text=True)
    assert client.get(f"/accountability/findings/{finding.id}").status_code == 404
    _as(client, "unit01")
    assert client.get(f"/accountability/entries/{supervision.id}").status_code == 200
    assert client.post(f"/accountability/entries/{main.id}/conclude", {"status": "cleared", "outcome": "x",
                                                                       "concluded_on": "2023-03-06"}).status_code == 403


def test_a_unit_without_a_link_sees_no_entry(client, make_finding, people):
    finding = make_finding("confirmed")
    cases.open_case(finding, people["inspector"], [{"responsibility": "direct", "person": "王某某"}])
    entry = AccountabilityEntry.get()
    _as(client, "unit02")
    assert client.get(f"/accountability/entries/{entry.id}").status_code == 404
    assert "王某某" not in client.get("/accountability/entries").get_data(as_text=True)
    assert dt.date.today()
