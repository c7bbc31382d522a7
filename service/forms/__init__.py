"""JSON Schema (2020-12) form renderer: server-side HTML, parsing and
validation with Chinese messages, htmx-ready. Plain Python + Jinja2 (no Flask).

See docs/forms.md for how to write forms and how the app wires the hooks.
"""
from __future__ import annotations

from typing import Any

from .conditions import schema_at as _schema_at
from .files import check_upload, file_refs
from .model import compile_form
from .parse import FormPost, apply_array_op, parse_choices, parse_submission, read_post
from .readonly import restore_read_only
from .render import render_field, render_form, render_summary
from .schema_loader import Limits, SchemaError, SubmissionError, load_schema
from .validate import FieldError, validate
from .widgets import registry

__all__ = ["render_form", "render_field", "render_summary", "restore_read_only", "parse_submission", "parse_choices", "validate",
           "FieldError", "load_schema", "SchemaError", "SubmissionError", "Limits",
           "apply_array_op", "read_post", "FormPost", "errors_for", "check_upload", "file_refs", "schema_at", "registry", "compile_form"]


def schema_at(schema: Any, data: Any, pointer: str) -> Any:
    """The schema of the field at ``pointer`` given the current answers (None
    when that field is not on the form) — e.g. for :func:`check_upload`."""
    fs = compile_form(schema)
    node = _schema_at(fs, data, pointer)
    return None if node is None else fs.resolve(node)


def errors_for(errors: list, pointer: str) -> list:
    """The errors of one field and the fields inside it (for inline validation)."""
    return [e for e in errors if e.path == pointer or e.path.startswith(pointer + "/")]
