"""One helper decides whether a request gets a whole page or a fragment.

htmx sends ``HX-Request: true``; those requests get only the named block of
the same template (jinja2-fragments), everyone else the full page. Responses
vary on that header so caches never serve one in place of the other.
"""
from __future__ import annotations

from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """Whether the current request was made by htmx (and is not a boosted page load)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(template: str, *, block: str = "content", status: int = 200, **context) -> Response:
    """Render ``template`` as a page, or only its ``block`` for htmx requests."""
    if is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.headers.add("Vary", "HX-Request")
    return response
