"""/api/v1/checks: 督责 check runs: start one, follow its progress, read and compare results (staff).

A run is started here, on the pages or by the CLI, and computed by a task
consumer (docs/supervise.md). Results are the status engine's objects as
stored by the run; they are answered only once the run is done (409 before).
"""
from __future__ import annotations

import marshmallow as ma
from flask import after_this_request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accountability import states as finding_states
from ..accountability.models import Finding
from ..auth.access import role_required
from ..perform import status as engine
from ..supervise import drafts, runs
from ..supervise.models import CheckResult, CheckRun
from ..web.errors import AppError, NotFound
from .base import PAGINATION_HEADERS, Blueprint, Id, PageArgs, Schema, UtcDateTime, invalid, page_of, paginate
from .findings import FindingSchema, described
from .status import PERIOD_PATTERN, ItemStatusSchema

blp = Blueprint("api_checks", __name__, tag="checks", url_prefix="/api/v1/checks",
                description="督责检查 / Check runs")

STAFF = ("admin", "inspector")


class RunSummarySchema(Schema):
    statuses = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True,
                              metadata={"description": "Results by status"})
    units = ma.fields.Integer(required=True)
    results = ma.fields.Integer(required=True)
    units_without_plan = ma.fields.Integer(required=True)
    drafted = ma.fields.Integer(metadata={"description": "Findings drafted from the run's failed items "
                                                        "(half-year and year-end runs; GET /checks/{id}/findings)"})


class RunSchema(Schema):
    id = ma.fields.Integer(required=True)
    period = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, metadata={"description": "quarterly 季度提醒, half-year 半年梳理, year-end 年底检查"})
    as_of = ma.fields.Date(required=True)
    all_units = ma.fields.Boolean(required=True)
    unit_ids = ma.fields.List(ma.fields.Integer(), required=True)
    source = ma.fields.String(required=True, metadata={"description": "manual, api, cli or schedule"})
    state = ma.fields.String(required=True, metadata={"description": "queued, running, done or failed"})
    done = ma.fields.Integer(required=True, metadata={"description": "Units checked so far"})
    total = ma.fields.Integer(required=True, allow_none=True)
    percent = ma.fields.Integer(required=True, allow_none=True)
    summary = ma.fields.Nested(RunSummarySchema, required=True, allow_none=True,
                               metadata={"description": "Once done: counts by status"})
    error = ma.fields.String(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)
    finished_at = UtcDateTime(required=True, allow_none=True)


class RunCreateSchema(Schema):
    period = ma.fields.String(required=True, validate=ma.validate.Regexp(PERIOD_PATTERN),
                              metadata={"description": "2022Q2 (quarterly), 2022H1 (half-year) or 2022 (year-end)"})
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(runs.KINDS)))
    as_of = ma.fields.Date(metadata={"description": "Default: the day after the period's last day"})
    units = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
                           validate=ma.validate.Length(max=5000),
                           metadata={"description": "Unit codes; default (absent or empty): every active unit"})


class RunFilters(PageArgs):
    kind = ma.fields.String(validate=ma.validate.OneOf(tuple(runs.KINDS)))
    period = ma.fields.String(validate=ma.validate.Regexp(PERIOD_PATTERN))


class ResultSchema(Schema):
    id = ma.fields.Integer(required=True, metadata={"description": "The result's id (a finding refers to it)"})
    run_id = ma.fields.Integer(required=True)
    unit_code = ma.fields.String(required=True)
    unit_name = ma.fields.String(required=True)
    pack_version_id = ma.fields.Integer(required=True, allow_none=True)
    rule_sha256 = ma.fields.String(required=True, metadata={"description": "sha256 of the check rule's canonical JSON"})
    status = ma.fields.Nested(ItemStatusSchema, required=True, metadata={"description": "The status engine's object"})


class ResultFilters(PageArgs):
    unit = Id(metadata={"description": "A unit id"})
    status = ma.fields.String(validate=ma.validate.OneOf(tuple(engine.STATUSES)))
    colour = ma.fields.String(validate=ma.validate.OneOf(tuple(engine.COLOURS)))
    list = ma.fields.String(validate=ma.validate.Length(max=100), metadata={"description": "A list id"})


class BriefSchema(Schema):
    result_id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    colour = ma.fields.String(required=True, allow_none=True)
    count = ma.fields.Integer(required=True)
    target = ma.fields.Integer(required=True)
    explanation = ma.fields.String(required=True)


class ChangeSchema(Schema):
    unit_id = ma.fields.Integer(required=True)
    unit_code = ma.fields.String(required=True)
    unit_name = ma.fields.String(required=True)
    item_id = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    before = ma.fields.Nested(BriefSchema, required=True, allow_none=True)
    after = ma.fields.Nested(BriefSchema, required=True, allow_none=True)
    reasons = ma.fields.List(ma.fields.String(), required=True)


