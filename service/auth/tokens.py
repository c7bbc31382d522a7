"""Personal API tokens: issue, find by secret, revoke. Plain Python, no Flask.

A token is ``dlt_`` followed by 43 URL-safe characters (256 random bits). The
prefix makes a leaked token easy to recognise (secret scanners, logs); only
the sha256 of the whole token is stored, so a copy of the database opens
nothing. A token acts with its user's rights, narrowed by its scope: ``read``
tokens may only read. A token stops working when it expires, when it is
revoked, and while its user is disabled.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import peewee

from .. import audit
from ..db import utcnow
from ..i18n import N_
from .models import ApiToken, User

PREFIX = "dlt_"
SCOPES = {"read": N_("只读"), "write": N_("读写")}
DEFAULT_DAYS = 90
MAX_DAYS = 366
NAME_MAX = 100
# Recording every use would write a row per API call; once a minute is enough
# to tell a token in use from a forgotten one.
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


class TokenError(ValueError):
    """A token that cannot be made as asked; ``field`` → Chinese msgid."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def digest(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def check_request(name: str, scope: str, days) -> dict[str, str]:
    """Field → msgid for every problem with a token request (empty when fine)."""
    problems = {}
    if not (name or "").strip():
        problems["name"] = N_("请填写令牌名称")
    elif len(name.strip()) > NAME_MAX:
        problems["name"] = N_("名称最多 100 个字符")
    if scope not in SCOPES:
        problems["scope"] = N_("请选择权限范围")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        problems["days"] = N_("有效期须为 1 到 366 天")
    return problems


def issue(user: User, *, name: str, scope: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """Make a token for ``user`` (audited); return it and its secret, which is never stored."""
    problems = check_request(name, scope, days)
    if problems:
        raise TokenError(problems)
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = audit.create(ApiToken, user=user, name=name.strip(), scope=scope, token_hash=digest(secret),
                         hint=secret[:len(PREFIX) + 4], created_at=now, expires_at=now + dt.timedelta(days=days))
    return token, secret


def authenticate(secret: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The live token for ``secret`` with its active user loaded, or None.

    Refused: unknown, revoked or expired tokens, and tokens of disabled users.
    """
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    now = now or utcnow()
    token = (ApiToken.select(ApiToken, User).join(User)
             .where(ApiToken.token_hash == digest(secret)).first())
    if token is None or token.status(now) != "active" or not token.user.active:
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USE_RESOLUTION:
        # Not audited: a use is not a change anyone made (like a draft's autosave).
        (ApiToken.update(last_used_at=now)
         .where((ApiToken.id == token.id)
                & ((ApiToken.last_used_at.is_null()) | (ApiToken.last_used_at < now - LAST_USE_RESOLUTION)))
         .execute())
        token.last_used_at = now
    return token


def revoke(token: ApiToken) -> ApiToken:
    """Stop ``token`` working from now on (audited); revoking twice changes nothing."""
    if token.revoked_at is None:
        audit.update(token, revoked_at=utcnow())
    return token


def tokens_of(user: User | int) -> peewee.ModelSelect:
    """A user's tokens, newest first."""
    return ApiToken.select().where(ApiToken.user == user).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
