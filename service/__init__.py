"""dutyloop: the five-duties closed-loop supervision service (五责闭环监督平台).

``create_app`` builds the Flask app; every concern registers itself with an
``init_app`` or a blueprint, so this file reads as the list of what the
service is made of.
"""
from __future__ import annotations

import os

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from . import db
from .config import load_settings
from .i18n import N_

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()

# The five stages, in the order of the loop; the navigation shows them.
STAGES = (("define", N_("明责")), ("perform", N_("履责")), ("supervise", N_("督责")),
          ("evaluate", N_("评责")), ("accountability", N_("问责")))


def _display_locale() -> str:
    """The request's UI language for texts outside templates (pack form titles)."""
    from flask_babel import get_locale
    return "en" if has_request_context() and str(get_locale()) == "en" else "zh-CN"


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: settings, database, security, i18n, blueprints."""
    app = Flask(__name__, instance_path=os.environ.get("DUTYLOOP_INSTANCE") or None,
                template_folder="web/templates", static_folder="web/static")
    from .web.request import CleanRequest
    app.request_class = CleanRequest  # no NUL characters reach the views (PostgreSQL refuses them)
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)  # the database, secret key and uploads
    load_settings(app.config, app.instance_path)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # token lives as long as the session
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(app.root_path, "translations"),
    )
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.config["UPLOAD_FOLDER"], mode=0o700, exist_ok=True)  # evidence: the service's alone
    app.json.ensure_ascii = False  # Chinese stays readable in JSON and tojson
    from .web.ids import IdConverter
    app.url_map.converters["int"] = IdConverter  # route ids a database can hold, else 404

    db.init_app(app)
    from . import tasks
    tasks.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    _init_login(app)
    _init_audit_actor(app)

    from .web import errors, security
    errors.init_app(app)
    security.init_app(app)
    from .web import context, times
    context.init_app(app)
    from .web import words
    words.init_app(app)
    times.init_app(app)
    from .packs import model as pack_model
    pack_model.display_locale = _display_locale

    from .home.views import bp as home_bp
    from .auth.views import bp as auth_bp
    from .auth.admin import bp as users_bp
    from .auth.token_views import bp as tokens_bp
    from .audit.views import bp as audit_bp
    from .units.views import bp as units_bp
    from .holders.admin import bp as holders_bp
    for bp in (home_bp, auth_bp, users_bp, tokens_bp, audit_bp, units_bp, holders_bp):
        app.register_blueprint(bp)
    from .define.views import bp as define_bp
    from .perform.views import bp as perform_bp, files_bp
    from .perform.calendar_views import bp as calendar_bp
    from .supervise.views import bp as supervise_bp
    from .evaluate.views import bp as evaluate_bp
    from .accountability.views import bp as accountability_bp
    from .holders.views import bp as todo_bp
    for bp in (define_bp, perform_bp, files_bp, calendar_bp, supervise_bp, evaluate_bp, accountability_bp, todo_bp):
        app.register_blueprint(bp)
    from .holders import access as holder_access
    holder_access.init_app(app)

    from . import api
    api.init_app(app)

    from .cli import register_app_commands
    register_app_commands(app)
    return app


def _select_locale() -> str:
    if not has_request_context():  # CLI commands speak the default language
        return "zh_CN"
    if request.path.startswith("/api/"):
        # Programs say what they read in Accept-Language; Chinese unless English is preferred.
        best = request.accept_languages.best_match(("zh-CN", "en"), default="zh-CN")
        return "en" if best == "en" else "zh_CN"
    lang = session.get("lang")
    return lang if lang in ("zh_CN", "en") else "zh_CN"


def _init_login(app: Flask) -> None:
    from .auth.models import User
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("请先登录。")
    login_manager.login_message_category = "info"
    from flask_babel import gettext
    login_manager.localize_callback = gettext  # flashed already translated: base.html shows flashes as text
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(session_id: str):
        from .api.auth import is_token_request
        from .web.ids import parse_id
        if is_token_request():
            return None  # a request with an Authorization header is judged by it alone
        user_id, _dot, fingerprint = (session_id or "").partition(".")
        number = parse_id(user_id)
        user = User.get_or_none(User.id == number) if number else None
        if user is None or not user.active or fingerprint != user.session_fingerprint():
            return None  # gone, disabled, or its password changed since this session began
        return user

    @login_manager.request_loader
    def _load_from_token(req):
        from .api.auth import load_user_from_request
        return load_user_from_request(req)

    @login_manager.unauthorized_handler
    def _unauthorized():
        from flask import redirect, url_for, make_response
        if request.path.startswith("/api/"):
            from .api.auth import CHALLENGE
            from .web.errors import Unauthorized
            raise Unauthorized(headers={"WWW-Authenticate": CHALLENGE})
        target = url_for("auth.login", next=request.full_path.rstrip("?"))
        if request.headers.get("HX-Request") == "true":
            response = make_response("", 204)
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target)


def _init_audit_actor(app: Flask) -> None:
    """Attribute audited writes of a request to the logged-in user."""
    from .audit import set_actor
    from .audit.log import _actor

    @app.before_request
    def _set_actor():
        if current_user.is_authenticated:
            g._audit_token = set_actor(current_user.id, current_user.username)

    @app.teardown_request
    def _reset_actor(exc):
        token = g.pop("_audit_token", None)
        if token is not None:
            _actor.reset(token)