def run_dict(run: CheckRun) -> dict:
    """A run as the API (and the progress fragment) shows it."""
    job = run.job
    return {"id": run.id, "period": run.period, "kind": run.kind, "as_of": run.as_of, "all_units": run.all_units,
            "unit_ids": run.unit_ids, "source": run.source, "state": job.state, "done": job.done, "total": job.total,
            "percent": job.percent, "summary": job.result if job.state == "done" else None, "error": job.error,
            "created_at": run.created_at, "finished_at": job.finished_at}


def _run(run_id: int) -> CheckRun:
    run = CheckRun.get_or_none(CheckRun.id == run_id)
    if run is None:
        raise NotFound(_("检查不存在"))
    return run


def _finished_results(run: CheckRun, **filters):
    try:
        return runs.results(run, **filters)
    except runs.NotFinished:
        raise AppError(_("检查尚未完成，结果不完整，暂不能查看。"), status=409, code="conflict")


@blp.route("")
@role_required(*STAFF)
@blp.etag
@blp.arguments(RunFilters, location="query")
@blp.response(200, page_of(RunSchema), headers=PAGINATION_HEADERS)
def list_runs(args):
    """Check runs, newest first (staff)."""
    query = CheckRun.select().order_by(CheckRun.id.desc())
    if "kind" in args:
        query = query.where(CheckRun.kind == args["kind"])
    if "period" in args:
        query = query.where(CheckRun.period == args["period"])
    page = paginate(query, args)
    page["items"] = [run_dict(r) for r in page["items"]]
    return page


@blp.route("", methods=["POST"])
@role_required(*STAFF)
@blp.etag
@blp.arguments(RunCreateSchema)
@blp.response(201, RunSchema)
def start_run(body):
    """Start a run (admins, inspectors); a task consumer computes it. Follow it at its `Location`."""
    try:
        run = runs.create_run(body["period"], body["kind"], body.get("as_of"), units=body.get("units"),
                              created_by=current_user.id, source="api")
    except runs.RunError as exc:
        raise invalid([{"pointer": f"/{exc.field}", "message": exc.message}])

    @after_this_request
    def _location(response):
        response.headers["Location"] = url_for("api_checks.get_run", run_id=run.id)
        return response
    return run_dict(run)


@blp.route("/<int:run_id>")
@role_required(*STAFF)
@blp.etag
@blp.response(200, RunSchema)
def get_run(run_id: int):
    """A run with its state and progress (poll it while `state` is queued or running)."""
    return run_dict(_run(run_id))


@blp.route("/<int:run_id>/results")
@role_required(*STAFF)
@blp.etag
@blp.arguments(ResultFilters, location="query")
@blp.response(200, page_of(ResultSchema), headers=PAGINATION_HEADERS)
@blp.alt_response(409, response="CONFLICT")
def run_results(args, run_id: int):
    """A finished run's results by unit code then plan order (409 while it is not done)."""
    query = _finished_results(_run(run_id), unit_id=args.get("unit"),
                              status_in=[args["status"]] if "status" in args else None,
                              colour=args.get("colour"), list_id=args.get("list"))
    page = paginate(query, args)
    page["items"] = [result_dict(r) for r in page["items"]]
    return page


def result_dict(result: CheckResult) -> dict:
    return {"id": result.id, "run_id": result.run_id, "unit_code": result.unit.code, "unit_name": result.unit.name,
            "pack_version_id": result.pack_version_id, "rule_sha256": result.rule_sha256, "status": result.data}


@blp.route("/<int:run_id>/compare/<int:other_id>")
@role_required(*STAFF)
@blp.etag
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(ChangeSchema), headers=PAGINATION_HEADERS)
@blp.alt_response(409, response="CONFLICT")
def compare_runs(args, run_id: int, other_id: int):
    """The items whose result differs from run `run_id` to run `other_id`, each with the reasons."""
    first, second = _run(run_id), _run(other_id)
    _finished_results(first)
    _finished_results(second)
    return paginate([c.as_dict() for c in runs.compare(first, second)], args)



class RunFindingFilters(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(tuple(finding_states.STATES)), metadata={
        "description": "A finding state; draft: the drafts still to confirm or dismiss"})
    unit = Id(metadata={"description": "A unit id"})


@blp.route("/<int:run_id>/findings")
@role_required(*STAFF)
@blp.etag
@blp.arguments(RunFindingFilters, location="query")
@blp.response(200, page_of(FindingSchema), headers=PAGINATION_HEADERS)
@blp.alt_response(409, response="CONFLICT")
def run_findings(args, run_id: int):
    """The findings a finished half-year or year-end run drafted from its failed items (any state now),
    by unit code then id; each is a `/api/v1/findings/{id}` with `source_kind` check and `source_id`
    the check result's id. Confirm or dismiss one with `POST /api/v1/findings/{id}/moves/{move}`."""
    run = _run(run_id)
    _finished_results(run)
    query = drafts.drafted(run)
    if "status" in args:
        query = query.where(Finding.status == args["status"])
    if "unit" in args:
        query = query.where(Finding.unit == args["unit"])
    page = paginate(query, args)
    page["items"] = [described(f) for f in page["items"]]
    return page
