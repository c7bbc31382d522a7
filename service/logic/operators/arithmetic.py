"""Arithmetic on JS doubles: + - * / % min max.

Arguments convert with ``to_number`` (null 0, booleans 0/1, numeric strings);
anything else, division by zero and overflow are "NaN" errors.
"""

from __future__ import annotations

import math

from ..errors import invalid, nan
from ..values import MAX_SAFE, norm_number, to_number


def _num(v):
    t = type(v)
    return v if t is int or t is float else to_number(v)


def _plus(values):
    total = 0
    for v in values:
        total = norm_number(total + _num(v))
    return total


def _times(values):
    total = 1
    for v in values:
        total = norm_number(total * _num(v))
    return total


def _minus(values):
    if not values:
        raise invalid("- needs at least one argument")
    if len(values) == 1:
        return norm_number(-_num(values[0]))
    total = _num(values[0])
    for v in values[1:]:
        total = norm_number(total - _num(v))
    return total


def _divide2(a, b):
    if b == 0:
        raise nan("division by zero")
    return norm_number(a / b)


def _divide(values):
    if not values:
        raise invalid("/ needs at least one argument")
    if len(values) == 1:
        return _divide2(1, _num(values[0]))
    total = _num(values[0])
    for v in values[1:]:
        total = _divide2(total, _num(v))
    return total


def _mod2(a, b):
    if b == 0:
        raise nan("modulo by zero")
    if type(a) is int and type(b) is int:
        r = abs(a) % abs(b)
        return -r if a < 0 else r
    return norm_number(math.fmod(a, b))


def _modulo(values):
    if len(values) < 2:
        raise invalid("% needs at least two arguments")
    total = _num(values[0])
    for v in values[1:]:
        total = _mod2(total, _num(v))
    return total


def _extreme(pick, name):
    def extreme(values):
        if not values:
            raise invalid(f"{name} needs at least one argument")
        for v in values:
            if type(v) in (list, dict):
                raise invalid(f"{name} takes numbers")
        return pick(_num(v) for v in values)

    return extreme


FUNCTIONS = {
    "+": _plus,
    "*": _times,
    "-": _minus,
    "/": _divide,
    "%": _modulo,
    "max": _extreme(max, "max"),
    "min": _extreme(min, "min"),
}


def _fast2(op):
    """Two-argument closures that skip list building for the common case."""
    if op == "+":

        def plus(a, b):
            if type(a) is int and type(b) is int:
                r = a + b
                return r if -MAX_SAFE <= r <= MAX_SAFE else norm_number(r)
            return norm_number(_num(a) + _num(b))

        return plus
    if op == "-":
        return lambda a, b: norm_number(_num(a) - _num(b))
    if op == "*":
        return lambda a, b: norm_number(_num(a) * _num(b))
    if op == "/":
        return lambda a, b: _divide2(_num(a), _num(b))
    if op == "%":
        return lambda a, b: _mod2(_num(a), _num(b))
    return None


def _builder(op):
    func = FUNCTIONS[op]
    fast = _fast2(op)

    def build(c, args, ptr):
        fns, collect = c.collector(args, ptr)
        if fns is not None and len(fns) == 2 and fast is not None:
            f, g = fns
            return lambda data, env: fast(f(data, env), g(data, env))
        return lambda data, env: func(collect(data, env))

    build.__doc__ = f"``{{{op!r}: [...]}}``: arithmetic."
    return build


OPERATORS = {op: _builder(op) for op in FUNCTIONS}
