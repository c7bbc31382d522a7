"""What the duty calendar keeps: who has read which reminder, and the units' feed tokens.

Reminders themselves are not stored: they are derived from the status engine
every time (service/perform/calendar.py). Only a person's "read" mark on one
reminder is kept, by the reminder's key, so a mark can never make a reminder
say something the plan and the records do not.
"""
from __future__ import annotations

import peewee

from ..auth.models import User
from ..db import BaseModel, utcnow
from ..units.models import Unit


class NotificationRead(BaseModel):
    """One user has read one reminder (key: unit:plan item:window:colour)."""

    user = peewee.ForeignKeyField(User, on_delete="CASCADE", backref="+")
    key = peewee.CharField(max_length=200)
    read_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "notification_read"
        indexes = ((("user", "key"), True),)


class CalendarFeed(BaseModel):
    """A secret iCalendar feed URL of one unit: only the sha256 of its token is kept.

    At most one live (not revoked) feed per unit: a partial unique index on
    ``unit`` where ``revoked_at`` is null, so two regenerations at once cannot
    both leave a live token.
    """

    unit = peewee.ForeignKeyField(Unit, on_delete="CASCADE", backref="+")
    token_hash = peewee.CharField(max_length=64, unique=True)
    hint = peewee.CharField(max_length=16)
    created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    created_at = peewee.DateTimeField(default=utcnow)
    revoked_at = peewee.DateTimeField(null=True)
    revoked_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+",
                                        column_name="revoked_by_id")

    class Meta:
        table_name = "calendar_feed"

    @property
    def live(self) -> bool:
        return self.revoked_at is None
