"""Annual duty plans in the browser: overview, generation, tuning, publishing,
the unit's own view (list and mind map) and the printable 履责清单 card."""
from __future__ import annotations


import peewee
from flask import current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.access import require_unit_access, role_required
from ..db import utcnow
from ..packs.store import PackVersion
from ..units.models import Unit
from ..web.errors import AppError, Forbidden, NotFound
from ..web.export import export, wanted_format
from ..web.render import is_htmx, render
from ..web.times import local_iso
from . import plans, suggestions
from .blueprint import bp
from .models import FREQUENCIES, PLAN_STATUSES, Plan, PlanItem, PlanRevision


def _year_arg() -> int:
    raw = request.values.get("year", "").strip()
    if len(raw) == 4 and raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    latest = Plan.select(peewee.fn.MAX(Plan.year)).scalar()
    return latest or utcnow().year


@bp.get("/")
@login_required
def index():
    """Staff: every unit's plan for a year. Unit users: straight to their own plan."""
    year = _year_arg()
    if current_user.role == "unit":
        plan = Plan.get_or_none((Plan.unit == current_user.unit_id) & (Plan.year == year)
                                & (Plan.status == "published"))
        if plan is None:
            return render("define/no_plan.html", year=year)
        return redirect(url_for("define.plan", plan_id=plan.id))
    units = list(Unit.select().where(Unit.active == True).order_by(Unit.code))  # noqa: E712
    plan_rows = {p.unit_id: p for p in Plan.select(Plan, *PackVersion.light_fields())
                 .join(PackVersion).where(Plan.year == year)}
    counts = dict(PlanItem.select(PlanItem.plan, peewee.fn.COUNT(PlanItem.id))
                  .join(Plan).where((Plan.year == year) & (PlanItem.enabled == True))  # noqa: E712
                  .group_by(PlanItem.plan).tuples())
    rows = [(u, plan_rows.get(u.id), counts.get(plan_rows[u.id].id, 0) if u.id in plan_rows else 0)
            for u in units]
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("%(year)s年度任务清单", year=year),
                      [_("编号"), _("单位名称"), _("类型"), _("一把手"), _("状态"), _("事项数"), _("修订次数"), _("规则包版本")],
                      ([u.code, u.name, u.type, u.leader_name,
                        _(PLAN_STATUSES[p.status]) if p else _("未生成"), n, p.revision if p else "",
                        p.pack_version.label if p else ""] for u, p, n in rows))
    pack_link = url_for("define.packs") if "define.packs" in current_app.view_functions else None
    return render("define/index.html", block="plans", year=year, rows=rows, statuses=PLAN_STATUSES,
                  current=PackVersion.current(), years=_years(year), pack_link=pack_link)


def _years(year: int) -> list[int]:
    """Years with plans, the year shown, this year and next year (plans are drawn up before it starts)."""
    existing = {y for (y,) in Plan.select(Plan.year).distinct().tuples()}
    this_year = utcnow().year
    return sorted(existing | {year, this_year, this_year + 1})


@bp.post("/plans/generate")
@role_required("admin")
def generate():
    """Generate the year's plans from the published pack for units that have none."""
    year = _year_arg()
    version = PackVersion.current()
    if version is None:
        raise AppError(_("尚未发布规则包，请先发布一个规则包版本再生成清单。"), status=409)
    try:
        counts = plans.generate_plans(year, version)
    except plans.PlanError as exc:
        raise AppError(exc.translated(_), status=422) from None
    flash(_("已为 %(created)s 个单位生成 %(year)s 年度清单（%(kept)s 个单位已有清单，未改动）。",
            created=counts["created"], year=year, kept=counts["kept"]), "success")
    return redirect(url_for("define.index", year=year))


def _plan_for_viewer(plan_id: int) -> Plan:
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        raise NotFound(_("清单不存在"))
    require_unit_access(plan.unit_id)
    if current_user.role == "unit" and not plan.is_published:
        raise Forbidden(_("该清单尚未发布。"))
    return plan


def due_text(item: PlanItem, year: int) -> str:
    """The due date as a clerk reads it: a date, or a rule per period."""
    if item.due_date:
        return str(item.due_date)
    due = item.due or {}
    if "month" in due:
        return f"{year}-{due['month']:02d}-{due['day']:02d}"
    if "days_after_period_start" in due:
        return _("每期开始后 %(n)s 天内", n=due["days_after_period_start"])
    return _("期末前")


