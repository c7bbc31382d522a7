"""Compile a JsonLogic rule once into a tree of Python closures.

Each node becomes ``fn(data, env)``. ``env`` (one per evaluation, see env.py)
carries the caller's context, the step budget and, only when a rule uses
``val`` scope levels, the stack of enclosing iteration scopes. Work is charged in bulk where
it can grow: an iteration charges ``len(array) * body size`` before it starts,
and operators that build strings or arrays charge for what they produce, so a
rule cannot do more than ``max_steps`` units of work. Arrays built from other
values record their logical size (shared parts counted each time, see
``env.built``) and walks are charged by it, so sharing cannot multiply work.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from .env import NO_CONTEXT, ROOT, built, charge
from .errors import RuleCompileError, RuleError, RuleEvalError, limit
from .limits import DEFAULT_LIMITS, Limits
from .values import short, truthy


def escape_pointer(token) -> str:
    """Escape one JSON pointer token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def measure(rule, limits: Limits) -> int:
    """Count nodes and check depth without recursion; raise before going past a limit."""
    count = 0
    stack = [(rule, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > limits.max_nodes:
            raise RuleCompileError("Limit", f"rule has more than {limits.max_nodes} nodes")
        if depth > limits.max_depth:
            raise RuleCompileError("Limit", f"rule is nested deeper than {limits.max_depth} levels")
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    raise RuleCompileError("Invalid Arguments", "object keys must be strings")
                stack.append((value, depth + 1))
        elif isinstance(node, (list, tuple)):
            stack.extend((item, depth + 1) for item in node)
        elif not (node is None or isinstance(node, (str, bool, int, float))):
            raise RuleCompileError("Invalid Arguments", f"not a JSON value: {type(node).__name__}")
    return count


def size_of(node) -> int:
    """Node count of an (already measured) sub-rule: the cost of evaluating it once."""
    count = 0
    stack = [node]
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


class Compiler:
    """Turns rule JSON into closures; ``trace=True`` wraps every node for ``explain``."""

    def __init__(self, limits: Limits, trace: bool = False):
        from .operators import OPERATORS

        self.limits = limits
        self.trace = trace
        self.operators = OPERATORS
        self.constants: dict = {}
        # Bumped whenever a node may read enclosing scopes (val with levels);
        # iterations compare it before/after compiling their body.
        self.scope_uses = 0

    # -- building blocks used by operator builders ---------------------------------
    def const(self, value):
        """A closure returning a literal value."""

        def constant(data, env):
            return value

        self.constants[constant] = value
        return constant

    def is_const(self, fn) -> bool:
        """Whether ``fn`` was compiled from a literal."""
        return fn in self.constants

    def const_value(self, fn):
        """The literal behind a constant closure."""
        return self.constants[fn]

    def compile(self, node, pointer: str = ""):
        """Compile any rule node."""
        fn = self._compile(node, pointer)
        if self.trace:
            from .explain import wrap

            fn = wrap(self, fn, node, pointer)
        return fn

    def _compile(self, node, pointer):
        if isinstance(node, dict):
            if not node:
                return self.const({})
            if len(node) != 1:
                keys = ", ".join(sorted(node))[:80]
                raise RuleCompileError(
                    "Unknown Operator",
                    f"an operation must have exactly one key, got: {keys}",
                    pointer=pointer,
                )
            (op, args), = node.items()
            builder = self.operators.get(op)
            if builder is None:
                raise RuleCompileError("Unknown Operator", f"unknown operator {short(op)}", pointer=pointer)
            return builder(self, args, f"{pointer}/{escape_pointer(op)}")
        if isinstance(node, list):
            fns = [self.compile(item, f"{pointer}/{i}") for i, item in enumerate(node)]
            if not self.trace and all(self.is_const(f) for f in fns):
                return self.const([self.const_value(f) for f in fns])

            def array(data, env):
                return built(env, [f(data, env) for f in fns])

            return array
        return self.const(node)

    def fixed_args(self, args, pointer, op, lo=0, hi=None):
        """Compile args that must be a literal array of ``lo``..``hi`` items."""
        if not isinstance(args, list):
            raise RuleCompileError("Invalid Arguments", f"{op} needs an array of arguments", pointer=pointer)
        if len(args) < lo or (hi is not None and len(args) > hi):
            want = f"{lo}" if hi == lo else f"{lo}..{hi if hi is not None else 'n'}"
            raise RuleCompileError(
                "Invalid Arguments", f"{op} takes {want} arguments, got {len(args)}", pointer=pointer
            )
        return [self.compile(a, f"{pointer}/{i}") for i, a in enumerate(args)]

    def collector(self, args, pointer):
        """Compile args evaluated eagerly into a list.

        A literal array is evaluated item by item; a single expression that
        yields an array is spread (``{"+": {"val": "xs"}}`` sums xs).
        Returns ``(fns, collect)``: fns is the item closures or None.
        """
        if isinstance(args, list):
            fns = [self.compile(a, f"{pointer}/{i}") for i, a in enumerate(args)]

            def collect(data, env):
                return [f(data, env) for f in fns]

            return fns, collect
        single = self.compile(args, pointer)

        def collect_one(data, env):
            value = single(data, env)
            if type(value) is list:
                if len(value) > 64:
                    charge(env, len(value))     # the operator goes through every item
                return value
            return [value]

        return None, collect_one


def _as_rule_error(exc: Exception) -> RuleError:
    """What a rule author is told of a Python error raised while a rule ran: never the error itself."""
    if isinstance(exc, RecursionError):
        return limit("data nested too deeply to process")
    if isinstance(exc, MemoryError):
        return limit("out of memory")
    return RuleEvalError("Invalid Arguments", f"evaluation failed: {type(exc).__name__}")  # a bug, not the rule's


class CompiledRule:
    """A rule compiled once; call it with data (and context) to evaluate."""

    __slots__ = ("rule", "limits", "_fn", "_traced", "_lock", "_first_check")

    def __init__(self, rule, limits: Limits, fn):
        self.rule = rule
        self.limits = limits
        self._fn = fn
        self._first_check = min(limits.clock_every, limits.max_steps + 1)
        self._traced = None
        self._lock = threading.Lock()

    def __call__(self, data=None, context=None):
        """Evaluate the rule; raises only ``RuleError``."""
        try:
            # new_env() inlined: building the state is on the path of every call.
            return self._fn(data, [NO_CONTEXT if context is None else context, self.limits, 0,
                                   self._first_check, None, None, data, None, None])
        except RuleError:
            raise
        except Exception as exc:
            raise _as_rule_error(exc) from exc

    def matching(self, items: list, context=None, cost: int = 1) -> list[int]:
        """Indexes of the ``items`` for which the rule is truthy, each item being the data.

        What ``{"count_if": [items, rule]}`` counts, in one evaluation state: the same
        step budget and clock (``cost`` work units per item charged up front, as
        count_if does), so a caller gets the count and the items counted in one pass.
        Raises only ``RuleError``.
        """
        fn = self._fn
        env = [NO_CONTEXT if context is None else context, self.limits, 0, self._first_check,
               None, None, None, None, None]
        found = []
        try:
            charge(env, len(items) * cost)
            for index, item in enumerate(items):
                env[ROOT] = item
                value = fn(item, env)
                if value is True or (value is not False and truthy(value)):
                    found.append(index)
        except RuleError:
            raise
        except Exception as exc:
            raise _as_rule_error(exc) from exc
        return found

    def explain(self, data=None, context=None) -> dict:
        """Evaluate with a trace: ``{"result": ..., "trace": {...}}`` or ``{"error": ..., "trace": ...}``.

        The traced closures are compiled on first use, so plain evaluation
        never pays for tracing.
        """
        from .explain import run_traced

        with self._lock:
            if self._traced is None:
                self._traced = Compiler(self.limits, trace=True).compile(self.rule)
        return run_traced(self, self._traced, data, context)


_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 1024


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_text(rule) -> str:
    """The cache key text of a rule: JSON with sorted keys and no spaces."""
    try:
        return _ENCODER.encode(rule)
    except RecursionError:
        raise RuleCompileError("Limit", "rule is nested too deeply") from None
    except (TypeError, ValueError) as exc:
        if "Circular" in str(exc):
            raise RuleCompileError("Limit", "rule contains itself (infinitely deep)") from None
        raise RuleCompileError("Invalid Arguments", f"rule is not JSON: {exc}") from None


def compile_rule(rule, *, limits: Limits | None = None) -> CompiledRule:
    """Validate and compile ``rule`` (a JSON value); cached by canonical text and limits.

    Hold on to the returned ``CompiledRule`` where you can: a cache lookup
    still serialises the rule to find it.
    """
    limits = limits or DEFAULT_LIMITS
    if not isinstance(limits, Limits):
        raise TypeError("limits must be a Limits instance")
    key = (canonical_text(rule), limits)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    # Compile a private copy so later edits to the caller's dict cannot change a cached rule.
    rule = json.loads(key[0])
    measure(rule, limits)
    try:
        fn = Compiler(limits).compile(rule)
    except RuleError:
        raise
    except RecursionError:
        raise RuleCompileError("Limit", "rule nested too deeply") from None
    compiled = CompiledRule(rule, limits, fn)
    with _CACHE_LOCK:
        _CACHE[key] = compiled
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return compiled


def clear_cache() -> None:
    """Forget all compiled rules (tests use it)."""
    with _CACHE_LOCK:
        _CACHE.clear()
