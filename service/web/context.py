"""Values every template can use: navigation, roles, languages."""
from __future__ import annotations

from flask import request
from flask_babel import get_locale


def init_app(app) -> None:
    """Register the template context processor."""
    from .. import STAGES
    from ..auth.models import ROLES
    from ..auth.views import LANGUAGES

    @app.context_processor
    def _inject():
        return {"stages": STAGES, "role_labels": ROLES, "languages": LANGUAGES,
                "current_locale": str(get_locale()), "request_path": request.path}
