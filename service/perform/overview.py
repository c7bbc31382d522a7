"""The district overview: units × categories, with the status engine's colours. No Flask.

For a period and an as-of date, ``district_overview`` asks the status engine
(``status.statuses``, one batch for all units) where every unit stands on
every enabled item of its published plan of the period's year, and folds the
answers into one cell per unit and category (大项): how many items are done of
how many, the worst colour among them and how many are 红 (overdue). Nothing
is computed here that the engine already says: the cell only counts.

The columns are the categories of the pack versions the units' plans were made
under (a district may hold plans of two versions), in the pack's order.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from ..define.models import Plan
from ..packs import periods
from ..packs.store import PackVersion
from ..units.models import Unit
from . import status as status_engine

#: How bad a colour is, for "the worst colour of a cell": 红 overdue, 黄 due now,
#: 蓝 due soon, then an open item with no colour yet (not due), and 绿 only when
#: every item of the cell is done.
SEVERITY = {"red": 4, "yellow": 3, "blue": 2, None: 1, "green": 0}

#: The orders a grid can be sorted by (query argument ``sort``) and whether each
#: is descending by default: most overdue first, codes and names A to Z.
SORTS = {"code": False, "name": False, "red": True}


@dataclass
class Column:
    """One category (大项) of the grid, under the list (责任清单) it belongs to."""

    category_id: str
    name: str
    list_id: str
    list_name: str


@dataclass
class Cell:
    """One unit's items of one category: done of total, the worst colour, how many are 红."""

    category_id: str
    done: int = 0
    total: int = 0
    red: int = 0
    colour: str | None = "green"

    def add(self, item: status_engine.ItemStatus) -> None:
        self.total += 1
        self.done += item.status == "done"
        self.red += item.colour == "red"
        if SEVERITY[item.colour] > SEVERITY[self.colour]:
            self.colour = item.colour


@dataclass
class Row:
    """One unit: its cells by category id (no plan: no cells) and its totals."""

    unit_id: int
    code: str
    name: str
    type: str
    has_plan: bool = False
    cells: dict[str, Cell] = field(default_factory=dict)
    done: int = 0
    total: int = 0
    red: int = 0


@dataclass
class Grid:
    period: str
    as_of: dt.date
    columns: list[Column]
    rows: list[Row]

    def list_spans(self) -> list[tuple[str, int]]:
        """(list name, number of its columns) for the header row above the categories."""
        spans: list[list] = []
        for column in self.columns:
            if spans and spans[-1][0] == column.list_name:
                spans[-1][1] += 1
            else:
                spans.append([column.list_name, 1])
        return [(name, n) for name, n in spans]


def current_quarter(today: dt.date) -> str:
    """``2026Q4`` for a day in October–December 2026."""
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def district_overview(units: Iterable[Unit], period: str, as_of: dt.date) -> Grid:
    """The grid for ``units`` (rows in the order given) over ``period`` as of ``as_of``.

    Disabled items (不适用) are left out of the counts; a unit without a
    published plan of the period's year has a row without cells.
    """
    status_engine.check_period(period)
    units = list(units)
    rows = []
    # One engine batch per chunk of units, folded before the next: a district's statuses
    # (2,000 units × 79 items) never sit in memory at once, only its cells.
    for start in range(0, len(units), status_engine.CHUNK):
        chunk = units[start:start + status_engine.CHUNK]
        results = status_engine.statuses([u.id for u in chunk], period, as_of, include_disabled=False)
        for unit in chunk:
            row = Row(unit.id, unit.code, unit.name, unit.type)
            for item in results.get(unit.id, ()):
                row.cells.setdefault(item.category_id, Cell(item.category_id)).add(item)
            row.has_plan = bool(row.cells)
            row.done = sum(c.done for c in row.cells.values())
            row.total = sum(c.total for c in row.cells.values())
            row.red = sum(c.red for c in row.cells.values())
            rows.append(row)
        del results
    return Grid(period, as_of, _columns([u.id for u in units], period, rows), rows)


def _columns(unit_ids: list[int], period: str, rows: list[Row]) -> list[Column]:
    """The categories of the plans' pack versions, in the newest version's order, then any
    a cell uses that no version names (kept, so no count is ever hidden)."""
    year = periods.parse_period(period)[1]
    version_ids = set()
    for start in range(0, len(unit_ids), status_engine.CHUNK):
        chunk = unit_ids[start:start + status_engine.CHUNK]
        version_ids |= {v for (v,) in Plan.select(Plan.pack_version).distinct()
                        .where(Plan.unit.in_(chunk) & (Plan.year == year) & (Plan.status == "published")).tuples()}
    columns: dict[str, Column] = {}
    for version in (PackVersion.select(*PackVersion.light_fields()).where(PackVersion.id.in_(sorted(version_ids)))
                    .order_by(PackVersion.id.desc())):
        pack = version.pack()
        list_order = {l.id: n for n, l in enumerate(pack.lists)}
        list_names = {l.id: l.name for l in pack.lists}
        for category in sorted(pack.categories, key=lambda c: (list_order.get(c.list, 999), c.order)):
            columns.setdefault(category.id, Column(category.id, category.name, category.list,
                                                   list_names.get(category.list, category.list)))
    for row in rows:
        for category_id in row.cells:
            columns.setdefault(category_id, Column(category_id, category_id, "", ""))
    return list(columns.values())


def sort_rows(rows: list[Row], by: str, descending: bool) -> list[Row]:
    """Rows ordered by unit code, name or number of 红 items; ties by code, A to Z."""
    if by == "red":
        ranked = sorted(rows, key=lambda r: r.code)
        return sorted(ranked, key=lambda r: r.red, reverse=descending)
    key = (lambda r: r.name) if by == "name" else (lambda r: r.code)
    return sorted(rows, key=lambda r: (key(r), r.code), reverse=descending)
