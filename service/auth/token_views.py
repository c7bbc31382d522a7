"""API tokens on the account page (each user's own) and in the users admin (anyone's).

A new token's secret is shown once, in the answer to the request that made
it: never flashed (the session cookie is signed, not encrypted) and never
stored.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..web.errors import NotFound
from ..web.render import render
from . import tokens
from .access import role_required
from .models import ApiToken, User

bp = Blueprint("tokens", __name__)


def account_page(status: int = 200, **context):
    """The account page (password and tokens) with ``context``."""
    from .admin import MIN_PASSWORD
    context.setdefault("errors", {})
    context.setdefault("token_errors", {})
    context.setdefault("token_form", {"days": str(tokens.DEFAULT_DAYS), "scope": "read"})
    return render("auth/password.html", status=status, min_password=MIN_PASSWORD,
                  api_tokens=list(tokens.tokens_of(current_user.id)), scopes=tokens.SCOPES, **context)


@bp.post("/account/tokens")
@login_required
def create():
    """Make a token for myself; the answer shows its secret once."""
    form = request.form
    name, scope, days_text = form.get("name", "").strip(), form.get("scope", ""), form.get("days", "").strip()
    days = int(days_text) if days_text.isascii() and days_text.isdigit() and len(days_text) < 6 else None
    problems = tokens.check_request(name, scope, days)
    if problems:
        return account_page(422, token_errors={k: _(v) for k, v in problems.items()}, token_form=form)
    token, secret = tokens.issue(current_user._get_current_object(), name=name, scope=scope, days=days)
    return account_page(201, new_token=token, new_secret=secret)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one of my tokens."""
    token = ApiToken.get_or_none((ApiToken.id == token_id) & (ApiToken.user == current_user.id))
    if token is None:
        raise NotFound(_("令牌不存在"))
    tokens.revoke(token)
    flash(_("已撤销令牌“%(name)s”。", name=token.name), "success")
    return redirect(url_for("auth.change_password") + "#tokens")


@bp.get("/admin/users/<int:user_id>/tokens")
@role_required("admin")
def of_user(user_id: int):
    """An account's tokens, for an admin to revoke."""
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(_("用户不存在"))
    return render("users/tokens.html", user=user, api_tokens=list(tokens.tokens_of(user)), scopes=tokens.SCOPES)


@bp.post("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke")
@role_required("admin")
def revoke_for_user(user_id: int, token_id: int):
    """Revoke anyone's token (a leaked one, say)."""
    token = ApiToken.get_or_none((ApiToken.id == token_id) & (ApiToken.user == user_id))
    if token is None:
        raise NotFound(_("令牌不存在"))
    tokens.revoke(token)
    flash(_("已撤销令牌“%(name)s”。", name=token.name), "success")
    return redirect(url_for("tokens.of_user", user_id=user_id))
