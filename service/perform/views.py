"""履责 pages: a unit fills the forms its plan asks for; drafts autosave;
evidence files upload through the same form; staff browse every record.

The form is always the one of the pack version the unit's plan was made under,
so a record is validated, stored and later shown with its own rules.
"""
from __future__ import annotations

import datetime as dt

from markupsafe import escape
from peewee import SQL, fn
from flask import Blueprint, current_app, flash, redirect, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext, gettext as _
from flask_login import current_user, login_required

from ..auth.access import require_unit_access
from ..define.models import FREQUENCIES, PlanItem
from ..define.plans import grouped
from ..holders import recording
from ..forms import (SchemaError, SubmissionError, errors_for, read_post, render_field, render_form,
                     render_summary, schema_at, validate)
from ..packs.store import PackVersion
from ..units.models import Unit
from ..web.errors import AppError, Forbidden, NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.paging import paged
from ..web.render import is_htmx, render
from ..db import utcnow
from ..web.times import local_iso, local_time
from . import book, records, search
from . import status as status_engine
from .models import Draft, Record, RecordItem, RecordRevision, StoredFile

bp = Blueprint("perform", __name__, url_prefix="/perform")
files_bp = Blueprint("files", __name__, url_prefix="/files")

FORM_ID = "record-form"
#: The printed book holds at most this many records (a unit's year is a few hundred).
PRINT_LIMIT = 2000


def _locale() -> str:
    return "en" if str(get_locale()) == "en" else "zh-CN"


def _file_url() -> str:
    """The link template the renderer fills with a stored file's id."""
    return url_for("files.download", file_id="{id}").replace("%7Bid%7D", "{id}")


@bp.get("/")
@login_required
def index():
    """Units: what their plan asks them to record, drafts and recent records. Staff: all records."""
    if current_user.role == "unit":
        plan = records.current_plan(current_user.unit_id)
        forms = dict(plan.pack_version.pack().forms, **{records.NOTE_FORM_ID: records.NOTE_FORM}) if plan else {}
        tree, list_names, category_names = grouped(plan, include_disabled=False) if plan else ({}, {}, {})
        counts = dict(RecordItem.select(RecordItem.plan_item, fn.COUNT(RecordItem.id)).join(Record)
                      .where((Record.unit == current_user.unit_id) & Record.deleted_at.is_null())
                      .group_by(RecordItem.plan_item).tuples())
        drafts = list(Draft.select().where((Draft.user == current_user.id) & (Draft.unit == current_user.unit_id))
                      .order_by(Draft.updated_at.desc()))
        statuses = {}
        if plan:
            as_of = min(dt.date.today(), dt.date(plan.year, 12, 31))
            statuses = {s.plan_item_id: s for s in status_engine.unit_status(
                current_user.unit_id, f"{as_of.year}-{as_of.month:02d}", as_of, include_disabled=False)}
        recent = list(Record.select().where((Record.unit == current_user.unit_id) & Record.deleted_at.is_null())
                      .order_by(Record.id.desc()).limit(20))
        fmt = wanted_format()
        if fmt and plan:
            rows = [(list_names.get(list_id, list_id), category_names.get(category_id, category_id), item)
                    for list_id, categories in tree.items() for category_id, items in categories.items()
                    for item in items if item.form]
            return export(fmt, _("%(unit)s%(year)s年度需记录的事项", unit=current_user.unit.name, year=plan.year),
                          [_("责任清单"), _("类别"), _("事项"), _("频次"), _("目标次数"), _("截止日期"), _("已记录"),
                           _("记录表单")],
                          ([list_name, category_name, item.text, _(FREQUENCIES.get(item.frequency, item.frequency)),
                            item.min_count, item.due_date or "", counts.get(item.id, 0),
                            forms[item.form].title if item.form in forms else item.form]
                           for list_name, category_name, item in rows))
        order = {"red": 0, "yellow": 1, "blue": 2, None: 3}
        todo = sorted((s for s in statuses.values() if s.status not in ("done", "not_applicable")),
                      key=lambda s: (order.get(s.colour, 3), s.due or "", s.plan_item_id))
        progress = []
        for list_id, categories in tree.items():
            in_list = [statuses[i.id] for items in categories.values() for i in items if i.id in statuses]
            progress.append((list_names.get(list_id, list_id), sum(s.status == "done" for s in in_list), len(in_list),
                             [(category_names.get(cid, cid), sum(statuses[i.id].status == "done" for i in items
                                                                 if i.id in statuses),
                               sum(1 for i in items if i.id in statuses)) for cid, items in categories.items()]))
        items_by_id = {i.id: i for cats in tree.values() for items in cats.values() for i in items}
        others = recording.others_lists(plan.pack_version.pack(), current_user.unit_id) if plan else {}
        return render("perform/unit.html", plan=plan, tree=tree, list_names=list_names, forms=forms, others=others,
                      drafts=drafts, recent=recent, counts=counts, frequencies=FREQUENCIES, statuses=statuses,
                      todo=todo, progress=progress, items_by_id=items_by_id,
                      period_label=status_engine.period_label(f"{as_of.year}-{as_of.month:02d}", gettext) if plan else "",
                      status_labels=status_engine.STATUSES, colour_labels=status_engine.COLOURS)
    return _records_list()


