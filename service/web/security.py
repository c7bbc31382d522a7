"""Response headers that limit what a browser does with our pages (see docs/security.md).

- A strict Content-Security-Policy: scripts and styles only from our own static files (no inline
  ``<script>``, no ``on…=`` handlers, no ``style=`` attributes, no ``eval``), so markup that slips
  through escaping is inert.
- ``Cache-Control: no-store`` on everything but static files: signed-in pages, exports and
  evidence files stay out of browser and proxy caches.
- No ``Server`` header naming the software (Werkzeug's development server here; gunicorn's in
  ``service/tasks/gunicorn_config.py``).
"""
from __future__ import annotations

from flask import request

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",   # Swagger UI's and the pages' small SVG icons
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
))


def _is_static(endpoint: str | None) -> bool:
    return bool(endpoint) and (endpoint == "static" or endpoint.endswith(".static"))


def security_headers(response):
    """Add the security headers to ``response`` (an ``after_request`` hook)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Referrer-Policy", "same-origin")
    if not _is_static(request.endpoint):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.pop("Pragma", None)
    return response


def _quiet_development_server() -> None:
    """Werkzeug's server (tests, ``flask run``) sends ``Server: Werkzeug/x Python/y``
    from ``BaseHTTPRequestHandler.send_response``; send the same response line
    and ``Date`` without it."""
    from werkzeug.serving import WSGIRequestHandler
    if getattr(WSGIRequestHandler, "_dutyloop_quiet", False):
        return

    def send_response(self, code, message=None):
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    WSGIRequestHandler.send_response = send_response
    WSGIRequestHandler._dutyloop_quiet = True


def init_app(app) -> None:
    """Register the headers on every response."""
    _quiet_development_server()
    app.after_request(security_headers)
