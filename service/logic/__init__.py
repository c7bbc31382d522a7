"""The dutyloop rule engine: safe, fast JsonLogic with domain operators.

``compile_rule(rule)`` validates and compiles a rule once; the result is
callable with ``(data, context=None)`` and has ``explain``. ``check_rule``
checks a rule against the JSON Schema of its data without running it.
"""

from .compiler import CompiledRule, clear_cache, compile_rule
from .errors import RuleCompileError, RuleError, RuleEvalError, RuleLimitError
from .limits import DEFAULT_LIMITS, Limits
from .schemas import PERIOD_SCHEMA, UNIT_PROFILE_SCHEMA, check_data_schema
from .static import Problem, check_rule

__all__ = [
    "CompiledRule",
    "DEFAULT_LIMITS",
    "Limits",
    "PERIOD_SCHEMA",
    "UNIT_PROFILE_SCHEMA",
    "Problem",
    "RuleCompileError",
    "RuleError",
    "RuleEvalError",
    "RuleLimitError",
    "check_data_schema",
    "check_rule",
    "clear_cache",
    "compile_rule",
]
