"""A unit's duty calendar as an iCalendar feed behind a secret, revocable URL. No Flask.

The URL carries a token (``dlc_`` and 43 URL-safe characters, 256 random
bits); only its sha256 is stored, so a copy of the database opens no feed. A
unit has at most one live token: regenerating revokes the old one, revoking
leaves none, and a revoked or unknown token answers nothing (the view: 404).
Creating and revoking are audited. The feed lists the items falling due this
year and next (where a published plan exists) as all-day events, each with
the status engine's explanation, read at the moment the feed is fetched.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import peewee
from icalendar import Calendar, Event

from .. import audit
from ..auth.models import User
from ..db import database, utcnow
from ..define.models import Plan
from ..units.models import Unit
from . import calendar
from .calendar_models import CalendarFeed
from .status import COLOURS, STATUSES

PREFIX = "dlc_"
PRODID = "-//dutyloop//duty calendar//ZH"


class FeedBusy(Exception):
    """Another request made or revoked this unit's feed at the same moment."""


def digest(secret: str) -> str:
    """The stored form of a feed token."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def live_feed(unit_id: int) -> CalendarFeed | None:
    """The unit's live feed token (its row: hint, who made it, when), or None."""
    return CalendarFeed.get_or_none((CalendarFeed.unit == unit_id) & CalendarFeed.revoked_at.is_null())


def regenerate(unit: Unit, user: User) -> tuple[CalendarFeed, str]:
    """A new token for the unit's feed, the old one (if any) revoked; both audited.
    Returns the row and the secret, which is never stored."""
    secret = PREFIX + secrets.token_urlsafe(32)
    try:
        with database.atomic():
            _revoke(unit.id, user)
            feed = audit.create(CalendarFeed, unit=unit.id, token_hash=digest(secret), hint=secret[:len(PREFIX) + 4],
                                created_by=user.id, created_at=utcnow())
    except peewee.IntegrityError as exc:  # the partial unique index: one live feed per unit
        raise FeedBusy() from exc
    return feed, secret


def revoke(unit: Unit, user: User) -> bool:
    """Revoke the unit's live token (audited); False when there was none."""
    with database.atomic():
        return _revoke(unit.id, user)


def _revoke(unit_id: int, user: User) -> bool:
    feed = live_feed(unit_id)
    if feed is None:
        return False
    audit.update(feed, revoked_at=utcnow(), revoked_by=user.id)
    return True


def find(unit_id: int, secret: str) -> CalendarFeed | None:
    """The live feed of ``unit_id`` opened by ``secret``, or None (unknown, revoked, another
    unit's, or of a unit that was deactivated)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    feed = (CalendarFeed.select(CalendarFeed, Unit).join(Unit)
            .where(CalendarFeed.token_hash == digest(secret)).first())
    if feed is None or not feed.live or feed.unit_id != unit_id or not feed.unit.active:
        return None  # a deactivated unit's feed says nothing either
    return feed


def feed_months(unit_id: int, today: dt.date) -> list[tuple[int, int]]:
    """The months the feed covers: this year's, and next year's once its plan is published."""
    years = [today.year]
    if Plan.select().where((Plan.unit == unit_id) & (Plan.year == today.year + 1)
                           & (Plan.status == "published")).exists():
        years.append(today.year + 1)
    return [(year, month) for year in years for month in range(1, 13)]


def ics(unit: Unit, today: dt.date, *, link: str = "", host: str = "dutyloop") -> bytes:
    """The unit's calendar as iCalendar text: one all-day VEVENT per item and window
    (summary = the item's text, description = the engine's explanation; UID stable
    per item and window, so a calendar app updates an event instead of adding one)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{unit.name} 履职月历")
    stamp = dt.datetime.combine(today, dt.time.min, tzinfo=dt.timezone.utc)
    for item in calendar.due_in_months(unit.id, feed_months(unit.id, today), today):
        due = dt.date.fromisoformat(item.due)
        event = Event()
        event.add("uid", f"dutyloop-{item.plan_item_id}-{item.window}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        event.add("summary", item.text)
        event.add("description", item.explanation)
        event.add("categories", [engine_status_label(item)])
        event.add("transp", "TRANSPARENT")
        if link:
            event.add("url", link)
        cal.add_component(event)
    return cal.to_ical()


def engine_status_label(item) -> str:
    """完成 / 部分完成 / … with the colour when there is one (红 · 未完成)."""
    label = STATUSES[item.status]
    return f"{COLOURS[item.colour]} · {label}" if item.colour else label
