"""履职月历 pages: a unit's month of due items, its reminders, and its iCalendar feed.

A unit's clerk sees their own unit; inspectors and admins open any unit's
calendar read-only (``?unit=ID``, with a unit picker). The feed is the one
route here without a session: its secret token is the key (see feeds.py).
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask_babel import gettext, gettext as _
from flask_login import current_user, login_required

from ..auth.access import require_unit_access
from ..define.models import PlanItem
from ..holders import recording
from ..units.models import Unit
from ..web.errors import AppError, Forbidden, NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.render import is_htmx, render
from ..web.times import zone
from ..web.words import explain
from . import calendar, feeds
from . import status as engine

bp = Blueprint("calendar", __name__, url_prefix="/perform")
log = logging.getLogger(__name__)


def today() -> dt.date:
    """Today in the instance's time zone (tests replace this to fix the day)."""
    return dt.datetime.now(zone()).date()


# --------------------------------------------------------------------------- the month view

def _unit_for_request() -> Unit:
    """The unit whose calendar is asked for: a clerk's own (another's is refused),
    for staff ``?unit=ID`` or the first unit."""
    wanted = request.args.get("unit", "").strip()
    if current_user.role == "unit":
        if wanted and parse_id(wanted) != current_user.unit_id:
            raise Forbidden()
        return current_user.unit
    if not (current_user.is_staff or current_user.is_holder):
        raise Forbidden()
    if wanted:
        unit = Unit.get_or_none(Unit.id == parse_id(wanted)) if parse_id(wanted) else None
        if unit is None:
            raise NotFound(_("单位不存在"))
        if not current_user.can_see_unit(unit.id):   # a holder account: the units of its scope
            raise Forbidden(_("监督单位用户只能查看本机构负责单位的待办事项和记录。"))
        return unit
    unit = current_user.visible_units().first()
    if unit is None:
        raise NotFound(_("还没有单位"))
    return unit


def _may_manage_feed(unit_id: int) -> bool:
    return current_user.is_admin or (current_user.role == "unit" and current_user.unit_id == unit_id)


@bp.get("/calendar")
@login_required
def month():
    """The month view: a grid of days with the items falling due (a list on phones)."""
    unit = _unit_for_request()
    return _month_page(unit)


def _month_page(unit: Unit, *, secret_url: str = "", feed_error: str = "", status: int = 200,
                block: str = "content"):
    day = today()
    asked = request.args.get("month", "").strip()
    month_error = ""
    year, month_no = day.year, day.month
    if asked:
        try:
            year, month_no = calendar.parse_month(asked)
        except calendar.MonthError:
            month_error = _("月份格式应为 2022-05（2000 年至 2100 年），已显示本月。")
            status = 422
    # the feed section alone (htmx after a token change) needs no statuses
    items = [] if block == "feed" and is_htmx() else calendar.due_in_month(unit.id, year, month_no, day)
    plan_items = {i.id: i for i in PlanItem.select().where(PlanItem.id.in_([s.plan_item_id for s in items] or [0]))}
    fmt = wanted_format()
    if fmt:
        label = engine.period_label(calendar.month_id(year, month_no), gettext)
        return export(fmt, _("%(unit)s履职月历%(month)s", unit=unit.name, month=label),
                      [_("截止日期"), _("事项"), _("颜色"), _("状态"), _("进度"), _("计数期间"), _("说明")],
                      ([s.due, s.text, _(engine.COLOURS[s.colour]) if s.colour else "", _(s.status_label),
                        f"{s.count}/{s.target}", engine.period_label(s.window, gettext), explain(s)]
                       for s in items))
    chooses = current_user.is_staff or current_user.is_holder
    units = list(current_user.visible_units()) if chooses else []
    prev_month, next_month = calendar.shift(year, month_no, -1), calendar.shift(year, month_no, 1)
    unit_arg = {"unit": unit.id} if chooses else {}
    return render("perform/calendar.html", block=block, status=status, unit=unit, units=units, year=year,
                  month_no=month_no, month=calendar.month_id(year, month_no), month_error=month_error,
                  today=day, weeks=calendar.weeks(year, month_no), days=calendar.by_day(items), items=items,
                  plan_items=plan_items, can_record=current_user.role == "unit",
                  others=recording.others_for_unit(unit.id) if current_user.role == "unit" else {},
                  prev_url=url_for("calendar.month", month=calendar.month_id(*prev_month), **unit_arg),
                  next_url=url_for("calendar.month", month=calendar.month_id(*next_month), **unit_arg),
                  this_url=url_for("calendar.month", **unit_arg),
                  feed=feeds.live_feed(unit.id), may_manage_feed=_may_manage_feed(unit.id),
                  secret_url=secret_url, feed_error=feed_error,
                  colour_labels=engine.COLOURS, status_labels=engine.STATUSES)


# --------------------------------------------------------------------------- the feed token

def _feed_unit(unit_id: int) -> Unit:
    require_unit_access(unit_id)
    if not _may_manage_feed(unit_id):
        raise Forbidden(_("只有本单位用户或管理员可以管理日历订阅。"))
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(_("单位不存在"))
    return unit


def _feed_answer(unit: Unit, **kwargs):
    """The feed section (htmx) or the calendar page around it."""
    return _month_page(unit, block="feed", **kwargs)


