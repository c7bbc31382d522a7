"""/api/v1/findings: the 问责 findings register.

Lists with the register's filters, a finding with its timeline, dispositions
and 一案双查 entries, registering a finding (staff), evidence uploads, and
every move of the state table (``accountability.states.MOVES``) through
``POST /findings/{id}/moves/{move}`` — the same function, refusals and audit
as the pages (docs/accountability.md). A unit sees its own findings once
confirmed; another unit's is a 404.
"""
from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask import after_this_request, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest.fields import Upload
from werkzeug.exceptions import PreconditionFailed, PreconditionRequired

from ..accountability import register, states
from ..accountability.models import (CHANNELS, ENTRY_STATUSES, RESPONSIBILITIES, SEVERITIES, SOURCE_KINDS,
                                     AccountabilityEntry, Disposition, Finding, FindingEvent)
from ..auth.access import role_required
from ..packs.store import PackVersion
from ..perform import records
from ..perform.models import StoredFile
from ..perform.views import quota_message
from ..web.errors import AppError, NotFound
from .base import PAGINATION_HEADERS, Blueprint, Id, PageArgs, Schema, UtcDateTime, invalid, page_of, paginate
from .files import FileReferenceSchema, StoredFileSchema, _described
from .records import form_locale

blp = Blueprint("api_findings", __name__, tag="findings", url_prefix="/api/v1/findings",
                description="问题台账 / Findings register")

STATUS_FILTER = tuple(states.STATES) + ("open", "registered")


class FindingSchema(Schema):
    id = ma.fields.Integer(required=True)
    unit_id = ma.fields.Integer(required=True)
    leader = ma.fields.String(required=True)
    leader_post = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    channel = ma.fields.String(required=True, metadata={"description": "; ".join(f"{k} {v}" for k, v in CHANNELS.items())})
    source_kind = ma.fields.String(required=True, metadata={
        "description": "; ".join(f"{k} {v}" for k, v in SOURCE_KINDS.items())})
    source_id = ma.fields.Integer(required=True, allow_none=True, metadata={
        "description": "The id of the review feedback item, review follow-up or check result it came from"})
    source_ref = ma.fields.String(required=True, metadata={"description": "An outside reference (文号)"})
    pack_version_id = ma.fields.Integer(required=True, allow_none=True)
    list_id = ma.fields.String(required=True)
    category_id = ma.fields.String(required=True)
    severity = ma.fields.String(required=True, metadata={"description": "; ".join(f"{k} {v}" for k, v in SEVERITIES.items())})
    found_on = ma.fields.Date(required=True)
    due_on = ma.fields.Date(required=True, allow_none=True, metadata={"description": "Deadline set when found"})
    deadline = ma.fields.Date(required=True, allow_none=True, metadata={
        "description": "The deadline in force: the plan's, else due_on"})
    urgency = ma.fields.String(required=True, metadata={
        "description": "red (overdue), yellow (due within 7 days) or empty, for 已确认/整改中"})
    status = ma.fields.String(required=True, metadata={
        "description": "; ".join(f"{k} {v}" for k, v in states.STATES.items())})
    files = ma.fields.List(ma.fields.Nested(FileReferenceSchema), required=True)
    plan_measures = ma.fields.String(required=True)
    plan_due_on = ma.fields.Date(required=True, allow_none=True)
    plan_by_id = ma.fields.Integer(required=True, allow_none=True)
    plan_at = UtcDateTime(required=True, allow_none=True)
    evidence_text = ma.fields.String(required=True)
    evidence = ma.fields.List(ma.fields.Nested(FileReferenceSchema), required=True)
    evidence_by_id = ma.fields.Integer(required=True, allow_none=True)
    evidence_at = UtcDateTime(required=True, allow_none=True)
    verified_by_id = ma.fields.Integer(required=True, allow_none=True)
    closed_at = UtcDateTime(required=True, allow_none=True)
    created_by_id = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    moves = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "The moves the caller may make now"})


class EventSchema(Schema):
    id = ma.fields.Integer(required=True)
    at = UtcDateTime(required=True)
    actor_name = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, metadata={
        "description": "created, move, edit, comment, disposition, entry"})
    move = ma.fields.String(required=True)
    from_status = ma.fields.String(required=True)
    to_status = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    data = ma.fields.Dict(required=True, allow_none=True)


