"""Background work and the upload lifecycle.

- ``job``: long work with stored progress; ``periodic_claim``: one run of a
  periodic task per time slot;
- ``huey_kv``, ``huey_schedule``, ``huey_task``, ``huey_counter``: Huey's SQL
  storage (``huey.contrib.sql_huey``, version 3.5) under our own names, used
  when the queue lives in the app's PostgreSQL database;
- ``stored_file.kept`` (a record refers to the file: never cleaned up) and
  ``stored_file.last_seen_at`` (when a draft last held it), filled for the
  files existing records already refer to.
"""
import re

import peewee
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

from ..db import JSONField

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class _Bytes(peewee.BlobField):
    pass


def _file_ids(value, found: set) -> set:
    """Ids of file references ({"id": <uuid>, ...}) anywhere in a record's data."""
    if isinstance(value, dict):
        ref = value.get("id")
        if isinstance(ref, str) and _UUID.match(ref):
            found.add(ref)
        for item in value.values():
            _file_ids(item, found)
    elif isinstance(value, list):
        for item in value:
            _file_ids(item, found)
    return found


def upgrade(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "user"

    class Job(Base):
        kind = peewee.CharField(max_length=100, index=True)
        params = JSONField()
        state = peewee.CharField(max_length=20, index=True)
        done = peewee.IntegerField(default=0)
        total = peewee.IntegerField(null=True)
        result = JSONField(null=True)
        error = peewee.TextField(null=True)
        attempts = peewee.IntegerField(default=0)
        owner = peewee.CharField(max_length=200, null=True)
        created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()
        started_at = peewee.DateTimeField(null=True)
        heartbeat_at = peewee.DateTimeField(null=True)
        finished_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "job"

    class PeriodicClaim(Base):
        task = peewee.CharField(max_length=200)
        slot = peewee.CharField(max_length=40)
        owner = peewee.CharField(max_length=200)
        claimed_at = peewee.DateTimeField()
        finished_at = peewee.DateTimeField(null=True)
        error = peewee.TextField(null=True)

        class Meta:
            table_name = "periodic_claim"
            indexes = ((("task", "slot"), True),)

    # Huey's SqlStorage models, frozen (tests/tasks check they match the installed Huey).
    class HueyKV(Base):
        queue = peewee.CharField()
        key = peewee.CharField()
        value = _Bytes()

        class Meta:
            table_name = "huey_kv"
            primary_key = peewee.CompositeKey("queue", "key")

    class HueySchedule(Base):
        queue = peewee.CharField()
        data = _Bytes()
        timestamp = peewee.TimestampField(resolution=1000)

        class Meta:
            table_name = "huey_schedule"
            indexes = ((("queue", "timestamp"), False),)

    class HueyTask(Base):
        queue = peewee.CharField()
        data = _Bytes()
        priority = peewee.FloatField(default=0.0)

        class Meta:
            table_name = "huey_task"

    HueyTask.add_index(HueyTask.priority.desc(), HueyTask.id)

    class HueyCounter(Base):
        queue = peewee.CharField()
        key = peewee.CharField()
        value = peewee.IntegerField()

        class Meta:
            table_name = "huey_counter"
            primary_key = peewee.CompositeKey("queue", "key")

    db.create_tables([Job, PeriodicClaim, HueyKV, HueySchedule, HueyTask, HueyCounter])

    migrator = PostgresqlMigrator(db) if isinstance(db, peewee.PostgresqlDatabase) else SqliteMigrator(db)
    migrate(
        migrator.add_column("stored_file", "kept", peewee.BooleanField(default=False)),
        migrator.add_column("stored_file", "last_seen_at", peewee.DateTimeField(null=True)),
    )

    class StoredFile(Base):
        id = peewee.CharField(max_length=36, primary_key=True)
        unit = peewee.IntegerField(column_name="unit_id")
        kept = peewee.BooleanField(default=False)
        created_at = peewee.DateTimeField()
        last_seen_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "stored_file"

    class Record(Base):
        unit = peewee.IntegerField(column_name="unit_id")
        data = JSONField()

        class Meta:
            table_name = "record"

    StoredFile.update(last_seen_at=StoredFile.created_at).execute()
    referenced: dict[int, set[str]] = {}
    for record in Record.select(Record.unit, Record.data).iterator():
        referenced.setdefault(record.unit, set()).update(_file_ids(record.data, set()))
    for unit_id, ids in referenced.items():
        ids = sorted(ids)
        for start in range(0, len(ids), 500):
            (StoredFile.update(kept=True)
             .where((StoredFile.unit == unit_id) & StoredFile.id.in_(ids[start:start + 500])).execute())
