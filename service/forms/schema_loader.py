"""Loading form schemas that may come from other districts (untrusted input).

Every schema goes through :func:`load_schema` before anything else touches it:
size and depth limits, no remote or file ``$ref``, no recursive ``$ref``, and
every ``pattern`` must compile with RE2 so matching stays linear-time.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Mapping

import re2

__all__ = ["Limits", "SchemaError", "SubmissionError", "load_schema", "DEFAULT_LIMITS"]


class SchemaError(ValueError):
    """The form schema is malformed, unsafe or exceeds a limit.

    ``pointer`` is the JSON pointer (inside the schema) of the offending part.
    """

    def __init__(self, message: str, pointer: str = ""):
        super().__init__(f"{message} (at {pointer or '/'})")
        self.message = message
        self.pointer = pointer


class SubmissionError(ValueError):
    """A submitted form exceeds a limit (too many fields, too many array items)."""


@dataclass(frozen=True)
class Limits:
    """Caps applied to untrusted schemas and submissions."""

    max_schema_bytes: int = 512 * 1024
    max_depth: int = 32
    max_properties: int = 2000      # property definitions summed over the schema
    max_items: int = 500            # cap on any array's length (maxItems above it is refused)
    max_fields: int = 10000         # submitted (name, value) pairs
    max_value_chars: int = 100_000  # one submitted value
    max_name_chars: int = 1024      # one submitted field name
    max_name_segments: int = 64     # '/'-separated segments of one field name
    max_upload_bytes: int = 50 * 1024 * 1024


DEFAULT_LIMITS = Limits()

# Keywords whose values are schemas / maps of schemas / lists of schemas.
_SCHEMA_KEYS = ("items", "not", "if", "then", "else", "additionalProperties",
                "contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties")
_MAP_KEYS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_LIST_KEYS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unesc(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def iter_subschemas(node: Any, pointer: str = ""):
    """Yield (pointer, subschema) for node and every schema nested in it."""
    if not isinstance(node, dict):
        return
    yield pointer, node
    for key in _SCHEMA_KEYS:
        if isinstance(node.get(key), dict):
            yield from iter_subschemas(node[key], f"{pointer}/{key}")
    for key in _MAP_KEYS:
        sub = node.get(key)
        if isinstance(sub, dict):
            for name, value in sub.items():
                yield from iter_subschemas(value, f"{pointer}/{key}/{_esc(name)}")
    for key in _LIST_KEYS:
        sub = node.get(key)
        if isinstance(sub, list):
            for i, value in enumerate(sub):
                yield from iter_subschemas(value, f"{pointer}/{key}/{i}")


def _depth(value: Any, limit: int) -> None:
    """Refuse JSON nested deeper than ``limit`` (iteratively: no recursion limit hit)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise SchemaError(f"表单定义嵌套过深（超过 {limit} 层）")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def _pointer_tokens(fragment: str) -> list[str]:
    """The unescaped tokens of a JSON pointer (RFC 6901): '~' must be '~0' or '~1'."""
    tokens = []
    for raw in fragment[1:].split("/"):
        if "~" in raw.replace("~0", "").replace("~1", ""):
            raise SchemaError(f"引用中的 ~ 必须写成 ~0 或 ~1：#{fragment}")
        tokens.append(_unesc(raw))
    return tokens


def _array_index(token: str, fragment: str) -> int | None:
    """An array index as RFC 6901 writes it: '0' or digits without a leading zero."""
    if not (token.isascii() and token.isdigit()):
        return None
    if len(token) > 1 and token[0] == "0":
        raise SchemaError(f"引用中的数组下标不能有前导零：{token}（#{fragment}）")
    return int(token)


