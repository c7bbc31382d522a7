"""Records that count for plan items, their revisions and soft deletes.

- ``record_item``: which plan items a record counts for (a 专题会议 may count
  for a 党风廉政建设 item and an 意识形态 item). Filled for existing records:
  the item a record was filled for, and every item of the same form in the
  unit's plan of the record's year (what ``perform.records.default_items``
  proposes for a new record).
- ``record.revision``, ``record.deleted_at``, ``record.deleted_by_id``,
  ``record.deleted_reason``: the record's current revision number and its
  soft delete (a deleted record is kept, shown to inspectors, never counted).
- ``record_revision``: every earlier and the current state of a record's
  answers and items, with who changed it, when and why.
"""
import datetime as dt

import peewee
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

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

    class Plan(Base):
        unit = peewee.IntegerField(column_name="unit_id")
        year = peewee.IntegerField()

        class Meta:
            table_name = "plan"

    class PlanItem(Base):
        plan = peewee.IntegerField(column_name="plan_id")
        form = peewee.CharField(max_length=100, default="")

        class Meta:
            table_name = "plan_item"

    class Record(Base):
        unit = peewee.IntegerField(column_name="unit_id")
        form_id = peewee.CharField(max_length=100)
        plan_item = peewee.IntegerField(column_name="plan_item_id", null=True)
        record_date = peewee.DateField(null=True)
        data = JSONField()
        created_by = peewee.IntegerField(column_name="created_by_id")
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "record"

    class RecordItem(Base):
        record = peewee.ForeignKeyField(Record, on_delete="CASCADE")
        plan_item = peewee.ForeignKeyField(PlanItem, on_delete="CASCADE", index=True)

        class Meta:
            table_name = "record_item"
            indexes = ((("record", "plan_item"), True),)

    class RecordRevision(Base):
        record = peewee.ForeignKeyField(Record, on_delete="CASCADE")
        number = peewee.IntegerField()
        data = JSONField()
        record_date = peewee.DateField(null=True)
        items = JSONField()
        reason = peewee.TextField(default="")
        actor = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        actor_name = peewee.CharField(max_length=100)
        at = peewee.DateTimeField()

        class Meta:
            table_name = "record_revision"
            indexes = ((("record", "number"), True),)

    db.create_tables([RecordItem, RecordRevision])
    migrator = PostgresqlMigrator(db) if isinstance(db, peewee.PostgresqlDatabase) else SqliteMigrator(db)
    migrate(
        migrator.add_column("record", "revision", peewee.IntegerField(default=1)),
        migrator.add_column("record", "deleted_at", peewee.DateTimeField(null=True)),
        migrator.add_column("record", "deleted_by_id", peewee.IntegerField(null=True)),
        migrator.add_column("record", "deleted_reason", peewee.TextField(default="")),
    )

    plans = {(p.unit, p.year): p.id for p in Plan.select(Plan.id, Plan.unit, Plan.year)}
    by_plan: dict[int, dict[str, list[int]]] = {}
    for item in PlanItem.select(PlanItem.id, PlanItem.plan, PlanItem.form):
        by_plan.setdefault(item.plan, {}).setdefault(item.form, []).append(item.id)
    links, revisions = [], []
    for record in Record.select().iterator():
        items = set()
        if record.plan_item:
            items.add(record.plan_item)
        date = record.record_date
        if isinstance(date, str):
            date = dt.date.fromisoformat(date[:10])
        plan = plans.get((record.unit, date.year)) if date else None
        if plan and record.form_id:
            items.update(by_plan.get(plan, {}).get(record.form_id, []))
        links += [{"record": record.id, "plan_item": item} for item in sorted(items)]
        revisions.append({"record": record.id, "number": 1, "data": record.data, "record_date": record.record_date,
                          "items": sorted(items), "reason": "", "actor": record.created_by, "actor_name": "",
                          "at": record.created_at})
    for start in range(0, len(links), 500):
        RecordItem.insert_many(links[start:start + 500]).execute()
    for start in range(0, len(revisions), 200):
        RecordRevision.insert_many(revisions[start:start + 200]).execute()