class DispositionSchema(Schema):
    id = ma.fields.Integer(required=True)
    entry_id = ma.fields.Integer(required=True, allow_none=True)
    kind = ma.fields.String(required=True, metadata={"description": "The id in the pack's disposition list"})
    label = ma.fields.String(required=True)
    counts_as = ma.fields.String(required=True, metadata={"description": "talk, suggestion, system or empty"})
    decided_on = ma.fields.Date(required=True)
    decided_by = ma.fields.String(required=True)
    note = ma.fields.String(required=True)


class EntrySchema(Schema):
    id = ma.fields.Integer(required=True)
    responsibility = ma.fields.String(required=True, metadata={
        "description": "; ".join(f"{k} {v}" for k, v in RESPONSIBILITIES.items())})
    person = ma.fields.String(required=True)
    post = ma.fields.String(required=True)
    unit_id = ma.fields.Integer(required=True, allow_none=True)
    status = ma.fields.String(required=True, metadata={
        "description": "; ".join(f"{k} {v}" for k, v in ENTRY_STATUSES.items())})
    outcome = ma.fields.String(required=True)
    concluded_on = ma.fields.Date(required=True, allow_none=True)


class FindingDetailSchema(FindingSchema):
    timeline = ma.fields.List(ma.fields.Nested(EventSchema), required=True)
    dispositions = ma.fields.List(ma.fields.Nested(DispositionSchema), required=True)
    entries = ma.fields.List(ma.fields.Nested(EntrySchema), required=True, metadata={"description": "一案双查"})


class FindingFilters(PageArgs):
    unit = ma.fields.List(Id(), metadata={"description": "Unit ids (repeat for several)"})
    status = ma.fields.String(validate=ma.validate.OneOf(STATUS_FILTER), metadata={
        "description": "A state, open (已确认, 整改中, 待核验) or registered (every state but draft and dismissed)"})
    channel = ma.fields.String(validate=ma.validate.OneOf(tuple(CHANNELS)))
    severity = ma.fields.String(validate=ma.validate.OneOf(tuple(SEVERITIES)))
    urgency = ma.fields.String(validate=ma.validate.OneOf(("red", "yellow")))
    q = ma.fields.String(validate=ma.validate.Length(min=1, max=100), metadata={
        "description": "Text in the title, description or leader"})
    found_from = ma.fields.Date(metadata={"description": "Found on or after"})
    found_to = ma.fields.Date(metadata={"description": "Found on or before"})
    closed_from = ma.fields.Date(metadata={"description": "Closed (销号) on or after (UTC date)"})
    closed_to = ma.fields.Date(metadata={"description": "Closed (销号) on or before (UTC date)"})


class FindingCreateSchema(Schema):
    unit_id = Id(required=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=register.TITLE_MAX))
    description = ma.fields.String(validate=ma.validate.Length(max=register.TEXT_MAX))
    leader = ma.fields.String(validate=ma.validate.Length(max=register.NAME_MAX), metadata={
        "description": "Default: the unit's leader"})
    leader_post = ma.fields.String(validate=ma.validate.Length(max=register.NAME_MAX))
    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(CHANNELS)))
    source_ref = ma.fields.String(validate=ma.validate.Length(max=register.REF_MAX))
    category_id = ma.fields.String(validate=ma.validate.Length(max=100), metadata={
        "description": "A category of the published pack version (its list follows)"})
    severity = ma.fields.String(validate=ma.validate.OneOf(tuple(SEVERITIES)))
    found_on = ma.fields.Date(required=True)
    due_on = ma.fields.Date()


class MoveSchema(Schema):
    reason = ma.fields.String(validate=ma.validate.Length(max=4000), metadata={
        "description": "dismiss, return_plan, return_evidence, reopen"})
    measures = ma.fields.String(validate=ma.validate.Length(max=4000), metadata={"description": "submit_plan"})
    due_on = ma.fields.Date(metadata={"description": "submit_plan: the rectification deadline"})
    evidence_text = ma.fields.String(validate=ma.validate.Length(max=4000), metadata={"description": "file_evidence"})
    files = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=36)), validate=ma.validate.Length(max=20),
                           metadata={"description": "file_evidence: ids from POST /api/v1/findings/{id}/files"})