@bp.get("/plans/<int:plan_id>")
@login_required
def plan(plan_id: int):
    """A plan as a list (default), a mind map (?view=map) or a printable card (?view=print)."""
    plan = _plan_for_viewer(plan_id)
    view = request.args.get("view", "list")
    editable = current_user.is_admin
    tree, list_names, category_names = plans.grouped(plan, include_disabled=editable and view == "list")
    fmt = wanted_format()
    if fmt:
        rows = []
        for list_id, cats in tree.items():
            for cat_id, items in cats.items():
                for it in items:
                    rows.append([list_names.get(list_id, list_id), category_names.get(cat_id, cat_id), it.text,
                                 _(FREQUENCIES.get(it.frequency, it.frequency)), it.min_count, due_text(it, plan.year),
                                 it.supervisor, _("是") if it.custom else "", _("停用：") + it.disabled_reason if not it.enabled else ""])
        return export(fmt, f"{plan.unit.name}{plan.year}年度任务清单",
                      [_("清单"), _("类别"), _("事项"), _("频次"), _("目标次数"), _("截止"), _("监督主体"), _("自定"), _("备注")], rows)
    pack = plan.pack_version.pack()
    template = {"map": "define/plan_map.html", "print": "define/plan_print.html"}.get(view, "define/plan.html")
    return render(template, plan=plan, tree=tree, list_names=list_names, category_names=category_names,
                  frequencies=FREQUENCIES, statuses=PLAN_STATUSES, editable=editable, due_text=due_text,
                  pack=pack, view=view, row_errors={}, add_errors={}, add_values={},
                  suggestions=_suggestions(plan, pack) if editable and view == "list" else [])


def _suggestions(plan: Plan, pack) -> list[tuple]:
    """(suggestion, its rule in words) for the admin's plan page."""
    from flask_babel import gettext
    from ..web.words import rule_locale
    rules = {r.get("id"): r for r in suggestions.rules_of(plan)}
    return [(s, suggestions.told(pack, rules[s.rule_id], rule_locale(), gettext)) for s in suggestions.for_plan(plan)]


@bp.post("/plans/<int:plan_id>/suggestions")
@role_required("admin")
def accept_suggestion(plan_id: int):
    """Take a suggestion drawn from last year's findings: ordinary, audited plan tuning."""
    plan = _plan_for_viewer(plan_id)
    try:
        taken = suggestions.accept(plan, request.form.get("key", ""))
    except plans.PlanError as exc:
        flash(exc.translated(_), "error")
        return redirect(url_for("define.plan", plan_id=plan.id) + "#suggestions")
    except peewee.IntegrityError:
        flash(_("该清单刚被他人修改，请刷新页面后重试。"), "error")
        return redirect(url_for("define.plan", plan_id=plan.id) + "#suggestions")
    if taken is None:
        flash(_("这条建议已采纳或已不适用，请刷新页面查看。"), "info")
    else:
        flash(_("已采纳建议，清单已修订。"), "success")
    return redirect(url_for("define.plan", plan_id=plan.id) + "#suggestions")


def _item(plan_id: int, item_pk: int) -> PlanItem:
    item = PlanItem.get_or_none((PlanItem.id == item_pk) & (PlanItem.plan == plan_id))
    if item is None:
        raise NotFound(_("事项不存在"))
    return item


def _plan_page(plan: Plan, *, status: int = 200, row_errors=None, add_errors=None, add_values=None):
    """The editable plan page, with refusals shown next to the fields they are about."""
    tree, list_names, category_names = plans.grouped(plan, include_disabled=True)
    return render("define/plan.html", status=status, plan=plan, tree=tree, list_names=list_names,
                  category_names=category_names, frequencies=FREQUENCIES, statuses=PLAN_STATUSES, editable=True,
                  due_text=due_text, pack=plan.pack_version.pack(), view="list", row_errors=row_errors or {},
                  add_errors=add_errors or {}, add_values=add_values or {})


def _item_response(item: PlanItem, error: str | None = None, status: int = 200, field: str = ""):
    """After a change: htmx gets the item's row again (and the revision badge), others the page.

    A refusal is shown next to the field it is about (``field``), with the
    value that stays saved, so a clerk never mistakes a refused value for a kept one.
    """
    if is_htmx():
        plan = item.plan
        return render("define/_plan_item.html", block="row", status=status if error else 200, item=item, plan=plan,
                      editable=True, frequencies=FREQUENCIES, due_text=due_text, error=error, error_field=field,
                      oob=True)
    if error:
        return _plan_page(item.plan, status=status, row_errors={item.id: (error, field)})
    return redirect(url_for("define.plan", plan_id=item.plan_id) + f"#item-{item.id}")


def _apply(item: PlanItem, change, field: str = ""):
    try:
        change()
    except plans.PlanError as exc:
        return _item_response(PlanItem.get_by_id(item.id), exc.translated(_), 422, field)
    except peewee.IntegrityError:
        return _item_response(item, _("该清单刚被他人修改，请刷新页面后重试。"), 409)
    return _item_response(PlanItem.get_by_id(item.id))


