"""Login, logout and the language switch."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import audit
from ..db import write_transaction
from ..web.render import render
from .admin import MIN_PASSWORD
from .models import LoginAttempt, User

bp = Blueprint("auth", __name__)

LANGUAGES = {"zh_CN": "中文", "en": "English"}
USERNAME_MAX = User.username.max_length


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on POST check the password and the lockout."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.dashboard"))
    error, status = None, 200
    # A name longer than any account's is nobody's; cut it to the column's size so
    # the attempt is still counted (PostgreSQL refuses longer text, SQLite not).
    typed = request.form.get("username", "").strip()
    username = typed[:USERNAME_MAX]
    if request.method == "POST":
        password = request.form.get("password", "")
        attempt = _reserve_attempt(username)
        if attempt is None:
            with write_transaction():
                _audit_sign_in("login_locked", username, User.get_or_none(User.username == username))
            error, status = _lockout_message(), 429
        else:
            user = User.get_or_none(User.username == username) if typed == username else None
            if user is not None and user.active:
                ok = user.check_password(password)
            else:
                ok = User.check_no_password(password)  # the same scrypt work: no timing tells who exists
            _settle_attempt(attempt, username, user, ok)
            if ok:
                language = session.get("lang")
                session.clear()  # a fresh session on login: no fixation
                if language in LANGUAGES:
                    session["lang"] = language  # the language chosen on the login page stays
                login_user(user)
                return redirect(_safe_next(request.args.get("next")))
            error, status = _("用户名或密码错误"), 401
    return render("auth/login.html", status=status, error=error, username=username,
                  next=request.args.get("next", ""))


def _lockout_message() -> str:
    """Why an account may not try a password now."""
    return _("登录失败次数过多，该账户已暂时锁定，请 %(minutes)s 分钟后再试。",
             minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])


def _reserve_attempt(username: str) -> LoginAttempt | None:
    """Count a password attempt before checking it (None: the account is locked).

    Reserving first, atomically, is what stops a burst of parallel attempts from
    all being checked while the lock is being reached (docs/security.md)."""
    cfg = current_app.config
    return LoginAttempt.reserve(username, cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_LOCKOUT_MINUTES"],
                                request.remote_addr or "")


def _settle_attempt(attempt: LoginAttempt, username: str, user: User | None, ok: bool) -> None:
    """A checked sign-in attempt: a success clears the lockout count; audited either way."""
    with write_transaction():
        if ok:
            attempt.succeeded()
        _audit_sign_in("login" if ok else "login_failed", username, user)


def _audit_sign_in(action: str, username: str, user: User | None) -> None:
    """Sign-ins, refusals and lockouts go into the audit log beside the changes,
    so an admin sees who tried which account from where. An unknown user name
    is logged as typed (cut short), under the name of whoever typed it."""
    with audit.acting_as(user.id if user else None, user.display_name if user else username[:100] or "-"):
        audit.record(action, "user", user.id if user else username[:100],
                     None, {"username": username[:100], "remote_addr": (request.remote_addr or "")[:64]})


@bp.route("/logout", methods=["POST"])
def logout():
    """End the session (POST only, so a link or image cannot log anyone out)."""
    if current_user.is_authenticated:
        with write_transaction():
            current_user.end_sessions()  # a copy of this cookie opens nothing afterwards, on any server
            audit.record("logout", "user", current_user.id, None, {"username": current_user.username})
    logout_user()
    session.clear()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Remember the chosen UI language in the session."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Everyone changes their own password (after an admin hands over a new one, say).

    The current password is asked for and a wrong one counts toward the login
    lockout, so a session left open cannot be used to guess it. Sessions opened
    elsewhere with the old password end (see ``User.get_id``); this one goes on.
    """
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        user = current_user._get_current_object()
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        repeat = request.form.get("repeat_password", "")
        attempt = _reserve_attempt(user.username)
        if attempt is None:
            errors["current_password"] = _lockout_message()
        elif not user.check_password(current):
            with write_transaction():
                _audit_sign_in("login_failed", user.username, user)
            errors["current_password"] = _("当前密码不正确")
        else:
            attempt.delete_instance()  # a right password here is no sign-in: the count stays as it was
        if len(new) < MIN_PASSWORD:
            errors["new_password"] = _("密码至少 %(n)s 位", n=MIN_PASSWORD)
        elif len(new) > 200:
            errors["new_password"] = _("密码最多 %(n)s 位", n=200)
        elif new == user.username:
            errors["new_password"] = _("密码不能与用户名相同")
        elif new == current:
            errors["new_password"] = _("新密码不能与当前密码相同")
        if not errors.get("new_password") and repeat != new:
            errors["repeat_password"] = _("两次输入的新密码不一致")
        if not errors:
            audit.update(user, password_hash=User.hash_password(new))
            login_user(user)  # the session now carries the new fingerprint
            flash(_("密码已修改。其他已登录的会话需要重新登录。"), "success")
            return redirect(url_for("home.dashboard"))
        status = 422
    from .token_views import account_page
    return account_page(status, errors=errors)
