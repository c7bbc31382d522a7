"""Values every template can use: navigation, roles, languages."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import get_locale


def export_url(fmt: str) -> str:
    """This very list (same filters) as a download in ``fmt`` (csv or xlsx)."""
    args = {k: v for k, v in request.args.items() if k not in ("export", "page")}
    return url_for(request.endpoint, **(request.view_args or {}), **args, export=fmt)


def init_app(app) -> None:
    """Register the template context processor."""
    from .. import STAGES
    from ..auth.models import ROLES
    from ..auth.views import LANGUAGES
    from . import gettext
    gettext.init_app(app)

    # a global, so macros imported without context (editor_macros) see it too
    app.jinja_env.globals["ui_locale"] = lambda: str(get_locale())

    @app.context_processor
    def _inject():
        return {"stages": STAGES, "role_labels": ROLES, "languages": LANGUAGES,
                "current_locale": str(get_locale()), "request_path": request.path,
                "export_url": export_url}
