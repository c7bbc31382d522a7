"""督责 check runs and their results.

- ``check_run``: a period, a kind, an as-of date, the units checked (fixed at
  the start), its job (state and progress), who or what started it, and for
  runs the calendar starts a unique ``schedule_key``.
- ``check_result``: the status engine's answer for one (unit, plan item) of a
  run, with its explanation, the pack version and the sha256 of the rule.
"""
import datetime as dt

import peewee

from ..db import JSONField


def upgrade(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "user"

    class Unit(Base):
        class Meta:
            table_name = "unit"

    class Job(Base):
        class Meta:
            table_name = "job"

    class PackVersion(Base):
        class Meta:
            table_name = "pack_version"

    class CheckRun(Base):
        period = peewee.CharField(max_length=10)
        kind = peewee.CharField(max_length=20)
        as_of = peewee.DateField()
        all_units = peewee.BooleanField(default=True)
        unit_ids = JSONField()
        job = peewee.ForeignKeyField(Job, null=True, on_delete="RESTRICT")
        source = peewee.CharField(max_length=20, default="manual")
        schedule_key = peewee.CharField(max_length=40, null=True, unique=True)
        created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField(default=dt.datetime.utcnow)

        class Meta:
            table_name = "check_run"

    class CheckResult(Base):
        run = peewee.ForeignKeyField(CheckRun, on_delete="CASCADE")
        unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT")
        plan_item_id = peewee.IntegerField()
        item_id = peewee.CharField(max_length=100)
        list_id = peewee.CharField(max_length=100)
        category_id = peewee.CharField(max_length=100)
        text = peewee.TextField()
        status = peewee.CharField(max_length=20)
        colour = peewee.CharField(max_length=10, null=True)
        count = peewee.IntegerField()
        target = peewee.IntegerField()
        due = peewee.DateField(null=True)
        explanation = peewee.TextField()
        data = JSONField()
        pack_version = peewee.ForeignKeyField(PackVersion, null=True, on_delete="RESTRICT")
        rule_sha256 = peewee.CharField(max_length=64)

        class Meta:
            table_name = "check_result"
            indexes = ((("run", "unit", "plan_item_id"), True), (("run", "status"), False))

    db.create_tables([CheckRun, CheckResult])
