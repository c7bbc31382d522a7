"""``dutyloop units import FILE [--dry-run]`` through click's runner."""
from service.audit import AuditEntry
from service.units import Unit
from service.units.cli import units_cli

from .files import csv_bytes, xlsx_bytes

ROWS = [["J01", "江滨街道", "街道", "", "", "", "9", "否", "", ""],
        ["J01-1", "江滨社区", "街道", "J01", "", "", "", "", "", ""]]


def test_dry_run_shows_the_plan_and_writes_nothing(app, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(xlsx_bytes(ROWS))
    result = app.test_cli_runner().invoke(units_cli, ["import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "第 2 行\t新增\tJ01\t江滨街道" in result.output
    assert "预演（--dry-run）：新增 2，更新 0，无变化 0；没有写入任何数据" in result.output
    assert Unit.select().count() == 0


def test_import_writes_all_rows_audited_as_cli(app, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes(ROWS, encoding="gbk"))
    result = app.test_cli_runner().invoke(units_cli, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "已导入：新增 2，更新 0，无变化 0" in result.output
    assert Unit.get(Unit.code == "J01-1").parent.code == "J01"
    assert {e.actor_name for e in AuditEntry.select()} == {"cli"}
    again = app.test_cli_runner().invoke(units_cli, ["import", str(path)])
    assert "已导入：新增 0，更新 0，无变化 2" in again.output


def test_problems_are_listed_and_the_command_fails(app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([["A1", "", "局", "", "", "", "x", "", "", ""]]))
    result = app.test_cli_runner().invoke(units_cli, ["import", str(path)])
    assert result.exit_code == 1
    assert "第 2 行「单位名称」：请填写单位名称" in result.output
    assert "第 2 行「类型」：未知的类型「局」" in result.output
    assert "3 处问题，没有导入任何数据" in result.output
    assert Unit.select().count() == 0


def test_unreadable_file_is_a_clear_error(app, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(b"not a workbook")
    result = app.test_cli_runner().invoke(units_cli, ["import", str(path)])
    assert result.exit_code == 1 and "文件已损坏或不是有效的 XLSX 文件" in result.output
