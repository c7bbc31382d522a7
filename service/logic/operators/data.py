"""Reading the data: var, val, missing, missing_some, exists.

Only real dict keys and list indexes are ever read; nothing here touches
Python attributes, so ``{"var": "__class__"}`` is just a missing key.
"""

from __future__ import annotations

from ..env import built, charge, scope_stack
from ..errors import RuleCompileError
from ..values import number_to_str

MISSING = object()


def _index(key):
    """A list index from a JSON key, or None (JS: only canonical non-negative integers)."""
    t = type(key)
    if t is int:
        return key if key >= 0 else None
    if t is float:
        return int(key) if key.is_integer() and key >= 0 else None
    if t is str and key.isascii() and key.isdigit() and (key == "0" or key[0] != "0"):
        return int(key)
    return None


def step(data, key):
    """One path step into a dict or list; MISSING when absent."""
    t = type(data)
    if t is dict or isinstance(data, dict):
        if type(key) is not str:
            if type(key) is bool or key is None or isinstance(key, (list, dict)):
                return MISSING
            key = number_to_str(key)
        return data.get(key, MISSING)
    if t is list:
        i = _index(key)
        if i is not None and i < len(data):
            return data[i]
    return MISSING


def walk(data, parts):
    """Follow a path of keys; MISSING as soon as a step fails."""
    for key in parts:
        if data is None:
            return MISSING
        data = step(data, key)
        if data is MISSING:
            return MISSING
    return data


def var_parts(path):
    """Split a ``var`` path: dotted string, number, or null/"" for the whole data."""
    if path is None or path == "":
        return ()
    if type(path) is str:
        return tuple(path.split("."))
    if type(path) in (int, float) and type(path) is not bool:
        return (number_to_str(path),)
    if type(path) is list:
        return path     # walked as it is: copying a long path would be work nobody charged
    return (path,)


def build_var(c, args, ptr):
    """``{"var": "a.b"}`` / ``{"var": ["a.b", default]}``."""
    if isinstance(args, list):
        if len(args) > 2:
            raise RuleCompileError("Invalid Arguments", "var takes a path and an optional default", pointer=ptr)
        path_fn = c.compile(args[0], ptr + "/0") if args else c.const(None)
        default_fn = c.compile(args[1], ptr + "/1") if len(args) > 1 else c.const(None)
    else:
        path_fn = c.compile(args, ptr)
        default_fn = c.const(None)
    if c.is_const(path_fn) and c.is_const(default_fn):
        parts = var_parts(c.const_value(path_fn))
        default = c.const_value(default_fn)
        if not parts:
            return lambda data, env: data
        if len(parts) == 1 and default is None and type(parts[0]) is str:
            key = parts[0]

            def var_field(data, env):
                if type(data) is dict:
                    return data.get(key)
                value = step(data, key) if data is not None else MISSING
                return None if value is MISSING else value

            return var_field
        if len(parts) == 1:
            key = parts[0]

            def var_key(data, env):
                if type(data) is dict and type(key) is str:
                    value = data.get(key, MISSING)
                else:
                    value = step(data, key) if data is not None else MISSING
                return default if value is MISSING else value

            return var_key

        if all(type(p) is str for p in parts):

            def var_fields(data, env):
                # dict-only walk inline; anything else takes the general path
                value = data
                for key in parts:
                    if type(value) is dict:
                        value = value.get(key, MISSING)
                        if value is MISSING:
                            return default
                    else:
                        value = walk(value, (key,))
                        if value is MISSING:
                            return default
                return value

            return var_fields

        def var_path(data, env):
            value = walk(data, parts)
            return default if value is MISSING else value

        return var_path

    def var_dynamic(data, env):
        parts = var_parts(path_fn(data, env))
        value = walk(data, parts)
        return default_fn(data, env) if value is MISSING else value

    return var_dynamic


def _val_split(parts):
    """Split val args into (scope level or None, keys)."""
    if parts and type(parts[0]) is list and len(parts[0]) == 1:
        level = parts[0][0]
        if type(level) in (int, float) and type(level) is not bool:
            return abs(int(level)), parts[1:]
    return None, parts


