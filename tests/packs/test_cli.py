"""`dutyloop pack check`."""
import json

from click.testing import CliRunner

from service.packs.cli import pack_cli

from .helpers import ROOT, copy_pack, edit_item


def test_check_clean_pack_exits_zero():
    result = CliRunner().invoke(pack_cli, ["check", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "pack is clean" in result.stderr


def test_check_prints_file_pointer_and_message(tmp_path):
    pack = copy_pack(tmp_path)
    pointer = edit_item(pack, "fr-talk-young", form="heart-talk")
    result = CliRunner().invoke(pack_cli, ["check", str(pack)])
    assert result.exit_code == 1
    assert f"rules/items/first-responsible.json#{pointer}/form: 引用了不存在的表单 heart-talk" in result.stdout
    assert "unknown form heart-talk" in result.stdout


def test_check_in_english_only(tmp_path):
    pack = copy_pack(tmp_path)
    edit_item(pack, "fr-talk-young", form="heart-talk")
    result = CliRunner().invoke(pack_cli, ["check", "--lang", "en", str(pack)])
    assert "unknown form heart-talk (expected forms/heart-talk.json)" in result.stdout
    assert "引用" not in result.stdout


def test_check_json_output(tmp_path):
    pack = copy_pack(tmp_path)
    pointer = edit_item(pack, "fr-talk-young", form="heart-talk")
    result = CliRunner().invoke(pack_cli, ["check", "--json", str(pack)])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert {"file": "rules/items/first-responsible.json", "pointer": pointer + "/form", "code": "ref-unknown-form"} \
        .items() <= problems[0].items()
    assert set(problems[0]) == {"file", "pointer", "code", "message_zh", "message_en"}


def test_check_json_output_for_clean_pack_is_empty_list():
    result = CliRunner().invoke(pack_cli, ["check", "--json", str(ROOT)])
    assert result.exit_code == 0 and json.loads(result.stdout) == []
