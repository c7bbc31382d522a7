"""Explanations: a trace tree that shows which condition failed and with which values."""

import time

from service.logic import clear_cache, compile_rule


def find(node, op):
    """All trace nodes with this operator, depth first."""
    found = [node] if node.get("op") == op else []
    for child in node.get("children", []):
        found.extend(find(child, op))
    return found


def test_explain_shows_the_failing_branch_of_an_and():
    rule = compile_rule({"and": [{"==": [{"var": "a"}, 1]}, {">=": [{"var": "b"}, 2]}]})
    out = rule.explain({"a": 1, "b": 1})
    assert out["result"] is False
    top = out["trace"]
    assert top["op"] == "and" and top["args"] == [True, False]
    failing = [c for c in top["children"] if c["result"] is False]
    assert len(failing) == 1
    assert failing[0]["op"] == ">=" and failing[0]["args"] == [1, 2]
    assert failing[0]["pointer"] == "/and/1"


def test_explain_returns_the_same_value_as_evaluation():
    rule = compile_rule({"if": [{"<": [{"var": "n"}, 0]}, "negative", {"cat": ["n=", {"var": "n"}]}]})
    for n in (-1, 0, 2.5):
        assert rule.explain({"n": n})["result"] == rule({"n": n})


def test_explain_records_errors_where_they_happen():
    out = compile_rule({"+": [1, {"/": [1, {"var": "x"}]}]}).explain({"x": 0})
    assert out["error"]["type"] == "NaN"
    division = find(out["trace"], "/")[0]
    assert division["args"] == [1, 0] and division["error"]["type"] == "NaN"


def test_explain_of_a_duty_check_shows_each_record_checked():
    rule = compile_rule({">=": [{"count_if": [{"var": "records"}, {"==": [{"var": "kind"}, "监督检查"]}]}, {"var": "target"}]})
    data = {"records": [{"kind": "谈话"}, {"kind": "监督检查"}], "target": 2}
    out = rule.explain(data)
    assert out["result"] is False
    top = out["trace"]
    assert top["args"] == [1, 2]
    checks = find(top, "==")
    assert [c["args"] for c in checks] == [["谈话", "监督检查"], ["监督检查", "监督检查"]]


def test_large_values_are_truncated_in_the_trace():
    data = {"xs": list(range(1000)), "s": "x" * 5000}
    out = compile_rule({"cat": [{"var": "s"}, {"count_if": [{"var": "xs"}]}]}).explain(data)
    var_xs = [n for n in find(out["trace"], "var") if n["args"] == ["xs"]][0]
    assert len(var_xs["result"]) == 11 and "more" in var_xs["result"][-1] or "+990" in var_xs["result"][-1]
    assert len(out["trace"]["result"]) < 300


def test_iterations_keep_a_bounded_number_of_child_traces():
    out = compile_rule({"map": [{"var": "xs"}, {"+": [{"var": ""}, 1]}]}).explain({"xs": list(range(500))})
    assert len(out["result"]) == 500
    assert len(out["trace"]["children"]) <= 50 and out["trace"]["omitted_children"] > 0


def test_plain_evaluation_does_not_build_traces():
    clear_cache()
    rule = compile_rule({"and": [{"==": [{"var": "a"}, 1]}, {">=": [{"var": "b"}, 2]}]})
    rule({"a": 1, "b": 3})
    assert rule._traced is None  # the traced closures exist only after explain()
    rule.explain({"a": 1, "b": 3})
    start = time.perf_counter()
    for _ in range(2000):
        rule({"a": 1, "b": 3})
    plain = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(2000):
        rule.explain({"a": 1, "b": 3})
    traced = time.perf_counter() - start
    assert plain < traced


def test_explain_of_a_literal_rule():
    assert compile_rule(5).explain(None) == {"result": 5, "trace": {"op": "literal", "pointer": "", "result": 5}}
