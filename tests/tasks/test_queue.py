"""The Huey instance: storage chosen by the settings, tasks inside the app, claims per slot."""
from __future__ import annotations

import datetime as dt

import peewee
import pytest
from huey import crontab
from huey.storage import RedisStorage, SqliteStorage

from service.tasks import huey
from service.tasks.models import PeriodicClaim
from service.tasks.queue import HueyTablesStorage, claim_slot, in_app, run_once_per_slot, slot_of, storage_for

from .conftest import REDIS_URL, redis_answers


def test_the_embedded_default_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    cls, kwargs, backend = storage_for({"DATABASE_URL": "sqlite:////x/app.sqlite3"}, str(tmp_path))
    assert (cls, kwargs["filename"], backend) == (SqliteStorage, str(tmp_path / "huey.sqlite3"), "sqlite")


def test_a_postgresql_app_keeps_its_queue_in_its_own_database(tmp_path):
    cls, kwargs, backend = storage_for({"DATABASE_URL": "postgresql://u@db:5432/dutyloop"}, str(tmp_path))
    assert cls is HueyTablesStorage and backend == "sql" and kwargs["create_tables"] is False
    assert isinstance(kwargs["database"], peewee.PostgresqlDatabase) and kwargs["database"].database == "dutyloop"


def test_huey_url_names_redis_or_another_store(tmp_path):
    config = {"DATABASE_URL": "postgresql://u@db/x", "HUEY_URL": "redis://cache:6379/3"}
    cls, kwargs, backend = storage_for(config, str(tmp_path))
    assert (cls, kwargs, backend) == (RedisStorage, {"url": "redis://cache:6379/3"}, "redis")
    cls, kwargs, _ = storage_for({"HUEY_URL": "sqlite:////srv/q.sqlite3"}, str(tmp_path))
    assert cls is SqliteStorage and kwargs["filename"] == "/srv/q.sqlite3"
    with pytest.raises(ValueError, match="HUEY_URL"):
        storage_for({"HUEY_URL": "amqp://rabbit"}, str(tmp_path))


def test_the_migrated_huey_tables_are_the_ones_the_installed_huey_uses(db):
    """Our migration freezes Huey's SqlStorage tables: a Huey upgrade that changes them fails here."""
    storage = HueyTablesStorage("probe", database=db.obj, create_tables=False)
    for model in (storage.KV, storage.Schedule, storage.Task, storage.Counter):
        table = model._meta.table_name
        assert table.startswith("huey_")
        stored = {c.name for c in db.obj.get_columns(table)}
        assert stored == {f.column_name for f in model._meta.sorted_fields}, table
    # and the storage works on them
    storage.enqueue(b"message")
    assert storage.queue_size() == 1 and storage.dequeue() == b"message"
    assert storage.put_if_empty("k", b"1") and not storage.put_if_empty("k", b"2")


def test_a_task_runs_inside_the_app_with_the_database_connected(app):
    from flask import current_app
    from service.db import database

    seen = {}

    @in_app
    def probe():
        seen["app"] = current_app.name
        seen["connected"] = not database.is_closed()
        from service.audit import current_actor
        seen["actor"] = current_actor()[1]

    database.close()
    probe()
    assert seen == {"app": app.name, "connected": True, "actor": "worker"}
    assert database.is_closed()  # the connection it opened is closed again


def test_slot_is_the_latest_minute_the_schedule_matched():
    hourly = crontab(minute="17")
    assert slot_of(hourly, dt.datetime(2024, 3, 31, 10, 17, 40)) == "2024-03-31T10:17"
    assert slot_of(hourly, dt.datetime(2024, 3, 31, 10, 19, 5)) == "2024-03-31T10:17"  # a late run
    quarterly = crontab(month="1,4,7,10", day="1", hour="0", minute="5")
    assert slot_of(quarterly, dt.datetime(2024, 4, 1, 0, 6)) == "2024-04-01T00:05"


def test_a_slot_is_claimed_once_in_the_database(app):
    assert claim_slot("t", "2024-01-01T00:00") and not claim_slot("t", "2024-01-01T00:00")
    assert claim_slot("t", "2024-01-01T01:00") and claim_slot("other", "2024-01-01T00:00")
    assert PeriodicClaim.select().count() == 3


def test_run_once_per_slot_runs_the_function_once_and_records_errors(app, monkeypatch):
    import service.tasks.queue as queue
    monkeypatch.setattr(queue, "utcnow", lambda: dt.datetime(2024, 5, 1, 9, 30, 12))
    calls = []
    every_minute = crontab()
    run_once_per_slot("job", every_minute, lambda: calls.append(1))
    run_once_per_slot("job", every_minute, lambda: calls.append(2))
    assert calls == [1]
    assert PeriodicClaim.get(PeriodicClaim.task == "job").slot == "2024-05-01T09:30"

    def fails():
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        run_once_per_slot("failing", every_minute, fails)
    claim = PeriodicClaim.get(PeriodicClaim.task == "failing")
    assert claim.error == "RuntimeError: disk full" and claim.finished_at


def test_on_redis_a_slot_is_claimed_with_set_nx(app, monkeypatch):
    if not redis_answers():
        pytest.skip("needs Redis at 127.0.0.1:6379 (CI has it)")
    import uuid
    monkeypatch.setattr(huey, "storage", RedisStorage(f"dutyloop-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL))
    monkeypatch.setattr(huey, "backend", "redis")
    slot = "2024-01-01T00:00"
    try:
        assert claim_slot("t", slot) and not claim_slot("t", slot)
        assert PeriodicClaim.select().count() == 0  # Redis, not the database
        assert 0 < huey.storage.conn.ttl(f"huey.claim.{huey.name}.t.{slot}") <= 7 * 24 * 3600
    finally:
        huey.storage.conn.delete(f"huey.claim.{huey.name}.t.{slot}")


def test_the_upload_cleanup_is_a_periodic_task_every_hour(app):
    from service.perform.tasks import cleanup_uploads
    task = cleanup_uploads.task_class
    assert task in huey._registry._periodic_tasks
    minutes = [m for m in range(60) if task().validate_datetime(dt.datetime(2024, 1, 1, 5, m))]
    assert minutes == [17]


def test_immediate_mode_runs_a_job_where_it_starts_and_refuses_a_consumer(database_url, tmp_path, monkeypatch):
    import tests.tasks.kinds  # noqa: F401
    from service import create_app
    from service.tasks import jobs
    from service.tasks.consumer import run_consumer
    monkeypatch.setenv("DUTYLOOP_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x", "HUEY_IMMEDIATE": True})
    assert huey.immediate and huey.backend == "memory"
    with app.app_context():
        job = jobs.start_job("test.steps", {"steps": 2, "pause": 0, "log": str(tmp_path / "log")})
        assert job.state == "done" and job.done == 2
    with pytest.raises(RuntimeError, match="HUEY_IMMEDIATE"):
        run_consumer(app)
