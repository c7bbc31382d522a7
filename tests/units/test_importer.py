"""The importer as plain Python: reading files, checking every row, writing all or nothing."""
import pytest

from service import audit
from service.audit import AuditEntry
from service.units import Unit
from service.units.importer import MAX_ROWS, ImportFileError, analyse, apply

from .files import HEADER, csv_bytes, xlsx_bytes

ROWS = [
    ["J01", "江滨街道", "街道", "", "征地拆迁、项目建设", "征地补偿,村社小微权力", "9", "否", "蒋某", "党工委书记"],
    ["J01-1", "江滨社区", "街道", "J01", "", "", "", "", "", ""],
    ["Q05", "区住房和城乡建设局", "区直单位", "", "项目建设", "工程招投标", "4", "是", "韩某", "局长"],
]


def _import(data, filename):
    result = analyse(data, filename)
    assert result.ok, [str(p) for p in result.problems]
    return apply(result)


def test_utf8_csv_with_bom_creates_every_field(db):
    counts = _import(csv_bytes(ROWS), "units.csv")
    assert counts == {"create": 3, "update": 0, "unchanged": 0}
    street = Unit.get(Unit.code == "J01")
    assert street.tags == ["征地拆迁", "项目建设"] and street.risk_areas == ["征地补偿", "村社小微权力"]
    assert street.subordinate_units == 9 and street.law_enforcement is False and street.leader_title == "党工委书记"
    community = Unit.get(Unit.code == "J01-1")
    assert community.parent_id == street.id and community.subordinate_units == 0
    assert Unit.get(Unit.code == "Q05").law_enforcement is True


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_csv_without_bom_and_gbk_as_chinese_excel_saves_it(db, encoding):
    _import(csv_bytes(ROWS, encoding=encoding), "单位.csv")
    assert Unit.get(Unit.code == "Q05").name == "区住房和城乡建设局"
    assert Unit.get(Unit.code == "J01").tags == ["征地拆迁", "项目建设"]


def test_xlsx_first_sheet_with_numeric_cells(db):
    rows = [["Z01", "青山镇", "镇", None, "征地拆迁", "农村集体三资", 14, "是", "何某", "党委书记"],
            [1001, "某国企", "国企", "Z01", None, None, 3.0, None, None, None]]
    _import(xlsx_bytes(rows), "units.xlsx")
    town = Unit.get(Unit.code == "Z01")
    assert town.subordinate_units == 14 and town.law_enforcement is True
    company = Unit.get(Unit.code == "1001")  # a numeric code cell becomes the text "1001", not "1001.0"
    assert company.parent_id == town.id and company.subordinate_units == 3


def test_english_headers_and_optional_columns(db):
    data = csv_bytes([["G01", "区城投集团", "国企", "7"]], header=["code", "name", "type", "subordinate_units"])
    _import(data, "units.csv")
    unit = Unit.get(Unit.code == "G01")
    assert unit.subordinate_units == 7 and unit.tags == [] and unit.parent_id is None


def test_parent_may_come_later_in_the_file_and_is_created_first(db):
    rows = [["C1", "下级", "街道", "P1", "", "", "", "", "", ""],
            ["P1", "上级", "区直单位", "", "", "", "", "", "", ""]]
    _import(csv_bytes(rows), "units.csv")
    assert Unit.get(Unit.code == "C1").parent.code == "P1"


def test_every_bad_row_is_reported_with_row_number_and_column(db):
    rows = [
        ["A1", "", "局", "", "", "", "三个", "也许", "", ""],       # line 2: name, type, count, 是/否
        ["A2", "好单位", "街道", "NOPE", "", "", "1", "否", "", ""],  # line 3: unknown parent
        ["A1", "重复", "镇", "", "", "", "-1", "", "", ""],          # line 4: duplicate code, negative count
        ["A3", "正常", "镇", "", "", "", "1", "", "", ""],
    ]
    result = analyse(csv_bytes(rows), "bad.csv")
    messages = [str(p) for p in result.problems]
    assert messages == [
        "第 2 行「单位名称」：请填写单位名称",
        "第 2 行「类型」：未知的类型「局」，可选：区直单位、街道、镇、国企",
        "第 2 行「下属单位数」：须为不小于 0 的整数（填写的是「三个」）",
        "第 2 行「执法单位」：请填写“是”或“否”（填写的是「也许」）",
        "第 3 行「上级单位编号」：找不到编号为「NOPE」的单位（系统中和本文件中都没有）",
        "第 4 行「编号」：编号「A1」与第 2 行重复",
        "第 4 行「下属单位数」：须为不小于 0 的整数（填写的是「-1」）",
    ]
    with pytest.raises(ValueError):
        apply(result)
    assert Unit.select().count() == 0


def test_cycles_are_refused_in_the_file_and_against_the_registry(db):
    rows = [["X1", "甲", "镇", "X2", "", "", "", "", "", ""],
            ["X2", "乙", "镇", "X1", "", "", "", "", "", ""],
            ["X3", "丙", "镇", "X3", "", "", "", "", "", ""]]
    messages = [str(p) for p in analyse(csv_bytes(rows), "c.csv").problems]
    assert messages == ["第 2 行「上级单位编号」：上级单位形成循环：X1 → X2 → X1",
                        "第 3 行「上级单位编号」：上级单位形成循环：X2 → X1 → X2",
                        "第 4 行「上级单位编号」：上级单位不能是本单位"]
    # The registry has P ← C; a file that puts P under C closes a loop.
    parent = audit.create(Unit, code="P", name="上级", type="镇")
    audit.create(Unit, code="C", name="下级", type="镇", parent=parent)
    messages = [str(p) for p in analyse(csv_bytes([["P", "上级", "镇", "C"]], header=HEADER[:4]), "c.csv").problems]
    assert messages == ["第 2 行「上级单位编号」：上级单位形成循环：P → C → P"]


