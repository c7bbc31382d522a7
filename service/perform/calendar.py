"""履职月历: what falls due in a month, and reminders of what turned 黄 or 红. No Flask.

Everything here is read from the status engine (``status.unit_status``), never
computed a second time: the month view asks the engine for the month and
keeps the items whose due date lies in it; reminders ask it for the current
month and keep the items coloured 黄 (due now) or 红 (overdue). Asking for a
month gives every item its own window containing that month (a monthly item
the month, a quarterly one the quarter, a yearly one the year), so one call
covers the current month, quarter, half-year and year. Reminders also ask for
the previous month: most items fall due on the last day of their window and
turn 红 the day after, when that window is no longer current; last month's
windows keep such an item reminded (as 红) for one more month.

A reminder is not stored. Its key names the unit, the plan item, the window
and the colour; a user's read mark is the only thing kept (``NotificationRead``),
so a reminder comes and goes with the status it is derived from: it appears
when the item turns 黄, a new one (unread) when it turns 红, and it is gone
once the item is done or a month after its window is over.
"""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass

import peewee

from .. import audit
from ..auth.models import User
from ..db import database, utcnow
from . import status as engine
from .calendar_models import NotificationRead

#: The colours a reminder is raised for, most urgent first.
ALERT_COLOURS = ("red", "yellow")


class MonthError(ValueError):
    """Not a month this calendar shows (YYYY-MM, years 2000–2100)."""


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) of ``2022-05``; ``MonthError`` for anything else."""
    text = (text or "").strip()
    if len(text) != 7 or text[4] != "-" or not text.isascii() or not (text[:4] + text[5:]).isdigit():
        raise MonthError(text)
    year, month = int(text[:4]), int(text[5:])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise MonthError(text)
    return year, month


def month_id(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def shift(year: int, month: int, by: int) -> tuple[int, int]:
    """The month ``by`` months after (before, when negative) the given one."""
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def weeks(year: int, month: int) -> list[list[dt.date]]:
    """The month as weeks of seven days, Monday first (days of the months around it included)."""
    return _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


# --------------------------------------------------------------------------- the month view

def due_in_month(unit_id: int, year: int, month: int, today: dt.date) -> list[engine.ItemStatus]:
    """The unit's plan items (in force) whose due date lies in the month, by due date,
    with their status as of ``today`` (a past month's final status, a future one's 未到期)."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, _calendar.monthrange(year, month)[1])
    found = [s for s in engine.unit_status(unit_id, month_id(year, month), today, include_disabled=False)
             if s.due and first.isoformat() <= s.due <= last.isoformat()]
    return sorted(found, key=lambda s: (s.due, s.plan_item_id))


def by_day(items: list[engine.ItemStatus]) -> dict[str, list[engine.ItemStatus]]:
    """Items keyed by their due date (ISO), for the month grid."""
    days: dict[str, list[engine.ItemStatus]] = {}
    for item in items:
        days.setdefault(item.due, []).append(item)
    return days


def due_in_months(unit_id: int, months: list[tuple[int, int]], today: dt.date) -> list[engine.ItemStatus]:
    """``due_in_month`` over several months, each item and window once (the feed)."""
    seen, out = set(), []
    for year, month in months:
        for item in due_in_month(unit_id, year, month, today):
            if (item.plan_item_id, item.window) not in seen:
                seen.add((item.plan_item_id, item.window))
                out.append(item)
    return out


# --------------------------------------------------------------------------- reminders

@dataclass
class Notice:
    """One reminder: an item of the unit that is 黄 or 红 in its current window."""

    key: str
    status: engine.ItemStatus
    read: bool = False

    @property
    def colour(self) -> str:
        return self.status.colour


def notice_key(item: engine.ItemStatus) -> str:
    """unit:plan item:window:colour — the same item turning 红 after 黄 is a new reminder."""
    return f"{item.unit_id}:{item.plan_item_id}:{item.window}:{item.colour}"


def notices(user: User, today: dt.date) -> list[Notice]:
    """The reminders of ``user``'s unit as of ``today`` for the items the unit records itself,
    红 first, then by due date, each marked read or not for this user. Staff (no unit) have none."""
    if not user.unit_id:
        return []
    from ..holders.recording import others_for_unit
    # Items another body records (监督责任, 职能监督责任) are shown read-only on the unit's pages;
    # reminding the clerk of work the clerk may not record would only be noise.
    others = others_for_unit(user.unit_id)
    found, keys = [], set()
    for year, month in (shift(today.year, today.month, 0), shift(today.year, today.month, -1)):
        for item in engine.unit_status(user.unit_id, month_id(year, month), today, include_disabled=False):
            key = notice_key(item)
            if item.colour in ALERT_COLOURS and key not in keys and item.list_id not in others:
                keys.add(key)
                found.append(Notice(key, item))
    read = read_keys(user, [n.key for n in found])
    for notice in found:
        notice.read = notice.key in read
    return sorted(found, key=lambda n: (ALERT_COLOURS.index(n.colour), n.status.due or "", n.status.plan_item_id))


# --------------------------------------------------------------------------- other stages' notices

#: Notices other stages derive for a unit user, shown with the reminders (the same page, bell and
#: read marks): name -> callable(user, today) giving objects with a ``key`` (unique, prefixed,
#: up to 200 characters) and a ``read`` flag this module sets. 督责 registers its quarterly-run
#: notices (``supervise.reminders``); this module does not import the stages after it.
SOURCES: dict = {}


def register_source(name: str, source) -> None:
    """Add (or replace) a source of notices (idempotent: an app made twice registers once)."""
    SOURCES[name] = source


def other_notices(user: User, today: dt.date) -> list:
    """Every registered source's notices for ``user``, each marked read or not for this user."""
    found = [n for source in SOURCES.values() for n in source(user, today)]
    read = read_keys(user, [n.key for n in found])
    for notice in found:
        notice.read = notice.key in read
    return found


def unread_count(user: User, today: dt.date) -> int:
    """Unread reminders and unread notices of other stages (the bell's number)."""
    return sum(not n.read for n in notices(user, today)) + sum(not n.read for n in other_notices(user, today))


def read_keys(user: User, keys: list[str]) -> set[str]:
    """Which of ``keys`` the user has read."""
    if not keys:
        return set()
    query = NotificationRead.select(NotificationRead.key).where(
        (NotificationRead.user == user.id) & NotificationRead.key.in_(keys))
    return {row.key for row in query}


def mark_read(user: User, keys: list[str]) -> int:
    """Mark reminders read for ``user`` (audited); keys already read are left alone.
    Returns how many marks were made. Two requests marking the same key at once
    meet the unique (user, key) index: the loser's mark is simply already there."""
    fresh = sorted(set(keys) - read_keys(user, list(keys)))
    if not fresh:
        return 0
    try:
        with database.atomic():
            audit.create_many(NotificationRead, [{"user": user.id, "key": key, "read_at": utcnow()} for key in fresh],
                              key="key", where=NotificationRead.user == user.id)
    except peewee.IntegrityError:
        return 0
    return len(fresh)


def mark_notices_read(user: User, today: dt.date, keys: list[str] | None = None) -> int:
    """Mark the user's current reminders and other notices read: those named in ``keys``, or all
    of them. A key that is not one of the user's notices now is ignored (nothing else is stored)."""
    current = [n.key for n in notices(user, today)] + [n.key for n in other_notices(user, today)]
    wanted = current if keys is None else [k for k in current if k in set(keys)]
    return mark_read(user, wanted)
