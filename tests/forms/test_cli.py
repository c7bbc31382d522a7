"""The ``form`` CLI group."""
from __future__ import annotations

import json

from click.testing import CliRunner

from service.forms.cli import form_cli

from .helpers import CORPUS


def test_render_prints_html(tmp_path):
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"date": "2022/1/1"}))
    result = CliRunner().invoke(form_cli, ["render", str(CORPUS / "talk_record.json"), "--data", str(data)])
    assert result.exit_code == 0
    assert result.output.startswith('<div class="dl-form"') and "谈话类型" in result.output
    assert "日期格式应为" in result.output
    result = CliRunner().invoke(form_cli, ["render", str(CORPUS / "talk_record.json"), "--locale", "en"])
    assert "Kind of talk" in result.output


def test_validate_exit_codes_and_json(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    cases = json.loads((CORPUS / "talk_record.cases.json").read_text())
    good.write_text(json.dumps(cases["valid"][0], ensure_ascii=False))
    bad.write_text(json.dumps(cases["invalid"][0]["data"], ensure_ascii=False))
    form = str(CORPUS / "talk_record.json")
    result = CliRunner().invoke(form_cli, ["validate", form, str(good)])
    assert result.exit_code == 0 and json.loads(result.output) == []
    result = CliRunner().invoke(form_cli, ["validate", form, str(bad)])
    assert result.exit_code == 1
    assert json.loads(result.output) == [{"path": "/rectify_deadline", "message": "此项为必填项"}]
    result = CliRunner().invoke(form_cli, ["validate", form, str(bad), "--locale", "en"])
    assert json.loads(result.output)[0]["message"] == "This field is required"


def test_bad_schema_is_a_clear_error(tmp_path):
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({"type": "object", "properties": {"a": {"$ref": "https://x/y"}}}))
    result = CliRunner().invoke(form_cli, ["render", str(schema)])
    assert result.exit_code != 0 and "不允许引用外部定义" in result.output
    assert form_cli.name == "form"
