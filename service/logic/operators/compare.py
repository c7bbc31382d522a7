"""Comparisons: == != === !== < <= > >=, all chained and lazy (``{"<": [a, b, c]}`` is a<b<c).

The closures take a fast path when both sides have the same plain type (the
common case: a field against a literal) and fall back to the full JS coercion
rules in ``values`` otherwise.
"""

from __future__ import annotations

import operator

from ..values import compare, loose_equal, strict_equal

NoneType = type(None)
ORDERABLE = (int, float, str)
SCALAR = (int, float, str, bool, NoneType)


def _loose(a, b):
    ta = type(a)
    if ta is type(b) and ta in SCALAR:
        return a == b
    return loose_equal(a, b)


def _ordering(raw):
    def ordered(a, b):
        ta, tb = type(a), type(b)
        if (ta is int or ta is float) and (tb is int or tb is float):
            return raw(a, b)
        if ta is str and tb is str:
            return raw(a, b)
        return raw(compare(a, b), 0)

    return ordered


# op -> (predicate with full semantics, raw Python operator, types where raw is exact)
TABLE = {
    "==": (_loose, operator.eq, SCALAR),
    "!=": (lambda a, b: not _loose(a, b), operator.ne, SCALAR),
    "===": (strict_equal, operator.eq, SCALAR),
    "!==": (lambda a, b: not strict_equal(a, b), operator.ne, SCALAR),
    "<": (_ordering(operator.lt), operator.lt, ORDERABLE),
    "<=": (_ordering(operator.le), operator.le, ORDERABLE),
    ">": (_ordering(operator.gt), operator.gt, ORDERABLE),
    ">=": (_ordering(operator.ge), operator.ge, ORDERABLE),
}


def _two(c, pred, raw, fast, f, g):
    if c.is_const(g) and type(c.const_value(g)) in fast:
        b = c.const_value(g)
        tb = type(b)

        def against_const(data, env):
            a = f(data, env)
            if type(a) is tb:
                return raw(a, b)
            return pred(a, b)

        return against_const
    if c.is_const(f) and type(c.const_value(f)) in fast:
        a = c.const_value(f)
        ta = type(a)

        def const_against(data, env):
            b = g(data, env)
            if type(b) is ta:
                return raw(a, b)
            return pred(a, b)

        return const_against

    def both(data, env):
        a = f(data, env)
        b = g(data, env)
        ta = type(a)
        if ta is type(b) and ta in fast:
            return raw(a, b)
        return pred(a, b)

    return both


def _between(c, pred, raw, fast, f, g, h):
    lo, hi = c.const_value(f), c.const_value(h)
    t = type(lo)

    def between(data, env):
        v = g(data, env)
        if type(v) is t:
            return raw(lo, v) and raw(v, hi)
        return pred(lo, v) and pred(v, hi)

    return between


def _builder(op):
    pred, raw, fast = TABLE[op]

    def build(c, args, ptr):
        fns = c.fixed_args(args, ptr, op, 2)
        if len(fns) == 2:
            return _two(c, pred, raw, fast, *fns)
        if len(fns) == 3:
            f, g, h = fns
            if (c.is_const(f) and c.is_const(h) and type(c.const_value(f)) in fast
                    and type(c.const_value(f)) is type(c.const_value(h))):
                return _between(c, pred, raw, fast, f, g, h)

            def chain3(data, env):
                a = f(data, env)
                b = g(data, env)
                return pred(a, b) and pred(b, h(data, env))

            return chain3

        def chain(data, env):
            a = fns[0](data, env)
            for f in fns[1:]:
                b = f(data, env)
                if not pred(a, b):
                    return False
                a = b
            return True

        return chain

    build.__doc__ = f"``{{{op!r}: [a, b, ...]}}``: chained comparison."
    return build


OPERATORS = {op: _builder(op) for op in TABLE}