def canonical_pointer(root: Any, fragment: str) -> tuple[str, Any]:
    """(canonical pointer, target) of a fragment inside root, or SchemaError.

    Two spellings of one place (``01`` for ``0``, ``a~2`` …) are refused or
    rewritten to one, so comparing pointers as strings compares places."""
    if fragment in ("", "/"):
        return "", root
    if not fragment.startswith("/"):
        raise SchemaError(f"不支持的引用片段 #{fragment}")
    node = root
    canonical = []
    for token in _pointer_tokens(fragment):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and (index := _array_index(token, fragment)) is not None and index < len(node):
            node = node[index]
            token = str(index)
        else:
            raise SchemaError(f"引用的位置不存在：#{fragment}")
        canonical.append(_esc(token))
    return "/" + "/".join(canonical), node


def resolve_pointer(root: Any, fragment: str) -> Any:
    """Resolve a JSON pointer fragment (without '#') inside root, or raise SchemaError."""
    return canonical_pointer(root, fragment)[1]


def _bundle(schema: dict, registry: Mapping[str, Any] | None) -> dict:
    """Copy in-pack registry schemas into $defs and rewrite refs to point there.

    The result only has local ('#...') references, so renderer, parser,
    jsonschema and hypothesis all resolve them the same way.
    """
    registry = dict(registry or {})
    bundled: dict[str, str] = {}   # registry id -> $defs key
    defs: dict[str, Any] = {}

    def rewrite(node: Any, base_key: str | None) -> Any:
        if isinstance(node, list):
            return [rewrite(v, base_key) for v in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = rewrite_ref(value, base_key)
            elif key in ("enum", "const", "default", "examples", "x-visible-if", "x-required-if"):
                out[key] = value
            else:
                out[key] = rewrite(value, base_key)
        return out

    def rewrite_ref(ref: str, base_key: str | None) -> str:
        target, _, fragment = ref.partition("#")
        if target == "":
            if base_key is None:
                return ref
            return f"#/$defs/{_esc(base_key)}{fragment}"
        if target not in registry:
            raise SchemaError(f"不允许引用外部定义：{ref}（只能引用表单内部或本规则包内的定义）")
        if target not in bundled:
            key = f"pack:{target}"
            bundled[target] = key
            defs[key] = None  # placeholder: guards against cycles between pack schemas
            defs[key] = rewrite(copy.deepcopy(registry[target]), key)
        return f"#/$defs/{_esc(bundled[target])}{fragment}"

    result = rewrite(schema, None)
    if defs:
        result.setdefault("$defs", {})
        if not isinstance(result["$defs"], dict):
            raise SchemaError("$defs 必须是对象", "/$defs")
        result["$defs"].update(defs)
    return result


def _check_refs(root: dict) -> None:
    """Every $ref must be local and resolvable, and no ref chain may loop."""
    refs: dict[str, str] = {}
    for pointer, node in iter_subschemas(root):
        ref = node.get("$ref")
        if ref is None:
            continue
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise SchemaError(f"不允许引用外部定义：{ref}（只能引用表单内部或本规则包内的定义）", pointer)
        # Canonical, so the cycle check below compares places, not spellings (#/allOf/01 is #/allOf/1).
        try:
            refs[pointer] = canonical_pointer(root, ref[1:])[0]
        except SchemaError as exc:
            raise SchemaError(exc.message, pointer) from None
        for key in ("$dynamicRef", "$recursiveRef"):
            if key in node:
                raise SchemaError(f"不支持 {key}", pointer)
    # A ref whose target contains (directly or through further refs) the ref
    # itself would make the form infinitely deep: refuse it.
    for start, target in refs.items():
        seen = set()
        stack = [target]
        while stack:
            cur = stack.pop()
            if cur in seen:
                continue
            seen.add(cur)
            for ptr, tgt in refs.items():
                if ptr == cur or ptr.startswith(cur + "/"):
                    if ptr == start:
                        raise SchemaError("表单定义中存在递归引用，不受支持", start)
                    stack.append(tgt)


def _check_keywords(root: dict, limits: Limits) -> None:
    props = 0
    for pointer, node in iter_subschemas(root):
        if "$id" in node and pointer:
            raise SchemaError("嵌套的 $id 不受支持", pointer)
        for key in ("pattern",):
            if key in node:
                _compile_re2(node[key], f"{pointer}/{key}")
        for key in ("properties", "patternProperties"):
            if key in node and not isinstance(node[key], dict):
                raise SchemaError(f"{key} 必须是对象", f"{pointer}/{key}")
        for name in node.get("patternProperties") or {}:
            _compile_re2(name, f"{pointer}/patternProperties")
        for name in node.get("properties") or {}:
            props += 1
            if name.startswith("__"):
                raise SchemaError(f"字段名不能以 __ 开头：{name}", f"{pointer}/properties")
        for key in ("x-visible-if", "x-required-if"):
            if key in node:
                _check_rule(node[key], f"{pointer}/{key}")
        max_items = node.get("maxItems")
        if isinstance(max_items, int) and max_items > limits.max_items:
            raise SchemaError(f"maxItems 不能超过 {limits.max_items}", pointer)
        for key in ("x-order", "required"):
            if key in node and not isinstance(node[key], list):
                raise SchemaError(f"{key} 必须是列表", f"{pointer}/{key}")
    if props > limits.max_properties:
        raise SchemaError(f"字段数量过多（{props}，上限 {limits.max_properties}）")


def _check_rule(rule: Any, pointer: str) -> None:
    """x-visible-if / x-required-if must compile with the rule engine (when it is installed)."""
    try:
        from service.logic import compile_rule
    except ImportError:
        return
    try:
        compile_rule(rule)
    except Exception as exc:    # RuleError and friends: the message says what is wrong
        raise SchemaError(f"条件规则无效：{exc}", pointer) from None


def _compile_re2(pattern: Any, pointer: str) -> None:
    if not isinstance(pattern, str):
        raise SchemaError("pattern 必须是字符串", pointer)
    try:
        re2.compile(pattern)
    except re2.error as exc:
        raise SchemaError(f"正则表达式不受支持（不能使用反向引用或环视）：{pattern}：{exc}", pointer) from None


def load_schema(schema_or_text: Any, *, registry: Mapping[str, Any] | None = None,
                limits: Limits = DEFAULT_LIMITS) -> dict:
    """Parse and check an untrusted form schema; return a self-contained copy.

    ``schema_or_text`` is a dict, or JSON text/bytes. ``registry`` maps
    pack-local ids (e.g. ``"common/person.json"``) to schemas that may be
    referenced as ``{"$ref": "common/person.json#/$defs/x"}``; those are copied
    into ``$defs`` so the result has only local refs. Raises
    :class:`SchemaError` on any problem.
    """
    if isinstance(schema_or_text, (bytes, str)):
        raw = schema_or_text.encode() if isinstance(schema_or_text, str) else schema_or_text
        if len(raw) > limits.max_schema_bytes:
            raise SchemaError(f"表单定义过大（{len(raw)} 字节，上限 {limits.max_schema_bytes}）")
        try:
            schema = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise SchemaError(f"表单定义不是有效的 JSON：{exc}") from None
    else:
        schema = schema_or_text
    if not isinstance(schema, dict):
        raise SchemaError("表单定义必须是 JSON 对象")
    _depth(schema, limits.max_depth)
    if registry:
        for value in registry.values():
            _depth(value, limits.max_depth)
    size = len(json.dumps(schema, ensure_ascii=False).encode())
    if size > limits.max_schema_bytes:
        raise SchemaError(f"表单定义过大（{size} 字节，上限 {limits.max_schema_bytes}）")
    schema = _bundle(copy.deepcopy(schema), registry)
    schema_id = schema.get("$schema")
    if schema_id not in (None, "https://json-schema.org/draft/2020-12/schema"):
        raise SchemaError(f"只支持 JSON Schema 2020-12：{schema_id}")
    _check_refs(schema)
    _check_keywords(schema, limits)
    _depth(schema, limits.max_depth + 2)
    return schema
