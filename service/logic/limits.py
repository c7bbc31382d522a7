"""Resource limits for compiling and evaluating untrusted rules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile rule from using unbounded time or memory.

    Compile time: ``max_depth`` (nesting of operators/arrays) and ``max_nodes``.
    Run time: ``max_steps`` (work units: one per operator call, plus one per
    iteration element times the body size, plus the size of produced values),
    ``max_string`` / ``max_array`` (checked before a value is built),
    ``max_value_size`` (the logical size of a value a rule builds: its nodes
    plus its characters, a part shared by reference counted every time it
    appears, so ``[x, x]`` weighs twice ``x``), and ``wall_clock`` seconds
    (checked every ``clock_every`` steps). Walking a value (``cat`` of an
    array, ``count_distinct`` of objects) is charged its logical size.
    Numbers are IEEE doubles as in JavaScript, so no huge integers are built;
    a result that overflows to infinity is a "NaN" error.
    """

    max_depth: int = 64
    max_nodes: int = 5000
    max_steps: int = 1_000_000
    max_string: int = 1_000_000
    max_array: int = 100_000
    max_value_size: int = 2_000_000
    wall_clock: float = 1.0
    clock_every: int = 2048


DEFAULT_LIMITS = Limits()
