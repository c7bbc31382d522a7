"""The Huey instance, its storage chosen by the settings, and the task decorators.

There is one Huey object per process (``huey``); tasks register with it when
their modules are imported. ``configure`` points it at the storage the app's
settings name (``HUEY_URL``), so the web servers that enqueue and the
consumers that run tasks all use the same queue:

- SQLite (the embedded default): ``huey.sqlite3`` in the instance folder,
  shared by the consumers and app servers of one machine;
- the app's PostgreSQL database (Huey's ``SqlStorage`` over peewee, tables
  ``huey_*`` made by our migrations) when ``DATABASE_URL`` is PostgreSQL;
- Redis when ``HUEY_URL`` is ``redis://...``.

A task is a thin wrapper: ``task`` and ``periodic_task`` run the plain
function inside an app context with the database connected, so the function
itself is the same one the CLI and the tests call directly.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import logging
import os
import secrets
import socket
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

import peewee
from huey import Huey
from huey.contrib.sql_huey import SqlStorage
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from ..db import database, open_database, utcnow

logger = logging.getLogger(__name__)

# Who this process is, in job and claim rows: the host, the process and a
# token new at every start (a restarted container may reuse host and pid).
OWNER = f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(4)}"

# A periodic task's slot is looked for this far back from when it runs (a
# consumer that is late by more runs it in the slot of the minute it runs in).
_SLOT_LOOKBACK_MINUTES = 24 * 60
# Redis claims expire by themselves; duplicates of one slot arrive within minutes.
_REDIS_CLAIM_SECONDS = 7 * 24 * 3600

# The slot a periodic task is running for (say, to know which quarter just ended).
current_slot: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_slot", default=None)


class HueyTablesStorage(SqlStorage):
    """Huey's peewee storage with its tables named ``huey_*`` in the app's database.

    The tables are made by the migrations (``m0005``), not here: several app
    servers starting at once must not race to create them.
    """

    def create_models(self):
        models = super().create_models()
        for model in models:
            model._meta.set_table_name("huey_" + model._meta.table_name)
        return models


def storage_for(config: dict, instance_path: str) -> tuple[type, dict, str]:
    """(storage class, its arguments, backend name) for the app's settings."""
    url = (config.get("HUEY_URL") or "").strip()
    if not url:
        app_db = config.get("DATABASE_URL") or ""
        url = app_db if urlparse(app_db).scheme in ("postgres", "postgresql") else \
            "sqlite:///" + str(Path(instance_path) / "huey.sqlite3")
    scheme = urlparse(url).scheme
    if scheme in ("redis", "rediss", "unix"):
        return RedisStorage, {"url": url}, "redis"
    if scheme.startswith("sqlite"):
        return SqliteStorage, {"filename": urlparse(url).path[1:]}, "sqlite"
    if scheme in ("postgres", "postgresql"):
        return HueyTablesStorage, {"database": open_database(url), "create_tables": False}, "sql"
    raise ValueError(f"unsupported HUEY_URL scheme: {scheme!r} (use sqlite:///, postgresql:// or redis://)")


class AppHuey(Huey):
    """Huey whose storage is set by the app's settings when the app is made, not at import."""

    def __init__(self):
        # results=False: progress and outcomes live in the Job table, so nobody
        # reads Huey's result store and it would only grow.
        super().__init__("dutyloop", results=False, utc=True, storage_class=MemoryStorage)
        self.app = None
        self.backend = "memory"

    def configure(self, app) -> None:
        """Use the storage ``app``'s settings name; tasks run inside ``app``."""
        storage_class, kwargs, backend = storage_for(app.config, app.instance_path)
        old = self.storage
        self.name = app.config.get("HUEY_NAME") or "dutyloop"
        self.storage_class, self.storage_kwargs = storage_class, kwargs
        self._immediate = bool(app.config.get("HUEY_IMMEDIATE"))
        self.storage = self.create_storage()
        self.backend = "memory" if self._immediate else backend
        self.app = app
        with contextlib.suppress(Exception):
            old.close()


