"""Evidence files: what a file field accepts, and checking an upload against it.

Storing uploads is the app's job; the form only keeps file references
``{"id", "name", "size", "type"}`` in the answers (round-tripped through hidden
inputs — the app must check that every submitted id belongs to the record)."""
from __future__ import annotations

import fnmatch
import os
from typing import Any

from .messages import human_size, msg
from .model import TRUE_SCHEMA, FormSchema, schema_types
from .schema_loader import DEFAULT_LIMITS

__all__ = ["check_upload", "accept_list", "max_bytes", "file_refs"]


def _file_node(node: dict) -> dict:
    """For an array of files the hints may sit on the array or on its items."""
    items = node.get("items") if isinstance(node.get("items"), dict) else {}
    return {**items, **node}


def accept_list(node: dict) -> list[str]:
    """Accepted types from ``x-accept`` (list or comma string) or contentMediaType."""
    node = _file_node(node)
    accept = node.get("x-accept", node.get("contentMediaType"))
    if isinstance(accept, str):
        accept = [a.strip() for a in accept.split(",")]
    if not isinstance(accept, list):
        return []
    return [str(a) for a in accept if str(a).strip()]


def max_bytes(fs: FormSchema | None, node: dict) -> int:
    """Size limit of one upload: ``x-max-bytes``, capped by the global limit."""
    cap = (fs.limits if fs else DEFAULT_LIMITS).max_upload_bytes
    value = _file_node(node).get("x-max-bytes")
    return min(value, cap) if isinstance(value, int) and value > 0 else cap


def check_upload(schema_at_pointer: Any, filename: str, content_type: str, size: int,
                 *, locale: str = "zh-CN") -> str | None:
    """Check one uploaded file against its field's schema (as returned by
    ``schema_at``); return an error message for the clerk, or None if acceptable."""
    node = schema_at_pointer if isinstance(schema_at_pointer, dict) else {}
    limit = max_bytes(None, node)
    if size <= 0:
        return msg(locale, "upload.empty")
    if size > limit:
        return msg(locale, "upload.too_big", size=human_size(size), limit=human_size(limit))
    accept = accept_list(node)
    if not accept:
        return None
    ext = os.path.splitext(filename or "")[1].lower()
    ctype = (content_type or "").split(";")[0].strip().lower()
    for item in accept:
        item = item.lower()
        if item.startswith(".") and ext == item:
            return None
        if "/" in item and ctype and fnmatch.fnmatchcase(ctype, item):
            return None
    return msg(locale, "upload.type", name=filename)


def file_refs(schema: Any, data: Any) -> list[tuple[str, dict]]:
    """(pointer, file reference) for every stored file in the answers — for the
    app to verify ownership and to garbage-collect unreferenced uploads."""
    from .model import compile_form
    from .widgets import registry
    from .conditions import object_layout
    from .names import esc
    fs = compile_form(schema)
    out: list[tuple[str, dict]] = []

    def walk(raw: Any, value: Any, pointer: str) -> None:
        node = fs.resolve(raw)
        kind = registry.kind(fs, node)
        if kind == "file":
            refs = value if isinstance(value, list) else [value]
            many = "array" in schema_types(node)[0]
            for i, ref in enumerate(refs):
                if isinstance(ref, dict):
                    out.append((f"{pointer}/{i}" if many else pointer, ref))
        elif kind == "object" and isinstance(value, dict):
            for name, sub in object_layout(fs, raw, value).props:
                if name in value:
                    walk(sub, value[name], f"{pointer}/{esc(name)}")
        elif kind == "array" and isinstance(value, list):
            for i, v in enumerate(value):
                walk(node.get("items", TRUE_SCHEMA), v, f"{pointer}/{i}")

    walk(fs.root, data, "")
    return out
