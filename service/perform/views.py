"""履责 pages: a unit fills the forms its plan asks for; drafts autosave;
evidence files upload through the same form; staff browse every record.

The form is always the one of the pack version the unit's plan was made under,
so a record is validated, stored and later shown with its own rules.
"""
from __future__ import annotations


from markupsafe import escape
from peewee import fn
from flask import Blueprint, current_app, flash, redirect, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.access import require_unit_access
from ..define.models import FREQUENCIES
from ..define.plans import grouped
from ..forms import (SchemaError, SubmissionError, errors_for, read_post, render_field, render_form,
                     render_summary, schema_at, validate)
from ..packs.store import PackVersion
from ..units.models import Unit
from ..web.errors import AppError, Forbidden, NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.paging import paged
from ..web.render import is_htmx, render
from . import records
from .models import Draft, Record, RecordItem, RecordRevision, StoredFile

bp = Blueprint("perform", __name__, url_prefix="/perform")
files_bp = Blueprint("files", __name__, url_prefix="/files")

FORM_ID = "record-form"


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
        forms = plan.pack_version.pack().forms if plan else {}
        tree, list_names, category_names = grouped(plan, include_disabled=False) if plan else ({}, {}, {})
        counts = dict(RecordItem.select(RecordItem.plan_item, fn.COUNT(RecordItem.id)).join(Record)
                      .where((Record.unit == current_user.unit_id) & Record.deleted_at.is_null())
                      .group_by(RecordItem.plan_item).tuples())
        drafts = list(Draft.select().where((Draft.user == current_user.id) & (Draft.unit == current_user.unit_id))
                      .order_by(Draft.updated_at.desc()))
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
        return render("perform/unit.html", plan=plan, tree=tree, list_names=list_names, forms=forms,
                      drafts=drafts, recent=recent, counts=counts, frequencies=FREQUENCIES)
    return _records_list()


@bp.get("/records", endpoint="records")
@login_required
def all_records():
    """Every record the user may see (a unit its own, staff all): filters, pages, export."""
    return _records_list()


def _records_list():
    query = (Record.select(Record, Unit, *PackVersion.light_fields())
             .join(Unit).switch(Record).join(PackVersion).order_by(Record.id.desc()))
    unit_id = request.args.get("unit", "")
    form_id = request.args.get("form", "").strip()
    if current_user.role == "unit":  # a unit sees its own records and nothing else
        query = query.where(Record.unit == current_user.unit_id)
        units = []
    else:
        units = list(Unit.select().order_by(Unit.code))
        if parse_id(unit_id):
            query = query.where(Record.unit == parse_id(unit_id))
    scope = query
    if form_id:
        query = query.where(Record.form_id == form_id)
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("履责记录"), ["#", _("单位"), _("表单"), _("日期"), _("填报时间(UTC)"), _("规则包版本")],
                      ([r.id, r.unit.name, _form_title(r), r.record_date or "", r.created_at.isoformat(timespec="seconds"),
                        r.pack_version.label] for r in query))
    listing = paged(query)
    return render("perform/records.html", block="results", records=listing.pop("rows"), **listing,
                  units=units, unit_id=unit_id, form_id=form_id, form_choices=_form_choices(scope),
                  form_title=_form_title)


def _form_choices(scope) -> list[tuple[str, str]]:
    """(form id, title) of the forms the records in ``scope`` were made with."""
    ids = [row[0] for row in scope.select(Record.form_id).distinct().order_by(Record.form_id).tuples()]
    current = PackVersion.current()
    forms = current.pack().forms if current else {}
    return [(fid, forms[fid].title if fid in forms else fid) for fid in ids]


def _form_title(record: Record) -> str:
    form = record.pack_version.pack().forms.get(record.form_id)
    return form.title if form else record.form_id


class _Context:
    """Which form of which version, for which unit and duty, a request is about."""

    def __init__(self, form_id: str):
        if current_user.role != "unit":
            raise Forbidden(_("只有单位用户可以填报履责记录。"))
        self.unit = current_user.unit
        item_id = request.args.get("item", "")
        if item_id and not parse_id(item_id):
            raise NotFound(_("事项不存在"))
        try:
            self.item, self.version, self.form = records.fill_target(self.unit, form_id, parse_id(item_id))
        except records.NotFillable as exc:
            raise AppError(_(exc.msgid), status=exc.status, code="not_found" if exc.status == 404 else "conflict")
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

    def render(self, data, errors=None, choices=None) -> str:
        return render_form(self.schema, data, errors, **self.options(choices))


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
    note = _("已自动保存草稿 %(time)s", time=draft.updated_at.strftime("%H:%M:%S"))
    return f'<span id="draft-status" hx-swap-oob="true" class="muted">{escape(note)} (UTC)</span>'



@bp.route("/fill/<form_id>", methods=["GET", "POST"])
@login_required
def fill(form_id: str):
    """Fill a form: resumes the draft; POST submits (or applies an array button without JS)."""
    ctx = _Context(form_id)
    draft = records.find_draft(current_user._get_current_object(), ctx.unit, form_id, ctx.item)
    status = 200
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
                                            data=post.data, locale=_locale())
            if record:
                flash(_("已提交记录：%(title)s", title=ctx.form.title), "success")
                target = url_for("perform.record", record_id=record.id)
                if is_htmx():  # htmx follows HX-Redirect with a full page load
                    return "", 204, {"HX-Redirect": target}
                return redirect(target)
            _autosave(ctx, post.data)
            html = ctx.render(post.data, errors, post.choices)
            status = 422
    return render("perform/fill.html", status=status, ctx=ctx, form_html=html, draft=draft,
                  urls=ctx.urls())


@bp.post("/fill/<form_id>/refresh")
@login_required
def refresh(form_id: str):
    """htmx: re-render the whole form for the current answers (conditions, array buttons); autosave."""
    ctx = _Context(form_id)
    post, upload_errors = _read(ctx)
    draft = _autosave(ctx, post.data)
    return ctx.render(post.data, upload_errors or None, post.choices) + _saved_badge(draft), \
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
    # Keep a summary from a refused submit true: fixed problems leave it.
    summary = render_summary(ctx.schema, post.data, all_errors, oob=True, **ctx.options(post.choices))
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
    return redirect(url_for("perform.index"))


@bp.get("/records/<int:record_id>")
@login_required
def record(record_id: int):
    """One record, shown with the form of its own pack version."""
    rec = Record.get_or_none(Record.id == record_id)
    if rec is None:
        raise NotFound(_("记录不存在"))
    require_unit_access(rec.unit_id)
    form = rec.pack_version.pack().forms.get(rec.form_id)
    html = render_form(form.schema, rec.data, locale=_locale(), form_id="record-view",
                       file_url=_file_url())
    return render("perform/record.html", record=rec, form=form, form_html=html)


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
