"""Arrays: map, filter, reduce, all, some, none (scoped iteration), merge, in.

An iteration evaluates its body with each element as the data. When the body
reads enclosing scopes (``{"val": [[n], ...]}``) the iteration pushes two
levels per element — ``{"index": i}`` and the element — onto the scope stack;
otherwise it skips that bookkeeping.
"""

from __future__ import annotations

from ..compiler import size_of
from ..env import built, built_of, charge, charge_walk, check_array, scope_stack, value_size
from ..errors import RuleCompileError, invalid
from ..values import strict_equal, to_str, to_str_within, truthy


def compile_iteration(c, args, ptr, op, lo=2, hi=2, null_literals_ok=False):
    """Compile ``[array, body, ...]``; returns (array_fn, body_fn, rest_fns, cost, scoped)."""
    if not isinstance(args, list):
        raise RuleCompileError("Invalid Arguments", f"{op} needs [array, expression]", pointer=ptr)
    if len(args) < lo or len(args) > hi:
        raise RuleCompileError("Invalid Arguments", f"{op} takes {lo}..{hi} arguments", pointer=ptr)
    if args[0] is None or (len(args) > 1 and args[1] is None and not null_literals_ok):
        raise RuleCompileError("Invalid Arguments", f"{op} needs an array and an expression, not null", pointer=ptr)
    array_fn = c.compile(args[0], ptr + "/0")
    before = c.scope_uses
    body_fn = c.compile(args[1], ptr + "/1") if len(args) > 1 else None
    rest = [c.compile(a, f"{ptr}/{i}") for i, a in enumerate(args[2:], start=2)]
    scoped = c.scope_uses > before
    cost = size_of(args[1]) + 1 if len(args) > 1 else 1
    return array_fn, body_fn, rest, cost, scoped


def items_of(value, op, env, cost, null_is_empty=True):
    """The array to iterate, after charging its cost up front."""
    if type(value) is not list:
        if value is None and null_is_empty:
            return ()
        raise invalid(f"{op} needs an array, got {type(value).__name__ if value is not None else 'null'}")
    charge(env, len(value) * cost)
    return value


def scoped_eval(body, items, env, extra=None):
    """Evaluate ``body`` per element with the scope stack maintained; yields (element, result)."""
    stack = scope_stack(env)
    depth = len(stack)
    stack.append(None)
    stack.append(None)
    try:
        for i, item in enumerate(items):
            stack[depth] = {"index": i}
            data = item if extra is None else extra(item)
            stack[depth + 1] = data
            yield item, body(data, env)
    finally:
        del stack[depth:]


def build_map(c, args, ptr):
    """``{"map": [array, expr]}``: expr for each element."""
    array_fn, body, _, cost, scoped = compile_iteration(c, args, ptr, "map")

    def map_(data, env):
        items = items_of(array_fn(data, env), "map", env, cost)
        check_array(env, len(items))
        if scoped:
            return built(env, [r for _, r in scoped_eval(body, items, env)])
        return built(env, [body(x, env) for x in items])

    return map_


def build_filter(c, args, ptr):
    """``{"filter": [array, cond]}``: the elements for which cond is truthy."""
    array_fn, body, _, cost, scoped = compile_iteration(c, args, ptr, "filter")

    def filter_(data, env):
        items = items_of(array_fn(data, env), "filter", env, cost)
        if scoped:
            return [x for x, r in scoped_eval(body, items, env) if truthy(r)]
        return [x for x in items if (r := body(x, env)) is True or (r is not False and truthy(r))]

    return filter_


def build_reduce(c, args, ptr):
    """``{"reduce": [array, expr, initial]}``: expr sees {"current", "accumulator"}."""
    array_fn, body, rest, cost, scoped = compile_iteration(c, args, ptr, "reduce", 2, 3)
    initial_fn = rest[0] if rest else None

    def reduce_(data, env):
        items = items_of(array_fn(data, env), "reduce", env, cost)
        if initial_fn is not None:
            acc = initial_fn(data, env)
        elif items:
            acc, items = items[0], items[1:]
        else:
            return None
        if scoped:
            stack = scope_stack(env)
            depth = len(stack)
            stack.extend((None, None))
            try:
                for i, item in enumerate(items):
                    frame = {"current": item, "accumulator": acc}
                    stack[depth] = {"index": i}
                    stack[depth + 1] = frame
                    acc = body(frame, env)
            finally:
                del stack[depth:]
            return acc
        for item in items:
            acc = body({"current": item, "accumulator": acc}, env)
        return acc

    return reduce_


def _quantifier(op):
    def build(c, args, ptr):
        array_fn, body, _, cost, scoped = compile_iteration(c, args, ptr, op, null_literals_ok=True)

        def quantify(data, env):
            items = items_of(array_fn(data, env), op, env, cost, null_is_empty=False)
            results = (r for _, r in scoped_eval(body, items, env)) if scoped else (body(x, env) for x in items)
            if op == "all":
                if not items:
                    return False
                return all(truthy(r) for r in results)
            if op == "some":
                return any(truthy(r) for r in results)
            return not any(truthy(r) for r in results)

        return quantify

    build.__doc__ = f"``{{{op!r}: [array, cond]}}`` (all of an empty array is false)."
    return build


def build_merge(c, args, ptr):
    """``{"merge": [a, b, ...]}``: one flat array; non-arrays become elements."""
    _, collect = c.collector(args, ptr)

    def merge(data, env):
        parts = collect(data, env)
        total = sum(len(p) if type(p) is list else 1 for p in parts)
        check_array(env, total)
        if total > 64:
            charge(env, total)
        out = []
        size = 1
        for p in parts:
            if type(p) is list:
                out.extend(p)
                size += value_size(env, p) - 1     # its items, measured once however often merged
            else:
                out.append(p)
                size += value_size(env, p)
        return built_of(env, out, size)

    return merge


def build_in(c, args, ptr):
    """``{"in": [needle, haystack]}``: substring test for strings, strict membership for arrays."""
    fns = c.fixed_args(args, ptr, "in", 2, 2)
    f, g = fns
    if c.is_const(f) and type(c.const_value(f)) is str:
        needle = c.const_value(f)

        def str_in(data, env):
            hay = g(data, env)
            t = type(hay)
            if t is list or t is str:
                if len(hay) > 1024:
                    charge(env, len(hay) >> 5)
                return needle in hay
            return False

        return str_in

    def in_(data, env):
        needle, hay = f(data, env), g(data, env)
        t = type(hay)
        if t is str:
            if len(hay) > 1024:
                charge(env, len(hay) >> 10)
            if type(needle) is str:
                return needle in hay
            if type(needle) is list:
                charge_walk(env, needle)
                text = to_str_within(needle, len(hay))    # longer than the haystack: not in it
                return text is not None and text in hay
            return to_str(needle) in hay
        if t is list:
            tn = type(needle)
            if tn is str or needle is None:
                # str and null only ever equal themselves, so C-level `in` is JS-strict here.
                if len(hay) > 64:
                    charge(env, len(hay) >> 5)
                return needle in hay
            if len(hay) > 8:
                charge(env, len(hay) >> 2)
            return any(strict_equal(needle, x) for x in hay)
        return False

    return in_


OPERATORS = {
    "map": build_map,
    "filter": build_filter,
    "reduce": build_reduce,
    "all": _quantifier("all"),
    "some": _quantifier("some"),
    "none": _quantifier("none"),
    "merge": build_merge,
    "in": build_in,
}
