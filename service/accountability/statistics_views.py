"""成效统计 page: the figures for a period and units, each linking to the list
behind it, an XLSX/CSV export and a bar chart drawn on the server (pygal SVG,
served as an image so no inline style or script reaches the page)."""
from __future__ import annotations

import datetime as dt

import pygal
from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..units.models import Unit
from ..web import charts
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.render import render
from . import statistics
from .views import _user, bp

# The page lists' argument names for the API's (period filters are from/to on the pages).
PAGE_ARGS = {"findings": {"found_from": "from", "found_to": "to"},
             "dispositions": {"decided_from": "from", "decided_to": "to"}, "documents": {}}
PAGE_LISTS = {"findings": "accountability.index", "dispositions": "accountability.dispositions",
              "documents": "supervise.documents_index"}


def _date(name: str, default: dt.date) -> tuple[dt.date, str | None]:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default, None
    try:
        value = dt.date.fromisoformat(raw)
        if not 1900 <= value.year <= 2999:
            raise ValueError
        return value, None
    except ValueError:
        return default, _("%(label)s不是有效的日期。", label=_("开始日期") if name == "from" else _("结束日期"))


def _query() -> dict:
    today = dt.date.today()
    errors = {}
    date_from, errors["from"] = _date("from", dt.date(today.year, 1, 1))
    date_to, errors["to"] = _date("to", today)
    if date_to < date_from and not errors["to"]:
        errors["to"] = _("结束日期不能早于开始日期。")
        date_to = date_from
    if current_user.is_staff:
        units = sorted({u for u in (parse_id(v) for v in request.args.getlist("unit")) if u})
    else:
        units = [current_user.unit_id]
    counted, derived = statistics.figures(_user(), date_from, date_to, units)
    return {"date_from": date_from, "date_to": date_to, "units": units, "counted": counted, "derived": derived,
            "errors": {k: v for k, v in errors.items() if v}}


def page_url(figure: statistics.Figure) -> str:
    names = PAGE_ARGS[figure.list]
    return url_for(PAGE_LISTS[figure.list], **{names.get(k, k): v for k, v in figure.args.items()})


@bp.get("/statistics")
@login_required
def statistics_page():
    """成效统计: every figure links to its list; export; chart."""
    data = _query()
    fmt = wanted_format()
    if fmt:
        rows = [[_(f.label), f.value, request.host_url.rstrip("/") + page_url(f)] for f in data["counted"]]
        rows += [[_(d.label), "" if d.value is None else d.value, d.unit] for d in data["derived"]]
        return export(fmt, _("成效统计 %(start)s 至 %(end)s", start=data["date_from"], end=data["date_to"]),
                      [_("指标"), _("数值"), _("清单")], rows)
    chart_args = {"from": data["date_from"].isoformat(), "to": data["date_to"].isoformat(), "unit": data["units"]} \
        if current_user.is_staff else {"from": data["date_from"].isoformat(), "to": data["date_to"].isoformat()}
    return render("accountability/statistics.html", status=422 if data["errors"] else 200, page_url=page_url,
                  all_units=list(Unit.select().order_by(Unit.code)) if current_user.is_staff else [],
                  chart_url=url_for("accountability.statistics_chart", **chart_args), **data)


@bp.get("/statistics/chart.svg")
@login_required
def statistics_chart():
    """The figures as a bar chart (SVG drawn by pygal on the server, no script)."""
    data = _query()
    # pygal sizes the label column for Latin letters; CJK labels need the extra left margin.
    chart = pygal.HorizontalBar(js=[], show_legend=False, height=360, width=800, print_values=True, margin_left=70,
                                style=charts.style(("#b3261e",)))
    chart.title = _("成效统计 %(start)s 至 %(end)s", start=data["date_from"], end=data["date_to"])
    counted = list(reversed(data["counted"]))
    chart.x_labels = [_(f.label) for f in counted]
    # Whole numbers on the value axis (counts), about six ticks.
    top = max([f.value for f in counted] + [1])
    step = max(1, -(-top // 6))
    chart.y_labels = list(range(0, top + step, step))
    chart.add(_("数量"), [f.value for f in counted])
    return charts.svg_response(chart)
