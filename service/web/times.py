"""Times as people read them: in the instance's time zone (setting ``TIMEZONE``).

Every timestamp is stored as naive UTC (``db.utcnow``); pages, exports and
messages show it in the instance's zone through ``local_time`` (the Jinja
filter ``localtime``), so no page needs to name a zone.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

FORMATS = {"minute": "%Y-%m-%d %H:%M", "second": "%Y-%m-%d %H:%M:%S", "time": "%H:%M:%S",
           "short": "%m-%d %H:%M", "date": "%Y-%m-%d"}


def zone(name: str | None = None) -> ZoneInfo:
    """The instance's time zone (or ``name``'s); a bad name is a clear error at start-up."""
    name = name or current_app.config["TIMEZONE"]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"TIMEZONE: unknown time zone {name!r} (e.g. Asia/Shanghai)") from exc


def to_local(value: dt.datetime) -> dt.datetime:
    """A stored naive-UTC timestamp as an aware time in the instance's zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(zone())


def local_time(value, fmt: str = "minute") -> str:
    """``value`` (naive UTC datetime) formatted in the instance's zone; ``fmt`` is a
    key of FORMATS or a strftime pattern. Dates and empty values pass through."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return str(value)
    return to_local(value).strftime(FORMATS.get(fmt, fmt))


def local_iso(value) -> str:
    """For exports: ISO 8601 with the zone's offset (2022-06-01T10:00:00+08:00)."""
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    return to_local(value).isoformat(timespec="seconds")


def local_day_start_utc(day: dt.date) -> dt.datetime:
    """Naive UTC at which ``day`` begins in the instance's zone (for date filters)."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone())
    return start.astimezone(dt.timezone.utc).replace(tzinfo=None)


def init_app(app) -> None:
    """Check the zone name once and register the ``localtime`` filter."""
    zone(app.config["TIMEZONE"])
    app.add_template_filter(local_time, "localtime")
