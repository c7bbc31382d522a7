"""Aggregates over records for duty check rules: count_if, sum_of, count_distinct.

Like ``filter``, the condition/expression is evaluated with each element as
the data. A missing (null) array counts as empty, so a unit with no records
simply scores 0.
"""

from __future__ import annotations

import json

from ..env import charge_walk
from ..values import norm_number, to_number, truthy
from .arrays import compile_iteration, items_of, scoped_eval


def _results(body, items, env, scoped):
    if scoped:
        return (r for _, r in scoped_eval(body, items, env))
    return (body(x, env) for x in items)


def build_count_if(c, args, ptr):
    """``{"count_if": [array, cond]}``: how many elements satisfy cond (all of them with [array])."""
    array_fn, body, _, cost, scoped = compile_iteration(c, args, ptr, "count_if", 1, 2)

    def count_if(data, env):
        items = items_of(array_fn(data, env), "count_if", env, cost)
        if body is None:
            return len(items)
        if not scoped:
            n = 0
            for x in items:
                v = body(x, env)
                if v is True or (v is not False and truthy(v)):
                    n += 1
            return n
        return sum(1 for r in _results(body, items, env, scoped) if truthy(r))

    return count_if


def build_sum_of(c, args, ptr):
    """``{"sum_of": [array, expr, cond?]}``: total of expr over the elements that satisfy cond."""
    array_fn, body, rest, cost, scoped = compile_iteration(c, args, ptr, "sum_of", 2, 3)
    cond = rest[0] if rest else None
    if cond is not None:
        from ..compiler import size_of

        cost += size_of(args[2])

    def pair(x, env):
        if cond is not None and not truthy(cond(x, env)):
            return 0
        return to_number(body(x, env))

    def sum_of(data, env):
        items = items_of(array_fn(data, env), "sum_of", env, cost)
        total = 0
        for r in _results(pair, items, env, scoped):
            total = norm_number(total + r)
        return total

    return sum_of


def _key(value, env):
    t = type(value)
    if t is bool:
        return ("b", value)
    if t is int or t is float:
        return ("n", value)
    if t is str:
        return ("s", value)
    charge_walk(env, value)     # the JSON text is as long as the value's logical size
    return ("j", json.dumps(value, sort_keys=True, separators=(",", ":")))


def build_count_distinct(c, args, ptr):
    """``{"count_distinct": [array, expr]}``: number of distinct non-null values of expr."""
    array_fn, body, _, cost, scoped = compile_iteration(c, args, ptr, "count_distinct")

    def count_distinct(data, env):
        items = items_of(array_fn(data, env), "count_distinct", env, cost)
        return len({_key(r, env) for r in _results(body, items, env, scoped) if r is not None})

    return count_distinct


OPERATORS = {
    "count_if": build_count_if,
    "sum_of": build_sum_of,
    "count_distinct": build_count_distinct,
}
