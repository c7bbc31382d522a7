"""问责: the findings register, timelines, 一案双查 entries and dispositions."""
import peewee

from ..db import JSONField


def upgrade(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db

    class Unit(Base):
        class Meta:
            table_name = "unit"

    class User(Base):
        class Meta:
            table_name = "user"

    class PackVersion(Base):
        class Meta:
            table_name = "pack_version"

    class Finding(Base):
        unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT")
        leader = peewee.CharField(max_length=100, default="")
        leader_post = peewee.CharField(max_length=100, default="")
        title = peewee.CharField(max_length=200)
        description = peewee.TextField(default="")
        channel = peewee.CharField(max_length=30, index=True)
        source_kind = peewee.CharField(max_length=30, default="external")
        source_id = peewee.IntegerField(null=True)
        source_ref = peewee.CharField(max_length=200, default="")
        pack_version = peewee.ForeignKeyField(PackVersion, null=True, on_delete="RESTRICT")
        list_id = peewee.CharField(max_length=100, default="")
        category_id = peewee.CharField(max_length=100, default="")
        severity = peewee.CharField(max_length=20, default="minor")
        found_on = peewee.DateField(index=True)
        due_on = peewee.DateField(null=True)
        files = JSONField(default=list)
        status = peewee.CharField(max_length=20, default="draft", index=True)
        plan_measures = peewee.TextField(default="")
        plan_due_on = peewee.DateField(null=True)
        plan_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT")
        plan_at = peewee.DateTimeField(null=True)
        evidence_text = peewee.TextField(default="")
        evidence = JSONField(default=list)
        evidence_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT")
        evidence_at = peewee.DateTimeField(null=True)
        verified_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT")
        closed_at = peewee.DateTimeField(null=True)
        created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "finding"
            indexes = ((("source_kind", "source_id"), False),)

    class FindingEvent(Base):
        finding = peewee.ForeignKeyField(Finding, on_delete="CASCADE")
        at = peewee.DateTimeField()
        actor = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT")
        actor_name = peewee.CharField(max_length=100)
        kind = peewee.CharField(max_length=20)
        move = peewee.CharField(max_length=30, default="")
        from_status = peewee.CharField(max_length=20, default="")
        to_status = peewee.CharField(max_length=20, default="")
        text = peewee.TextField(default="")
        data = JSONField(null=True)

        class Meta:
            table_name = "finding_event"

    class AccountabilityEntry(Base):
        finding = peewee.ForeignKeyField(Finding, on_delete="CASCADE")
        responsibility = peewee.CharField(max_length=20)
        person = peewee.CharField(max_length=100)
        post = peewee.CharField(max_length=100, default="")
        unit = peewee.ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
        status = peewee.CharField(max_length=20, default="open")
        outcome = peewee.TextField(default="")
        concluded_on = peewee.DateField(null=True)
        created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "accountability_entry"

    class Disposition(Base):
        finding = peewee.ForeignKeyField(Finding, on_delete="CASCADE")
        entry = peewee.ForeignKeyField(AccountabilityEntry, null=True, on_delete="CASCADE")
        kind = peewee.CharField(max_length=50, index=True)
        label = peewee.CharField(max_length=100)
        counts_as = peewee.CharField(max_length=20, default="")
        decided_on = peewee.DateField(index=True)
        decided_by = peewee.CharField(max_length=100)
        note = peewee.TextField(default="")
        recorded_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "disposition"

    db.create_tables([Finding, FindingEvent, AccountabilityEntry, Disposition])
