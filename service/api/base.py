"""The building blocks every API module uses, so the conventions hold by default.

- ``Blueprint``: flask-smorest's, parsing arguments with ``ApiParser`` and
  documenting the error responses every operation can give (as problem
  documents), so the generated OpenAPI document lists every status we send.
- ``PageArgs`` / ``page_of`` / ``paginate``: the one paginator (``page``,
  ``per_page`` ≤ 200, the ``{"items", "total", "page", "per_page"}`` envelope,
  ``Link`` headers).
- ``@blp.etag`` + ``blp.check_etag(obj, Schema)``: the one ETag helper
  (flask-smorest's: reads send ``ETag`` and answer ``If-None-Match`` with 304,
  updates need `If-Match`: 428 without it, 412 when stale).
- Errors: raise ``web.errors`` ``AppError``s (``NotFound``, ``Forbidden``,
  ``Invalid(details=[{"pointer", "message"}])``); ``web.problems`` builds the
  problem document.
- Fields: ``UtcDateTime`` (ISO 8601 with ``Z``), ``StrictBoolean``, ``Id``.

See docs/api.md for the conventions with examples.
"""
from __future__ import annotations

import datetime as dt
import http
import json
import math

import flask_smorest
import marshmallow as ma
from urllib.parse import urlencode

from flask import after_this_request, request
from flask_babel import gettext as _
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from ..web.errors import AppError, Invalid
from ..web.ids import MAX_ID
from ..web.problems import CONTENT_TYPE as PROBLEM_CONTENT_TYPE
from .messages import translate

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32

# Errors any operation may answer, documented on every one (see Blueprint).
COMMON_ERRORS = (400, 401, 403, 404, 405)  # 405: werkzeug answers it for some malformed ids
WRITE_ERRORS = (413,)
WRITE_METHODS = {"post", "put", "patch", "delete"}


# --------------------------------------------------------------------------- schemas and fields

class Schema(ma.Schema):
    """Base of every API schema: unknown fields in a body are refused, not dropped."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


class ProblemErrorSchema(Schema):
    pointer = ma.fields.String(required=True, metadata={
        "description": "JSON Pointer (RFC 6901) into the request part named by `in` (the JSON body when absent)"})
    in_ = ma.fields.String(data_key="in", metadata={"description": "query, path, form, files or header"})
    message = ma.fields.String(required=True)


class ProblemSchema(Schema):
    """An RFC 9457 problem document."""

    type = ma.fields.String(required=True, metadata={"description": "urn:dutyloop:problem:<code>"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    errors = ma.fields.List(ma.fields.Nested(ProblemErrorSchema))


class UtcDateTime(ma.fields.DateTime):
    """A timestamp as ISO 8601 in UTC with ``Z`` (the database keeps naive UTC)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat() + "Z"


class StrictBoolean(ma.fields.Boolean):
    """Only JSON ``true`` and ``false`` (marshmallow also takes "yes", 1, "on"...)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def Id(**kwargs) -> ma.fields.Integer:  # noqa: N802  (a field factory reads like a field)
    """A database id: an integer a database can hold."""
    kwargs.setdefault("validate", ma.validate.Range(min=1, max=MAX_ID))
    return ma.fields.Integer(**kwargs)


# --------------------------------------------------------------------------- parsing

def _clean(value, depth: int = 0):
    """JSON as the app may store it: no NUL in any text (PostgreSQL refuses it)."""
    if depth > MAX_JSON_DEPTH:
        raise ValueError("too deep")
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k.replace("\x00", ""): _clean(v, depth + 1) for k, v in value.items()}
    return value


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class ApiParser(FlaskParser):
    """webargs' Flask parser, with JSON limits and problem documents for bad input.

    The body is refused (400) when it is not JSON as RFC 8259 says (NaN,
    Infinity, numbers beyond 4300 digits), nests deeper than 32 levels or is
    larger than 1 MiB (413); NUL characters are dropped from its text. Field
    problems become a 422 problem with one ``{"pointer", "message"}`` each.
    """

    DEFAULT_VALIDATION_STATUS = 422
    # Our schemas say what they take (``Schema.Meta.unknown``); webargs' own
    # per-location defaults would drop unknown query parameters silently.
    DEFAULT_UNKNOWN_BY_LOCATION = {location: None for location in FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION}
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        """A ``multipart/form-data`` body: its fields and its files, together."""
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)

    def _raw_load_json(self, req):
        from webargs import core
        if not core.is_json(req.mimetype):
            return core.missing
        if (req.content_length or 0) > MAX_JSON_BYTES:
            raise AppError(_("请求体过大（JSON 最多 1 MiB）。"), status=413, code="payload_too_large")
        raw = req.get_data(cache=True)
        if len(raw) > MAX_JSON_BYTES:
            raise AppError(_("请求体过大（JSON 最多 1 MiB）。"), status=413, code="payload_too_large")
        if not raw.strip():
            return core.missing
        try:
            return _clean(json.loads(raw.decode("utf-8"), parse_constant=_no_constant))
        except (ValueError, RecursionError, UnicodeDecodeError):
            raise AppError(_("请求体不是有效的 JSON（UTF-8，不含 NaN/Infinity，嵌套不超过 32 层）。"),
                           status=400, code="invalid_json")

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        raise Invalid(_("提交的内容有误，请按 errors 中的说明修改。"),
                      details=field_errors(error.messages))


def _escape(token) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def field_errors(messages: dict) -> list[dict]:
    """webargs' ``{location: {field: [message]}}`` as problem ``errors``."""
    out: list[dict] = []

    def walk(node, pointer: str, location: str) -> None:
        if isinstance(node, dict):
            for key, sub in node.items():
                walk(sub, pointer if key == "_schema" else f"{pointer}/{_escape(key)}", location)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item, pointer, location)
        else:
            entry = {"pointer": pointer, "message": translate(str(node))}
            if location != "json":
                entry["in"] = {"querystring": "query", "view_args": "path", "headers": "header",
                               "multipart": "form"}.get(
                    location, location)
            out.append(entry)

    for location, node in (messages or {}).items():
        walk(node, "", location)
    return out


