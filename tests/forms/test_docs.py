"""docs/forms.md documents every extension, widget key and limit (Datasette-style)."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from service.forms import Limits, registry

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "forms.md").read_text()


def test_every_x_extension_the_code_reads_is_documented():
    used = set()
    for path in (ROOT / "service" / "forms").glob("*.py"):
        used |= set(re.findall(r'"(x-[a-z0-9-]+)"', path.read_text()))
    assert used, "no extensions found"
    missing = sorted(x for x in used if f"`{x}`" not in DOC)
    assert not missing, f"undocumented: {missing}"


def test_every_widget_key_is_documented():
    keys = {key for _, key in registry.names() if key != "default"}
    missing = sorted(k for k in keys if f'"{k}"' not in DOC and f"`{k}`" not in DOC)
    assert not missing, f"undocumented widget keys: {missing}"


def test_every_limit_is_documented():
    for field in dataclasses.fields(Limits):
        assert field.name in DOC, field.name


def test_every_public_function_is_documented():
    import service.forms as forms
    for name in forms.__all__:
        if name not in ("registry", "compile_form", "FieldError", "FormPost", "Limits",
                        "SchemaError", "SubmissionError"):
            assert f"`{name}" in DOC, name
