"""Strings: cat and substr (JS ``substr`` semantics, negative length counts from the end)."""

from __future__ import annotations

from ..env import LIMITS, charge, charge_walk, check_string
from ..errors import limit
from ..values import to_number, to_str, to_str_within


def text_of(env, value, room: int) -> str:
    """The text of one ``cat``/``substr`` argument, refused before it grows past ``room``.

    An array is charged its logical size and joined only up to ``room``
    characters, so 1,000 references to one long string never build the whole."""
    t = type(value)
    if t is str:
        return value
    if t is list:
        charge_walk(env, value)
        text = to_str_within(value, room)
        if text is None:
            raise limit(f"string longer than the limit of {env[LIMITS].max_string} characters")
        return text
    return to_str(value)


def build_cat(c, args, ptr):
    """``{"cat": [a, b, ...]}``: concatenation; null is "", numbers print as in JS.

    The total length is checked before anything is joined."""
    _, collect = c.collector(args, ptr)

    def cat(data, env):
        room = env[LIMITS].max_string
        parts = []
        total = 0
        for v in collect(data, env):
            text = v if type(v) is str else text_of(env, v, room - total)
            total += len(text)
            check_string(env, total)
            parts.append(text)
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
        text = text_of(env, values[0], env[LIMITS].max_string) if values else ""
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