def invalid(errors: list[dict], message: str | None = None) -> Invalid:
    """A 422 for field problems found after parsing (uniqueness, the form validator...)."""
    return Invalid(message or _("提交的内容有误，请按 errors 中的说明修改。"), details=errors)


# --------------------------------------------------------------------------- blueprint and api

class Blueprint(flask_smorest.Blueprint):
    """An API blueprint: one per resource group (``service/api/<group>.py``)."""

    ARGUMENTS_PARSER = ApiParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}

    def __init__(self, name: str, import_name: str, *, tag: str, **kwargs):
        """``name`` is the Flask blueprint's (``api_units``); ``tag`` groups its
        operations in the document (``units``)."""
        super().__init__(name, import_name, **kwargs)
        self.tag = tag
        self._prepare_doc_cbks.append(self._prepare_common_errors_doc)

    def route(self, rule, *, parameters=None, tags=None, **options):
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

    @staticmethod
    def _prepare_common_errors_doc(doc, doc_info, *, method, **kwargs):
        responses = doc.setdefault("responses", {})
        statuses = COMMON_ERRORS + (WRITE_ERRORS if method in WRITE_METHODS else ())
        for status in statuses:
            responses.setdefault(status, http.HTTPStatus(status).name)
        return doc


class Api(flask_smorest.Api):
    """flask-smorest's Api, bound to the plain Flask app, answering problem documents.

    Errors are answered by ``web.errors`` (as pages off the API, problem
    documents on it), so flask-smorest's own JSON error handler is not
    registered, and its error responses are documented as problem documents.
    """

    DEFAULT_ERROR_RESPONSE_NAME = None  # every status is listed; no catch-all "default"
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass  # web.errors handles every error

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register ``blp`` and document it under its tag (not its Flask name)."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
        self.spec.tag({"name": blp.tag, "description": blp.description})

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": self.ERROR_SCHEMA}}
            self.spec.components.response(status.name, response, lazy=True)


# --------------------------------------------------------------------------- pagination

class PageArgs(Schema):
    """``page`` and ``per_page``; list filters subclass this."""

    class Meta:
        # A misspelt filter (?unti=3) must not quietly answer the whole list.
        unknown = ma.RAISE

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=10**6),
                             metadata={"description": "Page number, from 1"})
    per_page = ma.fields.Integer(load_default=DEFAULT_PER_PAGE,
                                 validate=ma.validate.Range(min=1, max=MAX_PER_PAGE),
                                 metadata={"description": f"Items per page (1-{MAX_PER_PAGE})"})


_page_schemas: dict[type, type] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list envelope schema for ``item_schema`` (``UnitPage`` for ``UnitSchema``)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "Page"
        _page_schemas[item_schema] = type(name, (Schema,), {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "total": ma.fields.Integer(required=True),
            "page": ma.fields.Integer(required=True),
            "per_page": ma.fields.Integer(required=True),
            "Meta": type("Meta", (), {"ordered": True}),
        })
    return _page_schemas[item_schema]


def paginate(query, args: dict) -> dict:
    """One page of ``query`` (a peewee query, or a list) as the list envelope, with
    ``Link`` headers (first, prev, next, last) that keep the request's filters."""
    page, per_page = args["page"], args["per_page"]
    if isinstance(query, list):
        total = len(query)
        rows = query[(page - 1) * per_page:page * per_page]
    else:
        total = query.count()
        rows = list(query.paginate(page, per_page))
    last = max(1, math.ceil(total / per_page))
    links = {"first": 1, "last": last}
    if page > 1:
        links["prev"] = min(page - 1, last)
    if page < last:
        links["next"] = page + 1
    header = ", ".join(f'<{_page_url(n, per_page)}>; rel="{rel}"' for rel, n in links.items())

    @after_this_request
    def _link(response):
        response.headers["Link"] = header
        response.headers["X-Total-Count"] = str(total)
        return response

    return {"items": rows, "total": total, "page": page, "per_page": per_page}


def _page_url(page: int, per_page: int) -> str:
    # Built from the path and query as sent, not url_for: a query parameter
    # named like one of url_for's own (``_scheme``) must not reach it.
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "per_page")]
    return request.path + "?" + urlencode(args + [("page", page), ("per_page", per_page)])


PAGINATION_HEADERS = {
    "Link": {"description": "RFC 8288 links to the first, prev, next and last pages", "schema": {"type": "string"}},
    "X-Total-Count": {"description": "Number of items in all pages", "schema": {"type": "string"}},
}