@bp.get("/records", endpoint="records")
@login_required
def all_records():
    """Every record the user may see (a unit its own, staff all): filters, pages, export."""
    return _records_list()


def _records_list():
    """The 履责记录本: a timeline of records with filters and search, its export and print view.

    A unit's users see their own unit's book (deleted records left out); staff see every unit's,
    or one unit's with ``?unit=``, deleted records marked."""
    is_unit = current_user.role == "unit"
    # A holder account (派驻组, 组织部 …) reads the books of the units in its scope, like a unit
    # its own: deleted records left out; staff read every unit's, deleted ones marked.
    holder_scope = tuple(sorted(current_user.holder_scope())) if current_user.is_holder else None
    include_deleted = current_user.is_staff
    unit_id = request.args.get("unit", "")
    unit = current_user.unit if is_unit else (Unit.get_or_none(Unit.id == parse_id(unit_id)) if parse_id(unit_id) else None)
    if not is_unit and parse_id(unit_id) and unit is None:  # (an id out of range: every unit, as before)
        raise NotFound(_("单位不存在"))
    if unit is not None and not current_user.can_see_unit(unit.id):   # a holder: the units of its scope
        raise Forbidden(_("监督单位用户只能查看本机构负责单位的待办事项和记录。"))
    filters = book.Filters.parse(request.args, unit.id if unit else None)
    filters.scope = holder_scope
    scope = book.records(book.Filters(unit_id=filters.unit_id, scope=holder_scope), include_deleted=include_deleted)
    view = request.args.get("view", "")
    fmt = wanted_format()
    if filters.errors and (fmt or view == "print"):
        raise AppError(_("筛选条件有误：%(problems)s", problems=_("；").join(_(m) for m in filters.errors.values())),
                       status=422)
    query = book.records(filters, include_deleted=include_deleted)
    if view == "print":
        return _book_print(unit, filters, query)
    if fmt:
        rows = list(query)
        linked = book.items_of(r.id for r in rows)
        name = _("%(unit)s履责记录本", unit=unit.name) if unit else _("履责记录")
        return export(fmt, name, ["#", _("单位"), _("日期"), _("表单"), _("计入的事项"), _("内容"), _("填报时间"),
                                  _("规则包版本"), _("版本"), _("删除原因")],
                      ([r.id, r.unit.name, str(r.record_date or ""), _form_title(r),
                        [i.text for i in linked.get(r.id, [])], search.text_of(r.data), local_iso(r.created_at),
                        r.pack_version.label, r.revision, r.deleted_reason if r.is_deleted else ""] for r in rows))
    listing = paged(query if not filters.errors else query.where(SQL("1 = 0")))
    rows = listing.pop("rows")
    plan = _book_plan(unit, filters)
    tree, list_names, category_names = grouped(plan, include_disabled=True) if plan else ({}, {}, {})
    if not plan:
        current = PackVersion.current()
        pack = current.pack() if current else None
        list_names = {l.id: l.name for l in pack.lists} if pack else {}
        category_names = {c.id: c.name for c in pack.categories} if pack else {}
    print_args = {k: v for k, v in request.args.items() if k not in ("export", "page", "view")}
    return render("perform/records.html", block="book", print_url=url_for("perform.records", **print_args, view="print"), status=422 if filters.errors else 200,
                  records=rows, **listing, units=[] if is_unit else list(current_user.visible_units()),
                  unit=unit, unit_id=unit_id, form_id=filters.form_id, filters=filters,
                  form_choices=_form_choices(scope), form_title=_form_title, linked=book.items_of(r.id for r in rows),
                  list_names=list_names, category_names=category_names, plan_items=[i for cats in tree.values()
                                                                                    for items in cats.values()
                                                                                    for i in items],
                  excerpt=_excerpt)


