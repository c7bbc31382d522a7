"""Schema migrations: numbered modules applied once each, in order.

Each module ``mNNNN_<name>.py`` defines ``upgrade(db)``. Migrations describe the
schema with frozen table definitions of their own (never the live models), so
an old instance upgrades through every step and a fresh one builds the same
schema. ``upgrade`` is safe to run from several app servers at once: on
PostgreSQL it takes an advisory lock, on SQLite the write lock serialises it.

Numbers are contiguous. ``RENAMED`` maps a name a migration once had to its
name now, so an instance that applied it under the old name does not apply it
again (m0004_records_drafts_files became m0003 to close a gap in the numbers
before the first deployment).
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


RENAMED = {"m0004_records_drafts_files": "m0003_records_drafts_files"}


def available() -> list[str]:
    """Names of all migration modules, in the order they apply."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("m"))


def applied(db: peewee.Database) -> list[str]:
    """Names of the migrations already applied to ``db``."""
    with db.bind_ctx([_Applied]):
        if not _Applied.table_exists():
            return []
        return [row.name for row in _Applied.select().order_by(_Applied.name)]


def pending(db: peewee.Database) -> list[str]:
    """Migrations not yet applied to ``db`` (an empty database has them all pending)."""
    done = {RENAMED.get(name, name) for name in applied(db)}
    return [name for name in available() if name not in done]


def upgrade(db: peewee.Database) -> list[str]:
    """Apply every pending migration to ``db``; return the names applied."""
    done: list[str] = []
    with db.bind_ctx([_Applied]):
        db.create_tables([_Applied], safe=True)
        with db.atomic():
            for old, new in RENAMED.items():
                _Applied.update(name=new).where(_Applied.name == old).execute()
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
