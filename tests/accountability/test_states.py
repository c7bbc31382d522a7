"""The finding's state machine: the table, every legal move, every refusal."""
from __future__ import annotations

import datetime as dt

import pytest

from service.accountability import register, states
from service.accountability.models import Finding, FindingEvent
from service.audit.log import AuditEntry
from tests.accountability.conftest import store_file


def test_the_table_names_every_state_and_only_known_states():
    for move in states.MOVES.values():
        assert move.source in states.STATES and move.target in states.STATES
        assert move.by <= {states.STAFF, states.UNIT}
    # every state but the final ones can be left; closed only by reopening
    sources = {m.source for m in states.MOVES.values()}
    assert sources == set(states.STATES) - {"dismissed"}
    assert [m.name for m in states.MOVES.values() if m.source == "closed"] == ["reopen"]


def test_the_whole_loop_writes_one_timeline_and_audits_each_move(make_finding, people):
    finding = make_finding("closed")
    assert finding.status == "closed" and finding.verified_by_id == people["inspector2"].id
    events = list(FindingEvent.select().where(FindingEvent.finding == finding).order_by(FindingEvent.id))
    assert [e.kind for e in events] == ["created", "move", "move", "move", "move"]
    assert [e.move for e in events[1:]] == ["confirm", "submit_plan", "file_evidence", "close"]
    assert events[3].data["files"][0]["name"] == "整改报告.pdf"
    updates = AuditEntry.select().where((AuditEntry.object_type == "finding") & (AuditEntry.action == "update"))
    assert [e.after["status"] for e in updates.order_by(AuditEntry.id)] == ["confirmed", "rectifying", "verifying",
                                                                            "closed"]


@pytest.mark.parametrize("status, move", [
    ("draft", "submit_plan"), ("draft", "close"), ("confirmed", "close"), ("confirmed", "file_evidence"),
    ("rectifying", "close"), ("rectifying", "confirm"), ("verifying", "submit_plan"), ("closed", "close"),
    ("closed", "file_evidence"), ("dismissed", "confirm"), ("verifying", "no-such-move"),
])
def test_a_move_not_in_the_table_is_refused(make_finding, people, status, move):
    finding = make_finding(status)
    with pytest.raises(states.FindingError, match="当前状态下不能进行此操作"):
        states.move(finding, move, people["inspector2"], reason="x", measures="m", due_on=dt.date.today(),
                    evidence_text="e", files=[{"id": "x"}])
    assert Finding.get_by_id(finding.id).status == status


def test_closing_without_evidence_is_refused(make_finding, people):
    finding = make_finding("verifying")
    Finding.update(evidence=[]).where(Finding.id == finding.id).execute()  # as if the files were lost
    with pytest.raises(states.FindingError, match="没有整改材料，不能销号"):
        states.move(Finding.get_by_id(finding.id), "close", people["inspector2"])


def test_filing_evidence_needs_a_file_and_words(app, make_finding, people):
    finding = make_finding("rectifying")
    with pytest.raises(states.FindingError, match="至少一份") as refused:
        states.move(finding, "file_evidence", people["unit"], evidence_text="已整改", files=[])
    assert refused.value.field == "files"
    with pytest.raises(states.FindingError, match="整改完成情况"):
        states.move(finding, "file_evidence", people["unit"], evidence_text=" ",
                    files=[store_file(app, people["q08"], people["unit"])])
    assert Finding.get_by_id(finding.id).status == "rectifying"


def test_the_person_who_filed_the_evidence_cannot_verify_it(app, make_finding, people):
    finding = make_finding("rectifying")
    inspector = people["inspector"]
    states.move(finding, "file_evidence", inspector, evidence_text="现场核查取得整改材料",
                files=[store_file(app, people["q08"], inspector)])
    with pytest.raises(states.FindingError, match="不能核验销号"):
        states.move(finding, "close", inspector)
    assert Finding.get_by_id(finding.id).status == "verifying"
    states.move(finding, "close", people["inspector2"])
    assert finding.status == "closed"


def test_a_unit_cannot_confirm_close_or_touch_another_units_finding(make_finding, people):
    finding = make_finding("draft")
    with pytest.raises(states.FindingError, match="不能对该问题"):
        states.move(finding, "confirm", people["unit"])
    verifying = make_finding("verifying")
    with pytest.raises(states.FindingError, match="不能对该问题"):
        states.move(verifying, "close", people["unit"])
    confirmed = make_finding("confirmed")
    with pytest.raises(states.FindingError, match="不能对该问题"):
        states.move(confirmed, "submit_plan", people["other_unit"], measures="m", due_on=dt.date.today())


