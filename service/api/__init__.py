"""JSON API v1 (``/api/v1/``): the same data, rights and audit as the pages.

One module per resource group, each with its own ``Blueprint`` from
``.base``; ``GROUPS`` lists them in the order the document shows them. A
later stage adds its module (``service/api/findings.py``, say) and one entry
here. The OpenAPI 3.1 document (``/api/v1/openapi.json``) is generated from
the code by flask-smorest (see docs/api.md for why that library); the page at
``/api/v1/docs`` shows it with the pinned Swagger UI the app serves itself.
"""
from __future__ import annotations

import importlib

from flask import Flask

from ..web.ids import MAX_ID, IdConverter
from .base import Api

GROUPS = ("units", "packs", "plans", "records", "files", "reviews", "status", "checks", "findings",
          "statistics", "documents", "portraits")

DESCRIPTION = """\
The 五责闭环监督平台 (dutyloop) API. Authenticate with a personal API token
(`Authorization: Bearer dlt_…`, made on the account page or with
`dutyloop token create`); a browser session also works, and then writes need
the page's CSRF token in `X-CSRFToken`. Errors are RFC 9457 problem documents
in Chinese or English (`Accept-Language`). Lists answer
`{"items", "total", "page", "per_page"}` with `Link` headers. Reads send an
`ETag`; updates need it back in `If-Match` (428 without, 412 when stale).
See docs/api.md.
"""


def init_app(app: Flask) -> Api:
    """Mount the API on ``app``: settings, the document, every resource group, the guard."""
    app.config.setdefault("API_TITLE", "dutyloop API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": DESCRIPTION, "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {
            "type": "http", "scheme": "bearer", "bearerFormat": "dlt_ personal API token"}}},
    })
    api = Api(app)
    api.register_converter(IdConverter, lambda converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID})

    from .. import csrf
    for name in GROUPS:
        module = importlib.import_module(f"{__name__}.{name}")
        csrf.exempt(module.blp)  # the guard checks CSRF itself, for session-cookie writes only
        api.register_blueprint(module.blp)

    from .docs import bp as docs_bp
    app.register_blueprint(docs_bp)

    from .auth import guard
    app.before_request(guard)
    return api
