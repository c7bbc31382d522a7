"""Unit pages: the registry list for staff, and each unit's own page."""
from __future__ import annotations

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.access import require_unit_access, role_required
from ..auth.models import User
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.render import render
from .models import UNIT_TYPES, Unit

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/")
@role_required("admin", "inspector")
def index():
    """All units, filtered by name and type; exportable."""
    q = request.args.get("q", "").strip()
    unit_type = request.args.get("type", "")
    query = Unit.select().order_by(Unit.code)
    if q:
        query = query.where(Unit.name.contains(q) | Unit.code.contains(q) | Unit.leader_name.contains(q))
    if unit_type in UNIT_TYPES:
        query = query.where(Unit.type == unit_type)
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("单位列表"),
                      [_("编号"), _("单位名称"), _("类型"), _("一把手"), _("职务"), _("标签"),
                       _("风险领域"), _("下属单位数"), _("执法单位")],
                      ([u.code, u.name, u.type, u.leader_name, u.leader_title, u.tags, u.risk_areas,
                        u.subordinate_units, u.law_enforcement] for u in query))
    return render("units/index.html", block="results", units=list(query), q=q,
                  unit_type=unit_type, unit_types=UNIT_TYPES)


@bp.get("/<int:unit_id>")
@login_required
def show(unit_id: int):
    """A unit's page: profile and accounts. Unit users see only their own unit."""
    require_unit_access(unit_id)
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(_("单位不存在"))
    users = list(User.select().where(User.unit == unit).order_by(User.username)) if current_user.is_staff else []
    return render("units/show.html", unit=unit, users=users)