def test_update_by_code_reports_changes_and_unchanged_rows(db):
    audit.create(Unit, code="Q01", name="区发改局", type="区直单位", tags=["项目建设"], subordinate_units=2)
    audit.create(Unit, code="Q02", name="区财政局", type="区直单位")
    rows = [["Q01", "区发展和改革局", "区直单位", "", "项目建设", "", "2", "否", "", ""],
            ["Q02", "区财政局", "区直单位", "", "", "", "0", "否", "", ""]]
    result = analyse(csv_bytes(rows), "u.csv")
    assert [(r.code, r.action) for r in result.rows] == [("Q01", "update"), ("Q02", "unchanged")]
    assert result.rows[0].changes == {"name": ("区发改局", "区发展和改革局")}
    with audit.acting_as(None, "tester"):
        assert apply(result) == {"create": 0, "update": 1, "unchanged": 1}
    assert Unit.get(Unit.code == "Q01").name == "区发展和改革局"
    entry = AuditEntry.select().where(AuditEntry.action == "update").get()
    assert entry.actor_name == "tester" and entry.changed_fields() == ["name", "updated_at"]


def test_a_failure_while_writing_rolls_back_every_row(db, monkeypatch):
    result = analyse(csv_bytes(ROWS), "units.csv")
    real_create_many, calls = audit.create_many, []

    def failing_create_many(model, rows, **kwargs):
        calls.append(rows)
        if len(calls) == 2:  # the children's level, after the parents were written
            raise RuntimeError("disk full")
        return real_create_many(model, rows, **kwargs)

    monkeypatch.setattr(audit, "create_many", failing_create_many)
    with pytest.raises(RuntimeError):
        apply(result)
    assert len(calls) == 2 and len(calls[0]) > 0
    assert Unit.select().count() == 0
    assert AuditEntry.select().count() == 0


@pytest.mark.parametrize("data, filename, expected", [
    (b"%PDF-1.4 binary", "report.pdf", "只能导入 CSV 或 XLSX 文件（收到的是「report.pdf」）。"),
    (b"PK\x03\x04 not really a zip", "units.xlsx", "文件已损坏或不是有效的 XLSX 文件"),
    (b"garbage that is not a workbook", "units.xlsx", "文件已损坏或不是有效的 XLSX 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "不支持旧版 Excel（.xls）文件"),
    (b"\xff\xfe\x00\x00\x81\x30\xff", "units.csv", "无法识别文件的文字编码"),
    (b"", "units.csv", "文件是空的。"),
    (csv_bytes([]), "units.csv", "文件只有表头，没有数据行。"),
    (b"x" * (2 * 1024 * 1024 + 1), "units.csv", "文件过大（2.0 MB），上限为 2 MB。"),
])
def test_unreadable_files_get_a_chinese_message(db, data, filename, expected):
    with pytest.raises(ImportFileError) as info:
        analyse(data, filename)
    assert expected in str(info.value)


def test_row_limit(db):
    rows = [[f"C{n}", f"单位{n}", "镇"] for n in range(MAX_ROWS + 1)]
    with pytest.raises(ImportFileError, match="一次最多导入 5000 行"):
        analyse(csv_bytes(rows, header=HEADER[:3]), "big.csv")


def test_header_problems_are_reported_on_line_one(db):
    result = analyse(csv_bytes([["A", "甲"]], header=["编号", "单位", "名称"]), "h.csv")
    assert [str(p) for p in result.problems] == [
        "第 1 行：无法识别的列「单位」，可用的列：编号、单位名称、类型、上级单位编号、标签、风险领域、下属单位数、执法单位、一把手、职务",
        "第 1 行「类型」：缺少必需的列",
    ]


def test_formula_guard_from_exports_is_undone(db):
    _import(csv_bytes([["'-X", "'=单位", "镇"]], header=HEADER[:3]), "f.csv")
    assert Unit.get(Unit.code == "-X").name == "=单位"


def test_problems_render_in_the_language_of_the_given_gettext(db):
    english = {"第 %(line)s 行「%(column)s」：%(message)s": "Row %(line)s, “%(column)s”: %(message)s",
               "请填写%(label)s": "Please fill in %(label)s", "单位名称": "Unit name"}
    result = analyse(csv_bytes([["A1", "", "镇"]], header=HEADER[:3]), "e.csv")
    assert [p.render(lambda s: english.get(s, s)) for p in result.problems] == \
        ["Row 2, “Unit name”: Please fill in Unit name"]


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_reads_it(db):
    """Issue 8, W11: the 2 MB cap applies to the packed file; a 200 KB file unpacked to a
    200 MB cell and 515 MB of memory. The archive's declared sizes are checked first."""
    import time
    import tracemalloc

    from service.units.importer import MAX_BYTES, read_table

    from .files import xlsx_bomb
    data = xlsx_bomb(60)
    assert len(data) < MAX_BYTES
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportFileError) as exc:
            read_table(data, "units.xlsx")
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert "解压后过大" in str(exc.value.message)
    assert elapsed < 1.0 and peak < 10 * 2**20, (elapsed, peak / 2**20)


def test_a_dense_but_small_xlsx_member_is_refused_by_its_ratio(db):
    from service.units.importer import read_table

    from .files import xlsx_bomb
    with pytest.raises(ImportFileError):
        read_table(xlsx_bomb(8), "units.xlsx")      # 8 MB from a few KB: no sheet is that repetitive
