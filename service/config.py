"""Settings, declared once as data.

Every setting the service reads is listed in ``SETTINGS``; ``load_settings``
fills a Flask config from the environment, and ``docs/configuration.md`` is
checked against this list by ``tests/test_docs.py`` so the two never drift.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    """One configuration key: its environment variable, default and meaning."""

    key: str
    env: str
    default: object
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "DATABASE_URL", None,
            "Database URL. Default: SQLite file `dutyloop.sqlite3` in the instance folder. "
            "Use `postgresql://user@host:5432/name` to share one database between several app servers."),
    Setting("SECRET_KEY", "DUTYLOOP_SECRET_KEY", None,
            "Key that signs session cookies and CSRF tokens. Default: generated once into "
            "`instance/secret_key`. Every app server behind one load balancer must use the same value."),
    Setting("BABEL_DEFAULT_LOCALE", "DUTYLOOP_DEFAULT_LOCALE", "zh_CN",
            "UI language when the user has not chosen one (`zh_CN` or `en`)."),
    Setting("TIMEZONE", "DUTYLOOP_TIMEZONE", "Asia/Shanghai",
            "Time zone in which pages and exports show times (an IANA name). Times are stored in UTC."),
    Setting("LOGIN_MAX_FAILURES", "DUTYLOOP_LOGIN_MAX_FAILURES", 5,
            "Failed logins for one account within the lockout window that lock it.", int),
    Setting("LOGIN_LOCKOUT_MINUTES", "DUTYLOOP_LOGIN_LOCKOUT_MINUTES", 15,
            "Length of the failure window and of the lockout, in minutes.", int),
    Setting("SESSION_COOKIE_SECURE", "DUTYLOOP_SECURE_COOKIES", False,
            "Send the session cookie only over HTTPS. Turn on behind TLS.", bool),
    Setting("MAX_CONTENT_LENGTH", "DUTYLOOP_MAX_UPLOAD_BYTES", 20 * 1024 * 1024,
            "Largest request body accepted (uploads included), in bytes.", int),
    Setting("UPLOAD_FOLDER", "DUTYLOOP_UPLOAD_FOLDER", None,
            "Where evidence files are stored, outside the web root. Default: `instance/uploads`."),
    Setting("UPLOAD_QUOTA_BYTES", "DUTYLOOP_UPLOAD_QUOTA_BYTES", 1024 * 1024 * 1024,
            "Evidence storage allowed per unit, in bytes (submitted and pending uploads). `0`: no limit.", int),
    Setting("UPLOAD_PENDING_HOURS", "DUTYLOOP_UPLOAD_PENDING_HOURS", 24,
            "Hours an upload that no record or draft refers to is kept after a draft last held it.", int),
    Setting("HUEY_URL", "DUTYLOOP_HUEY_URL", None,
            "Where the task queue lives. Default: SQLite file `huey.sqlite3` in the instance folder when "
            "the database is SQLite, the app's own database when it is PostgreSQL. "
            "`redis://host:6379/0` for Redis."),
    Setting("HUEY_NAME", "DUTYLOOP_HUEY_NAME", "dutyloop",
            "Name of the queue. Two instances sharing one Redis or database need different names."),
    Setting("HUEY_IMMEDIATE", "DUTYLOOP_HUEY_IMMEDIATE", False,
            "Run tasks in the process that starts them, without a consumer (for trials and tests).", bool),
    Setting("REVIEW_LINK_HOURS", "DUTYLOOP_REVIEW_LINK_HOURS", 24,
            "How long an evaluator's personal link stays valid after the end of the meeting day, in hours "
            "(it also stops when the session closes or the link is issued again).", int),
    Setting("DEMO_PASSWORD", "DUTYLOOP_DEMO_PASSWORD", None,
            "Password given to every demo account by `dutyloop demo`. Default: generated and printed once."),
)


def _coerce(setting: Setting, raw: str) -> object:
    if setting.kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if setting.kind is int:
        return int(raw)
    return raw


def load_settings(config: dict, instance_path: str) -> None:
    """Fill ``config`` from defaults and the environment (environment wins)."""
    for setting in SETTINGS:
        raw = os.environ.get(setting.env)
        config[setting.key] = _coerce(setting, raw) if raw not in (None, "") else setting.default
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + str(Path(instance_path) / "dutyloop.sqlite3")
    if not config["UPLOAD_FOLDER"]:
        config["UPLOAD_FOLDER"] = str(Path(instance_path) / "uploads")
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _instance_secret(Path(instance_path))


def _instance_secret(instance: Path) -> str:
    """A per-instance secret kept in a file, so restarts keep sessions valid."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: when two servers start at once, exactly one writes the key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip()
