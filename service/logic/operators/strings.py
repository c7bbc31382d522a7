"""Strings: cat and substr (JS ``substr`` semantics, negative length counts from the end)."""

from __future__ import annotations

from ..env import charge, check_string
from ..values import to_number, to_str


def build_cat(c, args, ptr):
    """``{"cat": [a, b, ...]}``: concatenation; null is "", numbers print as in JS."""
    _, collect = c.collector(args, ptr)

    def cat(data, env):
        parts = [to_str(v) for v in collect(data, env)]
        total = sum(map(len, parts))
        check_string(env, total)
        if total > 1024:
            charge(env, total >> 4)
        return "".join(parts)

    return cat


def _int(v):
    n = to_number(v)
    return int(n) if n == n else 0


def build_substr(c, args, ptr):
    """``{"substr": [text, start, length]}``: negative start counts from the end."""
    _, collect = c.collector(args, ptr)

    def substr(data, env):
        values = collect(data, env)
        text = to_str(values[0]) if values else ""
        n = len(text)
        check_string(env, n)
        if n > 1024:
            charge(env, n >> 4)
        start = _int(values[1]) if len(values) > 1 else 0
        if start < 0:
            start = max(n + start, 0)
        start = min(start, n)
        if len(values) > 2 and values[2] is not None:
            length = _int(values[2])
            end = n + length if length < 0 else start + length
            return text[start:max(end, start)]
        return text[start:]

    return substr


OPERATORS = {"cat": build_cat, "substr": build_substr}
