"""履责 for the commission's staff: the district overview (units × categories) and any
unit's dashboard, read-only. Registered on the ``perform`` blueprint (see views.py).

Both pages ask the status engine (``status.statuses``) and show its colours; the
overview only folds its answers into cells (``overview.district_overview``).
"""
from __future__ import annotations

import datetime as dt

from flask import request, url_for
from flask_babel import gettext, gettext as _
from flask_login import current_user, login_required

from ..auth.access import require_unit_access, role_required
from ..define.models import FREQUENCIES, Plan
from ..define.plans import grouped
from ..packs import periods
from ..units.models import UNIT_TYPES, Unit
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.render import render
from ..web.words import explain
from . import overview as overview_grid
from . import status as status_engine
from .models import Record
from .views import _form_title, bp


def _period_and_as_of(default_period: str) -> tuple[str, dt.date | None, dict, dict]:
    """The ``period`` and ``as_of`` query arguments (defaults: ``default_period``, today),
    with a Chinese message per bad field instead of an error page."""
    values = {"period": (request.args.get("period") or "").strip()[:20] or default_period,
              "as_of": (request.args.get("as_of") or "").strip()[:20]}
    errors = {}
    try:
        status_engine.check_period(values["period"])
    except (periods.PeriodError, ValueError):
        errors["period"] = _("期间格式不对：请填写如 2026-05（月）、2026Q2（季度）、2026H1（半年）或 2026（年）。")
    as_of = dt.date.today()
    if values["as_of"]:
        try:
            as_of = dt.date.fromisoformat(values["as_of"])
        except ValueError:
            errors["as_of"] = _("日期格式不对：请填写如 2026-06-30。")
        else:
            if not 2000 <= as_of.year <= 2100:
                errors["as_of"] = _("日期超出范围：年份须在 2000 到 2100 之间。")
    values["as_of"] = values["as_of"] or as_of.isoformat()
    return values["period"], (None if errors else as_of), values, errors


@bp.get("/overview")
@role_required("admin", "inspector")
def overview():
    """Units × categories with the status engine's colours; sortable, filterable by unit type, exportable."""
    today = dt.date.today()
    period, as_of, values, errors = _period_and_as_of(overview_grid.current_quarter(today))
    unit_type = (request.args.get("type") or "").strip()[:20]
    sort = request.args.get("sort", "code")
    sort = sort if sort in overview_grid.SORTS else "code"
    order = request.args.get("order", "")
    descending = order == "desc" if order in ("asc", "desc") else overview_grid.SORTS[sort]
    types = sorted(set(UNIT_TYPES) | {t for (t,) in Unit.select(Unit.type).distinct().tuples()},
                   key=lambda t: (t not in UNIT_TYPES, UNIT_TYPES.index(t) if t in UNIT_TYPES else 0, t))
    grid = None
    if not errors:
        units = Unit.select().where(Unit.active == True).order_by(Unit.code)  # noqa: E712
        if unit_type:
            units = units.where(Unit.type == unit_type)
        grid = overview_grid.district_overview(units, period, as_of)
        grid.rows = overview_grid.sort_rows(grid.rows, sort, descending)
    fmt = wanted_format()
    if fmt and grid is not None:
        return _export(fmt, grid)

    def sort_url(key: str) -> str:
        """This grid sorted by ``key``; the column already sorted by flips its direction."""
        flip = "asc" if descending else "desc"
        wanted = flip if key == sort else ("desc" if overview_grid.SORTS[key] else "asc")
        args = {k: v for k, v in request.args.items() if k not in ("sort", "order", "export")}
        return url_for("perform.overview", **args, sort=key, order=wanted)
    return render("perform/overview.html", block="grid", status=422 if errors else 200, grid=grid, values=values,
                  errors=errors, unit_type=unit_type, types=types, sort=sort, descending=descending,
                  sort_url=sort_url, colour_labels=status_engine.COLOURS)


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    colour = _(status_engine.COLOURS[cell.colour]) if cell.colour else _("未到期")
    return f"{cell.done}/{cell.total} {colour}"


def _export(fmt: str, grid):
    label = status_engine.period_label(grid.period, gettext)
    headers = [_("单位编码"), _("单位"), _("单位类型")] + [c.name for c in grid.columns] + [_("完成/事项"), _("逾期（红）")]
    rows = ([r.code, r.name, r.type] + [_cell_text(r.cells.get(c.category_id)) for c in grid.columns]
            + ([f"{r.done}/{r.total}", r.red] if r.has_plan else [_("没有已发布的年度清单"), ""])
            for r in grid.rows)
    return export(fmt, _("履责总览 %(period)s 截至 %(as_of)s", period=label, as_of=grid.as_of.isoformat()),
                  headers, rows)


@bp.get("/units/<int:unit_id>")
@login_required
def unit_view(unit_id: int):
    """A unit's dashboard, read-only: its items' statuses for a period, by list and category
    (``category`` narrows to one), and its recent records. Staff see any unit, a unit its own."""
    require_unit_access(unit_id)
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(_("单位不存在"))
    today = dt.date.today()
    period, as_of, values, errors = _period_and_as_of(overview_grid.current_quarter(today))
    category = (request.args.get("category") or "").strip()[:100]
    plan = statuses = None
    tree, list_names, category_names, rows = {}, {}, {}, []
    if not errors:
        year = periods.parse_period(period)[1]
        plan = (Plan.select().where((Plan.unit == unit.id) & (Plan.year == year) & (Plan.status == "published"))
                .first())
    if plan is not None:
        tree, list_names, category_names = grouped(plan, include_disabled=False)
        statuses = {s.plan_item_id: s for s in status_engine.unit_status(unit.id, period, as_of,
                                                                          include_disabled=False)}
        for list_id, categories in tree.items():
            for category_id, items in categories.items():
                if category and category_id != category:
                    continue
                rows.append((list_names.get(list_id, list_id), category_names.get(category_id, category_id),
                             [statuses[i.id] for i in items if i.id in statuses]))
    order = {"red": 0, "yellow": 1, "blue": 2, None: 3, "green": 4}
    for _list, _category, items in rows:
        items.sort(key=lambda s: (order.get(s.colour, 3), s.due or "", s.plan_item_id))
    fmt = wanted_format()
    if fmt and plan is not None:
        return export(fmt, _("%(unit)s %(period)s 事项状态", unit=unit.name,
                             period=status_engine.period_label(period, gettext)),
                      [_("责任清单"), _("类别"), _("事项"), _("状态"), _("颜色"), _("完成次数"), _("目标次数"),
                       _("截止日期"), _("说明")],
                      ([list_name, category_name, s.text, _(s.status_label),
                        _(status_engine.COLOURS[s.colour]) if s.colour else "", s.count, s.target, s.due or "",
                        explain(s)]
                       for list_name, category_name, items in rows for s in items))
    recent = list(Record.select().where((Record.unit == unit.id) & Record.deleted_at.is_null())
                  .order_by(Record.id.desc()).limit(10))
    return render("perform/unit_view.html", status=422 if errors else 200, unit=unit, plan=plan, rows=rows,
                  values=values, errors=errors, category=category, category_name=category_names.get(category, category),
                  recent=recent, frequencies=FREQUENCIES, status_labels=status_engine.STATUSES,
                  colour_labels=status_engine.COLOURS, is_staff=current_user.role != "unit",
                  form_title=_form_title)
