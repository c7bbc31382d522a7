"""Fixtures for the task queue: an app per queue backend, and real consumer processes.

Queue backends: ``sqlite`` (SQLite database, Huey's SQLite file in the
instance folder: the embedded default), ``postgresql`` (PostgreSQL database
holding the queue too, Huey's SqlStorage; when TEST_DATABASE_URL is set) and
``redis`` (SQLite database, Redis queue at 127.0.0.1:6379; skipped with a
reason when no Redis answers there).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from service import create_app
from service.db import open_database

ROOT = Path(__file__).resolve().parents[2]
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
REDIS_URL = "redis://127.0.0.1:6379/0"
QUEUES = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else []) + ["redis"]


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
        return True
    except OSError:
        return False


def _pg_url(schema: str) -> str:
    sep = "&" if "?" in TEST_DATABASE_URL else "?"
    return f"{TEST_DATABASE_URL}{sep}schema={schema}"


def _truncate_all(url: str) -> None:
    db = open_database(url)
    tables = [t for t in db.get_tables() if t != "schema_migration"]
    db.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    db.close()


@pytest.fixture(params=QUEUES)
def queue_app(request, tmp_path, monkeypatch):
    """An app whose queue is on the backend of the parameter; ``app.consumer_env`` for its consumers."""
    backend = request.param
    if backend == "redis" and not redis_answers():
        pytest.skip("the Redis queue tests need Redis at 127.0.0.1:6379 (CI has it)")
    if backend == "postgresql":
        url = _pg_url(request.getfixturevalue("_pg_schema"))
        _truncate_all(url)
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
    instance = tmp_path / "instance"
    monkeypatch.setenv("DUTYLOOP_INSTANCE", str(instance))
    config = {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
              "UPLOAD_FOLDER": str(tmp_path / "uploads")}
    env = {"DATABASE_URL": url, "DUTYLOOP_INSTANCE": str(instance), "DUTYLOOP_SECRET_KEY": "test-secret"}
    if backend == "redis":
        name = f"dutyloop-test-{uuid.uuid4().hex[:10]}"
        config.update(HUEY_URL=REDIS_URL, HUEY_NAME=name)
        env.update(DUTYLOOP_HUEY_URL=REDIS_URL, DUTYLOOP_HUEY_NAME=name)
    application = create_app(config)
    application.consumer_env = env
    application.queue_backend = backend
    yield application
    from service.db import database
    from service.tasks import huey
    if backend == "redis":
        conn = huey.storage.conn
        for key in list(conn.scan_iter(f"huey*{huey.name}*")):
            conn.delete(key)
    if not database.is_closed():
        database.close()


@pytest.fixture
def consumers(tmp_path):
    """``start(app, **env)`` starts a real consumer process; all are killed at the end."""
    started: list[subprocess.Popen] = []

    def start(app, **extra_env) -> subprocess.Popen:
        env = dict(os.environ, **app.consumer_env, **{k: str(v) for k, v in extra_env.items()})
        env.pop("DUTYLOOP_HUEY_IMMEDIATE", None)
        log = open(tmp_path / f"consumer-{len(started)}.log", "w")
        proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "tasks" / "run_consumer.py")],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        proc.log_path = log.name
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(10)


def wait_for(condition, timeout: float = 60.0, interval: float = 0.1, what: str = "condition"):
    """Poll ``condition()`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
