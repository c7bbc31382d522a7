"""Unit pages: the registry list for staff, and each unit's own page.

Editing lives in ``editing.py`` and file import in ``imports.py``; both add
their routes to the blueprint defined here.
"""
from __future__ import annotations

from flask import Blueprint, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.access import require_unit_access, role_required
from ..auth.models import User
from ..db import utcnow
from ..define.models import PLAN_STATUSES, Plan
from ..define.plans import rule_cache
from ..packs.evaluate import ItemRuleError, applicable_items
from ..packs.store import PackVersion
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.render import render
from .models import UNIT_TYPES, Unit
from .profile import COLUMNS, unit_values

bp = Blueprint("units", __name__, url_prefix="/units", static_folder="static")

STATUSES = ("active", "inactive")


def export_headers() -> list[str]:
    """Export headers: the import columns, in Chinese or as the English field keys.

    Both are headers the importer accepts, so an exported file imports unchanged.
    """
    if str(get_locale()).startswith("zh"):
        return [label for _key, label in COLUMNS]
    return [key for key, _label in COLUMNS]


@bp.get("/")
@role_required("admin", "inspector")
def index():
    """All units, filtered by text, type and status; exportable in the import format."""
    q = request.args.get("q", "").strip()
    unit_type = request.args.get("type", "")
    status = request.args.get("status", "")
    query = Unit.select().order_by(Unit.code)
    if q:
        query = query.where(Unit.name.contains(q) | Unit.code.contains(q) | Unit.leader_name.contains(q))
    if unit_type in UNIT_TYPES:
        query = query.where(Unit.type == unit_type)
    if status in STATUSES:
        query = query.where(Unit.active == (status == "active"))
    everyone = {u.id: u for u in Unit.select(Unit.id, Unit.code, Unit.name)}
    fmt = wanted_format()
    if fmt:
        def rows():
            for unit in query:
                parent = everyone.get(unit.parent_id)
                values = unit_values(unit, parent_code=parent.code if parent else "")
                yield [values[key] for key, _label in COLUMNS]
        return export(fmt, _("单位列表"), export_headers(), rows())
    return render("units/index.html", block="results", units=list(query), parents=everyone, q=q,
                  unit_type=unit_type, unit_types=UNIT_TYPES, state=status)


def get_unit(unit_id: int) -> Unit:
    """The unit with ``unit_id``, or a Chinese 404."""
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(_("单位不存在"))
    return unit


@bp.get("/<int:unit_id>")
@login_required
def show(unit_id: int):
    """A unit's page: profile, parent, children, accounts. Unit users see only their own unit."""
    require_unit_access(unit_id)
    unit = get_unit(unit_id)
    staff = current_user.is_staff
    users = list(User.select().where(User.unit == unit).order_by(User.username)) if staff else []
    children = list(Unit.select().where(Unit.parent == unit).order_by(Unit.code)) if staff else []
    unit_plans = list(Plan.select(Plan, *PackVersion.light_fields()).join(PackVersion)
                      .where(Plan.unit == unit).order_by(Plan.year.desc())) if staff else []
    # The preview is for the year of the newest plan listed beside it, so the two agree.
    year = unit_plans[0].year if unit_plans else utcnow().year
    return render("units/show.html", unit=unit, users=users, children=children, plans=unit_plans,
                  plan_statuses=PLAN_STATUSES, applicable=_applicable(unit, year) if staff else None)


def _applicable(unit: Unit, year: int) -> dict | None:
    """What the published pack gives this unit in ``year``, and which items it gets because of
    its profile (type, tags, risk areas, ...): the effect of editing the profile, at a glance."""
    version = PackVersion.current()
    if version is None:
        return None
    pack = version.pack()
    try:
        items = applicable_items(pack, unit.profile(), today=f"{year}-01-01", cache=rule_cache(version))
    except ItemRuleError as exc:
        return {"version": version, "year": year, "error": _("条目 %(item)s 的适用规则无法计算：%(reason)s",
                                                             item=exc.item_id, reason=exc.reason_zh)}
    return {"version": version, "year": year, "count": len(items), "total": len(pack.items), "pack": pack,
            "by_profile": [item for item in items if item.applies_if is not None],
            "lists": {lst.id: lst.name for lst in pack.lists}}


from . import editing, imports  # noqa: E402,F401  (they add their routes to ``bp``)
