"""Admin pages for accounts: list, create, disable, reset passwords."""
from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from peewee import JOIN

from .. import audit
from ..holders.models import HolderBody
from ..units.models import Unit
from ..web.errors import Invalid, NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.render import render
from .access import role_required
from .models import ROLES, User

bp = Blueprint("users", __name__, url_prefix="/admin/users")

MIN_PASSWORD = 8


def validate_account(username: str, display_name: str, role: str, unit_id: str | None,
                     password: str | None, *, existing: User | None = None,
                     body_id: str | None = None) -> dict[str, str]:
    """Field → Chinese message for every problem in an account form."""
    errors: dict[str, str] = {}
    if existing is None:
        if not username:
            errors["username"] = _("请填写用户名")
        elif len(username) > 80 or not all(c.isalnum() or c in "._-" for c in username):
            errors["username"] = _("用户名只能包含字母、数字和 . _ -，最多 80 个字符")
        elif User.get_or_none(User.username == username):
            errors["username"] = _("用户名已存在")
    if not display_name:
        errors["display_name"] = _("请填写姓名")
    if role not in ROLES:
        errors["role"] = _("请选择角色")
    if role == "unit":
        if not parse_id(unit_id) or not Unit.get_or_none(Unit.id == parse_id(unit_id)):
            errors["unit"] = _("单位用户必须选择所属单位")
    if role == "holder":
        if not parse_id(body_id) or not HolderBody.get_or_none(HolderBody.id == parse_id(body_id)):
            errors["holder_body"] = _("监督单位用户必须选择所属监督单位")
    if password is not None and len(password) < MIN_PASSWORD:
        errors["password"] = _("密码至少 %(n)s 位", n=MIN_PASSWORD)
    return errors


@bp.get("/")
@role_required("admin")
def index():
    """List accounts, filtered by text, role and status; exportable."""
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    status = request.args.get("status", "")
    query = User.select(User, Unit).join(Unit, JOIN.LEFT_OUTER).order_by(User.username)
    if q:
        query = query.where(User.username.contains(q) | User.display_name.contains(q))
    if role in ROLES:
        query = query.where(User.role == role)
    if status in ("active", "disabled"):
        query = query.where(User.active == (status == "active"))
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("用户列表"), [_("用户名"), _("姓名"), _("角色"), _("所属单位"), _("状态")],
                      ([u.username, u.display_name, _(ROLES[u.role]), _belongs_to(u),
                        _("启用") if u.active else _("停用")] for u in query))
    return render("users/index.html", block="results", users=list(query), roles=ROLES,
                  units=list(Unit.select().order_by(Unit.code)), q=q, role=role, state=status,
                  errors={}, form={}, bodies=_bodies(), belongs_to=_belongs_to)


def _bodies() -> list[HolderBody]:
    return list(HolderBody.select().order_by(HolderBody.name))


def _belongs_to(user: User) -> str:
    """The unit of a unit user, the body of a holder account."""
    if user.unit_id:
        return user.unit.name
    return user.holder_body.name if user.holder_body_id else ""


@bp.post("/")
@role_required("admin")
def create():
    """Create an account; re-show the form with Chinese messages on bad input."""
    form = request.form
    username = form.get("username", "").strip()
    display_name = form.get("display_name", "").strip()
    role = form.get("role", "")
    unit_id = form.get("unit") or None
    password = form.get("password", "")
    body_id = form.get("holder_body") or None
    errors = validate_account(username, display_name, role, unit_id, password, body_id=body_id)
    if errors:
        return render("users/index.html", status=422,
                      users=list(User.select().order_by(User.username)), roles=ROLES,
                      units=list(Unit.select().order_by(Unit.code)), q="", role="", state="",
                      errors=errors, form=form, bodies=_bodies(), belongs_to=_belongs_to)
    audit.create(User, username=username, display_name=display_name, role=role,
                 unit=parse_id(unit_id) if role == "unit" else None,
                 holder_body=parse_id(body_id) if role == "holder" else None,
                 password_hash=User.hash_password(password))
    flash(_("已创建用户 %(name)s", name=username), "success")
    return redirect(url_for("users.index"))


def _get(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(_("用户不存在"))
    return user


@bp.post("/<int:user_id>/status")
@role_required("admin")
def toggle_status(user_id: int):
    """Disable or re-enable an account (admins cannot disable themselves)."""
    user = _get(user_id)
    if user.id == current_user.id:
        raise Invalid(_("不能停用自己的账户"))
    audit.update(user, active=not user.active)
    flash(_("已启用 %(name)s", name=user.username) if user.active
          else _("已停用 %(name)s", name=user.username), "success")
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/password")
@role_required("admin")
def reset_password(user_id: int):
    """Set a new random password and show it once to the admin."""
    user = _get(user_id)
    password = secrets.token_urlsafe(9)
    audit.update(user, password_hash=User.hash_password(password))
    if user.id == current_user.id:
        login_user(user)  # a reset ends the user's sessions; not the one doing it
    # Shown in this response only (not stored, not sent as a no-store page twice):
    # a flash would carry it in the session cookie, which is signed but readable.
    return render("users/password_reset.html", user=user, password=password)
