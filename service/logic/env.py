"""Per-evaluation state, kept in a plain list because building it is on every call's path.

Layout (indexes): the caller's context, the limits, steps used, the step count
at which to look at the clock next, the deadline (set at the first clock
check, so a call that never gets that far never reads the clock), the scope
stack (created only by rules that read enclosing scopes), the root data, the
tracer of ``explain``, and the logical sizes of the arrays and objects measured
so far (created on first use; see ``value_size``).
"""

from __future__ import annotations

import time
from types import MappingProxyType

from .errors import limit

CONTEXT, LIMITS, STEPS, NEXT_CHECK, DEADLINE, STACK, ROOT, TRACER, SIZES = range(9)
NO_CONTEXT = MappingProxyType({})


def new_env(data, context, limits, tracer=None) -> list:
    """A fresh evaluation state."""
    return [NO_CONTEXT if context is None else context, limits, 0,
            min(limits.clock_every, limits.max_steps + 1), None, None, data, tracer, None]


def charge(env: list, units: int) -> None:
    """Spend ``units`` of the step budget; every ``clock_every`` units, check budget and clock."""
    env[STEPS] += units
    if env[STEPS] >= env[NEXT_CHECK]:
        _check(env)


def _check(env: list) -> None:
    lim = env[LIMITS]
    if env[STEPS] > lim.max_steps:
        raise limit(f"step budget of {lim.max_steps} exceeded")
    now = time.perf_counter()
    if env[DEADLINE] is None:
        env[DEADLINE] = now + lim.wall_clock
    elif now > env[DEADLINE]:
        raise limit(f"wall-clock limit of {lim.wall_clock}s exceeded")
    env[NEXT_CHECK] = min(env[STEPS] + lim.clock_every, lim.max_steps + 1)


def check_array(env: list, n: int) -> None:
    """Refuse to build an array longer than the limit."""
    if n > env[LIMITS].max_array:
        raise limit(f"array of {n} items exceeds the limit of {env[LIMITS].max_array}")


def check_string(env: list, n: int) -> None:
    """Refuse to build a string longer than the limit."""
    if n > env[LIMITS].max_string:
        raise limit(f"string of {n} characters exceeds the limit of {env[LIMITS].max_string}")


def scope_stack(env: list) -> list:
    """The stack of enclosing scopes (root data first), created on first use."""
    stack = env[STACK]
    if stack is None:
        stack = env[STACK] = [env[ROOT]]
    return stack


# -- logical sizes ----------------------------------------------------------------------
#
# Values share parts by reference: {"merge": [[x], [x]]} is a two-item array
# whose items are the same object, so a reduce that merges its accumulator
# with itself doubles the logical size of its result at the cost of one step.
# Whatever later walks such a value (cat, json, a page that shows it) does the
# work of its logical size. So every operator that builds an array from values
# it did not make (array literals, merge, map, missing) records the logical
# size of what it built and refuses it past ``max_value_size``; a walk is
# charged that size first. Sizes are kept per object for one evaluation
# (``env[SIZES]``: id -> (size, object), the object held so the id stays its
# own), so a value is measured once however often it is shared.


def _scalar_size(value) -> int:
    return 1 + len(value) if type(value) is str else 1


def value_size(env: list, value) -> int:
    """Logical size of ``value``: nodes plus characters, shared parts counted each time."""
    t = type(value)
    if t is str:
        return 1 + len(value)
    if t is not list and t is not dict:
        return 1
    sizes = env[SIZES]
    if sizes is None:
        sizes = env[SIZES] = {}
    hit = sizes.get(id(value))
    return hit[0] if hit is not None else _measure(env, sizes, value)


def _measure(env: list, sizes: dict, root) -> int:
    """Measure a value not seen before, iteratively (data may be deep), each object once."""
    stack = [(root, False)]
    walked = 0
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        items = node.values() if type(node) is dict else node
        if not children_done:
            stack.append((node, True))
            for item in items:
                t = type(item)
                if (t is list or t is dict) and id(item) not in sizes:
                    stack.append((item, False))
            continue
        total = 1
        for item in items:
            t = type(item)
            if t is list or t is dict:
                total += sizes[id(item)][0]
            else:
                total += 1 + len(item) if t is str else 1
        if type(node) is dict:
            total += sum(len(k) for k in node if type(k) is str)
        walked += len(node)
        sizes[key] = (total, node)
    charge(env, walked)
    return sizes[id(root)][0]


_FLAT = frozenset({int, float, bool, type(None)})


def built(env: list, value: list) -> list:
    """Record the logical size of an array an operator just built; refuse it past the limit."""
    types = set(map(type, value))       # C speed: most arrays hold only numbers or only text
    if types <= _FLAT:      # cheap to measure again: not worth remembering
        check_size(env, 1 + len(value))
        return value
    if types == {str}:
        check_size(env, 1 + len(value) + sum(map(len, value)))
        return value
    else:
        total = 1
        sizes = env[SIZES]
        for item in value:
            t = type(item)
            if t is str:
                total += 1 + len(item)
            elif t is list or t is dict:
                if sizes is None:
                    sizes = env[SIZES] = {}
                hit = sizes.get(id(item))
                total += hit[0] if hit is not None else _measure(env, sizes, item)
            else:
                total += 1
    return built_of(env, value, total)


def built_of(env: list, value: list, size: int) -> list:
    """Record an array whose logical size the operator worked out from its parts."""
    check_size(env, size)
    sizes = env[SIZES]
    if sizes is None:
        sizes = env[SIZES] = {}
    sizes[id(value)] = (size, value)
    return value


def check_size(env: list, n: int) -> None:
    """Refuse a value whose logical size is past the limit."""
    if n > env[LIMITS].max_value_size:
        raise limit(f"value of logical size {n} exceeds the limit of {env[LIMITS].max_value_size}"
                    " (parts shared by reference count each time they appear)")


def charge_walk(env: list, value) -> int:
    """Charge the walk of an array or object by its logical size (and refuse one too big)."""
    n = value_size(env, value)
    check_size(env, n)
    charge(env, n)
    return n
