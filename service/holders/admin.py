"""Admin pages for holder bodies: create, edit, choose their units; exportable list."""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from peewee import fn

from .. import audit
from ..auth.access import role_required
from ..db import database, utcnow
from ..units.models import Unit
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.render import render
from .models import DEPARTMENTS, KINDS, HolderBody, HolderBodyUnit

bp = Blueprint("holders", __name__, url_prefix="/admin/holders")

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def validate_body(form, existing: HolderBody | None = None) -> tuple[dict, dict[str, str]]:
    """The cleaned fields of a body form and field → Chinese message for each problem."""
    name = form.get("name", "").strip()
    kind = form.get("kind", "")
    department = form.get("department", "").strip() if kind == "department" else ""
    unit_ids = sorted({parse_id(v) for v in form.getlist("units") if parse_id(v)})
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("请填写名称")
    elif len(name) > 200:
        errors["name"] = _("名称最多 200 个字")
    else:
        same = HolderBody.get_or_none(HolderBody.name == name)
        if same is not None and (existing is None or same.id != existing.id):
            errors["name"] = _("已有同名的监督单位")
    if kind not in KINDS:
        errors["kind"] = _("请选择类型")
    if kind == "department" and (not department or len(department) > 40 or not SLUG.match(department)):
        errors["department"] = _("职能部门须填写部门代码（小写字母、数字和连字符，如 organization）")
    known = {row[0] for row in Unit.select(Unit.id).where(Unit.id.in_(unit_ids or [0])).tuples()}
    if len(known) != len(unit_ids):
        errors["units"] = _("所选单位不存在")
    return {"name": name, "kind": kind, "department": department, "units": unit_ids}, errors


def _scope_codes(unit_ids) -> list[str]:
    return [row[0] for row in Unit.select(Unit.code).where(Unit.id.in_(sorted(unit_ids) or [0]))
            .order_by(Unit.code).tuples()]


def set_scope(body: HolderBody, unit_ids: list[int]) -> None:
    """Make ``body`` responsible for exactly ``unit_ids`` (one audit entry with the codes before and after)."""
    before = body.unit_ids()
    wanted = set(unit_ids)
    if before == wanted:
        return
    with database.atomic():
        if before - wanted:
            HolderBodyUnit.delete().where((HolderBodyUnit.body == body.id)
                                          & HolderBodyUnit.unit.in_(sorted(before - wanted))).execute()
        if wanted - before:
            HolderBodyUnit.insert_many([{"body": body.id, "unit": u} for u in sorted(wanted - before)]).execute()
        audit.record("update", "holder_body", body.id, {"units": _scope_codes(before)}, {"units": _scope_codes(wanted)})


def _listing():
    counts = dict(HolderBodyUnit.select(HolderBodyUnit.body, fn.COUNT(HolderBodyUnit.id))
                  .group_by(HolderBodyUnit.body).tuples())
    return list(HolderBody.select().order_by(HolderBody.kind.desc(), HolderBody.name)), counts


def _units():
    return list(Unit.select().order_by(Unit.code))


@bp.get("/")
@role_required("admin")
def index():
    """Every holder body with its kind, department and units; exportable."""
    bodies, counts = _listing()
    fmt = wanted_format()
    if fmt:
        scope: dict[int, list[str]] = {}
        for body_id, name in (HolderBodyUnit.select(HolderBodyUnit.body, Unit.name).join(Unit)
                              .order_by(Unit.code).tuples()):
            scope.setdefault(body_id, []).append(name)
        return export(fmt, _("监督单位"), [_("名称"), _("类型"), _("部门代码"), _("负责的单位"), _("状态")],
                      ([b.name, _(b.kind_label), b.department, "、".join(scope.get(b.id, [])),
                        _("启用") if b.active else _("停用")] for b in bodies))
    return render("holders/index.html", bodies=bodies, counts=counts, kinds=KINDS, departments=DEPARTMENTS,
                  units=_units(), form={}, chosen=set(), errors={})


@bp.post("/")
@role_required("admin")
def create():
    """Create a body with its units; re-show the form with Chinese messages on bad input."""
    fields, errors = validate_body(request.form)
    if errors:
        bodies, counts = _listing()
        return render("holders/index.html", status=422, bodies=bodies, counts=counts, kinds=KINDS,
                      departments=DEPARTMENTS, units=_units(), form=request.form, chosen=set(fields["units"]),
                      errors=errors)
    with database.atomic():
        body = audit.create(HolderBody, name=fields["name"], kind=fields["kind"], department=fields["department"])
        set_scope(body, fields["units"])
    flash(_("已创建监督单位 %(name)s", name=body.name), "success")
    return redirect(url_for("holders.edit", body_id=body.id))


def _get(body_id: int) -> HolderBody:
    body = HolderBody.get_or_none(HolderBody.id == body_id)
    if body is None:
        raise NotFound(_("监督单位不存在"))
    return body


@bp.route("/<int:body_id>", methods=["GET", "POST"])
@role_required("admin")
def edit(body_id: int):
    """Change a body's name, kind, department, status and units."""
    from ..auth.models import User
    body = _get(body_id)
    accounts = list(User.select().where(User.holder_body == body.id).order_by(User.username))
    if request.method == "GET":
        return render("holders/edit.html", body=body, kinds=KINDS, departments=DEPARTMENTS, units=_units(),
                      form={"name": body.name, "kind": body.kind, "department": body.department},
                      chosen=body.unit_ids(), active=body.active, errors={}, accounts=accounts)
    fields, errors = validate_body(request.form, existing=body)
    active = request.form.get("active") == "1"
    if errors:
        return render("holders/edit.html", status=422, body=body, kinds=KINDS, departments=DEPARTMENTS,
                      units=_units(), form=request.form, chosen=set(fields["units"]), active=active, errors=errors,
                      accounts=accounts)
    with database.atomic():
        changes = {k: fields[k] for k in ("name", "kind", "department") if getattr(body, k) != fields[k]}
        if body.active != active:
            changes["active"] = active
        if changes:
            audit.update(body, updated_at=utcnow(), **changes)
        set_scope(body, fields["units"])
    flash(_("已保存监督单位 %(name)s", name=body.name), "success")
    return redirect(url_for("holders.edit", body_id=body.id))
