"""The 履责记录本: a unit's records as a timeline with filters, and the first pages of
its printed book (the month table of what falls due). No Flask.

Filters (``Filters.parse`` reads them from query arguments): a period
(``2022``, ``2022H1``, ``2022Q2``, ``2022-05``) and/or a date range, the list,
category or plan item a record counts for (through ``record_item``), the form,
and a full-text search (``perform.search``). Statuses come from the status
engine only (``perform.status``); nothing here computes one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee

from ..define.models import Plan, PlanItem
from ..i18n import N_
from ..packs import periods
from ..packs.store import PackVersion
from ..units.models import Unit
from . import search
from . import status as status_engine
from .models import Record, RecordItem

#: The list printed as a mind map on the book's first page.
MIND_MAP_LIST = "main-body"


@dataclass
class Filters:
    """What the book is narrowed to; ``errors`` maps a field name to a message (msgid)."""

    unit_id: int | None = None
    #: the units the reader may see when no unit is chosen (a holder account's scope); None: any
    scope: tuple[int, ...] | None = None
    period: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    list_id: str = ""
    category_id: str = ""
    form_id: str = ""
    item_id: int | None = None
    q: str = ""
    words: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, args, unit_id: int | None) -> "Filters":
        """Read ``period``, ``from``, ``to``, ``list``, ``category``, ``form``, ``item`` and ``q``."""
        f = cls(unit_id=unit_id)
        f.period = (args.get("period") or "").strip()
        if f.period:
            try:
                status_engine.check_period(f.period)
            except periods.PeriodError:
                f.errors["period"] = N_("期间应写作 2022、2022H1、2022Q2 或 2022-05")
        for name, attr in (("from", "start"), ("to", "end")):
            value = (args.get(name) or "").strip()
            if value:
                try:
                    day = dt.date.fromisoformat(value)
                    if not 2000 <= day.year <= 2100:
                        raise ValueError(value)
                    setattr(f, attr, day)
                except ValueError:
                    f.errors[name] = N_("日期应写作 2022-05-10")
        if f.start and f.end and f.start > f.end:
            f.errors["to"] = N_("结束日期不能早于开始日期")
        f.list_id = (args.get("list") or "").strip()[:100]
        f.category_id = (args.get("category") or "").strip()[:100]
        f.form_id = (args.get("form") or "").strip()[:100]
        item = (args.get("item") or "").strip()
        if item:
            f.item_id = int(item) if item.isdigit() and len(item) < 10 else None
            if f.item_id is None:
                f.errors["item"] = N_("事项不存在")
        f.q = " ".join((args.get("q") or "").split())[:search.MAX_QUERY]
        try:
            f.words = search.terms(f.q)
        except search.TooShort:
            f.errors["q"] = N_("请输入至少 2 个字（每个词）")
        return f

    @property
    def window(self) -> tuple[dt.date | None, dt.date | None]:
        """The dates the records must lie between: the period and the date range together."""
        start, end = self.start, self.end
        if self.period and "period" not in self.errors:
            p_start = dt.date.fromisoformat(periods.period_start(self.period))
            p_end = dt.date.fromisoformat(periods.period_end(self.period))
            start = max(start, p_start) if start else p_start
            end = min(end, p_end) if end else p_end
        return start, end


def records(filters: Filters, *, include_deleted: bool) -> peewee.ModelSelect:
    """The records the filters keep, newest first (by date, then as entered).

    ``include_deleted`` False (a unit's own view) leaves soft-deleted records out."""
    query = (Record.select(Record, Unit, *PackVersion.light_fields())
             .join(Unit).switch(Record).join(PackVersion)
             .order_by(Record.record_date.desc(nulls="LAST"), Record.id.desc()))
    if filters.unit_id:
        query = query.where(Record.unit == filters.unit_id)
    elif filters.scope is not None:
        query = query.where(Record.unit.in_(filters.scope or (0,)))
    if not include_deleted:
        query = query.where(Record.deleted_at.is_null())
    start, end = filters.window
    if start:
        query = query.where(Record.record_date >= start)
    if end:
        query = query.where(Record.record_date <= end)
    if filters.form_id:
        query = query.where(Record.form_id == filters.form_id)
    if filters.list_id or filters.category_id or filters.item_id:
        linked = RecordItem.select(RecordItem.record).join(PlanItem)
        if filters.list_id:
            linked = linked.where(PlanItem.list_id == filters.list_id)
        if filters.category_id:
            linked = linked.where(PlanItem.category_id == filters.category_id)
        if filters.item_id:
            linked = linked.where(PlanItem.id == filters.item_id)
        query = query.where(Record.id.in_(linked))
    if filters.words:
        query = query.where(search.matching(Record.id, filters.words))
    return query


def items_of(record_ids) -> dict[int, list[PlanItem]]:
    """The plan items each record counts for, in plan order (one query)."""
    out: dict[int, list[PlanItem]] = {}
    ids = list(record_ids)
    if not ids:
        return out
    rows = (RecordItem.select(RecordItem.record, PlanItem).join(PlanItem)
            .where(RecordItem.record.in_(ids)).order_by(PlanItem.position, PlanItem.id))
    for link in rows:
        out.setdefault(link.record_id, []).append(link.plan_item)
    return out


def plan_for(unit_id: int, year: int) -> Plan | None:
    """The unit's published plan of ``year``."""
    return Plan.get_or_none((Plan.unit == unit_id) & (Plan.year == year) & (Plan.status == "published"))


def print_period(filters: Filters, today: dt.date, fallback_year: int | None) -> str:
    """The period the printed book covers: the period asked for, else the year of the
    dates asked for, else ``fallback_year`` (the unit's newest plan), else this year."""
    if filters.period and "period" not in filters.errors:
        return filters.period
    for day in (filters.start, filters.end):
        if day:
            return str(day.year)
    return str(fallback_year or today.year)


def as_of_for(period: str, today: dt.date) -> dt.date:
    """Statuses are as of today, or the period's last day once it is over."""
    return min(today, dt.date.fromisoformat(periods.period_end(period)))


def month_table(unit_id: int, period: str, as_of: dt.date) -> list[tuple[str, list]]:
    """``[(month id, [ItemStatus due that month, by due date])]`` for every month of
    ``period``: each item of the unit's plan in the month its due date falls in, with
    the status engine's answer as of ``as_of``."""
    _, year, first, months = periods.parse_period(period)
    table = []
    for month in range(first, first + months):
        month_id = f"{year}-{month:02d}"
        due = [s for s in status_engine.unit_status(unit_id, month_id, as_of, include_disabled=False)
               if s.status != "not_applicable" and s.due and s.due[:7] == month_id]
        table.append((month_id, sorted(due, key=lambda s: (s.due, s.plan_item_id))))
    return table
