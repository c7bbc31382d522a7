"""Admin page to browse and filter the audit log (read-only by design)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, request
from flask_babel import gettext as _

from ..auth.access import role_required
from ..i18n import N_
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.render import render
from .log import AuditEntry

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PAGE_SIZE = 50
ACTIONS = {"create": N_("新建"), "update": N_("修改"), "delete": N_("删除"),
           "publish": N_("发布"), "install": N_("安装")}
# What each audited table is called in the UI; unknown types show their table name.
OBJECT_LABELS = {"unit": N_("单位"), "user": N_("用户")}


def _parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filtered_entries(args):
    """The audit entries matching the filter fields in ``args``, newest first."""
    query = AuditEntry.select().order_by(AuditEntry.id.desc())
    if args.get("object_type"):
        query = query.where(AuditEntry.object_type == args["object_type"])
    if args.get("object_id"):
        query = query.where(AuditEntry.object_id == args["object_id"].strip())
    if args.get("action"):
        query = query.where(AuditEntry.action == args["action"])
    if args.get("actor"):
        query = query.where(AuditEntry.actor_name.contains(args["actor"].strip()))
    since, until = _parse_day(args.get("since")), _parse_day(args.get("until"))
    if since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(since, dt.time.min))
    if until:
        query = query.where(AuditEntry.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    return query


@bp.get("/")
@role_required("admin")
def index():
    """The audit log with filters, paging and export."""
    query = filtered_entries(request.args)
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("审计日志"),
                      [_("时间(UTC)"), _("操作人"), _("操作"), _("对象类型"), _("对象编号"), _("变更字段")],
                      ([e.at.isoformat(timespec="seconds"), e.actor_name, _(ACTIONS.get(e.action, e.action)),
                        e.object_type, e.object_id, ", ".join(e.changed_fields())] for e in query))
    page = min(parse_id(request.args.get("page", 1)) or 1, 10**6)
    total = query.count()
    entries = list(query.paginate(page, PAGE_SIZE))
    object_types = [r.object_type for r in
                    AuditEntry.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)]
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render("audit/index.html", block="results", entries=entries, total=total, page=page,
                  pages=max(1, -(-total // PAGE_SIZE)), actions=ACTIONS,
                  object_types=object_types, args=args)


@bp.get("/<int:entry_id>")
@role_required("admin")
def show(entry_id: int):
    """One entry with its before and after values side by side."""
    entry = AuditEntry.get_or_none(AuditEntry.id == entry_id)
    if entry is None:
        raise NotFound()
    keys = sorted(set(entry.before or {}) | set(entry.after or {}))
    return render("audit/show.html", entry=entry, keys=keys, actions=ACTIONS,
                  changed=set(entry.changed_fields()))
