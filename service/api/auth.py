"""Who calls the API: a bearer token, or the browser's session cookie.

``Authorization: Bearer dlt_…`` names a personal API token (``auth.tokens``);
Flask-Login loads its user through ``load_user_from_request``, so
``current_user``, the access checks and the audit actor are the same as on the
pages. A request that carries a bearer token is judged by the token alone,
even if it also sends a session cookie, and tokens open only ``/api/`` paths.

``guard`` runs before every API view: it refuses anonymous calls (401), writes
with a read token (403), and — for session-cookie callers only — writes
without the CSRF token, which a bearer request needs no more than any other
request that carries its own credentials.
"""
from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import tokens
from ..web.errors import Forbidden, Unauthorized

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CHALLENGE = 'Bearer realm="dutyloop"'
PUBLIC_ENDPOINTS = {"api-docs.openapi_json", "api_docs.docs"}


def bearer_secret(req=None) -> str | None:
    """The token in ``Authorization: Bearer …`` on an API path ("" when malformed), or None."""
    req = req or request
    if not req.path.startswith("/api/"):
        return None
    header = req.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def is_token_request(req=None) -> bool:
    """Whether this request authenticates with an Authorization header (not the cookie)."""
    return bearer_secret(req) is not None


def load_user_from_request(req):
    """Flask-Login's request loader: the user of a live bearer token, or None."""
    secret = bearer_secret(req)
    if not secret:
        return None
    token = tokens.authenticate(secret)
    if token is None:
        return None
    g.api_token = token
    return token.user


def current_token():
    """The token of this request (None for session-cookie requests)."""
    return g.get("api_token")


def guard() -> None:
    """Before every API view: authentication, the token's scope, CSRF for cookie writes."""
    if not request.path.startswith("/api/") or request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS \
            or request.endpoint == "static":
        return
    if not current_user.is_authenticated:
        if is_token_request():
            raise Unauthorized(_("API 令牌无效、已过期或已撤销，或其用户已停用。"),
                               code="invalid_token", headers={"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'})
        raise Unauthorized(headers={"WWW-Authenticate": CHALLENGE})
    if request.method in SAFE_METHODS:
        return
    token = current_token()
    if token is not None:
        if not token.can_write:
            raise Forbidden(_("此令牌只读，不能修改数据。"), code="insufficient_scope",
                            headers={"WWW-Authenticate": CHALLENGE + ', error="insufficient_scope", scope="write"'})
        return
    from .. import csrf
    csrf.protect()  # a browser session writes only with the page's CSRF token