huey = AppHuey()


@contextlib.contextmanager
def connected():
    """The database connected for the block (reusing a connection already open)."""
    opened = database.is_closed()
    if opened:
        database.connect()
    try:
        yield
    finally:
        if opened and not database.is_closed():
            database.close()


def in_app(fn: Callable) -> Callable:
    """Run ``fn`` inside the configured app's context, connected, acting as the worker."""
    from .. import audit

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if huey.app is None:
            raise RuntimeError("no app: create_app() configures the task queue")
        with huey.app.app_context(), connected(), audit.acting_as(None, "worker"):
            return fn(*args, **kwargs)
    return run


def task(**options) -> Callable:
    """Decorator: a Huey task running the plain function inside the app."""
    def decorator(fn):
        return huey.task(**options)(in_app(fn))
    return decorator


def slot_of(schedule: Callable[[dt.datetime], bool], now: dt.datetime) -> str:
    """The time slot a periodic run at ``now`` belongs to: the latest minute the schedule matched."""
    minute = now.replace(second=0, microsecond=0)
    for back in range(_SLOT_LOOKBACK_MINUTES):
        moment = minute - dt.timedelta(minutes=back)
        if schedule(moment):
            return moment.strftime("%Y-%m-%dT%H:%M")
    return minute.strftime("%Y-%m-%dT%H:%M")


def claim_slot(task_name: str, slot: str) -> bool:
    """Claim (task, slot) for this process; False when another consumer has it.

    On Redis a ``SET NX``; otherwise a row whose unique key is (task, slot),
    so two consumers enqueueing the same periodic task run it once.
    """
    if huey.backend == "redis":
        key = f"huey.claim.{huey.name}.{task_name}.{slot}"
        return bool(huey.storage.conn.set(key, OWNER, nx=True, ex=_REDIS_CLAIM_SECONDS))
    from .models import PeriodicClaim
    try:
        with database.atomic():  # a savepoint, so a refused insert leaves no aborted transaction
            PeriodicClaim.create(task=task_name, slot=slot, owner=OWNER)
    except peewee.IntegrityError:
        return False
    return True


def _finish_claim(task_name: str, slot: str, error: str | None) -> None:
    if huey.backend == "redis":
        return
    from .models import PeriodicClaim
    (PeriodicClaim.update(finished_at=utcnow(), error=error)
     .where((PeriodicClaim.task == task_name) & (PeriodicClaim.slot == slot)).execute())


def run_once_per_slot(task_name: str, schedule: Callable, fn: Callable, *args, **kwargs):
    """Run ``fn`` if this process wins the current slot of ``schedule``; else do nothing."""
    slot = slot_of(schedule, utcnow())
    if not claim_slot(task_name, slot):
        logger.info("periodic %s: slot %s already claimed by another consumer", task_name, slot)
        return None
    token = current_slot.set(slot)
    try:
        result = fn(*args, **kwargs)
    except Exception as exc:
        _finish_claim(task_name, slot, f"{type(exc).__name__}: {exc}"[:2000])
        raise
    finally:
        current_slot.reset(token)
    _finish_claim(task_name, slot, None)
    return result


def periodic_task(schedule: Callable[[dt.datetime], bool], **options) -> Callable:
    """Decorator: a Huey periodic task that runs once per slot, however many consumers enqueue it.

    ``schedule`` is a Huey ``crontab(...)``. Every consumer's scheduler
    enqueues the task when the schedule matches; the first to claim the slot
    runs it, the others skip.
    """
    def decorator(fn):
        name = f"{fn.__module__}.{fn.__name__}"

        @functools.wraps(fn)
        def once(*args, **kwargs):
            return run_once_per_slot(name, schedule, fn, *args, **kwargs)
        return huey.periodic_task(schedule, **options)(in_app(once))
    return decorator
