"""The demo, loaded once per test process and copied into each test's database.

``dutyloop demo`` takes 8-17 s (two years of records for 20 units, reviews,
findings); a dozen page walks need it on both backends. ``load_demo_into(app)``
loads it the first time into a database of its own (a SQLite file, or a
PostgreSQL schema of this process) and afterwards copies its rows and evidence
files into the test's fresh database, which takes well under a second. Tests of
the loader itself (tests/perform/test_demo_records.py) still call ``load_demo``.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from service.db import bind, database, open_database
from service.demo import load_demo
from service.migrations import upgrade

DEMO_PASSWORD = "correct-horse-9"  # the suite's password (tests/conftest.py PASSWORD)


@dataclass
class _Source:
    url: str            # where the demo was loaded
    schema: str | None  # PostgreSQL: its schema; SQLite: None (the file is attached)
    path: str | None    # SQLite: the file
    uploads: Path


_CACHE: dict[str, _Source] = {}


def _backend(url: str) -> str:
    return "postgresql" if url.startswith("postgres") else "sqlite"


def load_demo_into(app) -> None:
    """Give ``app``'s (fresh) database the demo's rows and its upload folder the demo's files."""
    url = app.config["DATABASE_URL"]
    backend = _backend(url)
    source = _CACHE.get(backend)
    if source is None:
        source = _CACHE[backend] = _build(app, url, backend)
    _copy_rows(source, url, backend)
    shutil.copytree(source.uploads, app.config["UPLOAD_FOLDER"], dirs_exist_ok=True)


def _build(app, url: str, backend: str) -> _Source:
    folder = Path(tempfile.mkdtemp(prefix="dutyloop-demo-"))
    if backend == "sqlite":
        path = str(folder / "demo.sqlite3")
        source = _Source(f"sqlite:///{path}", None, path, folder / "uploads")
    else:
        schema = f"dutyloop_demo_{os.getpid()}"
        admin = open_database(url)
        admin.execute_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.execute_sql(f'CREATE SCHEMA "{schema}"')
        admin.close()
        base = url.split("?", 1)[0]
        source = _Source(f"{base}?schema={schema}", schema, None, folder / "uploads")
    db = open_database(source.url)
    upgrade(db)
    db.close()
    # Load through the test's app (its config and context), bound for the moment
    # to the demo's own database and upload folder.
    saved_uploads = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(source.uploads)
    bind(source.url)
    try:
        with app.app_context():
            load_demo(DEMO_PASSWORD)
    finally:
        if not database.is_closed():
            database.close()
        bind(url)
        app.config["UPLOAD_FOLDER"] = saved_uploads
    return source


def _copy_rows(source: _Source, url: str, backend: str) -> None:
    db = open_database(url)
    try:
        tables = [t for t in db.get_tables() if t != "schema_migration"]
        if backend == "sqlite":
            # A full-text table is copied through its shadow tables (its index as it is), not itself.
            virtual = {name for name, in db.execute_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")}
            tables = [t for t in tables if t not in virtual]
            db.execute_sql("PRAGMA foreign_keys = OFF")
            db.execute_sql("ATTACH DATABASE ? AS demo", (source.path,))
            with db.atomic():
                for table in tables:
                    db.execute_sql(f'DELETE FROM main."{table}"')
                    db.execute_sql(f'INSERT INTO main."{table}" SELECT * FROM demo."{table}"')
            db.execute_sql("DETACH DATABASE demo")
        else:
            with db.atomic():
                # Rows arrive in any table order: foreign keys are checked by
                # the demo's own load, not again here (tests run as superuser).
                db.execute_sql("SET LOCAL session_replication_role = replica")
                db.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
                for table in tables:
                    db.execute_sql(f'INSERT INTO "{table}" SELECT * FROM "{source.schema}"."{table}"')
                # The columns owning a sequence, from the catalogue itself: information_schema's
                # column_default deparses every column default with pg_get_expr, which locks each
                # table it looks at, other workers' ones included, and two workers doing this
                # after their TRUNCATEs deadlocked.
                serials = db.execute_sql(
                    "SELECT t.relname, a.attname FROM pg_class s"
                    " JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass"
                    "  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
                    " JOIN pg_class t ON t.oid = d.refobjid"
                    " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
                    " WHERE s.relkind = 'S' AND t.relnamespace = current_schema()::regnamespace").fetchall()
                for table, column in serials:
                    db.execute_sql(f'SELECT setval(pg_get_serial_sequence(%s, %s), '
                                   f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)',
                                   (f'"{table}"', column))
    finally:
        db.close()
