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


def test_items_preview_for_a_unit(tmp_path):
    unit = {"name": "区城建投资集团", "type": "国企", "tags": ["项目建设"], "risk_areas": [], "subordinate_units": 0,
            "law_enforcement": False}
    result = CliRunner().invoke(pack_cli, ["items", str(ROOT), "--unit", json.dumps(unit, ensure_ascii=False),
                                           "--list", "first-responsible"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "fr-board-decision\t民主集中制与“三重一大”\t“三重一大”事项经党委前置研究后再提交董事会决策" in lines
    assert not any(line.startswith("fr-check-village-power\t") for line in lines)
    assert all(line.startswith("fr-") for line in lines)


def test_items_preview_reads_the_unit_from_a_file(tmp_path):
    path = tmp_path / "unit.json"
    path.write_text(json.dumps({"name": "示例镇", "type": "镇", "tags": [], "risk_areas": [],
                                "subordinate_units": 0, "law_enforcement": False}), encoding="utf-8")
    result = CliRunner().invoke(pack_cli, ["items", str(ROOT), "--unit", f"@{path}"])
    assert result.exit_code == 0
    assert any(line.startswith("mb-village-affairs\t") for line in result.stdout.splitlines())


def test_items_preview_rejects_a_bad_unit():
    result = CliRunner().invoke(pack_cli, ["items", str(ROOT), "--unit", "[1, 2"])
    assert result.exit_code == 2
    assert "JSON" in result.output