def _book_plan(unit, filters):
    """The unit's plan whose items the item filter offers: of the period's year, else the newest."""
    if unit is None:
        return None
    start, end = filters.window
    year = (start or end).year if (start or end) else None
    return book.plan_for(unit.id, year) if year else records.current_plan(unit.id)


def _excerpt(record: Record, size: int = 120) -> str:
    """The record's answers as one line (its date left out: the book shows it beside); ``size`` 0: whole."""
    data = {k: v for k, v in record.data.items() if k != "date"} if isinstance(record.data, dict) else record.data
    text = search.text_of(data)
    return text if not size or len(text) <= size else text[:size] + "…"


def _book_print(unit, filters, query):
    """The book on A4: the unit's 主体责任 list as a mind map, the month table of what falls
    due in the period (status engine), then the records of the period."""
    if unit is None:
        raise AppError(_("请先选择单位，再打印其履责记录本。"), status=422)
    today = dt.date.today()
    newest = records.current_plan(unit.id)
    period = book.print_period(filters, today, newest.year if newest else None)
    if not (filters.period or filters.start or filters.end):  # the whole book of that period
        filters.period = period
        query = book.records(filters, include_deleted=current_user.is_staff)
    plan = book.plan_for(unit.id, int(period[:4]))
    tree, list_names, category_names = grouped(plan, include_disabled=False) if plan else ({}, {}, {})
    as_of = book.as_of_for(period, today)
    rows = list(query.limit(PRINT_LIMIT + 1))
    return render("perform/book_print.html", more=len(rows) > PRINT_LIMIT, limit=PRINT_LIMIT, unit=unit, plan=plan, period=period, as_of=as_of,
                  map_tree={k: v for k, v in tree.items() if k == book.MIND_MAP_LIST}, list_names=list_names,
                  category_names=category_names, frequencies=FREQUENCIES,
                  months=book.month_table(unit.id, period, as_of), records=rows,
                  linked=book.items_of(r.id for r in rows[:PRINT_LIMIT]), form_title=_form_title, filters=filters,
                  status_labels=status_engine.STATUSES, colour_labels=status_engine.COLOURS,
                  excerpt=_excerpt, printed_at=utcnow(),
                  back_url=url_for("perform.records", **({} if current_user.role == "unit" else {"unit": unit.id}),
                                   period=period))


def _form_choices(scope) -> list[tuple[str, str]]:
    """(form id, title) of the forms the records in ``scope`` were made with."""
    ids = [row[0] for row in scope.select(Record.form_id).distinct().order_by(Record.form_id).tuples()]
    current = PackVersion.current()
    forms = current.pack().forms if current else {}
    return [(fid, forms[fid].title if fid in forms else fid) for fid in ids]


