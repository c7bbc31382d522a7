"""What a rule's data is called: labels read from the JSON Schema of the data.

A ``Node`` wraps one schema node and answers the words a sentence needs: the
field's title in a locale (``x-i18n``), the label of an enum value
(``x-enum-labels``), whether it is a date, a boolean or an array, the measure
word of its numbers (``x-unit``, e.g. 个) and the schema of a child or of an
array's items. Only local ``$ref``s are followed; anything unexpected in a
schema (it may come from another district's pack) yields no label, never an
error.
"""
from __future__ import annotations

from typing import Any

MAX_REF_HOPS = 16


class Node:
    """One schema node seen from a rule: ``Node(schema, root)``; ``Node.empty()`` knows nothing."""

    __slots__ = ("schema", "root", "locale")

    def __init__(self, schema: Any, root: Any = None, locale: str = "zh"):
        self.root = root if isinstance(root, dict) else (schema if isinstance(schema, dict) else {})
        self.locale = locale
        self.schema = _resolve(schema, self.root)

    @classmethod
    def empty(cls, locale: str = "zh") -> "Node":
        return cls({}, {}, locale)

    def _wrap(self, schema: Any) -> "Node":
        return Node(schema, self.root, self.locale)

    # -- navigation ---------------------------------------------------------------
    def child(self, key: Any) -> "Node":
        """The schema of ``key`` (a property name, or an index into an array)."""
        for branch in self._branches():
            if isinstance(key, str):
                props = branch.get("properties")
                if isinstance(props, dict) and isinstance(props.get(key), (dict, bool)):
                    return self._wrap(props[key])
            if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
                items = branch.get("items")
                if isinstance(items, dict):
                    return self._wrap(items)
        return self._wrap({})

    def path(self, keys: list) -> "Node":
        node = self
        for key in keys:
            node = node.child(key)
        return node

    def items(self) -> "Node":
        """The schema of an array's items."""
        for branch in self._branches():
            if isinstance(branch.get("items"), dict):
                return self._wrap(branch["items"])
        return self._wrap({})

    def _branches(self) -> list[dict]:
        out = [self.schema]
        for key in ("allOf", "anyOf", "oneOf"):
            subs = self.schema.get(key)
            if isinstance(subs, list):
                out += [s for s in (_resolve(x, self.root) for x in subs[:16]) if s]
        return out

    # -- words ----------------------------------------------------------------------
    def _i18n(self) -> dict:
        table = self.schema.get("x-i18n")
        if self.locale == "zh" or not isinstance(table, dict):
            return {}
        over = table.get(self.locale)
        return over if isinstance(over, dict) else {}

    def title(self) -> str:
        """The field's title in the locale ('' when the schema has none)."""
        over = self._i18n().get("title")
        if isinstance(over, str) and over.strip():
            return over.strip()
        title = self.schema.get("title")
        return title.strip() if isinstance(title, str) else ""

    def unit(self) -> str:
        """The measure word of the field's numbers (x-unit), '' when none."""
        over = self._i18n().get("unit")
        if isinstance(over, str):
            return over
        if self.locale != "zh":
            return ""  # a Chinese measure word has no place in an English sentence
        unit = self.schema.get("x-unit")
        return unit if isinstance(unit, str) and len(unit) <= 10 else ""

    def value_label(self, value: Any) -> str | None:
        """The label of an enum value (x-enum-labels, or enumNames in x-i18n), None when none."""
        if not isinstance(value, str):
            return None
        for node in (self, self.items()):
            labels = node._i18n().get("enumNames")
            enum = node.schema.get("enum")
            if isinstance(labels, list) and isinstance(enum, list) and value in enum and len(labels) == len(enum):
                label = labels[enum.index(value)]
                return label if isinstance(label, str) else None
            labels = node.schema.get("x-enum-labels")
            if isinstance(labels, dict) and isinstance(labels.get(value), str):
                return labels[value]
        return None

    def types(self) -> set[str]:
        kinds = set()
        for branch in self._branches():
            kind = branch.get("type")
            if isinstance(kind, str):
                kinds.add(kind)
            elif isinstance(kind, list):
                kinds.update(k for k in kind if isinstance(k, str))
            if "const" in branch and isinstance(branch["const"], bool):
                kinds.add("boolean")
        return kinds

    def is_boolean(self) -> bool:
        return self.types() == {"boolean"}

    def is_date(self) -> bool:
        return any(b.get("format") in ("date", "date-time") for b in self._branches())

    def is_array(self) -> bool:
        return "array" in self.types()


def _resolve(schema: Any, root: dict) -> dict:
    """Follow local $refs; anything that is not a schema object becomes {}."""
    for _ in range(MAX_REF_HOPS):
        if not isinstance(schema, dict):
            return {}
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#"):
            return schema
        target: Any = root
        for token in [t for t in ref[1:].split("/") if t]:
            token = token.replace("~1", "/").replace("~0", "~")
            target = target.get(token) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            return {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}} if len(schema) > 1 else target
    return {}
