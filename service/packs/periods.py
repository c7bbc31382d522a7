"""Reporting periods as used by duty items: "2022", "2022H1", "2022Q2", "2022-06".

The rule engine has its own period operators; this module gives the pack loader
and the 督责 side the same arithmetic in plain Python (period bounds, which
period of a given frequency contains a date, how many of them fit in another).
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re

_PATTERNS = [
    ("year", re.compile(r"^(\d{4})$")),
    ("half", re.compile(r"^(\d{4})H([12])$")),
    ("quarter", re.compile(r"^(\d{4})Q([1-4])$")),
    ("month", re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
]

#: Item frequency → the period kind it is counted in. "once" items are
#: counted per year (a one-off duty still belongs to an annual list).
FREQUENCY_KIND = {
    "monthly": "month",
    "quarterly": "quarter",
    "half-yearly": "half",
    "yearly": "year",
    "once": "year",
}

_MONTHS_IN = {"month": 1, "quarter": 3, "half": 6, "year": 12}


class PeriodError(ValueError):
    """Raised for a string that is not a period id."""


def parse_period(period: str) -> tuple[str, int, int, int]:
    """Return (kind, year, first_month, months) for a period id."""
    for kind, pattern in _PATTERNS:
        match = pattern.match(period or "")
        if not match:
            continue
        year = int(match.group(1))
        index = int(match.group(2)) if kind != "year" else 1
        months = _MONTHS_IN[kind]
        return kind, year, (index - 1) * months + 1, months
    raise PeriodError(f"not a period id: {period!r}")


def period_start(period: str) -> str:
    """First day of the period as an ISO date."""
    _, year, first, _ = parse_period(period)
    return _dt.date(year, first, 1).isoformat()


def period_end(period: str) -> str:
    """Last day of the period as an ISO date."""
    _, year, first, months = parse_period(period)
    last_month = first + months - 1
    return _dt.date(year, last_month, calendar.monthrange(year, last_month)[1]).isoformat()


def period_info(period: str) -> dict:
    """The `period` object a check rule sees: id, kind, start, end."""
    kind = parse_period(period)[0]
    return {"id": period, "kind": kind, "start": period_start(period), "end": period_end(period)}


def in_period(date: str, period: str) -> bool:
    """Whether an ISO date (or date-time) lies inside the period."""
    day = str(date)[:10]
    return period_start(period) <= day <= period_end(period)


def period_of(date: str, kind: str) -> str:
    """The period of the given kind that contains an ISO date."""
    day = _dt.date.fromisoformat(str(date)[:10])
    if kind == "year":
        return f"{day.year}"
    if kind == "half":
        return f"{day.year}H{1 if day.month <= 6 else 2}"
    if kind == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    if kind == "month":
        return f"{day.year}-{day.month:02d}"
    raise PeriodError(f"unknown period kind: {kind!r}")


def periods_in(period: str, kind: str) -> int:
    """How many whole periods of `kind` fit in `period` (0 when it is shorter)."""
    outer = parse_period(period)
    return outer[3] // _MONTHS_IN[kind]
