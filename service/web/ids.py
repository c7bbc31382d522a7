"""Database ids from URLs and form fields, refused when out of range.

A 25-digit id in a URL is not a bug to crash on: SQLite and PostgreSQL both
reject integers past 64 bits, so ids are checked before any query sees them.
"""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The positive database id in ``value`` (text or int), or None."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: only ids a database can hold; anything else is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