def _form_title(record: Record) -> str:
    form = records.form_of(record.pack_version, record.form_id)
    return form.title if form else record.form_id


def fill_unit(item_id: int | None) -> Unit:
    """The unit a record of the current user is made for: a clerk's own unit; for a
    holder account the unit of the plan item it records (which it must name)."""
    if current_user.role == "unit":
        return current_user.unit
    if current_user.role == "holder":
        item = PlanItem.get_or_none(PlanItem.id == item_id) if item_id else None
        if item is None or not current_user.can_see_unit(item.plan.unit_id):
            raise NotFound(_("事项不存在"))
        return item.plan.unit
    raise Forbidden(_("只有单位用户可以填报履责记录。"))


def require_may_record(item: PlanItem | None) -> None:
    """Refuse (403, in Chinese) a record the current user may not make: a clerk an item
    of a list another body records, a holder account an item that is not its body's."""
    if current_user.role == "holder":
        if item is None or not recording.may_record(current_user, item):
            raise Forbidden(_("此事项不由本机构记录。"))
    elif item is not None and not recording.may_record(current_user, item):
        pack = item.plan.pack_version.pack()
        name = recording.recorder_name(pack, item.list_id, recording.bodies_of(item.plan.unit_id))
        raise Forbidden(_("此事项由%(name)s记录，本单位只能查看。", name=name))


class _Context:
    """Which form of which version, for which unit and duty, a request is about."""

    def __init__(self, form_id: str):
        item_id = request.args.get("item", "")
        if item_id and not parse_id(item_id):
            raise NotFound(_("事项不存在"))
        self.unit = fill_unit(parse_id(item_id))
        try:
            self.item, self.version, self.form = records.fill_target(self.unit, form_id, parse_id(item_id))
        except records.NotFillable as exc:
            raise AppError(_(exc.msgid), status=exc.status, code="not_found" if exc.status == 404 else "conflict")
        require_may_record(self.item)
        self.form_id = form_id
        self.schema = self.form.schema

    def urls(self) -> dict:
        args = {"form_id": self.form_id, "item": self.item.id if self.item else None}
        return {"action": url_for("perform.fill", **args),
                "refresh": url_for("perform.refresh", **args),
                "validate_field": url_for("perform.validate_field", **args)}

    def options(self, choices=None) -> dict:
        """Renderer options shared by the whole form and a single field."""
        urls = self.urls()
        return {"locale": _locale(), "form_id": FORM_ID, "file_url": _file_url(), "choices": choices or {},
                "hx": {"refresh": urls["refresh"], "validate_field": urls["validate_field"],
                       "swap": "morph:outerHTML"}}

    def render(self, data, errors=None, choices=None, summary: bool = True) -> str:
        return render_form(self.schema, data, errors, summary=summary, **self.options(choices))


def _read(ctx: _Context):
    """The submitted answers with any new uploads stored and attached."""
    try:
        post = read_post(ctx.schema, request.form)
    except (SubmissionError, SchemaError) as exc:
        raise AppError(getattr(exc, "message", None) or str(exc), status=413 if isinstance(exc, SubmissionError) else 422)
    upload_errors = []
    for name in request.files:
        for storage in request.files.getlist(name):
            if not storage or not storage.filename:
                continue
            pointer = "/" + name
            node = schema_at(ctx.schema, post.data, pointer)
            if node is None:
                continue  # not a field of this form (or hidden by the answers)
            try:
                stored = records.store_upload(unit=ctx.unit, user=current_user._get_current_object(),
                                              filename=storage.filename, content_type=storage.mimetype,
                                              stream=storage.stream, field_schema=node,
                                              upload_folder=current_app.config["UPLOAD_FOLDER"], locale=_locale(),
                                              quota_bytes=current_app.config["UPLOAD_QUOTA_BYTES"])
            except records.QuotaExceeded as exc:
                upload_errors.append(records.FieldError(path=pointer, message=quota_message(exc), code="quota"))
                continue
            except records.UploadError as exc:
                upload_errors.append(records.FieldError(path=pointer, message=str(exc), code="upload"))
                continue
            records.attach(post.data, pointer, node, stored.reference())
    return post, upload_errors


