"""Date and period operators for duty rules.

Dates are ISO strings (``2022-06-30``; a datetime's date part, ``2022/6/30``
and ``2022年6月30日`` are read too). Periods are ``"2022"``, ``"2022H1"``,
``"2022Q2"`` or ``"2022-06"``, or the check-rule ``period`` object (its
``start``/``end``, or its ``id``). The engine never reads the clock: ``today``
comes from ``context["today"]``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping

from ..env import CONTEXT
from ..errors import RuleCompileError, RuleEvalError, invalid
from ..values import short, to_number

_DATE_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][0-9:.+\-Z]*)?")
_ZH_DATE_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_PERIOD_RE = re.compile(r"(\d{4})(?:([Hh])([12])|([Qq])([1-4])|-(\d{2}))?")


def parse_date(value, what: str = "date") -> dt.date:
    """A ``datetime.date`` from an ISO-like string; "Invalid Arguments" otherwise."""
    if type(value) is str and len(value) <= 40:
        m = _DATE_RE.fullmatch(value.strip()) or _ZH_DATE_RE.fullmatch(value.strip())
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
    raise invalid(f"{what} is not a valid date (YYYY-MM-DD): {short(value)}")


def parse_period(value) -> tuple[dt.date, dt.date]:
    """(first day, last day) of a period id or period object."""
    if type(value) is dict:
        if "start" in value and "end" in value:
            return parse_date(value["start"], "period start"), parse_date(value["end"], "period end")
        value = value.get("id")
    if type(value) is int and 1 <= value <= 9999:
        value = str(value)
    m = _PERIOD_RE.fullmatch(value) if type(value) is str else None
    if not m or int(m[1]) < 1:
        raise invalid(f"not a period (2022, 2022H1, 2022Q2 or 2022-06): {short(value)}")
    year = int(m[1])
    if m[2]:
        first = 1 if m[3] == "1" else 7
        last = first + 5
    elif m[4]:
        first = 3 * int(m[5]) - 2
        last = first + 2
    elif m[6]:
        first = last = int(m[6])
        if not 1 <= first <= 12:
            raise invalid(f"not a month: {value}")
    else:
        first, last = 1, 12
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def _count(value, what: str) -> int:
    n = to_number(value)
    if n != int(n) or abs(n) > 3_000_000:
        raise invalid(f"{what} must be a whole number of reasonable size: {short(value)}")
    return int(n)


def add_months(day: dt.date, months: int) -> dt.date:
    """Add calendar months, clamping to the month end (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise invalid("date out of range")
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _shift_days(day: dt.date, n: int) -> dt.date:
    try:
        return day + dt.timedelta(days=n)
    except OverflowError:
        raise invalid("date out of range") from None


def _arg(values, i, op):
    if len(values) <= i:
        raise invalid(f"{op} is missing argument {i + 1}")
    return values[i]


def _today(values, env):
    context = env[CONTEXT]
    today = context.get("today") if isinstance(context, Mapping) else None
    if today is None:
        raise invalid("today needs context['today'] (the engine never reads the clock)")
    return parse_date(today, "context today").isoformat()


FUNCTIONS = {
    "today": _today,
    "date": lambda v, env: parse_date(_arg(v, 0, "date")).isoformat(),
    "days_between": lambda v, env: (parse_date(_arg(v, 1, "days_between")) - parse_date(_arg(v, 0, "days_between"))).days,
    "add_days": lambda v, env: _shift_days(parse_date(_arg(v, 0, "add_days")), _count(_arg(v, 1, "add_days"), "days")).isoformat(),
    "add_months": lambda v, env: add_months(parse_date(_arg(v, 0, "add_months")), _count(_arg(v, 1, "add_months"), "months")).isoformat(),
    "year_of": lambda v, env: parse_date(_arg(v, 0, "year_of")).year,
    "half_of": lambda v, env: (lambda d: f"{d.year:04d}H{1 if d.month <= 6 else 2}")(parse_date(_arg(v, 0, "half_of"))),
    "quarter_of": lambda v, env: (lambda d: f"{d.year:04d}Q{(d.month - 1) // 3 + 1}")(parse_date(_arg(v, 0, "quarter_of"))),
    "month_of": lambda v, env: (lambda d: f"{d.year:04d}-{d.month:02d}")(parse_date(_arg(v, 0, "month_of"))),
    "in_period": lambda v, env: (lambda d, p: p[0] <= d <= p[1])(parse_date(_arg(v, 0, "in_period")), parse_period(_arg(v, 1, "in_period"))),
    "period_start": lambda v, env: parse_period(_arg(v, 0, "period_start"))[0].isoformat(),
    "period_end": lambda v, env: parse_period(_arg(v, 0, "period_end"))[1].isoformat(),
}


_VALID_ISO: dict = {}  # ISO date strings already validated (bounded)


def _iso_day(value):
    """``value`` itself when it is a valid YYYY-MM-DD string (cheap after the first time), else None."""
    if type(value) is str and len(value) == 10 and value in _VALID_ISO:
        return value
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            parse_date(value)
        except RuleEvalError:
            return None
        if len(_VALID_ISO) < 20_000:
            _VALID_ISO[value] = True
        return value
    return None


def build_in_period(c, args, ptr):
    """``{"in_period": [date, period]}``; with a literal period, ISO dates compare as strings."""
    fns, collect = c.collector(args, ptr)
    func = FUNCTIONS["in_period"]
    if fns is not None and len(fns) == 2 and c.is_const(fns[1]):
        start, end = (d.isoformat() for d in parse_period_or_compile_error(c.const_value(fns[1]), ptr))
        f = fns[0]

        def in_literal_period(data, env):
            value = f(data, env)
            if type(value) is str and value in _VALID_ISO:
                return start <= value <= end
            day = _iso_day(value)
            if day is None:
                return func((value, {"start": start, "end": end}), env)
            return start <= day <= end

        return in_literal_period
    return lambda data, env: func(collect(data, env), env)


def parse_period_or_compile_error(value, ptr):
    """Parse a literal period at compile time so a typo fails before any data is seen."""
    try:
        return parse_period(value)
    except RuleEvalError as exc:
        raise RuleCompileError("Invalid Arguments", exc.message, pointer=ptr) from None


def _builder(op):
    func = FUNCTIONS[op]

    def build(c, args, ptr):
        fns, collect = c.collector(args, ptr)
        if fns is not None and len(fns) == 1:
            f = fns[0]
            return lambda data, env: func((f(data, env),), env)
        return lambda data, env: func(collect(data, env), env)

    build.__doc__ = f"``{{{op!r}: ...}}``: date operator."
    return build


OPERATORS = {op: _builder(op) for op in FUNCTIONS}
OPERATORS["in_period"] = build_in_period
