"""The `logic` command group."""

import json

from click.testing import CliRunner

from service.logic.cli import logic_cli


def run(*args):
    return CliRunner().invoke(logic_cli, list(args))


def test_eval_prints_the_result():
    result = run("eval", '{"+": [{"var": "a"}, 1]}', '{"a": 2}')
    assert result.exit_code == 0 and json.loads(result.output) == 3


def test_eval_with_today():
    result = run("eval", '{"quarter_of": {"today": []}}', "--today", "2022-05-01")
    assert result.exit_code == 0 and json.loads(result.output) == "2022Q2"


def test_eval_error_is_json_and_exit_1():
    result = run("eval", '{"/": [1, 0]}')
    assert result.exit_code == 1
    assert json.loads(result.output)["error"]["type"] == "NaN"
    result = run("eval", '{"method": ["a", "upper"]}')
    assert result.exit_code == 1 and json.loads(result.output)["error"]["type"] == "Unknown Operator"


def test_eval_reads_files(tmp_path):
    (tmp_path / "rule.json").write_text('{"count_if": [{"var": "records"}]}', encoding="utf-8")
    (tmp_path / "data.json").write_text('{"records": [1, 2, 3]}', encoding="utf-8")
    result = run("eval", f"@{tmp_path / 'rule.json'}", f"@{tmp_path / 'data.json'}")
    assert result.exit_code == 0 and json.loads(result.output) == 3


def test_bad_json_is_a_usage_error():
    result = run("eval", "{not json")
    assert result.exit_code == 2 and "not valid JSON" in result.output


def test_explain_prints_an_indented_trace():
    result = run("explain", '{"and": [true, {">=": [{"var": "n"}, 2]}]}', '{"n": 1}')
    assert result.exit_code == 0
    out = json.loads(result.output)
    assert out["result"] is False and out["trace"]["children"][0]["args"] == [1, 2]
    assert "\n  " in result.output


def test_check_reports_problems_and_exit_code():
    schema = '{"type": "object", "properties": {"target": {"type": "integer"}}}'
    bad = run("check", '{">": [{"var": "targt"}, 1]}', "--schema", schema)
    assert bad.exit_code == 1 and "unknown_path" in bad.output and "/>/0/var" in bad.output
    good = run("check", '{">": [{"var": "target"}, 1]}', "--schema", schema)
    assert good.exit_code == 0 and "no problems" in good.output


def test_ten_thousand_deep_json_is_refused_cleanly():
    deep = '{"!":[' * 10_000 + "true" + "]}" * 10_000
    result = run("eval", deep)
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_check_reads_a_bare_schema_path(tmp_path):
    schema = tmp_path / "form.json"
    schema.write_text('{"type": "object", "properties": {"kind": {"type": "string"}}}', encoding="utf-8")
    assert run("check", '{"var": "kind"}', "--schema", str(schema)).exit_code == 0
    assert run("check", '{"var": "kid"}', "--schema", str(schema)).exit_code == 1


def test_errors_carry_a_chinese_message():
    result = run("eval", '{"today": []}')
    assert result.exit_code == 1
    assert json.loads(result.output)["error"]["message_zh"].startswith("参数无效")


def test_check_as_check_rule_over_a_record_form():
    form = '{"type": "object", "properties": {"kind": {"type": "string"}, "date": {"type": "string", "format": "date"}}}'
    rule = '{">=": [{"count_if": [{"var": "records"}, {"==": [{"var": "kind"}, "监督检查"]}]}, {"var": "target"}]}'
    assert run("check", rule, "--schema", form, "--records").exit_code == 0
    bad = run("check", '{"count_if": [{"var": "records"}, {">": [{"var": "date"}, 3]}]}', "--schema", form, "--records")
    assert bad.exit_code == 1 and "type_mismatch" in bad.output
