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
    assert set(problems[0]) == {"file", "pointer", "code", "message_zh", "message_en", "severity"}
    assert problems[0]["severity"] == "error"


def test_check_warns_about_half_width_punctuation_in_chinese_text(tmp_path):
    pack = copy_pack(tmp_path)
    pointer = edit_item(pack, "fr-talk-young", text="经常性与年轻干部开展谈心谈话,每半年至少2次(含集体谈话)")
    result = CliRunner().invoke(pack_cli, ["check", str(pack)])
    assert result.exit_code == 0, result.output          # a warning does not fail the check …
    assert (f"rules/items/first-responsible.json#{pointer}/text: 提醒 / warning: 中文文字中有半角标点，应改为全角："
            "经常性与年轻干部开展谈心谈话，每半年至少2次（含集体谈话）") in result.stdout
    assert "1 个提醒" in result.stderr
    strict = CliRunner().invoke(pack_cli, ["check", "--strict", str(pack)])
    assert strict.exit_code == 1                          # … unless --strict
    rows = json.loads(CliRunner().invoke(pack_cli, ["check", "--json", str(pack)]).stdout)
    assert [(r["code"], r["severity"]) for r in rows] == [("text-half-width", "warning")]


def test_the_default_pack_has_no_half_width_punctuation_in_its_chinese_text():
    result = CliRunner().invoke(pack_cli, ["check", "--strict", str(ROOT)])
    assert result.exit_code == 0 and "warning" not in result.stdout, result.output


def test_the_lint_leaves_option_values_ids_english_and_numbers_alone():
    from service.packs.punctuation import full_width, half_width_problems
    files = {"forms/x.json": {"title": "记录(示例)", "x-i18n": {"en": {"title": "Record (example)"}},
                              "properties": {"kind": {"title": "类别", "enum": ["党委(党组)会议"]},
                                             "n": {"title": "金额 10,000 元", "description": "时间 12:30,地点"}}},
             "rules/tests/a.json": {"cases": [{"name": "名称(测试)"}]}}
    assert [(p.file, p.pointer) for p in half_width_problems(files)] == [
        ("forms/x.json", "/title"), ("forms/x.json", "/properties/n/description")]
    assert full_width("时间 12:30, 地点 (会议室)") == "时间 12:30，地点（会议室）"


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
