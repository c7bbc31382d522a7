"""Explanations: evaluate with a trace of every operator node.

Tracing lives in a separately compiled closure tree (built on the first
``explain`` call), so ordinary evaluation never checks a flag per node. Each
trace node records the operator, its JSON pointer in the rule, the values its
arguments evaluated to (large values truncated), its result or error, and the
traces of the operators below it. At most 50 children per node and 5000
nodes per explanation are kept; the rest are counted as ``omitted_children``.
"""

from __future__ import annotations

from .env import TRACER, new_env
from .errors import RuleError, RuleEvalError, limit

MAX_CHILDREN = 50
MAX_ARGS = 20
MAX_ITEMS = 10
MAX_CHARS = 200


def truncate(value, depth: int = 0):
    """A bounded copy of a value for the trace."""
    t = type(value)
    if t is str:
        return value if len(value) <= MAX_CHARS else value[:MAX_CHARS] + f"…(+{len(value) - MAX_CHARS} chars)"
    if t is list:
        if depth > 3:
            return f"[…{len(value)} items]"
        head = [truncate(v, depth + 1) for v in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            head.append(f"…(+{len(value) - MAX_ITEMS} items)")
        return head
    if t is dict:
        if depth > 3:
            return f"{{…{len(value)} keys}}"
        out = {}
        for i, (k, v) in enumerate(value.items()):
            if i >= MAX_ITEMS:
                out["…"] = f"+{len(value) - MAX_ITEMS} keys"
                break
            out[k] = truncate(v, depth + 1)
        return out
    return value


MAX_NODES = 5000  # trace nodes kept per explanation, so nested iterations cannot fill memory


class Tracer:
    """Collects trace nodes while the traced closures run."""

    def __init__(self):
        self.root = {"op": None, "args": [], "children": []}
        self.stack = [self.root]
        self.kept = 0


def _attach(parent: dict, key: str, item, limit_: int, tracer=None) -> None:
    items = parent[key]
    if len(items) < limit_ and (tracer is None or tracer.kept < MAX_NODES):
        items.append(item)
        if tracer is not None:
            tracer.kept += 1
    else:
        parent["omitted_" + key] = parent.get("omitted_" + key, 0) + 1


def wrap(compiler, fn, node, pointer: str):
    """Wrap a compiled node so it records itself in the tracer of the evaluation."""
    if compiler.is_const(fn):
        value = compiler.const_value(fn)

        def literal(data, env):
            _attach(env[TRACER].stack[-1], "args", truncate(value), MAX_ARGS)
            return value

        return literal
    op = next(iter(node)) if isinstance(node, dict) else "array"

    def traced(data, env):
        tracer = env[TRACER]
        parent = tracer.stack[-1]
        entry = {"op": op, "pointer": pointer, "args": [], "children": []}
        _attach(parent, "children", entry, MAX_CHILDREN, tracer)
        tracer.stack.append(entry)
        try:
            result = fn(data, env)
        except RuleError as exc:
            entry["error"] = {"type": truncate(exc.type), "message": exc.message}
            raise
        finally:
            tracer.stack.pop()
        entry["result"] = truncate(result)
        _attach(parent, "args", entry["result"], MAX_ARGS)
        if not entry["children"]:
            del entry["children"]
        return result

    return traced


def run_traced(compiled, traced_fn, data, context) -> dict:
    """Run the traced closures; return ``{"result"|"error": ..., "trace": ...}``."""
    tracer = Tracer()
    env = new_env(data, context, compiled.limits, tracer)
    out: dict = {}
    try:
        out["result"] = traced_fn(data, env)
    except RuleError as exc:
        out["error"] = {"type": truncate(exc.type), "message": exc.message}
    except RecursionError:
        exc = limit("data nested too deeply to process")
        out["error"] = {"type": exc.type, "message": exc.message}
    except Exception as exc:  # same contract as plain evaluation
        err = RuleEvalError("Invalid Arguments", f"evaluation failed: {type(exc).__name__}")
        out["error"] = {"type": err.type, "message": err.message}
    children = tracer.root["children"]
    out["trace"] = children[0] if children else {"op": "literal", "pointer": "", "result": truncate(out.get("result"))}
    return out
