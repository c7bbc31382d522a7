"""The holder's to-do list (待办事项): the items of the lists its body records, across the
units in its scope, with the status engine's colours, overdue first, each with 记录."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template
from flask_babel import gettext, gettext as _
from flask_login import current_user

from ..auth.access import role_required
from ..perform import status as engine
from ..web.export import export, wanted_format
from ..web.render import render
from ..web.times import zone
from ..web.words import explain
from . import recording

bp = Blueprint("todo", __name__, url_prefix="/perform/todo")


def today() -> dt.date:
    """Today in the instance's time zone (tests replace this to fix the day)."""
    return dt.datetime.now(zone()).date()


@bp.get("/")
@role_required("holder")
def index():
    """This month's items of the body's lists for each unit in its scope, overdue first."""
    body = current_user.holder_body
    as_of = today()
    entries = recording.todo(body, as_of, include_done=True) if body else []
    open_entries = [e for e in entries if e.status.status not in ("done", "not_applicable")]
    done = [e for e in entries if e.status.status == "done"]
    period = f"{as_of.year}-{as_of.month:02d}"
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("%(body)s待办事项", body=body.name if body else ""),
                      [_("单位"), _("事项"), _("颜色"), _("状态"), _("进度"), _("截止日期"), _("说明")],
                      ([e.unit.name, e.status.text, _(engine.COLOURS[e.status.colour]) if e.status.colour else "",
                        _(e.status.status_label), f"{e.status.count}/{e.status.target}", e.status.due,
                        explain(e.status)] for e in open_entries + done))
    return render("holders/todo.html", body=body, entries=open_entries, done=done,
                  units=len({e.unit.id for e in entries}), scope=len(body.unit_ids()) if body else 0,
                  period_label=engine.period_label(period, gettext),
                  colour_labels=engine.COLOURS, status_labels=engine.STATUSES)


def urgent_count(body, as_of: dt.date) -> int:
    """The body's items due now or overdue (黄 and 红) this month across its units."""
    return sum(e.status.colour in ("red", "yellow") for e in recording.todo(body, as_of)) if body else 0


@bp.get("/bell")
@role_required("holder")
def bell():
    """htmx: the holder's bell with the number of its 黄 and 红 items (asked once a page has loaded)."""
    return render_template("holders/_bell.html", holder_urgent=urgent_count(current_user.holder_body, today())), 200, \
        {"Vary": "HX-Request"}
