"""Errors that know their own response, and one handler for every path.

The same error answers as a Chinese page, an htmx fragment, or JSON for
``/api/`` paths, so callers raise ``AppError`` and never build responses.
"""
from __future__ import annotations

import logging

from flask import jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .render import is_htmx, render

log = logging.getLogger(__name__)


class AppError(Exception):
    """An error with an HTTP status and a message meant for the user."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str | None = None, *, status: int | None = None,
                 code: str | None = None, details: list | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.details = details or []


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Invalid(AppError):
    """Input that cannot be accepted (422); ``details`` lists field problems."""

    status = 422
    code = "invalid"


def _default_message(status: int) -> str:
    return {
        400: _("请求有误，请检查后重试。"),
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


def respond(status: int, message: str | None, code: str, details: list | None = None):
    """Answer an error as JSON (``/api/``), fragment (htmx) or page."""
    message = message or _default_message(status)
    if request.path.startswith("/api/"):
        body = {"error": {"status": status, "code": code, "message": message}}
        if details:
            body["error"]["details"] = details
        return jsonify(body), status
    response = render("errors/error.html", block="content", status=status,
                      error_status=status, error_title=_title(status), error_message=message,
                      error_details=details or [])
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
        return respond(exc.status, exc.message, exc.code, exc.details)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return respond(400, _("页面已过期或来源无法验证，请刷新页面后重试。"), "csrf")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return respond(exc.code or 500, None, exc.name.lower().replace(" ", "_"))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500, None, "internal_error")
