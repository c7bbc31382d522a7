"""Labels and other schema text, with per-locale overrides from ``x-i18n``."""
from __future__ import annotations

import json
from typing import Any

from .messages import norm_locale


def _i18n(node: dict, locale: str) -> dict:
    table = node.get("x-i18n")
    if norm_locale(locale) == "zh-CN" or not isinstance(table, dict):
        return {}
    for key in (locale, locale.split("-")[0], "en"):
        if isinstance(table.get(key), dict):
            return table[key]
    return {}


def text(node: dict, key: str, locale: str, default: str = "") -> str:
    """The node's ``key`` text (title, description, x-placeholder …) in ``locale``."""
    over = _i18n(node, locale)
    short = key[2:] if key.startswith("x-") else key
    for k in (key, short):
        if isinstance(over.get(k), str):
            return over[k]
    value = node.get(key)
    return value if isinstance(value, str) else default


def title(node: dict, name: str, locale: str) -> str:
    """Field label: title, else the property name."""
    return text(node, "title", locale, name)


def value_text(value: Any) -> str:
    """A JSON value as shown to people (strings bare, others as JSON)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def enum_options(fs, node: dict, locale: str) -> list[tuple[Any, str]] | None:
    """[(value, label)] for enum-like nodes: enum (+x-enum-labels / enumNames) or
    the oneOf/anyOf-of-consts-with-titles pattern; None if the node is not enum-like."""
    if isinstance(node.get("enum"), list):
        values = node["enum"]
        labels = _i18n(node, locale).get("enumNames")
        if not isinstance(labels, list):
            labels = node.get("x-enum-labels")
        if isinstance(labels, dict):
            return [(v, str(labels.get(value_text(v), value_text(v)))) for v in values]
        if isinstance(labels, list) and len(labels) == len(values):
            return [(v, str(label)) for v, label in zip(values, labels)]
        return [(v, value_text(v)) for v in values]
    for kw in ("oneOf", "anyOf"):
        alts = node.get(kw)
        if isinstance(alts, list) and alts:
            resolved = [fs.resolve(a) for a in alts]
            if all("const" in a for a in resolved):
                return [(a["const"], text(a, "title", locale, value_text(a["const"]))) for a in resolved]
    return None
