"""Control flow: if/?:, and, or, !, !!, ??, throw, try, preserve, log."""

from __future__ import annotations

from ..env import charge_walk, scope_stack
from ..errors import RuleEvalError, RuleLimitError
from ..values import short, truthy


def build_if(c, args, ptr):
    """``{"if": [cond, then, cond2, then2, ..., else]}`` — lazy, variadic."""
    fns = c.fixed_args(args, ptr, "if")
    if not fns:
        return c.const(None)
    if len(fns) == 1:
        return fns[0]
    if len(fns) == 3:
        cond, then, other = fns

        def if3(data, env):
            v = cond(data, env)
            if v is True or (v is not False and truthy(v)):
                return then(data, env)
            return other(data, env)

        return if3
    pairs = [(fns[i], fns[i + 1]) for i in range(0, len(fns) - 1, 2)]
    other = fns[-1] if len(fns) % 2 else None

    def if_chain(data, env):
        for cond, then in pairs:
            if truthy(cond(data, env)):
                return then(data, env)
        return other(data, env) if other is not None else None

    return if_chain


def build_and(c, args, ptr):
    """``{"and": [...]}``: the first falsy value, else the last; false when empty."""
    fns = c.fixed_args(args, ptr, "and")
    if not fns:
        return c.const(False)
    if len(fns) == 2:
        f, g = fns

        def and2(data, env):
            v = f(data, env)
            if v is True or (v is not False and truthy(v)):
                return g(data, env)
            return v

        return and2

    def and_all(data, env):
        v = False
        for f in fns:
            v = f(data, env)
            if v is not True and (v is False or not truthy(v)):
                return v
        return v

    return and_all


def build_or(c, args, ptr):
    """``{"or": [...]}``: the first truthy value, else the last; false when empty."""
    fns = c.fixed_args(args, ptr, "or")
    if not fns:
        return c.const(False)

    if len(fns) == 2:
        f, g = fns

        def or2(data, env):
            v = f(data, env)
            if v is True or (v is not False and truthy(v)):
                return v
            return g(data, env)

        return or2

    def or_any(data, env):
        v = False
        for f in fns:
            v = f(data, env)
            if v is True or (v is not False and truthy(v)):
                return v
        return v

    return or_any


def _first(c, args, ptr):
    if isinstance(args, list):
        return c.compile(args[0], ptr + "/0") if args else c.const(None)
    return c.compile(args, ptr)


def build_not(c, args, ptr):
    """``{"!": x}``: negated truthiness."""
    f = _first(c, args, ptr)

    def not_(data, env):
        v = f(data, env)
        return v is False or (v is not True and not truthy(v))

    return not_


def build_not_not(c, args, ptr):
    """``{"!!": x}``: truthiness as a boolean."""
    f = _first(c, args, ptr)

    def not_not(data, env):
        v = f(data, env)
        return v is True or (v is not False and truthy(v))

    return not_not


def build_coalesce(c, args, ptr):
    """``{"??": [a, b, ...]}``: the first value that is not null."""
    fns = [c.compile(a, f"{ptr}/{i}") for i, a in enumerate(args)] if isinstance(args, list) else [c.compile(args, ptr)]

    def coalesce(data, env):
        for f in fns:
            v = f(data, env)
            if v is not None:
                return v
        return None

    return coalesce


def build_throw(c, args, ptr):
    """``{"throw": value}``: fail with that error type (an object's ``type`` if it has one)."""
    f = _first(c, args, ptr)

    def throw(data, env):
        value = f(data, env)
        if type(value) is dict or type(value) is list:
            charge_walk(env, value)     # whoever shows the error walks the value
        if type(value) is dict:
            kind = value.get("type")
            raise RuleEvalError(kind, f"thrown: {kind if type(kind) is str else short(kind)}", payload=value)
        raise RuleEvalError(value, f"thrown: {value if type(value) is str else short(value)}")

    return throw


def build_try(c, args, ptr):
    """``{"try": [a, b, ...]}``: the first alternative that does not fail.

    Each fallback sees the previous error (``{"type": ...}``) as its data and
    the enclosing data two scope levels up. Limits are never caught.
    """
    items = args if isinstance(args, list) else [args]
    before = c.scope_uses
    fns = [c.compile(a, f"{ptr}/{i}" if isinstance(args, list) else ptr) for i, a in enumerate(items)]
    scoped = c.scope_uses > before
    if not fns:
        return c.const(None)

    def attempt(data, env):
        error = None
        for f in fns:
            try:
                if error is None:
                    return f(data, env)
                payload = error.payload
                if not scoped:
                    return f(payload, env)
                stack = scope_stack(env)
                depth = len(stack)
                stack.append({})
                stack.append(payload)
                try:
                    return f(payload, env)
                finally:
                    del stack[depth:]
            except RuleLimitError:
                raise
            except RuleEvalError as exc:
                error = exc
        raise error

    return attempt


def build_preserve(c, args, ptr):
    """``{"preserve": x}``: x as a literal, not evaluated."""
    return c.const(args)


def build_log(c, args, ptr):
    """``{"log": x}``: x unchanged (no side effects in this engine)."""
    return _first(c, args, ptr)


OPERATORS = {
    "if": build_if,
    "?:": build_if,
    "and": build_and,
    "or": build_or,
    "!": build_not,
    "!!": build_not_not,
    "??": build_coalesce,
    "throw": build_throw,
    "try": build_try,
    "preserve": build_preserve,
    "log": build_log,
}
