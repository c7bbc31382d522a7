"""Engine contract: caching, limits, error classes, and that only RuleError ever escapes."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from service.logic import (
    DEFAULT_LIMITS,
    Limits,
    RuleCompileError,
    RuleError,
    RuleEvalError,
    RuleLimitError,
    compile_rule,
)
from service.logic.operators import OPERATORS
from service.logic.values import json_equal


def test_compiled_rules_are_cached_by_canonical_text():
    a = compile_rule({"and": [{"var": "x"}, {"==": [{"var": "y"}, 1]}]})
    b = compile_rule(json.loads('{"and":[{"var":"x"},{"==":[{"var":"y"},1]}]}'))
    assert a is b
    assert compile_rule({"var": "x"}, limits=Limits(max_steps=10)) is not compile_rule({"var": "x"})


def test_editing_the_callers_rule_does_not_change_the_compiled_one():
    rule = {"in": [{"var": "x"}, ["a", "b"]]}
    compiled = compile_rule(rule)
    rule["in"][1].append("c")
    assert compiled({"x": "c"}) is False
    assert compile_rule(rule)({"x": "c"}) is True


def test_default_limits_are_safe():
    assert DEFAULT_LIMITS.max_depth == 64 and DEFAULT_LIMITS.max_nodes == 5000
    assert DEFAULT_LIMITS.max_steps == 1_000_000 and DEFAULT_LIMITS.wall_clock == 1.0
    assert DEFAULT_LIMITS.max_string == 1_000_000 and DEFAULT_LIMITS.max_array == 100_000


def test_error_classes_and_types():
    try:
        compile_rule({"nope": []})
    except RuleCompileError as exc:
        assert isinstance(exc, RuleError) and exc.type == "Unknown Operator" and exc.message
        assert exc.message_zh.startswith("未知运算符")
    try:
        compile_rule({"throw": "自定义错误"})(None)
    except RuleEvalError as exc:
        assert exc.type == "自定义错误"
        assert exc.as_json()["error"]["type"] == "自定义错误"
        assert exc.as_json()["error"]["message"] == "thrown: 自定义错误"
        assert "自定义错误" in exc.message_zh
    try:
        compile_rule({"map": [{"var": "xs"}, 1]}, limits=Limits(max_array=3))({"xs": [1, 2, 3, 4]})
    except RuleLimitError as exc:
        assert isinstance(exc, RuleEvalError) and exc.type == "Limit"


def test_try_catches_evaluation_errors_but_not_limits():
    assert compile_rule({"try": [{"/": [1, 0]}, "fallback"]})(None) == "fallback"
    small = Limits(max_array=3)
    rule = {"try": [{"map": [{"var": "xs"}, 1]}, "fallback"]}
    try:
        compile_rule(rule, limits=small)({"xs": [1, 2, 3, 4]})
        raise AssertionError("limit was swallowed")
    except RuleLimitError:
        pass


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
    st.sampled_from(["2022-06-30", "2022Q2", "2022H1", "2022-06", "a.b", "", "__class__"]),
)
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=3)), max_leaves=10)
rules = st.recursive(
    json_values,
    lambda inner: st.one_of(
        st.builds(lambda op, args: {op: args}, st.sampled_from(sorted(OPERATORS)), st.lists(inner, max_size=4)),
        st.builds(lambda op, arg: {op: arg}, st.sampled_from(sorted(OPERATORS)), inner),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(rules, json_values)
def test_random_rules_only_ever_raise_rule_errors(rule, data):
    context = {"today": "2022-06-15"}
    try:
        compiled = compile_rule(rule)
    except RuleCompileError:
        return
    try:
        expected = {"result": compiled(data, context)}
    except RuleError as exc:
        expected = {"error": exc.type}
    explained = compiled.explain(data, context)
    if "error" in explained:
        assert expected == {"error": explained["error"]["type"]}
    else:
        assert "result" in expected and json_equal(explained["result"], expected["result"])
