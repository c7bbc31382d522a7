"""Records that mean something: the items they count for, revisions with a reason,
soft deletes with a reason, and dates within the plan year and not in the future."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from service import audit
from service.audit import AuditEntry
from service.perform import records, status
from service.perform.models import Record, RecordItem, RecordRevision, StoredFile
from tests.perform.test_status import INSPECTION, MEETING, TALK, item_of

D = dt.date.fromisoformat


@pytest.fixture
def clerk_user(make_user, units):
    return make_user("clerk", "unit", unit=units["street"])


def _submit(unit_plan, clerk_user, units, form_id, data, **kwargs):
    with audit.acting_as(clerk_user.id, "clerk"):
        return records.submit(user=clerk_user, unit=units["street"], version=unit_plan.pack_version,
                              form_id=form_id, data=data, **{"plan_item": None, **kwargs})


def _count(unit_plan, item_id, period="2022", as_of="2022-12-31"):
    return next(s for s in status.unit_status(unit_plan.unit_id, period, D(as_of)) if s.item_id == item_id)


def test_a_record_dated_in_the_future_is_refused_with_a_chinese_message(unit_plan, clerk_user, units):
    record, errors = _submit(unit_plan, clerk_user, units, "talk", dict(TALK, date="2022-05-10"), today=D("2022-05-09"))
    assert record is None
    assert [(e.path, e.code) for e in errors] == [("/date", "date-future")]
    assert "不能晚于今天（2022-05-09）" in errors[0].message
    record, errors = _submit(unit_plan, clerk_user, units, "talk", dict(TALK, date="2030-01-10"))
    assert record is None and errors[0].code == "date-future"
    assert Record.select().count() == 0


def test_a_record_outside_the_plan_year_is_refused(unit_plan, clerk_user, units):
    record, errors = _submit(unit_plan, clerk_user, units, "talk", dict(TALK, date="2021-12-31"))
    assert record is None and [(e.path, e.code) for e in errors] == [("/date", "date-year")]
    assert "应在 2022 年内" in errors[0].message
    _, errors = _submit(unit_plan, clerk_user, units, "talk", dict(TALK, date="2021-12-31"), locale="en")
    assert "must lie in 2022" in errors[0].message
    record, errors = _submit(unit_plan, clerk_user, units, "talk", dict(TALK, date="2022-12-31"), today=D("2022-12-31"))
    assert record is not None and not errors


def test_the_clerk_chooses_the_items_a_record_counts_for(unit_plan, clerk_user, units):
    ideology = item_of(unit_plan, "fr-ideology")
    record, errors = _submit(unit_plan, clerk_user, units, "meeting",
                             dict(MEETING, date="2022-03-10", topics=["党风廉政建设", "意识形态"]), items=[ideology.id])
    assert not errors
    assert records.linked_items(record) == [ideology.id]
    assert _count(unit_plan, "fr-ideology", "2022H1", "2022-03-31").status == "done"
    assert _count(unit_plan, "fr-study-pfl").count == 0  # not linked, though its rule would match
    other_units_item = 10 ** 6
    _, errors = _submit(unit_plan, clerk_user, units, "meeting", dict(MEETING, date="2022-03-10"),
                        items=[other_units_item])
    assert [(e.path, e.code) for e in errors] == [("/items", "items")]


def test_a_revision_needs_a_reason_keeps_the_old_one_and_changes_what_counts(unit_plan, clerk_user, units):
    record, _ = _submit(unit_plan, clerk_user, units, "talk", dict(TALK, date="2022-02-10"))
    assert _count(unit_plan, "fr-talk-young", "2022H1", "2022-06-30").count == 0
    revision, errors = records.revise(record, user=clerk_user, data=dict(TALK, date="2022-02-10",
                                      target_roles=["年轻干部"]), items=None, reason="  ")
    assert revision is None and [(e.path, e.code) for e in errors] == [("/reason", "required")]
    with audit.acting_as(clerk_user.id, "clerk"):
        revision, errors = records.revise(record, user=clerk_user, reason="谈话对象身份填错",
                                          data=dict(TALK, date="2022-02-10", target_roles=["年轻干部"]), items=None)
    assert not errors and revision.number == 2 and record.revision == 2
    assert _count(unit_plan, "fr-talk-young", "2022H1", "2022-06-30").count == 1
    old, new = list(RecordRevision.select().where(RecordRevision.record == record).order_by(RecordRevision.number))
    assert old.data["target_roles"] == ["班子成员"] and new.data["target_roles"] == ["年轻干部"]
    assert new.reason == "谈话对象身份填错" and new.actor_id == clerk_user.id
    assert Record.get_by_id(record.id).data["target_roles"] == ["年轻干部"]
    entry = AuditEntry.select().where((AuditEntry.object_type == "record") & (AuditEntry.action == "update")).get()
    assert entry.before["revision"] == 1 and entry.after["revision"] == 2


def test_a_revision_is_validated_and_keeps_the_date_in_the_plan_year(unit_plan, clerk_user, units):
    record, _ = _submit(unit_plan, clerk_user, units, "talk", dict(TALK, date="2022-02-10"))
    for data, path in ((dict(TALK, date="2023-01-05"), "/date"), (dict(TALK, date="2022-02-10", talk_type="闲聊"), "/talk_type")):
        revision, errors = records.revise(record, user=clerk_user, data=data, items=None, reason="改", today=D("2024-01-01"))
        assert revision is None and path in [e.path for e in errors]
    assert RecordRevision.select().count() == 1 and Record.get_by_id(record.id).revision == 1


def test_a_stale_revision_is_refused(unit_plan, clerk_user, units):
    record, _ = _submit(unit_plan, clerk_user, units, "talk", dict(TALK, date="2022-02-10"))
    copy = Record.get_by_id(record.id)
    records.revise(record, user=clerk_user, data=dict(TALK, date="2022-02-11"), items=None, reason="日期")
    with pytest.raises(records.Stale):
        records.revise(copy, user=clerk_user, data=dict(TALK, date="2022-02-12"), items=None, reason="又改")
    with pytest.raises(records.Stale):
        records.revise(record, user=clerk_user, data=None, items=None, reason="x", expected_revision=1)
    assert Record.get_by_id(record.id).data["date"] == "2022-02-11"


def test_changing_only_the_items_is_a_revision_too(unit_plan, clerk_user, units):
    record, _ = _submit(unit_plan, clerk_user, units, "inspection", dict(INSPECTION, date="2022-04-02"))
    quarterly = item_of(unit_plan, "fr-check-quarterly")
    assert quarterly.id in records.linked_items(record)
    revision, errors = records.revise(record, user=clerk_user, data=None, items=[], reason="不计入季度检查")
    assert not errors and revision.items == [] and revision.data == record.data
    assert _count(unit_plan, "fr-check-quarterly", "2022Q2", "2022-06-30").status == "not_due"
    assert RecordItem.select().where(RecordItem.record == record).count() == 0


def test_a_soft_deleted_record_is_kept_and_never_counted(unit_plan, clerk_user, units):
    record, _ = _submit(unit_plan, clerk_user, units, "inspection", dict(INSPECTION, date="2022-04-02"))
    assert _count(unit_plan, "fr-check-quarterly", "2022Q2", "2022-06-30").status == "done"
    assert records.delete_record(record, user=clerk_user, reason="")[0].path == "/reason"
    with audit.acting_as(clerk_user.id, "clerk"):
        assert records.delete_record(record, user=clerk_user, reason="重复录入") == []
    kept = Record.get_by_id(record.id)
    assert kept.is_deleted and kept.deleted_reason == "重复录入" and kept.deleted_by_id == clerk_user.id
    assert _count(unit_plan, "fr-check-quarterly", "2022Q2", "2022-06-30").status == "not_due"
    with pytest.raises(records.Stale):
        records.delete_record(record, user=clerk_user, reason="again")
    with pytest.raises(records.Stale):
        records.revise(record, user=clerk_user, data=None, items=None, reason="x")
    entry = AuditEntry.select().where((AuditEntry.object_type == "record") & (AuditEntry.action == "update")).get()
    assert entry.after["deleted_reason"] == "重复录入"


def test_files_named_by_a_revision_are_kept(app, unit_plan, clerk_user, units):
    record, _ = _submit(unit_plan, clerk_user, units, "talk", dict(TALK, date="2022-02-10"))
    stored = records.store_upload(unit=units["street"], user=clerk_user, filename="纪要.pdf",
                                  content_type="application/pdf", stream=io.BytesIO(b"%PDF-1.4 x"),
                                  field_schema={}, upload_folder=app.config["UPLOAD_FOLDER"])
    assert not StoredFile.get_by_id(stored.id).kept
    _, errors = records.revise(record, user=clerk_user, data=dict(TALK, date="2022-02-10", attachments=[stored.reference()]),
                               items=None, reason="补充附件")
    assert not errors and StoredFile.get_by_id(stored.id).kept
