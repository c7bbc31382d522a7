"""问责 pages for dispositions and 一案双查: giving a disposition, opening a
case's entries, concluding an entry, an entry's page (its case and the other
people examined), and the exportable lists of entries and dispositions."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.access import role_required
from ..units.models import Unit
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.paging import paged
from ..web.render import render
from . import cases, register, states
from .models import ENTRY_STATUSES, RESPONSIBILITIES, AccountabilityEntry, Disposition, Finding
from .views import STAFF, _day, _finding, _finding_page, _user, bp

CASE_ROWS = 6  # people one 一案双查 form can name at once


def _refused_on_page(finding: Finding, exc: states.FindingError, section: str):
    return _finding_page(Finding.get_by_id(finding.id), errors={exc.field or section: exc.text(_)},
                         form=request.form, open_move=section, status=422)


@bp.post("/findings/<int:finding_id>/dispositions")
@role_required(*STAFF)
def add_disposition(finding_id: int):
    """Give the finding (or one person of its case) a disposition from the pack's list."""
    finding = _finding(finding_id)
    entry = None
    entry_id = request.form.get("entry", "")
    if entry_id:
        entry = AccountabilityEntry.get_or_none((AccountabilityEntry.id == parse_id(entry_id))
                                                & (AccountabilityEntry.finding == finding))
        if entry is None:
            return _refused_on_page(finding, states.FindingError("请求有误，请检查后重试。", "entry"), "disposition")
    try:
        cases.add_disposition(finding, _user(), kind=request.form.get("kind", ""),
                              decided_on=request.form.get("decided_on", ""),
                              decided_by=request.form.get("decided_by", "")[:1000],
                              note=request.form.get("note", "")[:10000], entry=entry)
    except states.FindingError as exc:
        return _refused_on_page(finding, exc, "disposition")
    flash(_("已记录处置。"), "success")
    return redirect(url_for("accountability.finding", finding_id=finding.id) + "#dispositions")


@bp.post("/findings/<int:finding_id>/case")
@role_required(*STAFF)
def open_case(finding_id: int):
    """一案双查: open an entry for each person named (directly responsible, 主体责任, 监督责任)."""
    finding = _finding(finding_id)
    people = [{"responsibility": request.form.get(f"responsibility-{i}", ""),
               "person": request.form.get(f"person-{i}", "")[:1000], "post": request.form.get(f"post-{i}", "")[:1000],
               "unit": parse_id(request.form.get(f"unit-{i}"))} for i in range(CASE_ROWS)]
    try:
        cases.open_case(finding, _user(), people)
    except states.FindingError as exc:
        return _refused_on_page(finding, exc, "case")
    flash(_("已启动一案双查。"), "success")
    return redirect(url_for("accountability.finding", finding_id=finding.id) + "#case")


def _entry(entry_id: int) -> AccountabilityEntry:
    entry = cases.visible_entries(_user()).where(AccountabilityEntry.id == entry_id).first()
    if entry is None:
        raise NotFound(_("问责人员不存在"))
    return entry


@bp.post("/entries/<int:entry_id>/conclude")
@role_required(*STAFF)
def conclude_entry(entry_id: int):
    """Record one person's own outcome (已处理 or 不予追责)."""
    entry = _entry(entry_id)
    try:
        cases.conclude_entry(entry, _user(), status=request.form.get("status", ""),
                             outcome=request.form.get("outcome", "")[:10000],
                             concluded_on=request.form.get("concluded_on", ""))
    except states.FindingError as exc:
        return _entry_page(entry, errors={exc.field or "conclude": exc.text(_)}, form=request.form, status=422)
    flash(_("已记录处理结果。"), "success")
    return redirect(url_for("accountability.entry", entry_id=entry.id))


@bp.get("/entries/<int:entry_id>")
@login_required
def entry(entry_id: int):
    """One person examined in a case: the case, the others examined with it, its dispositions."""
    return _entry_page(_entry(entry_id))


def _entry_page(person: AccountabilityEntry, *, errors: dict | None = None, form=None, status: int = 200):
    siblings = list(cases.visible_entries(_user()).where(AccountabilityEntry.finding == person.finding_id)
                    .order_by(AccountabilityEntry.id))
    finding_visible = register.visible(_user()).where(Finding.id == person.finding_id).exists()
    return render("accountability/entry.html", status=status, errors=errors or {}, form=form or {}, entry=person, siblings=siblings, finding=person.finding,
                  finding_visible=finding_visible,
                  dispositions=list(person.dispositions.order_by(Disposition.decided_on, Disposition.id)),
                  responsibilities=RESPONSIBILITIES, entry_statuses=ENTRY_STATUSES,
                  can_decide=current_user.is_staff and person.finding.status not in ("draft",) + states.FINAL_STATES)


@bp.get("/entries")
@login_required
def entries():
    """Every accountability entry the user may see (一案双查), filterable and exportable."""
    query = cases.visible_entries(_user()).join(Unit, on=(Finding.unit == Unit.id)).order_by(
        AccountabilityEntry.id.desc())
    responsibility = request.args.get("responsibility", "")
    status = request.args.get("status", "")
    if responsibility in RESPONSIBILITIES:
        query = query.where(AccountabilityEntry.responsibility == responsibility)
    if status in ENTRY_STATUSES:
        query = query.where(AccountabilityEntry.status == status)
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("一案双查"), ["#", _("问题"), _("单位"), _("责任类型"), _("姓名"), _("职务"), _("状态"),
                                       _("处理结果"), _("办结日期")],
                      ([e.id, e.finding.title, e.finding.unit.name, _(RESPONSIBILITIES[e.responsibility]), e.person,
                        e.post, _(ENTRY_STATUSES[e.status]), e.outcome, e.concluded_on or ""] for e in query))
    listing = paged(query)
    return render("accountability/entries.html", block="results", items=listing.pop("rows"), **listing,
                  responsibilities=RESPONSIBILITIES, entry_statuses=ENTRY_STATUSES,
                  responsibility=responsibility, status_filter=status)


@bp.get("/dispositions")
@login_required
def dispositions():
    """Every disposition given (staff all, a unit its own), filterable and exportable."""
    kind = " ".join((request.args.get("kind") or "").split())[:50] or None
    counts_as = request.args.get("counts_as") if request.args.get("counts_as") in ("talk", "suggestion", "system") \
        else None
    units = [u for u in (parse_id(v) for v in request.args.getlist("unit")) if u] or None
    query = cases.dispositions_query(_user(), kind=kind, counts_as=counts_as, units=units, decided_from=_day("from"),
                               decided_to=_day("to")).order_by(Disposition.decided_on.desc(), Disposition.id.desc())
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("处置"), ["#", _("处置方式"), _("问题"), _("单位"), _("对象"), _("决定日期"), _("决定机关或决定人"),
                                    _("说明")],
                      ([d.id, d.label, d.finding.title, d.finding.unit.name, d.entry.person if d.entry_id else "",
                        d.decided_on, d.decided_by, d.note] for d in query))
    listing = paged(query)
    kinds = sorted({(d.kind, d.label) for d in cases.dispositions_query(_user())})
    return render("accountability/dispositions.html", block="results", items=listing.pop("rows"), **listing,
                  kind=kind or "", kinds=kinds, counts_as=counts_as or "")