def readable_size(size: int) -> str:
    """Bytes as a person reads them: 2.0 KB, 18.0 MB, 1.0 GB."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def quota_message(exc) -> str:
    return _("本单位的附件存储空间已满（已用 %(used)s，上限 %(quota)s），此文件未保存。"
             "未提交的附件在草稿最后保存 %(hours)s 小时后自动清理；也可删除不再需要的草稿，或请管理员调高上限。",
             used=readable_size(exc.used), quota=readable_size(exc.quota), hours=current_app.config["UPLOAD_PENDING_HOURS"])


def _autosave(ctx: _Context, data: dict) -> Draft:
    return records.save_draft(user=current_user._get_current_object(), unit=ctx.unit, version=ctx.version,
                              form_id=ctx.form_id, plan_item=ctx.item, data=data)


def _saved_badge(draft: Draft) -> str:
    """The out-of-band "saved" note next to the submit button."""
    note = _("已自动保存草稿 %(time)s", time=local_time(draft.updated_at, "time"))
    return f'<span id="draft-status" hx-swap-oob="true" class="muted">{escape(note)}</span>'



@bp.route("/fill/<form_id>", methods=["GET", "POST"])
@login_required
def fill(form_id: str):
    """Fill a form: resumes the draft; POST submits (or applies an array button without JS)."""
    ctx = _Context(form_id)
    draft = records.find_draft(current_user._get_current_object(), ctx.unit, form_id, ctx.item)
    status = 200
    plan = ctx.item.plan if ctx.item else records.current_plan(ctx.unit.id)
    candidates = recording.recordable(current_user, [
        i for i in records.items_for(ctx.unit.id, plan.year)
        if i.form == form_id or (ctx.item and i.id == ctx.item.id)]) if plan else []
    checked = {i.id for i in candidates if i.form == form_id} | ({ctx.item.id} if ctx.item else set())
    if request.method == "POST" and _chosen_items(request.form) is not None:
        checked = set(_chosen_items(request.form))
    if request.method == "GET":
        data = draft.data if draft else None
        html = ctx.render(data)
    else:
        post, upload_errors = _read(ctx)
        if post.op or upload_errors:  # an array button or a refused upload: show the form again
            _autosave(ctx, post.data)
            html = ctx.render(post.data, upload_errors or None, post.choices)
            status = 422 if upload_errors else 200
        else:
            record, errors = records.submit(user=current_user._get_current_object(), unit=ctx.unit,
                                            version=ctx.version, form_id=form_id, plan_item=ctx.item,
                                            data=post.data, locale=_locale(), items=_chosen_items(request.form),
                                            allowed={i.id for i in candidates})
            if record:
                flash(_("已提交记录：%(title)s", title=ctx.form.title), "success")
                target = url_for("perform.record", record_id=record.id)
                if is_htmx():  # htmx follows HX-Redirect with a full page load
                    return "", 204, {"HX-Redirect": target}
                return redirect(target)
            _autosave(ctx, post.data)
            items_error = next((e.message for e in errors if e.path == "/items"), "")
            html = ctx.render(post.data, [e for e in errors if e.path != "/items"] or None, post.choices)
            status = 422
            return render("perform/fill.html", status=status, ctx=ctx, form_html=html, draft=draft,
                          urls=ctx.urls(), candidates=candidates, checked=checked, items_error=items_error)
    return render("perform/fill.html", status=status, ctx=ctx, form_html=html, draft=draft,
                  urls=ctx.urls(), candidates=candidates, checked=checked, items_error="")


@bp.post("/fill/<form_id>/refresh")
@login_required
def refresh(form_id: str):
    """htmx: re-render the whole form for the current answers (conditions, array buttons); autosave."""
    ctx = _Context(form_id)
    post, upload_errors = _read(ctx)
    draft = _autosave(ctx, post.data)
    # The field just changed and those already showing an error keep (or get)
    # their messages: a refresh must not wipe what the clerk still has to fix.
    errors = upload_errors + post.visible(validate(ctx.schema, post.data, locale=_locale()))
    return ctx.render(post.data, errors or None, post.choices, summary=post.summary) + _saved_badge(draft), \
        (422 if upload_errors else 200), {"Vary": "HX-Request"}


@bp.post("/fill/<form_id>/field")
@login_required
def validate_field(form_id: str):
    """htmx: validate one field as the user leaves it and return its fragment; autosave."""
    ctx = _Context(form_id)
    post, upload_errors = _read(ctx)
    draft = _autosave(ctx, post.data)
    field = post.field or ""
    all_errors = validate(ctx.schema, post.data, locale=_locale())
    errors = upload_errors + errors_for(all_errors, "/" + field)
    html = render_field(ctx.schema, field, post.data, errors, **ctx.options(post.choices))
    # Keep a summary from a refused submit true: fixed problems leave it, and
    # it lists only what the fields show. Always sent: the placeholder is always there.
    shown = upload_errors + post.visible(all_errors) if post.summary else []
    summary = render_summary(ctx.schema, post.data, shown, oob=True, **ctx.options(post.choices))
    return html + summary + _saved_badge(draft), 200, {"Vary": "HX-Request"}


@bp.post("/drafts/<int:draft_id>/discard")
@login_required
def discard(draft_id: int):
    """Throw away one of my drafts."""
    draft = Draft.get_or_none((Draft.id == draft_id) & (Draft.user == current_user.id))
    if draft is None:
        raise NotFound(_("草稿不存在"))
    records.discard_draft(draft)
    flash(_("草稿已删除。"), "info")
    return redirect(url_for("todo.index" if current_user.role == "holder" else "perform.index"))


def _visible_record(record_id: int) -> Record:
    rec = Record.get_or_none(Record.id == record_id)
    if rec is None:
        raise NotFound(_("记录不存在"))
    require_unit_access(rec.unit_id)
    return rec


def _own_record(record_id: int) -> Record:
    """A record the current user may change (``recording.may_change``), not deleted."""
    rec = _visible_record(record_id)
    if current_user.role not in ("unit", "holder"):
        raise Forbidden(_("只有本单位用户可以修改或删除履责记录。"))
    if not recording.may_change(current_user, rec):
        raise Forbidden(_("此记录由%(name)s记录，本单位只能查看。", name=_recorded_by(rec))
                        if current_user.role == "unit" else _("此记录不由本机构记录，不能修改或删除。"))
    if rec.is_deleted:
        raise AppError(_("记录已删除，不能再修改。"), status=409, code="conflict")
    return rec


def _recorded_by(rec: Record) -> str:
    """Who records ``rec`` when it is not the unit: the holder body of its author, else
    the body (or the pack's supervisor) recording its item's list."""
    if rec.created_by.role == "holder" and rec.created_by.holder_body_id:
        return rec.created_by.holder_body.name
    if rec.plan_item is not None:
        return recording.recorder_name(rec.plan_item.plan.pack_version.pack(), rec.plan_item.list_id,
                                       recording.bodies_of(rec.unit_id))
    return ""


def _item_texts(ids) -> dict[int, PlanItem]:
    return {i.id: i for i in PlanItem.select().where(PlanItem.id.in_(list(ids) or [0]))}


@bp.get("/records/<int:record_id>")
@login_required
def record(record_id: int):
    """One record, shown with the form of its own pack version, the items it counts for and its history."""
    rec = _visible_record(record_id)
    return _record_page(rec)


def _record_page(rec: Record, delete_error: str = "", status: int = 200):
    form = records.form_of(rec.pack_version, rec.form_id)
    html = render_form(form.schema, rec.data, locale=_locale(), form_id="record-view",
                       file_url=_file_url()) if form else ""
    items = _item_texts(records.linked_items(rec))
    revisions = list(RecordRevision.select().where(RecordRevision.record == rec).order_by(RecordRevision.number))
    return render("perform/record.html", status=status, record=rec, form=form, form_html=html,
                  items=sorted(items.values(), key=lambda i: (i.position, i.id)), revisions=revisions,
                  can_change=not rec.is_deleted and recording.may_change(current_user, rec),
                  recorded_by=_recorded_by(rec) if current_user.role == "unit"
                  and not recording.may_change(current_user, rec) else "",
                  delete_error=delete_error)


class _EditContext:
    """The edit page's form: the record's own schema, no draft, a refresh that saves nothing."""

    def __init__(self, rec: Record):
        self.record, self.unit = rec, rec.unit
        self.schema = rec.form_schema()
        self.year = records._plan_year(rec)
        linked = set(records.linked_items(rec))
        self.choices = [i for i in records.items_for(rec.unit_id, self.year)
                        if i.form in (rec.form_id, "") or i.id in linked]
        mine = {i.id for i in recording.recordable(current_user, self.choices)}
        # Items of others' lists already linked stay shown; others cannot be added.
        self.choices = [i for i in self.choices if i.id in mine or i.id in linked]
        self.allowed = mine | linked

    def options(self, choices=None) -> dict:
        return {"locale": _locale(), "form_id": FORM_ID, "file_url": _file_url(), "choices": choices or {},
                "hx": {"refresh": url_for("perform.edit_refresh", record_id=self.record.id),
                       "swap": "morph:outerHTML"}}

    def render(self, data, errors=None, choices=None) -> str:
        return render_form(self.schema, data, errors, **self.options(choices))


def _chosen_items(form) -> list[int] | None:
    if form.get("__items_shown") != "1":
        return None
    return sorted({parse_id(v) for v in form.getlist("__items") if parse_id(v)})


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
@login_required
def edit(record_id: int):
    """Change a submitted record: the answers and the items it counts for, with a reason (a new revision)."""
    rec = _own_record(record_id)
    ctx = _EditContext(rec)
    linked = set(records.linked_items(rec))
    if request.method == "GET":
        return render("perform/edit.html", ctx=ctx, form_html=ctx.render(rec.data), linked=linked, reason="",
                      errors={}, revision=rec.revision)
    post, upload_errors = _read(ctx)
    chosen = _chosen_items(request.form)
    shown = set(chosen) if chosen is not None else linked
    reason = request.form.get("__reason", "")
    if post.op or upload_errors:
        return render("perform/edit.html", status=422 if upload_errors else 200, ctx=ctx, linked=shown,
                      form_html=ctx.render(post.data, upload_errors or None, post.choices), reason=reason,
                      errors={}, revision=request.form.get("__revision", ""))
    expected = parse_id(request.form.get("__revision", ""))
    try:
        revision, errors = records.revise(rec, user=current_user._get_current_object(), data=post.data, items=chosen,
                                          reason=reason, expected_revision=expected or rec.revision, locale=_locale(),
                                          allowed=ctx.allowed)
    except records.Stale:
        raise AppError(_("记录已被他人修改或删除，请重新打开后再改。"), status=409, code="conflict")
    if revision is not None:
        flash(_("已保存修改（第 %(n)s 版）。", n=revision.number), "success")
        target = url_for("perform.record", record_id=rec.id)
        if is_htmx():
            return "", 204, {"HX-Redirect": target}
        return redirect(target)
    side = {e.path: e.message for e in errors if e.path in ("/reason", "/items")}
    field_errors = [e for e in errors if e.path not in side]
    return render("perform/edit.html", status=422, ctx=ctx, linked=shown, reason=reason, errors=side,
                  form_html=ctx.render(post.data, field_errors or None, post.choices), revision=expected or "")


@bp.post("/records/<int:record_id>/edit/refresh")
@login_required
def edit_refresh(record_id: int):
    """htmx: re-render the edit form for the current answers (conditions, array buttons); nothing saved."""
    ctx = _EditContext(_own_record(record_id))
    post, upload_errors = _read(ctx)
    return ctx.render(post.data, upload_errors or None, post.choices), (422 if upload_errors else 200), \
        {"Vary": "HX-Request"}


@bp.post("/records/<int:record_id>/delete")
@login_required
def delete(record_id: int):
    """Delete a record with a reason: kept for inspectors, never counted."""
    rec = _own_record(record_id)
    expected = parse_id(request.form.get("__revision", ""))
    try:
        errors = records.delete_record(rec, user=current_user._get_current_object(),
                                       reason=request.form.get("__reason", ""),
                                       expected_revision=expected or rec.revision, locale=_locale())
    except records.Stale:
        raise AppError(_("记录已被他人修改或删除，请重新打开后再改。"), status=409, code="conflict")
    if errors:
        return _record_page(rec, delete_error=errors[0].message, status=422)
    flash(_("记录已删除（保留备查，不再计入完成情况）。"), "info")
    if current_user.role == "holder":
        return redirect(url_for("todo.index"))
    return redirect(url_for("perform.index") if current_user.role == "unit" else url_for("perform.records"))


@bp.get("/records/<int:record_id>/revisions")
@login_required
def revisions(record_id: int):
    """Two revisions of a record side by side (default: the one before the current and the current)."""
    rec = _visible_record(record_id)
    all_revisions = list(RecordRevision.select().where(RecordRevision.record == rec).order_by(RecordRevision.number))
    if not all_revisions:
        raise NotFound(_("记录不存在"))
    numbers = [r.number for r in all_revisions]

    def pick(name: str, default: int) -> RecordRevision:
        wanted = parse_id(request.args.get(name, ""))
        number = wanted if wanted in numbers else default
        return next(r for r in all_revisions if r.number == number)
    right = pick("right", numbers[-1])
    left = pick("left", numbers[-2] if len(numbers) > 1 else numbers[0])
    schema = rec.form_schema()
    columns = []
    for index, revision in enumerate((left, right)):
        columns.append({"revision": revision,
                        "html": render_form(schema, revision.data, locale=_locale(), form_id=f"revision-{index}",
                                            file_url=_file_url()),
                        "items": sorted(_item_texts(revision.items or []).values(), key=lambda i: (i.position, i.id))})
    changed = sorted(k for k in set(left.data or {}) | set(right.data or {})
                     if (left.data or {}).get(k) != (right.data or {}).get(k))
    titles = {k: (v.get("title") or k) for k, v in (schema.get("properties") or {}).items() if isinstance(v, dict)}
    return render("perform/revisions.html", record=rec, columns=columns, revisions=all_revisions,
                  changed=[titles.get(k, k) for k in changed], items_changed=left.items != right.items,
                  form_title=_form_title(rec))


@files_bp.get("/<file_id>")
@login_required
def download(file_id: str):
    """An evidence file, only for its unit and the commission's staff; always as a download."""
    stored = StoredFile.get_or_none(StoredFile.id == file_id)
    if stored is None:
        raise NotFound(_("文件不存在"))
    require_unit_access(stored.unit_id)
    path = records.stored_path(stored, current_app.config["UPLOAD_FOLDER"])
    if not path.is_file():
        raise NotFound(_("文件不存在"))
    # Always an attachment, never rendered inline, and typed by its content, not
    # by what the uploader claimed: an uploaded HTML or SVG file must not run in
    # the app's origin (service/perform/sniff.py).
    from .sniff import served_type
    return send_file(path, mimetype=served_type(path, stored.content_type), as_attachment=True,
                     download_name=stored.name, max_age=0)


# The staff pages (district overview, any unit's dashboard read-only) live in their own module.
from . import overview_views  # noqa: E402,F401
