"""Server-drawn SVG charts (pygal): one look for every chart of the app, and the
response that serves one as an image (no script, its own strict CSP)."""
from __future__ import annotations

import re

import pygal
from flask import Response

FONT = "Noto Sans CJK SC, sans-serif"
#: Series colours, red first (the commission's), then colours that stay apart in print.
COLOURS = ("#b3261e", "#1f5fa8", "#2e8540", "#a86a00", "#6b3fa0", "#00838f", "#5d4037", "#c2185b")


def style(colours: tuple[str, ...] = COLOURS, **extra) -> pygal.style.Style:
    """The app's chart style: white, CJK font, legible sizes."""
    return pygal.style.Style(background="white", plot_background="white", colors=colours, value_font_size=14,
                             label_font_size=14, major_label_font_size=14, legend_font_size=14,
                             title_font_size=16, font_family=FONT, **extra)


def svg_response(chart) -> Response:
    """``chart`` rendered as an SVG image response."""
    # pygal always writes its tooltip configuration as a script; an image needs none.
    svg = re.sub(r"<script\b.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                             "Vary": "Cookie"})
