"""The audit log: every mutation writes an entry; entries never change."""
import peewee
import pytest

from service import audit
from service.audit import AuditEntry, AuditLogIsAppendOnly
from service.units.models import Unit


def test_create_update_delete_each_write_an_entry(app):
    with audit.acting_as(7, "tester"):
        unit = audit.create(Unit, code="A01", name="甲单位", type="区直单位")
        audit.update(unit, name="甲单位（新）", tags=["项目建设"])
        audit.delete(unit)
    entries = list(AuditEntry.select().where(AuditEntry.object_type == "unit").order_by(AuditEntry.id))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all(e.actor_id == 7 and e.actor_name == "tester" for e in entries)
    assert entries[0].before is None and entries[0].after["name"] == "甲单位"
    assert entries[1].before["name"] == "甲单位" and entries[1].after["name"] == "甲单位（新）"
    assert entries[1].changed_fields() == ["name", "tags", "updated_at"]
    assert entries[2].before["code"] == "A01" and entries[2].after is None


def test_update_without_change_writes_nothing(app):
    unit = audit.create(Unit, code="A01", name="甲单位", type="区直单位")
    before = AuditEntry.select().count()
    audit.update(unit, name="甲单位")
    assert AuditEntry.select().count() == before


def test_change_and_entry_share_a_transaction(app, monkeypatch):
    """When the audit entry cannot be written, the change is rolled back too."""
    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")
    monkeypatch.setattr("service.audit.log.record", broken)
    with pytest.raises(RuntimeError):
        audit.create(Unit, code="A01", name="甲单位", type="区直单位")
    assert not Unit.select().where(Unit.code == "A01").exists()


def test_entries_cannot_be_changed_through_the_model(app):
    unit = audit.create(Unit, code="A01", name="甲单位", type="区直单位")
    entry = AuditEntry.get(AuditEntry.object_id == str(unit.id))
    entry.actor_name = "someone else"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete_instance()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.update(actor_name="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.delete()


def test_entries_cannot_be_changed_even_with_raw_sql(app, db):
    audit.create(Unit, code="A01", name="甲单位", type="区直单位")
    for sql in ("UPDATE audit_entry SET actor_name = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(peewee.DatabaseError):
            with db.atomic():
                db.execute_sql(sql)
    assert AuditEntry.select().where(AuditEntry.actor_name == "system").count() == 1


def test_audit_page_filters_and_shows_before_after(admin_client, make_user):
    unit = make_user.unit("A01", "甲单位")
    audit.update(unit, name="乙单位")
    text = admin_client.get("/admin/audit/?object_type=unit&action=update").get_data(as_text=True)
    assert f"单位 #{unit.id}" in text and "用户 #" not in text
    entry = AuditEntry.get((AuditEntry.object_type == "unit") & (AuditEntry.action == "update"))
    detail = admin_client.get(f"/admin/audit/{entry.id}").get_data(as_text=True)
    assert "甲单位" in detail and "乙单位" in detail


def test_audit_page_has_no_way_to_change_entries(admin_client, make_user):
    make_user.unit("A01", "甲单位")
    entry = AuditEntry.select().first()
    for method in ("post", "put", "delete"):
        response = getattr(admin_client.raw, method)(f"/admin/audit/{entry.id}")
        assert response.status_code in (400, 405)
    assert AuditEntry.get_by_id(entry.id).actor_name == entry.actor_name


def test_audit_export(admin_client, make_user):
    make_user.unit("A01", "甲单位")
    text = admin_client.get("/admin/audit/?export=csv&object_type=unit").data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("时间,操作人,操作,对象类型")
    assert len(lines) == 2 and ",单位," in lines[1]


def test_create_many_audits_each_row_as_stored_in_order(app):
    from service.units import Unit
    rows = [{"code": f"B{n:03d}", "name": f"批量单位{n}", "type": "镇", "tags": ["项目建设"]} for n in range(150)]
    with audit.acting_as(7, "导入"):
        units = audit.create_many(Unit, list(reversed(rows)), key="code")
    assert [u.code for u in units] == [r["code"] for r in reversed(rows)]
    assert Unit.select().count() == 150 and all(u.id for u in units)
    entries = {e.object_id: e for e in AuditEntry.select().where(AuditEntry.object_type == "unit")}
    assert len(entries) == 150
    entry = entries[str(units[0].id)]
    assert (entry.action, entry.actor_id, entry.actor_name, entry.before) == ("create", 7, "导入", None)
    assert entry.after["code"] == units[0].code and entry.after["tags"] == ["项目建设"]
    assert entry.after["active"] is True and entry.after["created_at"]  # defaults as stored
    assert audit.create_many(Unit, [], key="code") == []
