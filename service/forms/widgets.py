"""The widget registry: two-stage dispatch, as in react-jsonschema-form.

Stage 1 maps a schema to a *field kind* (string, number, enum, array, object,
…); stage 2 maps (kind, key) to a *widget* (a template under
``templates/forms/widgets/``), where key is ``x-widget``, else the string
``format``, else ``"default"``. Anything unknown lands on the named fallback
widget, which shows the raw JSON read-only (and submits it back unchanged)
instead of crashing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .model import FormSchema, schema_types
from .text import enum_options

__all__ = ["Widget", "Registry", "registry", "FALLBACK"]


@dataclass(frozen=True)
class Widget:
    """A registered widget: its template and, for <input>, the input type."""
    name: str
    template: str
    input_type: str = "text"


FALLBACK = Widget("fallback", "fallback")


class Registry:
    """Kinds (stage 1) and widgets (stage 2) in one place."""

    def __init__(self) -> None:
        self._kinds: list[tuple[str, Callable[[FormSchema, dict], bool]]] = []
        self._widgets: dict[tuple[str, str], Widget] = {}

    def add_kind(self, kind: str, test: Callable[[FormSchema, dict], bool]) -> None:
        """Register a field kind; kinds are tried in registration order."""
        self._kinds.append((kind, test))

    def add_widget(self, kind: str, key: str, widget: Widget) -> None:
        """Register the widget for (kind, key)."""
        self._widgets[(kind, key)] = widget

    def kind(self, fs: FormSchema, node: dict) -> str:
        """Stage 1: the field kind of a resolved schema node (memoised per form)."""
        key = ("kind", id(node), id(self))
        hit = fs.extra.get(key)
        if hit is not None:
            return hit
        found = "fallback"
        for kind, test in self._kinds:
            if test(fs, node):
                found = kind
                break
        fs.extra[key] = found
        fs._keep.append(node)
        return found

    def widget(self, kind: str, node: dict) -> Widget:
        """Stage 2: the widget for a kind, honouring x-widget and format."""
        hint = node.get("x-widget")
        if isinstance(hint, str) and (kind, hint) in self._widgets:
            return self._widgets[(kind, hint)]
        fmt = node.get("format")
        if isinstance(fmt, str) and (kind, fmt) in self._widgets:
            return self._widgets[(kind, fmt)]
        if kind == "string" and isinstance(node.get("maxLength"), int) and node["maxLength"] > 200:
            return self._widgets[("string", "textarea")]
        return self._widgets.get((kind, "default"), FALLBACK)

    def names(self) -> list[tuple[str, str]]:
        """All registered (kind, key) pairs (used by docs tests)."""
        return sorted(self._widgets)


def _single_type(fs: FormSchema, node: dict, wanted: str) -> bool:
    types, _ = schema_types(node)
    return types == [wanted]


def _is_file(fs, node):
    # file references are objects (one file) or arrays of them; the hint means nothing elsewhere
    return node.get("x-widget") == "file" and schema_types(node)[0] in (["object"], ["array"])


def _is_enum(fs, node):
    return enum_options(fs, node, "zh-CN") is not None


def _is_multi(fs, node):
    if not _single_type(fs, node, "array") or "prefixItems" in node:
        return False
    items = fs.resolve(node.get("items"))
    return _is_enum(fs, items) and (node.get("uniqueItems") is True or node.get("x-widget") == "checkboxes")


def _is_choice(fs, node):
    types, _ = schema_types(node)
    return not types and any(isinstance(node.get(k), list) and node.get(k) for k in ("oneOf", "anyOf"))


def _is_array(fs, node):
    return _single_type(fs, node, "array") and "prefixItems" not in node


def must_tick(node: dict) -> bool:
    """A box that must be ticked: ``{"type": "boolean", "const": true}`` (a checkbox the
    validator refuses unticked, not a fixed value)."""
    return node.get("const") is True and node.get("type") == "boolean"


registry = Registry()
registry.add_kind("file", _is_file)
registry.add_kind("const", lambda fs, n: "const" in n and not must_tick(n))
registry.add_kind("enum", _is_enum)
registry.add_kind("multi", _is_multi)
registry.add_kind("object", lambda fs, n: _single_type(fs, n, "object"))
registry.add_kind("array", _is_array)
registry.add_kind("string", lambda fs, n: _single_type(fs, n, "string"))
registry.add_kind("integer", lambda fs, n: _single_type(fs, n, "integer"))
registry.add_kind("number", lambda fs, n: _single_type(fs, n, "number"))
registry.add_kind("boolean", lambda fs, n: _single_type(fs, n, "boolean"))
registry.add_kind("choice", _is_choice)

for key, widget in {
    ("string", "default"): Widget("text", "input", "text"),
    ("string", "text"): Widget("text", "input", "text"),
    ("string", "textarea"): Widget("textarea", "textarea"),
    ("string", "date"): Widget("date", "input", "date"),
    ("string", "time"): Widget("time", "datetime", "time"),
    ("string", "date-time"): Widget("datetime", "datetime", "datetime-local"),
    ("string", "email"): Widget("email", "input", "email"),
    ("string", "uri"): Widget("uri", "input", "url"),
    ("string", "tel"): Widget("tel", "input", "tel"),
    ("number", "default"): Widget("number", "input", "number"),
    ("integer", "default"): Widget("integer", "input", "number"),
    ("boolean", "default"): Widget("checkbox", "checkbox"),
    ("boolean", "checkbox"): Widget("checkbox", "checkbox"),
    ("boolean", "select"): Widget("yesno", "select"),
    ("enum", "default"): Widget("select", "select"),
    ("enum", "select"): Widget("select", "select"),
    ("enum", "radio"): Widget("radio", "radio"),
    ("multi", "default"): Widget("checkboxes", "checkboxes"),
    ("multi", "checkboxes"): Widget("checkboxes", "checkboxes"),
    ("array", "default"): Widget("repeat", "repeat"),
    ("object", "default"): Widget("fieldset", "fieldset"),
    ("const", "default"): Widget("const", "const"),
    ("file", "default"): Widget("file", "file"),
    ("file", "file"): Widget("file", "file"),
    ("choice", "default"): Widget("choice", "choice"),
    ("fallback", "default"): FALLBACK,
}.items():
    registry.add_widget(*key, widget)


def boolean_widget(node: dict, required: bool) -> Widget:
    """Booleans: a checkbox when required and not nullable (unchecked = false);
    otherwise a tri-state select (未填写/是/否) so 'not answered' survives."""
    hint = node.get("x-widget")
    _, nullable = schema_types(node)
    if must_tick(node):
        return registry.widget("boolean", {"x-widget": "checkbox"})
    if hint in ("checkbox", "select"):
        return registry.widget("boolean", node)
    if required and not nullable:
        return registry.widget("boolean", {"x-widget": "checkbox"})
    return registry.widget("boolean", {"x-widget": "select"})


def enum_encoding(options: list[tuple[Any, str]]) -> bool:
    """True when all option values are strings (submitted bare); else JSON text is used."""
    return all(isinstance(v, str) for v, _ in options)
