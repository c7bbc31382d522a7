"""``readOnly`` on submit: the server, not the browser, decides those values.

A read-only input can be edited by anyone with developer tools, so after
parsing, every ``readOnly`` field takes its stored value back (or, on a new
record, the schema's ``default``/``const``, or nothing).
"""
from __future__ import annotations

import copy
from typing import Any

from .model import compile_form

_MISSING = object()


def restore_read_only(schema: Any, data: Any, original: Any = None) -> Any:
    """``data`` with every readOnly field reset from ``original`` (or its default)."""
    fs = compile_form(schema)
    return _walk(fs, fs.root, copy.deepcopy(data), original)


def _fixed_value(node: dict, original: Any) -> Any:
    if original is not _MISSING:
        return copy.deepcopy(original)
    for key in ("const", "default"):
        if key in node:
            return copy.deepcopy(node[key])
    return _MISSING


def _walk(fs, raw: Any, value: Any, original: Any) -> Any:
    node = fs.resolve(raw)
    if isinstance(value, dict):
        props = node.get("properties") if isinstance(node.get("properties"), dict) else {}
        before = original if isinstance(original, dict) else {}
        for name, sub_raw in props.items():
            sub = fs.resolve(sub_raw)
            if sub.get("readOnly") is True:
                fixed = _fixed_value(sub, before.get(name, _MISSING))
                if fixed is _MISSING:
                    value.pop(name, None)
                else:
                    value[name] = fixed
            elif name in value:
                value[name] = _walk(fs, sub_raw, value[name], before.get(name))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        before = original if isinstance(original, list) else []
        value = [_walk(fs, node["items"], v, before[i] if i < len(before) else None)
                 for i, v in enumerate(value)]
    return value
