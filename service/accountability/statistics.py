"""成效统计: the figures the article reports, each counted by the very query
of the list it links to, so a figure always equals its list's total. Plain
Python (no Flask): the page and the API build their links from ``Figure.args``.

A figure is a count over a period and a set of units, as the caller may see
them (a unit: its own). Portraits and analysis reports count the documents
issued (出具) in the period (``supervise.documents``); with units chosen, the
district's analyses (no unit) are left out. Rates and averages are derived from counted lists and
name the list they are computed over.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..auth.models import User
from ..i18n import N_
from ..supervise import documents
from . import cases, register
from .models import Finding


@dataclass(frozen=True)
class Figure:
    """One counted figure: what it is, its value, and the list behind it.

    ``list`` is ``"findings"``, ``"dispositions"`` or ``"documents"`` (issued
    portraits and reports, staff only); ``args`` are that list's filters (the
    same names on the page and in the API).
    """

    key: str
    label: str
    value: int
    list: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Derived:
    """A rate or an average, computed over a counted list (``basis``: a Figure's key)."""

    key: str
    label: str
    value: float | None
    unit: str
    basis: str


def _day(value: dt.date) -> str:
    return value.isoformat()


def figures(user: User, date_from: dt.date, date_to: dt.date, units: list[int] | None = None
            ) -> tuple[list[Figure], list[Derived]]:
    """The counted figures and derived ones for the period and units, as ``user`` may see them."""
    units = sorted(set(units or [])) or None
    unit_args = {"unit": units} if units else {}
    base = register.visible(user)
    out: list[Figure] = []

    def findings(key: str, label: str, **filters) -> None:
        query = register.filtered(base, units=units, **filters)
        args = {**unit_args}
        for name, value in filters.items():
            args[name] = _day(value) if isinstance(value, dt.date) else value
        out.append(Figure(key, label, query.count(), "findings", args))

    def dispositions(key: str, label: str, counts_as: str) -> None:
        query = cases.dispositions_query(user, counts_as=counts_as, units=units, decided_from=date_from,
                                         decided_to=date_to)
        out.append(Figure(key, label, query.count(), "dispositions",
                          {**unit_args, "counts_as": counts_as, "decided_from": _day(date_from),
                           "decided_to": _day(date_to)}))

    findings("problems_found", N_("发现问题"), status="registered", found_from=date_from, found_to=date_to)
    findings("problems_closed", N_("其中已整改销号"), status="closed", found_from=date_from, found_to=date_to)
    findings("closed_in_period", N_("期内销号"), status="closed", closed_from=date_from, closed_to=date_to)
    findings("open_now", N_("尚未销号"), status="open", found_from=date_from, found_to=date_to)
    findings("overdue_now", N_("整改逾期（红）"), urgency="red", found_from=date_from, found_to=date_to)
    dispositions("integrity_talks", N_("廉政谈话/约谈"), "talk")
    dispositions("work_suggestions", N_("工作建议"), "suggestion")
    dispositions("systems_established", N_("建章立制"), "system")
    if user.is_staff:  # portraits and reports are the commission's own documents
        for key, label, kind in (("leaders_portrayed", N_("一把手画像"), "portrait"),
                                 ("analysis_reports", N_("分析报告"), "report")):
            query = documents.query(kind=kind, units=units, issued_from=date_from, issued_to=date_to)
            out.append(Figure(key, label, query.count(), "documents",
                              {**unit_args, "kind": kind, "issued_from": _day(date_from), "issued_to": _day(date_to)}))

    by_key = {f.key: f for f in out}
    found, closed = by_key["problems_found"].value, by_key["problems_closed"].value
    rate = round(100 * closed / found, 1) if found else None
    closed_rows = register.filtered(base, units=units, status="closed", closed_from=date_from, closed_to=date_to)
    days = [(f.closed_at.date() - f.found_on).days for f in closed_rows.select(Finding.closed_at, Finding.found_on)]
    average = round(sum(days) / len(days), 1) if days else None
    derived = [Derived("rectification_rate", N_("整改销号率"), rate, "%", "problems_found"),
               Derived("average_days_to_close", N_("平均销号用时"), average, "days", "closed_in_period")]
    return out, derived
