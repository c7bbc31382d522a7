"""Errors raised by the rule engine.

Every failure of compiling or evaluating a rule surfaces as a ``RuleError``;
``type`` follows the JsonLogic conformance suites ("NaN", "Invalid Arguments",
"Unknown Operator", a thrown value) plus "Limit" for resource limits.
"""

from __future__ import annotations


class RuleError(Exception):
    """Base error of the rule engine; ``type`` is the spec error type."""

    def __init__(self, type, message: str = "", *, pointer: str = "", payload=None):
        self.type = type
        self.message = message or str(type)
        self.pointer = pointer
        # What `try` exposes to its fallback as data: a thrown object, or {"type": ...}.
        self.payload = payload if payload is not None else {"type": type}
        super().__init__(f"{type}: {self.message}" if message else str(type))

    @property
    def message_zh(self) -> str:
        """A Chinese message for users: the kind of error, then the English detail."""
        kind = _ZH.get(self.type) if isinstance(self.type, str) else None
        return f"{kind or '规则抛出错误：' + str(self.type)}（{self.message}）"

    def as_json(self) -> dict:
        """The error as the CLI and API print it."""
        return {"error": {"type": self.type, "message": self.message, "message_zh": self.message_zh}}


_ZH = {
    "NaN": "数值无法计算",
    "Invalid Arguments": "参数无效",
    "Unknown Operator": "未知运算符",
    "Limit": "超出规则资源限制",
}


class RuleCompileError(RuleError):
    """The rule itself is unusable: bad syntax, unknown or forbidden operator, too deep or too big."""


class RuleEvalError(RuleError):
    """Evaluation failed: a thrown value, NaN, bad arguments at run time, or a limit."""


class RuleLimitError(RuleEvalError):
    """A resource limit was hit (type "Limit"); ``try`` never catches it."""


def invalid(message: str) -> RuleEvalError:
    """An "Invalid Arguments" evaluation error."""
    return RuleEvalError("Invalid Arguments", message)


def nan(message: str = "result is not a number") -> RuleEvalError:
    """A "NaN" evaluation error."""
    return RuleEvalError("NaN", message)


def limit(message: str) -> RuleLimitError:
    """A "Limit" evaluation error (never caught by ``try``)."""
    return RuleLimitError("Limit", message)
