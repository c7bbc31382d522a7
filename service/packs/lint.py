"""Pack-level lint of rules: literal values compared with enum fields.

The engine's static check knows paths and types, not enum values. In a
Chinese pack the commonest mistake is a value that looks right but is not
one of the form's options: 国有企业 for 国企, or full-width （） for (). Such a
rule compiles, type-checks and is silently never true, so the pack check
reports every literal that is not among the field's `enum` values.
"""
from __future__ import annotations

from typing import Any, Iterator

from .problems import pointer_join

EQUALITY = {"==", "===", "!=", "!=="}
ITERATIONS = {"count_if", "filter", "some", "none", "all", "sum_of", "count_distinct", "map"}


def _resolve(schema: Any, path: str) -> Any:
    """Schema at a dotted var path (None when unknown: no lint then)."""
    node = schema
    for part in path.split(".") if path else []:
        if not isinstance(node, dict):
            return None
        props = node.get("properties")
        if isinstance(props, dict) and part in props:
            node = props[part]
        elif node.get("type") == "array" and part.isdigit():
            node = node.get("items")
        else:
            return None
    return node if isinstance(node, dict) else None


def _var_schema(arg: Any, scope: Any) -> Any:
    if isinstance(arg, dict) and len(arg) == 1 and "var" in arg:
        path = arg["var"]
        if isinstance(path, list):
            path = path[0] if path else ""
        return _resolve(scope, path) if isinstance(path, str) else None
    return None


def _element_schema(arg: Any, scope: Any) -> Any:
    """Item schema of the array an iteration runs over, when it is known."""
    if isinstance(arg, dict) and len(arg) == 1:
        (op, args), = arg.items()
        if op == "var":
            array = _var_schema(arg, scope)
            return array.get("items") if isinstance(array, dict) and isinstance(array.get("items"), dict) else None
        if op == "filter" and isinstance(args, list) and args:
            return _element_schema(args[0], scope)
    return None


def _enum(schema: Any) -> list | None:
    if isinstance(schema, dict) and isinstance(schema.get("enum"), list):
        return schema["enum"]
    if isinstance(schema, dict) and "const" in schema:
        return [schema["const"]]
    return None


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def unknown_values(rule: Any, schema: Any, pointer: str = "") -> Iterator[tuple[str, Any, list]]:
    """(pointer, literal, allowed values) for each literal compared with an
    enum field that is not one of its values."""
    if isinstance(rule, list):
        for index, sub in enumerate(rule):
            yield from unknown_values(sub, schema, pointer_join(pointer, index))
        return
    if not isinstance(rule, dict) or len(rule) != 1:
        return
    (op, args), = rule.items()
    here = pointer_join(pointer, op)
    if not isinstance(args, list):
        yield from unknown_values(args, schema, here)
        return
    if op in ITERATIONS and args:
        yield from unknown_values(args[0], schema, pointer_join(here, 0))
        element = _element_schema(args[0], schema)
        for index, sub in enumerate(args[1:], 1):
            if element is not None:
                yield from unknown_values(sub, element, pointer_join(here, index))
        return
    if op in EQUALITY and len(args) == 2:
        for var_index, lit_index in ((0, 1), (1, 0)):
            allowed = _enum(_var_schema(args[var_index], schema))
            literal = args[lit_index]
            if allowed is not None and _scalar(literal) and literal not in allowed:
                yield pointer_join(here, lit_index), literal, allowed
    if op == "in" and len(args) == 2:
        needle, haystack = args
        array = _var_schema(haystack, schema)
        if array is not None and array.get("type") == "array" and _scalar(needle):
            allowed = _enum(array.get("items"))
            if allowed is not None and needle not in allowed:
                yield pointer_join(here, 0), needle, allowed
        allowed = _enum(_var_schema(needle, schema))
        if allowed is not None and isinstance(haystack, list):
            for index, literal in enumerate(haystack):
                if _scalar(literal) and literal not in allowed:
                    yield pointer_join(here, 1, index), literal, allowed
    for index, sub in enumerate(args):
        yield from unknown_values(sub, schema, pointer_join(here, index))