def test_a_plan_needs_measures_and_a_deadline_not_before_the_finding(make_finding, people):
    finding = make_finding("confirmed")
    with pytest.raises(states.FindingError) as refused:
        states.move(finding, "submit_plan", people["unit"], measures="", due_on=dt.date.today())
    assert refused.value.field == "measures"
    with pytest.raises(states.FindingError) as refused:
        states.move(finding, "submit_plan", people["unit"], measures="整改", due_on=None)
    assert refused.value.field == "due_on"
    with pytest.raises(states.FindingError) as refused:
        states.move(finding, "submit_plan", people["unit"], measures="整改", due_on=finding.found_on - dt.timedelta(days=1))
    assert refused.value.field == "due_on"


def test_returns_and_reopening_need_a_reason_and_are_on_the_timeline(make_finding, people):
    finding = make_finding("verifying")
    with pytest.raises(states.FindingError, match="理由"):
        states.move(finding, "return_evidence", people["inspector2"], reason="  ")
    states.move(finding, "return_evidence", people["inspector2"], reason="材料缺少整改前后对比")
    assert finding.status == "rectifying"
    closed = make_finding("closed")
    with pytest.raises(states.FindingError, match="理由"):
        states.move(closed, "reopen", people["inspector"])
    states.move(closed, "reopen", people["inspector"], reason="回访发现问题反弹")
    assert closed.status == "rectifying" and closed.closed_at is None and closed.verified_by_id is None
    last = FindingEvent.select().where(FindingEvent.finding == closed).order_by(FindingEvent.id.desc()).get()
    assert (last.move, last.text, last.from_status, last.to_status) == ("reopen", "回访发现问题反弹", "closed", "rectifying")
    assert AuditEntry.select().where((AuditEntry.object_type == "finding") & (AuditEntry.object_id == str(closed.id))
                                     & (AuditEntry.action == "update")).order_by(AuditEntry.id.desc()).get() \
        .after["status"] == "rectifying"


def test_a_stale_object_cannot_move_twice(make_finding, people):
    finding = make_finding("verifying")
    stale = Finding.get_by_id(finding.id)
    states.move(finding, "close", people["inspector2"])
    with pytest.raises(states.FindingError, match="已被他人更改"):
        states.move(stale, "close", people["admin"])


def test_a_closed_finding_cannot_be_edited_until_reopened(make_finding, people):
    finding = make_finding("closed")
    with pytest.raises(states.FindingError, match="先重新打开"):
        states.edit(finding, people["inspector"], title="改过的标题")
    assert Finding.get_by_id(finding.id).title == "执法案卷归档不及时"
    states.move(finding, "reopen", people["inspector"], reason="复查")
    states.edit(finding, people["inspector"], title="改过的标题")
    assert Finding.get_by_id(finding.id).title == "改过的标题"
    event = FindingEvent.select().where(FindingEvent.finding == finding).order_by(FindingEvent.id.desc()).get()
    assert event.kind == "edit" and event.data == {"fields": ["title"]}


def test_units_cannot_edit_and_the_unit_changes_only_while_a_draft(make_finding, people):
    finding = make_finding("confirmed")
    with pytest.raises(states.FindingError):
        states.edit(finding, people["unit"], title="x")
    with pytest.raises(states.FindingError, match="更换单位"):
        states.edit(finding, people["inspector"], unit=people["j01"])


def test_overdue_colours_follow_the_deadline(make_finding):
    today = dt.date(2023, 3, 1)
    finding = make_finding("confirmed", found_on=dt.date(2023, 1, 1), due_on=dt.date(2023, 3, 20))
    assert states.urgency(finding, today) == ""
    assert states.urgency(finding, dt.date(2023, 3, 13)) == "yellow"
    assert states.urgency(finding, dt.date(2023, 3, 20)) == "yellow"
    assert states.urgency(finding, dt.date(2023, 3, 21)) == "red"
    finding.plan_due_on = dt.date(2023, 4, 30)  # the plan's deadline wins
    assert states.urgency(finding, dt.date(2023, 3, 21)) == ""
    finding.status = "verifying"  # evidence filed: nothing for the unit to do
    assert states.urgency(finding, dt.date(2023, 5, 21)) == ""
    red = register.filtered(register.visible(finding.created_by), urgency="red", today=dt.date(2023, 3, 21))
    assert finding.id in [f.id for f in red]


def test_evidence_files_are_kept_for_good(app, make_finding):
    from service.perform.models import StoredFile
    finding = make_finding("verifying")
    stored = StoredFile.get_by_id(finding.evidence[0]["id"])
    assert stored.kept is True
