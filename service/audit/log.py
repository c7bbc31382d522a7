"""Audit entries and the audited write helpers."""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
from typing import Any, Iterator

import peewee
from playhouse.shortcuts import model_to_dict

from ..db import BaseModel, JSONField, database, utcnow

_actor: contextvars.ContextVar[tuple[int | None, str]] = contextvars.ContextVar(
    "audit_actor", default=(None, "system"))

# Fields whose values must never be copied into the log in clear.
_SECRET_FIELDS = {"password_hash"}


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit entry."""


class AuditEntry(BaseModel):
    """One change to one object: who, when, what, and the object before/after."""

    at = peewee.DateTimeField(default=utcnow, index=True)
    actor_id = peewee.IntegerField(null=True, index=True)
    actor_name = peewee.CharField(max_length=100)
    action = peewee.CharField(max_length=20, index=True)
    object_type = peewee.CharField(max_length=50, index=True)
    object_id = peewee.CharField(max_length=100, index=True)
    before = JSONField(null=True)
    after = JSONField(null=True)

    class Meta:
        table_name = "audit_entry"

    def save(self, *args, **kwargs):
        if self.id is not None and not kwargs.get("force_insert"):
            raise AuditLogIsAppendOnly("audit entries cannot be changed")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit entries cannot be changed")

    @classmethod
    def delete(cls):
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")

    def changed_fields(self) -> list[str]:
        """Names of the fields whose value differs between before and after."""
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def set_actor(user_id: int | None, name: str) -> contextvars.Token:
    """Make ``name`` the actor of every audited write in this context."""
    return _actor.set((user_id, name))


def current_actor() -> tuple[int | None, str]:
    """The (user id, display name) that audited writes are attributed to."""
    return _actor.get()


@contextlib.contextmanager
def acting_as(user_id: int | None, name: str) -> Iterator[None]:
    """Attribute the writes inside the block to ``name``."""
    token = _actor.set((user_id, name))
    try:
        yield
    finally:
        _actor.reset(token)


def snapshot(obj: peewee.Model) -> dict[str, Any]:
    """A JSON-able picture of ``obj``'s columns, with secrets fingerprinted."""
    data = model_to_dict(obj, recurse=False)
    # Bulky immutable content (a pack's files) is named by its hash elsewhere in
    # the row; copying it into every entry would only bloat the log.
    for key in getattr(obj, "_audit_omit", ()):
        data[key] = "(omitted)"
    for key, value in list(data.items()):
        if key in _SECRET_FIELDS and value is not None:
            data[key] = "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()[:12]
        elif isinstance(value, (dt.datetime, dt.date)):
            data[key] = value.isoformat()
    return data


def record(action: str, object_type: str, object_id: Any,
           before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Write one audit entry (call inside the transaction that made the change)."""
    actor_id, actor_name = _actor.get()
    return AuditEntry.create(actor_id=actor_id, actor_name=actor_name, action=action,
                             object_type=object_type, object_id=str(object_id),
                             before=before, after=after)


def _type_of(obj_or_model) -> str:
    return obj_or_model._meta.table_name


# Objects are named by ``_pk`` (peewee's primary key), not ``get_id()``: the
# User model's ``get_id`` belongs to Flask-Login and says more than the id.


def create(model: type[peewee.Model], **fields) -> peewee.Model:
    """Create a row of ``model`` and audit it, atomically."""
    with database.atomic():
        obj = model.create(**fields)
        record("create", _type_of(model), obj._pk, None, snapshot(obj))
    return obj


def create_many(model: type[peewee.Model], rows: list[dict[str, Any]], *, key: str,
                where: peewee.Expression | None = None) -> list[peewee.Model]:
    """Create many rows of ``model`` and audit each one, atomically, in a few
    multi-row statements instead of two statements and a savepoint per row.

    ``key`` names a column the rows carry that is unique among them and the
    table (a unit's ``code``), or unique within ``where`` (a plan's items by
    ``item_id``, ``where=PlanItem.plan == plan``): the new rows are read back by
    it, so each entry holds the row as stored, defaults included. All rows must
    give the same columns. Returns the objects in the order of ``rows``.
    """
    created: list[peewee.Model] = []
    if not rows:
        return created
    # Keep each statement under SQLite's oldest limit of 999 bound values.
    per_statement = max(1, 900 // max(len(model._meta.sorted_fields), len(AuditEntry._meta.sorted_fields)))
    actor_id, actor_name = _actor.get()
    column = getattr(model, key)
    with database.atomic():
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            model.insert_many(chunk).execute()
            keys = [row[key] for row in chunk]
            query = model.select().where(column.in_(keys))
            if where is not None:
                query = query.where(where)
            stored = {getattr(obj, key): obj for obj in query}
            objs = [stored[k] for k in keys]
            AuditEntry.insert_many([
                {"at": utcnow(), "actor_id": actor_id, "actor_name": actor_name, "action": "create",
                 "object_type": _type_of(model), "object_id": str(obj._pk), "before": None, "after": snapshot(obj)}
                for obj in objs]).execute()
            created.extend(objs)
    return created


def update(obj: peewee.Model, **changes) -> peewee.Model:
    """Change ``obj``'s fields and audit before/after, atomically.

    Nothing is written (and nothing audited) when no value actually changes.
    """
    before = snapshot(obj)
    for key, value in changes.items():
        setattr(obj, key, value)
    if hasattr(obj, "updated_at") and "updated_at" not in changes:
        obj.updated_at = utcnow()
    after = snapshot(obj)
    if {k: v for k, v in before.items() if k != "updated_at"} == \
            {k: v for k, v in after.items() if k != "updated_at"}:
        return obj
    with database.atomic():
        obj.save()
        record("update", _type_of(obj), obj._pk, before, after)
    return obj


def delete(obj: peewee.Model) -> None:
    """Delete ``obj`` and audit what it was, atomically."""
    with database.atomic():
        before = snapshot(obj)
        obj.delete_instance()
        record("delete", _type_of(obj), obj._pk, before, None)