class FindingUploadSchema(Schema):
    file = Upload(required=True)


def _date_ok(value: dt.date | None) -> dt.date | None:
    if value is not None and not 1900 <= value.year <= 2999:
        raise invalid([{"pointer": "/due_on", "message": _("日期不在有效范围内。")}])
    return value


def described(finding: Finding) -> dict:
    """A finding as ``FindingSchema`` shows it."""
    out = {name: getattr(finding, name) for name in FindingSchema._declared_fields
           if name not in ("deadline", "urgency", "moves") and not name.endswith("_id")}
    for name in FindingSchema._declared_fields:
        if name.endswith("_id") and name not in ("list_id", "category_id", "source_id"):
            out[name] = getattr(finding, name)
    out.update(source_id=finding.source_id, list_id=finding.list_id, category_id=finding.category_id,
               deadline=finding.deadline(), urgency=states.urgency(finding),
               moves=[m.name for m in states.moves_for(finding, current_user._get_current_object())],
               files=finding.files or [], evidence=finding.evidence or [])
    return out


def _visible(finding_id: int) -> Finding:
    finding = register.visible(current_user._get_current_object()).where(Finding.id == finding_id).first()
    if finding is None:
        raise NotFound(_("问题不存在"))
    return finding


@blp.before_request
def _finding_first():
    """Another unit's finding is a 404 before its body is read (a 422 would say it exists)."""
    finding_id = (request.view_args or {}).get("finding_id")
    if finding_id is not None and current_user.is_authenticated:
        _visible(finding_id)


def _refs(ids: list[str], unit_id: int, pointer: str) -> list[dict]:
    """The references of stored files ``ids``, which must be the unit's."""
    refs = []
    for index, file_id in enumerate(ids):
        stored = StoredFile.get_or_none((StoredFile.id == file_id) & (StoredFile.unit == unit_id))
        if stored is None:
            raise invalid([{"pointer": f"{pointer}/{index}", "message": _("文件不存在或不属于该单位。")}])
        refs.append(stored.reference())
    return refs


def _field_errors(exc: register.FieldErrors) -> AppError:
    names = {"unit": "unit_id"}
    return invalid([{"pointer": "/" + names.get(name, name), "message": _(msgid, **{k: _(v) if isinstance(v, str) else v
                                                                                for k, v in values.items()})}
                    for name, (msgid, values) in exc.errors.items()])


def _refused(exc: states.FindingError, pointer_names: dict | None = None) -> AppError:
    if exc.field:
        return invalid([{"pointer": "/" + (pointer_names or {}).get(exc.field, exc.field), "message": exc.text(_)}],
                       exc.text(_))
    return AppError(exc.text(_), status=409, code="conflict")


@blp.route("")
@blp.etag
@blp.arguments(FindingFilters, location="query")
@blp.response(200, page_of(FindingSchema), headers=PAGINATION_HEADERS)
def list_findings(args):
    """Findings the caller may see (a unit: its own, once confirmed), newest first, with the register's filters."""
    units = args.get("unit")
    query = register.filtered(register.visible(current_user._get_current_object()), units=units,
                              status=args.get("status"), channel=args.get("channel"), severity=args.get("severity"),
                              urgency=args.get("urgency"), q=args.get("q"), found_from=args.get("found_from"),
                              found_to=args.get("found_to"), closed_from=args.get("closed_from"),
                              closed_to=args.get("closed_to"))
    page = paginate(query.order_by(Finding.found_on.desc(), Finding.id.desc()), args)
    page["items"] = [described(f) for f in page["items"]]
    return page


def detail(finding: Finding) -> dict:
    """A finding as ``FindingDetailSchema`` shows it (reads and moves answer it, so one ETag serves both)."""
    return {**described(finding),
            "timeline": list(FindingEvent.select().where(FindingEvent.finding == finding)
                             .order_by(FindingEvent.at, FindingEvent.id)),
            "dispositions": list(Disposition.select().where(Disposition.finding == finding)
                                 .order_by(Disposition.decided_on, Disposition.id)),
            "entries": list(AccountabilityEntry.select().where(AccountabilityEntry.finding == finding)
                            .order_by(AccountabilityEntry.id))}


