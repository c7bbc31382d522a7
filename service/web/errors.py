"""Errors that know their own response, and one handler for every path.

The same error answers as a Chinese page, an htmx fragment, or an RFC 9457
problem document (``web.problems``) for ``/api/`` paths, so callers raise
``AppError`` and never build responses.
"""
from __future__ import annotations

import logging

from flask import request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .problems import problem_response
from .render import is_htmx, render

log = logging.getLogger(__name__)


class AppError(Exception):
    """An error with an HTTP status and a message meant for the user."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, *, status: int | None = None,
                 code: str | None = None, details: list | None = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        # Pages show each detail as a line; the API lists them as problem
        # ``errors`` (dicts with ``pointer`` and ``message``).
        self.details = details or []
        self.headers = headers or {}


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Unauthorized(AppError):
    """No valid session or API token (401)."""

    status = 401
    code = "unauthorized"


class Invalid(AppError):
    """Input that cannot be accepted (422); ``details`` lists field problems."""

    status = 422
    code = "invalid"


def _default_message(status: int) -> str:
    return {
        400: _("请求有误，请检查后重试。"),
        401: _("请先登录，或在 Authorization 请求头中提供有效的 API 令牌。"),
        412: _("该对象已被修改，请重新读取后再提交（If-Match 与当前 ETag 不符）。"),
        428: _("修改前请先读取该对象，并在 If-Match 请求头中带上它的 ETag。"),
        403: _("您没有权限访问此页面。"),
        404: _("页面不存在或已被删除。"),
        405: _("不支持此操作方式。"),
        413: _("上传的内容过大。"),
        422: _("提交的内容有误，请修改后重试。"),
        429: _("操作过于频繁，请稍后再试。"),
    }.get(status, _("服务器出现错误，请稍后重试。我们已记录此问题。"))


def _title(status: int) -> str:
    return {403: _("无权访问"), 404: _("未找到"), 422: _("内容有误"),
            500: _("系统错误")}.get(status, _("请求错误"))


def is_api() -> bool:
    """Whether the current request is for the JSON API (answers problem documents)."""
    return request.path.startswith("/api/")


def respond(status: int, message: str | None, code: str, details: list | None = None,
            headers: dict | None = None):
    """Answer an error as a problem document (``/api/``), fragment (htmx) or page."""
    message = message or _default_message(status)
    if is_api():
        return problem_response(status, code, message, details, headers)
    response = render("errors/error.html", block="content", status=status,
                      error_status=status, error_title=_title(status), error_message=message,
                      error_details=[d.get("message", "") if isinstance(d, dict) else d for d in details or []])
    if is_htmx():
        # An error is not the fragment the page asked for: show it in the
        # flash area instead of wherever the request meant to swap.
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def init_app(app) -> None:
    """Register the handlers that turn every error into one of our responses."""

    @app.errorhandler(AppError)
    def _app_error(exc: AppError):
        return respond(exc.status, exc.message, exc.code, exc.details, exc.headers)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return respond(400, _("页面已过期或来源无法验证，请刷新页面后重试。"), "csrf")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        headers = {}
        if status == 405 and is_api():  # RFC 9110: a 405 names the methods that work
            headers["Allow"] = ", ".join(exc.valid_methods or ())
        return respond(status, _from_library(exc) if is_api() else None,
                       exc.name.lower().replace(" ", "_"), headers=headers)

    def _from_library(exc: HTTPException) -> str | None:
        # ``abort(404, description=...)`` in our code may carry a message meant
        # for the user; werkzeug's stock English descriptions are not ours.
        description = getattr(exc, "description", None)
        return None if description == type(exc).description else description

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500, None, "internal_error")
