"""``/api/v1/docs``: the OpenAPI document shown by the app's own pinned Swagger UI.

No CDN (intranets are offline) and no inline script: the page loads
``vendor/swagger-ui`` (swagger-ui-dist, pinned, with its licence) and
``api-docs.js``, which reads the document's address from a ``data-`` attribute.
The page sends its own strict Content-Security-Policy, so it is known to work
under one.
"""
from __future__ import annotations

from flask import Blueprint, make_response, render_template, url_for

from ..web.security import CONTENT_SECURITY_POLICY

bp = Blueprint("api_docs", __name__)

SWAGGER_UI_VERSION = "5.35.0"
CSP = CONTENT_SECURITY_POLICY  # the same policy as every page (service/web/security.py)


@bp.get("/api/v1/docs")
def docs():
    """The interactive API reference."""
    response = make_response(render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"),
                                              swagger_ui_version=SWAGGER_UI_VERSION))
    response.headers["Content-Security-Policy"] = CSP
    return response
