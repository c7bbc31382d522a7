"""Admin pages that create and edit units, check a field as it is typed, and (de)activate."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from peewee import IntegrityError

from .. import audit
from ..auth.access import role_required
from ..auth.models import User
from ..i18n import N_
from ..packs.store import PackVersion
from ..packs.vocabulary import LIST_FIELDS, near_misses, pack_terms
from ..web.ids import parse_id
from ..web.render import render
from .models import UNIT_TYPES, Unit
from .profile import LABELS, Msg, descendant_ids, join_list, msg, parse_field, split_list
from .views import bp, get_unit

TEXT_FIELDS = ("code", "name", "type", "tags", "risk_areas", "subordinate_units",
               "leader_name", "leader_title")
# Fields the form checks on blur (htmx posts the field, gets its fragment back).
CHECKED_ON_BLUR = ("code", "name", "tags", "risk_areas", "subordinate_units", "leader_name", "leader_title")


def _parent_choices(unit: Unit | None) -> list[Unit]:
    """Units that may be the parent: all but the unit itself and those below it."""
    units = list(Unit.select().order_by(Unit.code))
    if unit is None:
        return units
    excluded = descendant_ids(unit.id, {u.id: u.parent_id for u in units}) | {unit.id}
    return [u for u in units if u.id not in excluded]


def _check_code(code: str, unit: Unit | None) -> Msg | None:
    other = Unit.get_or_none(Unit.code == code)
    if other is not None and (unit is None or other.id != unit.id):
        return msg(N_("编号已被「%(name)s」使用"), name=other.name)
    return None


def read_form(form, unit: Unit | None) -> tuple[dict, dict[str, Msg]]:
    """Profile values and field → problem from a submitted unit form."""
    values: dict[str, object] = {}
    errors: dict[str, Msg] = {}
    for key in TEXT_FIELDS:
        value, problem = parse_field(key, form.get(key, ""))
        if problem:
            errors[key] = problem
        else:
            values[key] = value
    values["law_enforcement"] = form.get("law_enforcement") in ("1", "on", "是")
    if "code" in values and (problem := _check_code(values["code"], unit)):
        errors["code"] = problem
    parent_id = form.get("parent", "")
    values["parent"] = None
    if parent_id:
        allowed = {u.id: u for u in _parent_choices(unit)}
        if not parse_id(parent_id) or not Unit.get_or_none(Unit.id == parse_id(parent_id)):
            errors["parent"] = msg(N_("请选择有效的上级单位"))
        elif int(parent_id) not in allowed:
            errors["parent"] = msg(N_("不能选择本单位或其下级单位作为上级单位"))
        else:
            values["parent"] = allowed[int(parent_id)]
    return values, errors


def form_text(unit: Unit | None) -> dict[str, str]:
    """The text the form shows for ``unit`` (empty for a new unit)."""
    if unit is None:
        return {"subordinate_units": "0"}
    return {"code": unit.code, "name": unit.name, "type": unit.type,
            "parent": str(unit.parent_id or ""), "tags": join_list(unit.tags),
            "risk_areas": join_list(unit.risk_areas), "subordinate_units": str(unit.subordinate_units),
            "law_enforcement": "1" if unit.law_enforcement else "", "leader_name": unit.leader_name,
            "leader_title": unit.leader_title}


def rule_terms() -> dict[str, list[str]]:
    """Words the published pack's applicability rules look for in tags and risk areas."""
    version = PackVersion.current()
    return pack_terms(version.pack()) if version else {}


def near_miss_notes(values_by_field: dict, terms: dict[str, list[str]]) -> dict[str, str]:
    """Field → a note on the entered words that resemble a rule's word without being it
    (a warning only: the words are saved as typed)."""
    notes = {}
    for key in LIST_FIELDS:
        if terms.get(key) and values_by_field.get(key):
            misses = near_misses(values_by_field[key], terms[key])
            if misses:
                notes[key] = _("；").join(_("「%(word)s」与规则用到的「%(term)s」相近但不相同", word=word, term=term)
                                      for word, term in misses)
    return notes


def _form_near_misses(form, terms: dict[str, list[str]]) -> dict[str, str]:
    """``near_miss_notes`` for the text of the form's list fields."""
    return near_miss_notes({key: split_list(form.get(key, "")) for key in LIST_FIELDS}, terms)


def _render_form(unit: Unit | None, form: dict, errors: dict[str, Msg], status: int = 200):
    terms = rule_terms()
    return render("units/form.html", status=status, unit=unit, form=form,
                  errors={k: v.render(_) for k, v in errors.items()},
                  unit_types=UNIT_TYPES, parents=_parent_choices(unit), labels=LABELS,
                  terms=terms, near_misses=_form_near_misses(form, terms))


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def create():
    """Create a unit; bad input re-shows the form with Chinese messages by each field."""
    if request.method == "GET":
        return _render_form(None, form_text(None), {})
    values, errors = read_form(request.form, None)
    if not errors:
        try:
            unit = audit.create(Unit, **values)
        except IntegrityError:  # another admin took the code a moment ago
            errors["code"] = _check_code(values["code"], None) or msg(N_("编号已存在"))
        else:
            flash(_("已新建单位 %(name)s", name=unit.name), "success")
            return redirect(url_for("units.show", unit_id=unit.id))
    return _render_form(None, request.form, errors, 422)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(unit_id: int):
    """Edit a unit's profile; every change is audited with before and after."""
    unit = get_unit(unit_id)
    if request.method == "GET":
        return _render_form(unit, form_text(unit), {})
    values, errors = read_form(request.form, unit)
    if not errors:
        try:
            audit.update(unit, **values)
        except IntegrityError:
            errors["code"] = _check_code(values["code"], unit) or msg(N_("编号已存在"))
        else:
            flash(_("已保存 %(name)s", name=unit.name), "success")
            return redirect(url_for("units.show", unit_id=unit.id))
    return _render_form(unit, request.form, errors, 422)


@bp.post("/check/<field>")
@role_required("admin")
def check_field(field: str):
    """Check one field of the unit form and answer with that field's fragment (htmx, on blur)."""
    if field not in CHECKED_ON_BLUR:
        abort(404)
    unit_id = request.form.get("unit_id", "")
    unit = Unit.get_or_none(Unit.id == parse_id(unit_id)) if parse_id(unit_id) else None
    value, problem = parse_field(field, request.form.get(field, ""))
    if problem is None and field == "code":
        problem = _check_code(value, unit)
    terms = rule_terms() if field in LIST_FIELDS else {}
    response = make_response(render_template(
        "units/field.html", field_name=field, unit=unit, form=request.form,
        errors={field: problem.render(_)} if problem else {}, labels=LABELS,
        terms=terms, near_misses=_form_near_misses(request.form, terms)))
    response.headers.add("Vary", "HX-Request")
    return response


@bp.post("/<int:unit_id>/status")
@role_required("admin")
def toggle_status(unit_id: int):
    """Deactivate or reactivate a unit. Units are never deleted: accounts and records point at them."""
    unit = get_unit(unit_id)
    audit.update(unit, active=not unit.active)
    if unit.active:
        flash(_("已启用 %(name)s", name=unit.name), "success")
    else:
        accounts = User.select().where(User.unit == unit).count()
        flash(_("已停用 %(name)s（%(n)s 个账户和全部记录仍保留，可随时重新启用）",
                name=unit.name, n=accounts), "success")
    return redirect(url_for("units.show", unit_id=unit.id))
