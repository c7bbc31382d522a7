"""Accounts, roles and login attempts."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

import peewee
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import BaseModel, utcnow
from ..holders.models import HolderBody, HolderBodyUnit
from ..i18n import N_
from ..units.models import Unit

# Roles, from most to least powerful. Labels are msgids translated by Babel.
ROLES = {
    "admin": N_("管理员"),      # commission staff: packs, units, check runs, users
    "inspector": N_("监督员"),  # commission members: review, evaluate, findings
    "unit": N_("单位用户"),     # a unit's leader or clerk: only that unit's data
    "holder": N_("监督单位用户"),  # a supervising body's or department's account: its lists, its units
}


class User(UserMixin, BaseModel):
    """A person who logs in. Unit users belong to exactly one unit, holder accounts to
    exactly one holder body (docs/perform.md, Who records what)."""

    username = peewee.CharField(max_length=80, unique=True)
    display_name = peewee.CharField(max_length=100)
    password_hash = peewee.CharField(max_length=256)
    role = peewee.CharField(max_length=20)
    unit = peewee.ForeignKeyField(Unit, null=True, backref="users", on_delete="RESTRICT")
    holder_body = peewee.ForeignKeyField(HolderBody, null=True, backref="users", on_delete="RESTRICT")
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    # Grows at every sign-out: the session fingerprint covers it, so signing out
    # ends every session of the account, on every server.
    session_generation = peewee.IntegerField(default=0)

    class Meta:
        table_name = "user"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_staff(self) -> bool:
        """Commission staff (admins and inspectors) see every unit."""
        return self.role in {"admin", "inspector"}

    @property
    def is_holder(self) -> bool:
        """The account of a supervising body or department (role ``holder``)."""
        return self.role == "holder"

    def holder_scope(self) -> frozenset[int]:
        """The unit ids a holder account's body is responsible for (empty for anyone
        else, or when the body is switched off). Read once per loaded account."""
        if not self.is_holder or not self.holder_body_id:
            return frozenset()
        cached = getattr(self, "_holder_scope", None)
        if cached is None:
            cached = frozenset(row[0] for row in HolderBodyUnit.select(HolderBodyUnit.unit)
                               .join(HolderBody)
                               .where((HolderBodyUnit.body == self.holder_body_id)
                                      & (HolderBody.active == True))  # noqa: E712
                               .tuples())
            self._holder_scope = cached
        return cached

    def can_see_unit(self, unit_id: int) -> bool:
        """Whether this user may see data of the unit ``unit_id``: staff every unit, a
        unit user its own, a holder account the units in its body's scope."""
        if self.is_staff:
            return True
        if self.role == "unit":
            return self.unit_id == unit_id
        return self.is_holder and unit_id in self.holder_scope()

    def visible_units(self) -> peewee.ModelSelect:
        """The units ``can_see_unit`` allows, by code (the unit pickers of the book and calendar)."""
        query = Unit.select().order_by(Unit.code)
        if self.is_staff:
            return query
        if self.is_holder:
            return query.where(Unit.id.in_(sorted(self.holder_scope()) or [0]))
        return query.where(Unit.id == self.unit_id)

    def get_id(self) -> str:
        """What the session cookie keeps: the id and a fingerprint of the password
        hash and the session generation, so a password change or reset, and a
        sign-out, end every session opened before it (on every app server:
        nothing is kept in memory)."""
        return f"{self.id}.{self.session_fingerprint()}"

    def session_fingerprint(self) -> str:
        return hashlib.sha256(f"{self.password_hash}\n{self.session_generation or 0}".encode()).hexdigest()[:16]

    def end_sessions(self) -> None:
        """End every session of this account (sign-out): the generation grows in
        the database, so no server accepts an older cookie. Bookkeeping: the
        caller audits the sign-out itself."""
        User.update(session_generation=User.session_generation + 1).where(User.id == self.id).execute()

    def check_password(self, password: str) -> bool:
        """Whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def check_no_password(password: str) -> bool:
        """Spend the same work as ``check_password`` when there is no account to
        check (a missing or disabled user), so the answer's timing does not tell
        which user names exist. Always False."""
        check_password_hash(_dummy_hash(), password)
        return False

    @staticmethod
    def hash_password(password: str) -> str:
        """Hash a password for storage (werkzeug's scrypt by default)."""
        return generate_password_hash(password)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random password with the current method's parameters (per process)."""
    return generate_password_hash(secrets.token_urlsafe(16))


class LoginAttempt(BaseModel):
    """One login try; failures within the window lock the account."""

    username = peewee.CharField(max_length=80, index=True)
    at = peewee.DateTimeField(default=utcnow, index=True)
    success = peewee.BooleanField()
    remote_addr = peewee.CharField(max_length=64, default="")

    class Meta:
        table_name = "login_attempt"

    @classmethod
    def reserve(cls, username: str, max_failures: int, minutes: int,
                remote_addr: str = "") -> "LoginAttempt | None":
        """Count a password attempt before the password is checked, or refuse it.

        Atomically per user name (``db.serialised``): if the account is locked,
        None; otherwise the attempt is stored as a failure and returned, and the
        caller marks it a success (``succeeded``) once the password matched. So
        parallel attempts can never get more than ``max_failures`` tries past
        the lock, however long the password check takes.
        """
        from ..db import serialised
        with serialised("login:" + username):
            if cls.locked_until(username, max_failures, minutes):
                return None
            return cls.create(username=username, success=False, remote_addr=remote_addr[:64])

    def succeeded(self) -> None:
        """The reserved attempt's password matched: it clears earlier failures."""
        LoginAttempt.update(success=True).where(LoginAttempt.id == self.id).execute()

    @classmethod
    def locked_until(cls, username: str, max_failures: int, minutes: int,
                     now: dt.datetime | None = None) -> dt.datetime | None:
        """When the account's lock ends, or None if it is not locked.

        Counts failures since the later of (now - window) and the last success,
        so a successful login clears earlier failures.
        """
        now = now or utcnow()
        window = dt.timedelta(minutes=minutes)
        last_success = (cls.select(peewee.fn.MAX(cls.at))
                        .where((cls.username == username) & (cls.success == True))  # noqa: E712
                        .scalar())
        since = now - window
        if last_success and last_success > since:
            since = last_success
        failures = list(cls.select(cls.at)
                        .where((cls.username == username) & (cls.success == False)  # noqa: E712
                               & (cls.at > since))
                        .order_by(cls.at.desc())
                        .limit(max_failures))
        if len(failures) < max_failures:
            return None
        return failures[0].at + window


class ApiToken(BaseModel):
    """A personal API token: its user's rights, limited to reading or also writing.

    Only a sha256 of the secret is stored (the secret is shown once, when it is
    made); ``hint`` keeps its first characters so people can tell tokens apart.
    """

    user = peewee.ForeignKeyField(User, on_delete="CASCADE", backref="api_tokens")
    name = peewee.CharField(max_length=100)
    scope = peewee.CharField(max_length=10)
    token_hash = peewee.CharField(max_length=64, unique=True)
    hint = peewee.CharField(max_length=16)
    created_at = peewee.DateTimeField(default=utcnow)
    expires_at = peewee.DateTimeField()
    last_used_at = peewee.DateTimeField(null=True)
    revoked_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "api_token"

    _audit_omit = ("token_hash",)

    def status(self, now: dt.datetime | None = None) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or utcnow()):
            return "expired"
        return "active"

    @property
    def can_write(self) -> bool:
        return self.scope == "write"