@bp.post("/plans/<int:plan_id>/items/<int:item_pk>/enabled")
@role_required("admin")
def set_enabled(plan_id: int, item_pk: int):
    """Switch an item off (with a reason) or back on."""
    item = _item(plan_id, item_pk)
    enabled = request.form.get("enabled") == "1"
    return _apply(item, lambda: plans.set_enabled(item, enabled, request.form.get("reason", "")), "reason")


@bp.post("/plans/<int:plan_id>/items/<int:item_pk>/target")
@role_required("admin")
def set_target(plan_id: int, item_pk: int):
    """Change an item's target count per period."""
    item = _item(plan_id, item_pk)
    return _apply(item, lambda: plans.set_target(item, request.form.get("min_count", "")), "min_count")


@bp.post("/plans/<int:plan_id>/items/<int:item_pk>/due")
@role_required("admin")
def set_due(plan_id: int, item_pk: int):
    """Give an item a fixed due date (or clear it)."""
    item = _item(plan_id, item_pk)
    return _apply(item, lambda: plans.set_due_date(item, request.form.get("due_date", "")), "due_date")


@bp.post("/plans/<int:plan_id>/items")
@role_required("admin")
def add_item(plan_id: int):
    """Add a custom duty to the plan."""
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        raise NotFound(_("清单不存在"))
    form = request.form
    list_id, _sep, category_id = form.get("category", "").partition("/")
    try:
        item = plans.add_custom_item(plan, list_id=list_id, category_id=category_id, text=form.get("text", ""),
                                     frequency=form.get("frequency", ""), min_count=form.get("min_count", ""),
                                     due_date=form.get("due_date", ""), form=form.get("form", ""))
    except (plans.PlanError, peewee.IntegrityError) as exc:
        # The refusal goes where the clerk is: next to the fields of this form,
        # which keeps what was typed (not in the flash bar at the top of the page).
        errors = (exc.by_field(_) if isinstance(exc, plans.PlanError)
                  else {"": _("该清单刚被他人修改，请刷新页面后重试。")})
        values = {k: form.get(k, "") for k in ("text", "category", "frequency", "min_count", "due_date", "form")}
        if is_htmx():
            return render("define/plan.html", block="add_item", status=422, plan=plan, pack=plan.pack_version.pack(),
                          frequencies=FREQUENCIES, add_errors=errors, add_values=values, editable=True)
        return _plan_page(plan, status=422, add_errors=errors, add_values=values)
    flash(_("已添加自定事项。"), "success")
    # ?added= marks the new row (and makes htmx's redirect a real page load, not a jump to #)
    target = url_for("define.plan", plan_id=plan.id, added=item.id) + f"#item-{item.id}"
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


@bp.post("/plans/<int:plan_id>/publish")
@role_required("admin")
def publish(plan_id: int):
    """Publish a plan so its unit sees it."""
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        raise NotFound(_("清单不存在"))
    plans.publish_plan(plan)
    flash(_("清单已发布，%(unit)s 现在可以看到。", unit=plan.unit.name), "success")
    return redirect(url_for("define.plan", plan_id=plan.id))


@bp.post("/plans/publish-all")
@role_required("admin")
def publish_all():
    """Publish every draft plan of a year."""
    year = _year_arg()
    drafts = list(Plan.select().where((Plan.year == year) & (Plan.status == "draft")))
    for p in drafts:
        plans.publish_plan(p)
    flash(_("已发布 %(n)s 份清单。", n=len(drafts)), "success")
    return redirect(url_for("define.index", year=year))


@bp.get("/plans/<int:plan_id>/revisions")
@role_required("admin", "inspector")
def revisions(plan_id: int):
    """The plan's history: every revision with who, when and what."""
    plan = _plan_for_viewer(plan_id)
    rows = list(plan.revisions.order_by(PlanRevision.number.desc()))
    number = request.args.get("n", "")
    shown = next((r for r in rows if str(r.number) == number), None)
    fmt = wanted_format()
    if fmt and shown:  # the plan as it was at that revision
        return export(fmt, _("%(unit)s%(year)s年度任务清单（第 %(n)s 次修订）", unit=plan.unit.name, year=plan.year,
                             n=shown.number),
                      [_("事项"), _("频次"), _("目标次数"), _("截止日期"), _("状态"), _("停用原因")],
                      ([it.get("text"), _(FREQUENCIES.get(it.get("frequency"), it.get("frequency") or "")),
                        it.get("min_count"), it.get("due_date") or "", _("启用") if it.get("enabled") else _("停用"),
                        it.get("disabled_reason") or ""] for it in shown.snapshot or []))
    if fmt:
        return export(fmt, _("%(unit)s%(year)s年度任务清单修订记录", unit=plan.unit.name, year=plan.year),
                      [_("修订"), _("时间"), _("操作人"), _("变更说明")],
                      ([r.number, local_iso(r.at), r.actor_name, r.summary] for r in rows))
    return render("define/revisions.html", plan=plan, revisions=rows, shown=shown, frequencies=FREQUENCIES)
