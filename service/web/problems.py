"""RFC 9457 problem documents: how every error under ``/api/`` answers.

``problem_response`` is the one builder: ``web.errors`` calls it for any error
raised on an API path (``AppError``, an HTTP error, a CSRF failure, an
unexpected exception), so API views raise errors and never build them.

A problem names its kind in ``type`` as ``urn:dutyloop:problem:<code>`` (stable,
for programs to switch on), says it in ``title`` and ``detail`` in the
request's language (``Accept-Language``: Chinese by default, English), and
lists field problems in ``errors`` as ``{"pointer", "message"}`` (plus ``"in"``
when the pointer is not into the JSON body: ``query``, ``path``, ``files``,
``form``, ``header``).
"""
from __future__ import annotations

import json

from flask import current_app
from flask_babel import gettext as _

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:dutyloop:problem:"


def title(status: int) -> str:
    """A short, translated title for an HTTP status."""
    return {
        400: _("请求有误"), 401: _("需要登录或令牌"), 403: _("无权访问"), 404: _("未找到"),
        405: _("不支持此操作方式"), 406: _("无法提供所需的格式"), 409: _("与当前状态冲突"),
        412: _("内容已被他人修改"), 413: _("内容过大"), 415: _("不支持的内容类型"),
        422: _("内容有误"), 428: _("缺少 If-Match 请求头"), 429: _("请求过于频繁"),
    }.get(status, _("系统错误") if status >= 500 else _("请求错误"))


def problem_body(status: int, code: str, detail: str, errors: list[dict] | None = None) -> dict:
    """The problem document as a dict."""
    body = {"type": TYPE_PREFIX + code, "title": title(status), "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return body


def problem_response(status: int, code: str, detail: str, errors: list[dict] | None = None,
                     headers: dict | None = None):
    """An ``application/problem+json`` response."""
    body = json.dumps(problem_body(status, code, detail, errors), ensure_ascii=False)
    response = current_app.response_class(body, status=status, mimetype=CONTENT_TYPE)
    response.headers["Content-Language"] = "en" if _current_language() == "en" else "zh-CN"
    response.headers.add("Vary", "Accept-Language")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _current_language() -> str:
    from flask_babel import get_locale
    return str(get_locale() or "zh_CN")