@blp.route("/<int:finding_id>")
@blp.etag
@blp.response(200, FindingDetailSchema)
def get_finding(finding_id: int):
    """A finding with its timeline, dispositions and 一案双查 entries."""
    return detail(_visible(finding_id))


@blp.route("", methods=["POST"])
@role_required("admin", "inspector")
@blp.etag
@blp.arguments(FindingCreateSchema)
@blp.response(201, FindingSchema)
def create_finding(body):
    """Register a finding as a draft (staff); `source_kind` is `external`, `source_ref` the outside reference."""
    version = PackVersion.current()
    raw = {**body, "unit": body["unit_id"]}
    raw.pop("unit_id")
    _date_ok(raw.get("due_on"))
    if not 1900 <= raw["found_on"].year <= 2999:
        raise invalid([{"pointer": "/found_on", "message": _("日期不在有效范围内。")}])
    try:
        values = register.clean(raw, version=version)
    except register.FieldErrors as exc:
        raise _field_errors(exc)
    finding = register.create(values, current_user._get_current_object(), version=version)

    @after_this_request
    def _location(response):
        response.headers["Location"] = url_for("api_findings.get_finding", finding_id=finding.id)
        return response
    return described(finding)


@blp.route("/<int:finding_id>/files", methods=["POST"])
@blp.arguments(FindingUploadSchema, location="multipart")
@blp.response(201, StoredFileSchema)
def upload_file(body, finding_id: int):
    """Upload a file for the finding's unit (evidence for `file_evidence`): pending until a move or edit names it."""
    finding = _visible(finding_id)
    if states.role_of(current_user._get_current_object(), finding) is None:
        raise NotFound(_("问题不存在"))
    storage = body["file"]
    try:
        stored = records.store_upload(unit=finding.unit, user=current_user._get_current_object(),
                                      filename=storage.filename or "", content_type=storage.mimetype,
                                      stream=storage.stream, field_schema=None,
                                      upload_folder=current_app.config["UPLOAD_FOLDER"], locale=form_locale(),
                                      quota_bytes=current_app.config["UPLOAD_QUOTA_BYTES"])
    except records.QuotaExceeded as exc:
        raise invalid([{"pointer": "/file", "in": "form", "message": quota_message(exc)}])
    except records.UploadError as exc:
        raise invalid([{"pointer": "/file", "in": "form", "message": str(exc)}])
    return _described(stored)


def _check_if_match(data: dict) -> None:
    """A move changes the finding: like a PATCH it needs the ETag read (428 without, 412 when stale).

    flask-smorest checks ``If-Match`` only on PUT, PATCH and DELETE; a move is a POST.
    """
    if not request.if_match:
        raise PreconditionRequired()
    if blp._generate_etag(FindingDetailSchema().dump(data)) not in request.if_match:
        raise PreconditionFailed()


@blp.route("/<int:finding_id>/moves/<move>", methods=["POST"], parameters=[
    {"in": "path", "name": "move", "required": True, "schema": {"type": "string", "enum": list(states.MOVES)},
     "description": "; ".join(f"{m.name}: {m.source} → {m.target}" for m in states.MOVES.values())}])
@blp.etag
@blp.arguments(MoveSchema)
@blp.response(200, FindingDetailSchema)
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(412, response="PRECONDITION_FAILED")
@blp.alt_response(428, response="PRECONDITION_REQUIRED")
def make_move(body, finding_id: int, move: str):
    """Make one move of the state table (docs/accountability.md); send the finding's ETag in `If-Match`.

    Refused like on the pages: a move not allowed from the current state or for
    the caller (409), closing without evidence or by the one who filed it (409),
    a missing reason, plan or evidence (422 pointing at the field).
    """
    finding = _visible(finding_id)
    if move not in states.MOVES:
        raise NotFound(_("没有这个操作"))
    _check_if_match(detail(finding))
    _date_ok(body.get("due_on"))
    user = current_user._get_current_object()
    kwargs = {k: body[k] for k in ("reason", "measures", "due_on", "evidence_text") if k in body}
    if "files" in body:
        kwargs["files"] = _refs(body["files"], finding.unit_id, "/files")
    try:
        states.move(finding, move, user, **kwargs)
    except states.FindingError as exc:
        raise _refused(exc)
    return detail(finding)
