"""Per-evaluation state, kept in a plain list because building it is on every call's path.

Layout (indexes): the caller's context, the limits, steps used, the step count
at which to look at the clock next, the deadline (set at the first clock
check, so a call that never gets that far never reads the clock), the scope
stack (created only by rules that read enclosing scopes), the root data, and
the tracer of ``explain``.
"""

from __future__ import annotations

import time
from types import MappingProxyType

from .errors import limit

CONTEXT, LIMITS, STEPS, NEXT_CHECK, DEADLINE, STACK, ROOT, TRACER = range(8)
NO_CONTEXT = MappingProxyType({})


def new_env(data, context, limits, tracer=None) -> list:
    """A fresh evaluation state."""
    return [NO_CONTEXT if context is None else context, limits, 0,
            min(limits.clock_every, limits.max_steps + 1), None, None, data, tracer]


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
