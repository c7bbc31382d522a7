"""Comparisons: == != === !== < <= > >=, all chained and lazy (``{"<": [a, b, c]}`` is a<b<c)."""

from __future__ import annotations

import operator

from ..values import compare, loose_equal, strict_equal


def _fast_loose(a, b):
    ta = type(a)
    if ta is type(b) and (ta is str or ta is int or ta is float or ta is bool or a is None):
        return a == b
    return loose_equal(a, b)


def _order(test):
    """Make an ordering predicate with fast paths for numbers and strings."""

    def ordered(a, b):
        ta, tb = type(a), type(b)
        if (ta is int or ta is float) and (tb is int or tb is float):
            return test(a, b)
        if ta is str and tb is str:
            return test(a, b)
        return test(compare(a, b), 0)

    return ordered


PREDICATES = {
    "==": _fast_loose,
    "!=": lambda a, b: not _fast_loose(a, b),
    "===": strict_equal,
    "!==": lambda a, b: not strict_equal(a, b),
    "<": _order(operator.lt),
    "<=": _order(operator.le),
    ">": _order(operator.gt),
    ">=": _order(operator.ge),
}


def _builder(op):
    pred = PREDICATES[op]

    def build(c, args, ptr):
        fns = c.fixed_args(args, ptr, op, 2)
        if len(fns) == 2:
            f, g = fns
            if c.is_const(g):
                b = c.const_value(g)
                return lambda data, env: pred(f(data, env), b)
            return lambda data, env: pred(f(data, env), g(data, env))
        if len(fns) == 3:
            f, g, h = fns

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


OPERATORS = {op: _builder(op) for op in PREDICATES}
