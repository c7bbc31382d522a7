"""Stored state of background work: jobs with their progress, and periodic-task claims.

Both live in the app's database, so every app server and every consumer sees
the same progress and the same claims (nothing is kept in a worker's memory).
"""
from __future__ import annotations

import peewee

from ..auth.models import User
from ..db import BaseModel, JSONField, utcnow


class Job(BaseModel):
    """One piece of long work (a check run, a cleanup): its parameters, state and progress.

    The state changes only through ``jobs.move`` (see ``jobs.MOVES``); progress
    (``done`` of ``total``) is written as the work goes, so a page can poll it.
    """

    kind = peewee.CharField(max_length=100, index=True)
    params = JSONField(default=dict)
    state = peewee.CharField(max_length=20, default="queued", index=True)
    done = peewee.IntegerField(default=0)
    total = peewee.IntegerField(null=True)
    result = JSONField(null=True)
    error = peewee.TextField(null=True)
    attempts = peewee.IntegerField(default=0)
    # host:pid:token of the consumer running it, so a restarted consumer knows
    # which running jobs were its own predecessor's.
    owner = peewee.CharField(max_length=200, null=True)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)
    started_at = peewee.DateTimeField(null=True)
    heartbeat_at = peewee.DateTimeField(null=True)
    finished_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "job"

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def percent(self) -> int | None:
        """Progress as a whole percentage, or None while the total is unknown."""
        if not self.total:
            return 100 if self.state == "done" else None
        return min(100, self.done * 100 // self.total)


class PeriodicClaim(BaseModel):
    """Which consumer ran a periodic task in which time slot (unique: one run per slot)."""

    task = peewee.CharField(max_length=200)
    slot = peewee.CharField(max_length=40)
    owner = peewee.CharField(max_length=200)
    claimed_at = peewee.DateTimeField(default=utcnow)
    finished_at = peewee.DateTimeField(null=True)
    error = peewee.TextField(null=True)

    class Meta:
        table_name = "periodic_claim"
        indexes = ((("task", "slot"), True),)
