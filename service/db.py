"""The database: declared unbound, bound by the app factory or the CLI.

Models everywhere inherit ``BaseModel``; ``database`` is a proxy so tests, the
CLI and each app server bind their own connection (SQLite file by default,
PostgreSQL when ``DATABASE_URL`` says so).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from urllib.parse import urlparse, parse_qs

import orjson
import peewee
from playhouse.db_url import connect

database = peewee.DatabaseProxy()


class BaseModel(peewee.Model):
    """Base of every model: bound to the shared proxy."""

    class Meta:
        database = database
        legacy_table_names = False


class JSONField(peewee.TextField):
    """JSON stored as text: portable between SQLite and PostgreSQL.

    Key order is kept as given: a form's fields are shown in declaration order.
    """

    field_type = "TEXT"

    def db_value(self, value):
        if value is None:
            return None
        return dumps(value)

    def python_value(self, value):
        if value is None:
            return None
        return loads(value)


# JSON text through orjson (several times faster than the json module both ways: a check run
# parses every record of a district and writes a result per plan item), with the json module
# as the fallback for what orjson refuses, so nothing that was storable before fails now:
# integers beyond 64 bits, non-finite floats in text written by older versions.

def dumps(value) -> str:
    """``value`` as compact JSON text (UTF-8 kept, dates as ISO text, key order kept)."""
    try:
        return orjson.dumps(value, default=json_default, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, ensure_ascii=False, default=json_default, separators=(",", ":"))


def loads(text):
    """The value of JSON text (str or bytes)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # also a json.JSONDecodeError: the json module may still read it
        return json.loads(text)


def json_default(value):
    """Dates as ISO text (what JSONField writes for them)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@contextlib.contextmanager
def serialised(name: str):
    """A transaction that runs alone among those serialised on the same ``name``,
    across threads, processes and servers: PostgreSQL takes a transaction-scoped
    advisory lock on a hash of the name; SQLite takes the database's write lock
    when the transaction begins (``BEGIN IMMEDIATE``). Keep the block short."""
    db = database.obj
    if isinstance(db, peewee.PostgresqlDatabase):
        with db.atomic() as transaction:
            key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (key,))
            yield transaction
    else:
        with db.atomic("IMMEDIATE") as transaction:
            yield transaction


def write_transaction():
    """A transaction that will write: on SQLite it takes the write lock when it
    begins, so a read inside it cannot meet another writer's newer snapshot
    later ("database is locked" at once, whatever busy_timeout says)."""
    db = database.obj
    return db.atomic() if isinstance(db, peewee.PostgresqlDatabase) else db.atomic("IMMEDIATE")


def utcnow() -> dt.datetime:
    """Naive UTC now; every timestamp in the database is naive UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def open_database(url: str) -> peewee.Database:
    """Open a peewee database for ``url`` with the pragmas this app relies on."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        _create_private(parsed.path[1:])
        # WAL lets readers run beside the one writer; foreign keys are off by
        # default in SQLite and we rely on them; busy_timeout makes a second
        # process wait for the write lock instead of failing at once.
        return connect(url, pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 10000,
            "synchronous": "normal",
        })
    if parsed.scheme in {"postgres", "postgresql"}:
        options = parse_qs(parsed.query)
        schema = options.pop("schema", [None])[0]
        base = url.split("?", 1)[0]
        # peewee runs PostgreSQL in autocommit mode, so a failed statement
        # outside a transaction never leaves the connection aborted.
        kwargs = {}
        if schema:
            kwargs["options"] = f"-c search_path={schema}"
        return connect(base.replace("postgres://", "postgresql://", 1), **kwargs)
    raise ValueError(f"unsupported DATABASE_URL scheme: {parsed.scheme!r}")


def _create_private(path: str) -> None:
    """Create a new SQLite file readable by its owner only (0600); SQLite gives its
    -wal and -shm files the same mode. An existing file is left as it is."""
    if not path or path == ":memory:" or path.startswith("file:") or os.path.exists(path):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except (FileExistsError, FileNotFoundError):
        pass  # another process made it first, or its folder is missing (SQLite will say so)


def bind(url: str) -> peewee.Database:
    """Bind the shared proxy to a new connection for ``url`` and return it."""
    db = open_database(url)
    database.initialize(db)
    return db


def init_app(app) -> None:
    """Bind the database for ``app`` and open/close a connection per request."""
    bind(app.config["DATABASE_URL"])

    from flask import request

    @app.before_request
    def _connect():
        # The health check reports a dead database itself instead of failing here.
        if request.endpoint != "home.healthz":
            database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()
