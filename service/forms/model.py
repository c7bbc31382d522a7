"""The compiled form: a checked schema plus per-node caches, shared by render,
parse and validate. Compiled forms are cached by a hash of the schema's
canonical JSON (bounded LRU), so callers may pass a fresh dict every time."""
from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from .schema_loader import DEFAULT_LIMITS, Limits, load_schema, resolve_pointer

__all__ = ["FormSchema", "compile_form", "schema_key"]

_CACHE_SIZE = 128
_cache: "OrderedDict[str, FormSchema]" = OrderedDict()
_lock = threading.Lock()


def schema_key(schema: Any) -> str:
    """Hash of the schema's compact JSON text (the cache key). Keys are not
    sorted: property order is the form's field order, so it must count."""
    text = json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def compile_form(schema: Any, limits: Limits = DEFAULT_LIMITS) -> "FormSchema":
    """Check the schema (as :func:`load_schema` does) and return the cached compiled form."""
    if isinstance(schema, FormSchema):
        return schema
    if isinstance(schema, (str, bytes)):
        schema = load_schema(schema, limits=limits)
    key = schema_key(schema) if limits == DEFAULT_LIMITS else f"{schema_key(schema)}:{limits!r}"
    with _lock:
        form = _cache.get(key)
        if form is not None:
            _cache.move_to_end(key)
            return form
    form = FormSchema(load_schema(schema, limits=limits), limits, key)
    with _lock:
        _cache[key] = form
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return form


# Shared stand-ins for boolean schemas and missing "items": caches key on node
# ids, so these must be the same objects every time (and are never mutated).
TRUE_SCHEMA: dict = {}
FALSE_SCHEMA: dict = {"not": {}}
CONDITIONAL_KEYS = frozenset(("if", "then", "else", "dependentRequired", "dependentSchemas",
                              "oneOf", "anyOf", "__cond"))


class FormSchema:
    """A checked schema with memoised dereferencing and jsonschema validators."""

    def __init__(self, root: dict, limits: Limits, key: str):
        self.root = root
        self.limits = limits
        self.key = key
        self._resolved: dict[int, dict] = {}
        self._keep: list[Any] = []          # keeps merged nodes alive (ids stay unique)
        self._validators: dict[int, Any] = {}
        self._rules: dict[int, Any] = {}
        self.extra: dict[Any, Any] = {}     # per-form caches of other modules
        self._validator = None

    # -- dereferencing -------------------------------------------------------
    def resolve(self, node: Any) -> dict:
        """Return node with $ref followed and allOf merged (memoised by node id)."""
        if not isinstance(node, dict):
            return TRUE_SCHEMA if node is True or node is None else FALSE_SCHEMA
        cached = self._resolved.get(id(node))
        if cached is not None:
            return cached
        out = node
        if "$ref" in node:
            target = self.resolve(resolve_pointer(self.root, node["$ref"][1:]))
            out = merge_schemas(target, {k: v for k, v in node.items() if k != "$ref"})
        if "allOf" in out and isinstance(out["allOf"], list):
            # Conditionals of each allOf entry are kept apart (in "__cond"):
            # merging two entries' "if" keywords would lose one of them.
            merged = {k: v for k, v in out.items() if k != "allOf"}
            conds = list(merged.get("__cond", []))
            for sub in out["allOf"]:
                sub = self.resolve(sub)
                plain = {k: v for k, v in sub.items() if k not in CONDITIONAL_KEYS}
                if len(plain) != len(sub):
                    conds.append(sub)
                merged = merge_schemas(merged, plain)
            if conds:
                merged["__cond"] = conds
            out = merged
        self._resolved[id(node)] = out
        self._keep.append(node)
        return out

    def derived(self, key: Any, factory) -> Any:
        """A schema node built from others (merges, synthetic selects), memoised
        so that its id stays stable and caches keyed by id don't grow per call."""
        hit = self.extra.get(("derived", key))
        if hit is None:
            hit = self.extra[("derived", key)] = factory()
        return hit

    # -- validators ------------------------------------------------------------
    @property
    def validator(self):
        """The Draft 2020-12 validator for the whole form (re2 patterns, formats)."""
        if self._validator is None:
            from .validate import make_validator
            self._validator = make_validator(self.root)
        return self._validator

    def is_valid(self, subschema: Any, value: Any) -> bool:
        """Whether value is valid against a subschema of this form (refs resolve in the form)."""
        v = self._validators.get(id(subschema))
        if v is None:
            v = self.validator.evolve(schema=subschema)
            self._validators[id(subschema)] = v
            self._keep.append(subschema)
        try:
            return v.is_valid(value)
        except Exception:   # a broken subschema must not break rendering
            return False

    def rule(self, rule: Any):
        """Compiled JsonLogic rule (service.logic), memoised by node id."""
        fn = self._rules.get(id(rule))
        if fn is None:
            from service.logic import compile_rule  # engine built on branch `logic`
            fn = compile_rule(rule)
            self._rules[id(rule)] = fn
            self._keep.append(rule)
        return fn


def merge_schemas(base: dict, extra: dict) -> dict:
    """Shallow-merge two object schemas for display: properties merged per name,
    required unioned, other keywords from ``extra`` win."""
    if not extra:
        return base
    out = dict(base)
    for key, value in extra.items():
        if key == "properties" and isinstance(value, dict) and isinstance(base.get("properties"), dict):
            props = dict(base["properties"])
            for name, sub in value.items():
                if name in props and isinstance(props[name], dict) and isinstance(sub, dict):
                    props[name] = {**props[name], **sub} if sub else props[name]
                else:
                    props[name] = sub
            out["properties"] = props
        elif key == "required" and isinstance(value, list):
            out["required"] = list(dict.fromkeys(list(base.get("required") or []) + value))
        else:
            out[key] = value
    return out


def schema_types(node: dict) -> tuple[list[str], bool]:
    """(non-null types, nullable) of a resolved node, inferring when `type` is absent."""
    t = node.get("type")
    if isinstance(t, str):
        types = [t]
    elif isinstance(t, list):
        types = [x for x in t if isinstance(x, str)]
    else:
        types = []
        if "properties" in node or "required" in node:
            types = ["object"]
        elif "items" in node or "prefixItems" in node:
            types = ["array"]
        elif "format" in node or "pattern" in node or "minLength" in node or "maxLength" in node:
            types = ["string"]
        elif "minimum" in node or "maximum" in node or "multipleOf" in node:
            types = ["number"]
    nullable = "null" in types
    types = [x for x in types if x != "null"]
    if "integer" in types and "number" in types:
        types.remove("integer")
    return types, nullable


def deepcopy_json(value: Any) -> Any:
    """Copy of a JSON value (used for defaults so callers can't alias the schema)."""
    return copy.deepcopy(value)
