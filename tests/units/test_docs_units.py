"""docs/units.md stays true: its example file imports and its example problems are real."""
from pathlib import Path

from service.units.importer import analyse

from .files import csv_bytes

DOC = (Path(__file__).resolve().parents[2] / "docs" / "units.md").read_text(encoding="utf-8")


def test_the_documented_example_file_imports(db):
    example = DOC.split("```csv", 1)[1].split("```", 1)[0].strip()
    result = analyse(example.encode("utf-8"), "example.csv")
    assert result.ok, [str(p) for p in result.problems]
    assert [(r.code, r.action) for r in result.rows] == [("J01-1", "create"), ("J01", "create"), ("Q05", "create")]


def test_the_documented_problem_list_is_what_the_importer_says(db):
    shown = DOC.split("Example of the problem list:", 1)[1].split("```", 2)[1].strip().splitlines()
    rows = [["A1", "甲", "镇"], ["A2", "乙", "区直"], ["A3", "", "镇"], ["A4", "丁", "镇", "1.5"]]
    result = analyse(csv_bytes(rows, header=["编号", "单位名称", "类型", "下属单位数"]), "d.csv")
    assert [str(p) for p in result.problems] == shown


def test_the_cli_commands_in_the_docs_exist():
    from service.units.cli import units_cli
    assert "dutyloop units import units.xlsx --dry-run" in DOC
    params = {p.name for p in units_cli.commands["import"].params}
    assert {"file", "dry_run"} <= params