def _val_lookup(data, env, parts):
    level, keys = _val_split(parts)
    if level is not None:
        stack = scope_stack(env)
        data = stack[max(len(stack) - 1 - level, 0)]
    value = walk(data, keys)
    return None if value is MISSING else value


def build_val(c, args, ptr):
    """``{"val": "key"}`` / ``{"val": ["a", "b"]}`` / ``{"val": [[2], "key"]}`` (scope levels)."""
    if isinstance(args, list):
        fns = [c.compile(a, f"{ptr}/{i}") for i, a in enumerate(args)]
        if all(c.is_const(f) for f in fns):
            parts = [c.const_value(f) for f in fns]
            level, keys = _val_split(parts)
            if level is not None:
                c.scope_uses += 1
                return lambda data, env: _val_lookup(data, env, parts)
            if not keys:
                return lambda data, env: data
            if len(keys) == 1:
                key = keys[0]

                def val_key(data, env):
                    if type(data) is dict and type(key) is str:
                        return data.get(key)
                    value = step(data, key) if data is not None else MISSING
                    return None if value is MISSING else value

                return val_key
            keys = tuple(keys)

            def val_path(data, env):
                value = walk(data, keys)
                return None if value is MISSING else value

            return val_path
        c.scope_uses += 1
        return lambda data, env: _val_lookup(data, env, [f(data, env) for f in fns])
    if c.is_const(fn := c.compile(args, ptr)):
        return build_val(c, [c.const_value(fn)], ptr)
    c.scope_uses += 1

    def val_dynamic(data, env):
        value = fn(data, env)
        return _val_lookup(data, env, value if type(value) is list else [value])

    return val_dynamic


def build_exists(c, args, ptr):
    """``{"exists": ["a", "b"]}``: whether the path is present (even if null)."""
    _, collect = c.collector(args, ptr)

    def exists(data, env):
        parts = collect(data, env)
        return bool(parts) and walk(data, parts) is not MISSING or (not parts and data is not None)

    return exists


def _is_missing(data, path) -> bool:
    value = walk(data, var_parts(path))
    return value is MISSING or value is None or value == ""


def build_missing(c, args, ptr):
    """``{"missing": ["a", "b.c"]}``: the keys whose value is absent, null or ""."""
    fns, collect = c.collector(args, ptr)
    if fns and all(c.is_const(f) and type(c.const_value(f)) in (str, int, float) for f in fns):
        keys = [(k, var_parts(k)) for k in (c.const_value(f) for f in fns)]
        if all(len(parts) == 1 and type(parts[0]) is str for _, parts in keys):
            pairs = [(k, parts[0]) for k, parts in keys]

            def missing_fields(data, env):
                out = []
                if type(data) is dict:
                    for key, name in pairs:
                        value = data.get(name)
                        if value is None or value == "":
                            out.append(key)
                    return out
                for key, name in pairs:
                    if _is_missing(data, name):
                        out.append(key)
                return out

            return missing_fields

        def missing_literal(data, env):
            out = []
            is_dict = type(data) is dict
            for key, parts in keys:
                if is_dict and len(parts) == 1:
                    value = data.get(parts[0], MISSING)
                else:
                    value = walk(data, parts)
                if value is MISSING or value is None or value == "":
                    out.append(key)
            return out

        return missing_literal

    def missing(data, env):
        keys = collect(data, env)
        if keys and type(keys[0]) is list:
            keys = keys[0]
        if len(keys) > 64:
            charge(env, len(keys))
        return built(env, [k for k in keys if _is_missing(data, k)])

    return missing


def build_missing_some(c, args, ptr):
    """``{"missing_some": [need, keys]}``: [] when at least ``need`` keys are present."""
    fns = c.fixed_args(args, ptr, "missing_some", 2, 2)
    need_fn, keys_fn = fns

    def missing_some(data, env):
        need, keys = need_fn(data, env), keys_fn(data, env)
        if type(keys) is not list:
            keys = [keys]
        if len(keys) > 64:
            charge(env, len(keys))
        absent = built(env, [k for k in keys if _is_missing(data, k)])
        present = len(keys) - len(absent)
        return [] if type(need) in (int, float) and present >= need else absent

    return missing_some


OPERATORS = {
    "var": build_var,
    "val": build_val,
    "exists": build_exists,
    "missing": build_missing,
    "missing_some": build_missing_some,
}
