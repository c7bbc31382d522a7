"""Schema migrations: numbered modules applied once each, in order.

Each module ``mNNNN_<name>.py`` defines ``upgrade(db)``. Migrations describe the
schema with frozen table definitions of their own (never the live models), so
an old instance upgrades through every step and a fresh one builds the same
schema. ``upgrade`` is safe to run from several app servers at once: on
PostgreSQL it takes an advisory lock, on SQLite the write lock serialises it.
"""
from __future__ import annotations

import importlib
import pkgutil

import peewee

from ..db import utcnow

_LOCK_KEY = 0x6475_7479  # "duty": advisory lock id for migrations on PostgreSQL


class _Applied(peewee.Model):
    name = peewee.CharField(primary_key=True, max_length=100)
    applied_at = peewee.DateTimeField()

    class Meta:
        table_name = "schema_migration"


def available() -> list[str]:
    """Names of all migration modules, in the order they apply."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("m"))


def applied(db: peewee.Database) -> list[str]:
    """Names of the migrations already applied to ``db``."""
    with db.bind_ctx([_Applied]):
        if not _Applied.table_exists():
            return []
        return [row.name for row in _Applied.select().order_by(_Applied.name)]


def upgrade(db: peewee.Database) -> list[str]:
    """Apply every pending migration to ``db``; return the names applied."""
    done: list[str] = []
    with db.bind_ctx([_Applied]):
        db.create_tables([_Applied], safe=True)
        for name in available():
            with db.atomic():
                if isinstance(db, peewee.PostgresqlDatabase):
                    db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                if _Applied.get_or_none(_Applied.name == name):
                    continue
                module = importlib.import_module(f"{__name__}.{name}")
                module.upgrade(db)
                _Applied.create(name=name, applied_at=utcnow())
                done.append(name)
    return done