@bp.post("/calendar/<int:unit_id>/feed")
@login_required
def feed_regenerate(unit_id: int):
    """Make a new secret feed URL for the unit (the old one stops working); shown once."""
    unit = _feed_unit(unit_id)
    try:
        _feed, secret = feeds.regenerate(unit, current_user._get_current_object())
    except feeds.FeedBusy:
        return _feed_answer(unit, feed_error=_("订阅地址刚被他人更改，请刷新页面后再试。"), status=409)
    url = url_for("calendar.feed", unit_id=unit.id, feed_token=secret, _external=True)
    return _feed_answer(unit, secret_url=url)


@bp.post("/calendar/<int:unit_id>/feed/revoke")
@login_required
def feed_revoke(unit_id: int):
    """Revoke the unit's feed URL: calendar apps using it get nothing from now on."""
    unit = _feed_unit(unit_id)
    feeds.revoke(unit, current_user._get_current_object())
    return _feed_answer(unit)


@bp.get("/calendar/<int:unit_id>/<feed_token>.ics")
def feed(unit_id: int, feed_token: str):
    """The unit's iCalendar feed; the token is the key (no session). Unknown or revoked: 404."""
    found = feeds.find(unit_id, feed_token)
    if found is None:
        raise NotFound(_("订阅地址无效或已撤销"))
    unit = found.unit
    body = feeds.ics(unit, today(), link=url_for("calendar.month", _external=True), host=request.host)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'inline; filename="dutyloop-{unit.id}.ics"',
        "Cache-Control": "private, no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"})


# --------------------------------------------------------------------------- reminders

def _unit_user():
    if current_user.role != "unit":
        raise Forbidden(_("提醒只面向单位用户；监督人员请在履职月历中查看各单位。"))
    return current_user._get_current_object()


@bp.get("/notifications")
@login_required
def notifications():
    """The unit's reminders (黄 and 红 items of the current windows), each marked read or unread."""
    return _notifications_page(_unit_user())


def _notifications_page(user, block: str = "content"):
    day = today()
    found = calendar.notices(user, day)
    others = calendar.other_notices(user, day)   # 督责's quarterly-run notices
    fmt = wanted_format()
    if fmt:
        rows = [[_("履职月历提醒"), _(engine.COLOURS[n.colour]), n.status.text, _(n.status.status_label), n.status.due,
                 engine.period_label(n.status.window, gettext), explain(n.status), n.read] for n in found]
        for notice in others:
            source = _("%(period)s季度提醒", period=engine.period_label(notice.run.period, gettext))
            rows += [[source, _(engine.COLOURS[s.colour]) if s.colour else "", s.text, _(s.status_label), s.due,
                      engine.period_label(s.window, gettext), explain(s), notice.read] for s in notice.items]
        return export(fmt, _("%(unit)s履责提醒", unit=user.unit.name),
                      [_("来源"), _("颜色"), _("事项"), _("状态"), _("截止日期"), _("计数期间"), _("说明"), _("已读")],
                      rows)
    wanted = [n.status.plan_item_id for n in found] + [s.plan_item_id for n in others for s in n.items]
    plan_items = {i.id: i for i in PlanItem.select().where(PlanItem.id.in_(wanted or [0]))}
    unread = sum(not n.read for n in found) + sum(not n.read for n in others)
    g.reminder_count = unread  # the bell on this page: no second computation
    return render("perform/notifications.html", block=block, oob_bell=block == "notices", notices=found,
                  run_notices=others, plan_items=plan_items, others=recording.others_for_unit(user.unit_id),
                  unread=unread, colour_labels=engine.COLOURS,
                  status_labels=engine.STATUSES)


@bp.post("/notifications/read")
@login_required
def notifications_read():
    """Mark one reminder read (``key``), or all of them (``all=1``)."""
    user = _unit_user()
    key = request.form.get("key", "")
    if request.form.get("all") == "1":
        calendar.mark_notices_read(user, today())
    elif key:
        calendar.mark_notices_read(user, today(), [key[:200]])
    else:
        raise AppError(_("请选择要标为已读的提醒。"), status=422)
    if is_htmx():
        return _notifications_page(user, block="notices")
    return redirect(url_for("calendar.notifications"))


# --------------------------------------------------------------------------- the bell in the top bar

def reminder_count(compute: bool = True) -> int | None:
    """Unread reminders of the signed-in unit user (0 for staff); once per request.
    With ``compute`` false: only what this request already knows, else None (the bell
    then fetches its count after the page has loaded, so no page waits for the engine)."""
    if not current_user.is_authenticated or current_user.role != "unit" or not current_user.unit_id:
        return 0
    if "reminder_count" not in g:
        if not compute:
            return None
        try:
            g.reminder_count = calendar.unread_count(current_user._get_current_object(), today())
        except Exception:  # noqa: BLE001 - the bell must never take every page of a unit down with it
            log.exception("reminders of unit %s cannot be computed", current_user.unit_id)
            g.reminder_count = 0
    return g.reminder_count


@bp.get("/notifications/bell")
@login_required
def bell():
    """htmx: the bell with its count (the top bar asks once the page has loaded)."""
    _unit_user()
    reminder_count()
    return render_template("perform/_bell.html", oob=False), 200, {"Vary": "HX-Request"}


@bp.app_context_processor
def _bell():
    return {"reminder_count": reminder_count}
