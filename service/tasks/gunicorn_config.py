"""gunicorn settings for ``dutyloop serve`` (``-c python:service.tasks.gunicorn_config``).

gunicorn writes ``Server: gunicorn`` itself, before the app's headers, and has no
setting for it: leave the line out of the headers it adds. The master imports
this module before forking, so every worker answers without it.
"""
from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


if not getattr(wsgi.Response, "_dutyloop_quiet", False):
    wsgi.Response.default_headers = _default_headers_without_server
    wsgi.Response._dutyloop_quiet = True
