"""Import units from CSV or XLSX: check every row first, then write all or nothing.

``analyse(data, filename)`` reads the file, checks each row against the
registry and the rest of the file, and returns an ``ImportResult``: one
``RowPlan`` per row (新增 create / 更新 update / 无变化 unchanged) and every
``Problem``. ``apply(result)`` writes the plan in one transaction, each change
through the audited helpers. Plain Python (peewee, openpyxl): the web pages
and ``dutyloop units import`` call the same two functions.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

from .. import audit
from ..db import database
from ..i18n import N_
from .models import Unit
from .profile import COLUMNS, LABELS, REQUIRED, Msg, display_value, msg, parse_field, unit_values

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX file is a zip archive: MAX_BYTES caps what is sent, these cap what it unpacks to,
# read from the archive's directory before openpyxl opens it (zipfile never inflates a member
# past the size its directory entry declares, so the declared sizes are the real bound).
MAX_XLSX_UNPACKED_BYTES = 32 * 1024 * 1024     # all members together
MAX_XLSX_MEMBER_BYTES = 16 * 1024 * 1024       # one member (a sheet, the shared strings)
MAX_XLSX_RATIO = 100                            # unpacked / packed, for members over 1 MB
MAX_XLSX_MEMBERS = 1000
_MAX_COLUMNS = 50

# Header text (normalised) → field key: Chinese headers, English keys, and
# the variants a clerk's spreadsheet tends to have.
_HEADERS = {label: key for key, label in COLUMNS} | {key: key for key, _label in COLUMNS} | {
    "执法单位(是/否)": "law_enforcement", "上级编号": "parent_code", "上级单位": "parent_code",
    "名称": "name", "单位类型": "type", "一把手姓名": "leader_name", "一把手职务": "leader_title",
}
# A leading apostrophe is how exports keep = + - @ from running as formulas.
_FORMULA_GUARD = ("'=", "'+", "'-", "'@")


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong kind, corrupt, too large)."""

    def __init__(self, message: Msg):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One problem in one cell (or row, when ``column`` is empty) of the file."""

    line: int
    column: str
    message: Msg

    def render(self, gettext=lambda s: s) -> str:
        """``第 N 行「列名」：message`` in the language of ``gettext``."""
        if not self.column:
            return gettext(N_("第 %(line)s 行：%(message)s")) % {
                "line": self.line, "message": self.message.render(gettext)}
        return gettext(N_("第 %(line)s 行「%(column)s」：%(message)s")) % {
            "line": self.line, "column": gettext(LABELS.get(self.column, self.column)),
            "message": self.message.render(gettext)}

    def __str__(self) -> str:
        return self.render()


@dataclass
class RowPlan:
    """What one row of the file will do to the registry."""

    line: int
    values: dict
    action: str = "create"  # create | update | unchanged
    changes: dict = field(default_factory=dict)  # key -> (old, new) for updates

    @property
    def code(self) -> str:
        return self.values.get("code") or ""


@dataclass
class ImportResult:
    """Rows and problems of one file; nothing may be written when ``problems`` is not empty."""

    filename: str
    columns: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        """Number of rows per action."""
        out = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            out[row.action] += 1
        return out

    def digest(self) -> str:
        """A fingerprint of the plan, to tell whether a preview still holds at confirm time."""
        body = [(r.line, r.action, sorted((k, display_value(k, v)) for k, v in r.values.items()))
                for r in self.rows]
        return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- reading

def read_table(data: bytes, filename: str) -> list[list[str]]:
    """The cells of the file's first sheet as text, header row first."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(msg(N_("文件过大（%(size)s），上限为 %(limit)s MB。请拆分后分批导入。"),
                                  size=_human_size(len(data)), limit=MAX_BYTES // (1024 * 1024)))
    if not data.strip():
        raise ImportFileError(msg(N_("文件是空的。")))
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise ImportFileError(msg(N_("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入。")))
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(data)
    raise ImportFileError(msg(N_("只能导入 CSV 或 XLSX 文件（收到的是「%(name)s」）。"), name=filename))


def _human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK as Chinese Excel saves CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK and GB2312
    except UnicodeDecodeError:
        raise ImportFileError(msg(N_("无法识别文件的文字编码，请另存为“CSV UTF-8”或 GBK 编码的 CSV 后再导入。"))) from None


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise ImportFileError(msg(N_("文件不是有效的 CSV 文本文件，请检查文件类型。")))
    # The header row tells the separator (Excel in some locales saves ";" or tabs);
    # csv.Sniffer is not used: it guesses quote characters from apostrophes in data.
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([cell.strip() for cell in row[:_MAX_COLUMNS]])
            if len(rows) > MAX_ROWS + 1:
                _too_many_rows()
    except csv.Error as exc:
        raise ImportFileError(msg(N_("CSV 文件格式有误：%(error)s"), error=str(exc))) from None
    return rows


def _too_many_rows():
    raise ImportFileError(msg(N_("行数超过上限：一次最多导入 %(n)s 行，请拆分后分批导入。"), n=MAX_ROWS))


def check_xlsx_archive(data: bytes) -> None:
    """Refuse an XLSX whose members unpack to too much (a zip bomb: the review's 200 KB
    file held a 200 MB cell and took 515 MB to read). Every XLSX import calls this first."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ImportFileError(msg(N_("文件已损坏或不是有效的 XLSX 文件，请用 Excel 打开并重新保存后再导入。"))) from exc
    if len(members) > MAX_XLSX_MEMBERS:
        raise ImportFileError(msg(N_("文件已损坏或不是有效的 XLSX 文件，请用 Excel 打开并重新保存后再导入。")))
    total = 0
    for member in members:
        total += member.file_size
        too_dense = member.file_size > 1024 * 1024 and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1)
        if member.file_size > MAX_XLSX_MEMBER_BYTES or total > MAX_XLSX_UNPACKED_BYTES or too_dense:
            raise ImportFileError(msg(N_("文件解压后过大（其中「%(member)s」解压后为 %(size)s），不像正常的表格文件。"
                                         "请用 Excel 打开检查后重新保存，或拆分后分批导入。"),
                                      member=member.filename[:80], size=_human_size(member.file_size)))


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors: all mean a bad file
        raise ImportFileError(msg(N_("文件已损坏或不是有效的 XLSX 文件，请用 Excel 打开并重新保存后再导入。"))) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(max_col=_MAX_COLUMNS, values_only=True):
            rows.append([_cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                _too_many_rows()
        return rows
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(msg(N_("文件已损坏或不是有效的 XLSX 文件，请用 Excel 打开并重新保存后再导入。"))) from exc
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------- checking

def _normalise_header(text: str) -> str:
    return (text or "").strip().lstrip("\ufeff").replace("（", "(").replace("）", ")").replace(" ", "").lower()


def _map_header(header: list[str], problems: list[Problem]) -> dict[int, str]:
    """Column index → field key; unknown, repeated or missing required columns are problems."""
    mapping: dict[int, str] = {}
    for index, text in enumerate(header):
        if not (text or "").strip():
            continue
        key = _HEADERS.get(_normalise_header(text))
        if key is None:
            problems.append(Problem(1, "", msg(N_("无法识别的列「%(name)s」，可用的列：%(columns)s"),
                                               name=text, columns=[label for _k, label in COLUMNS])))
        elif key in mapping.values():
            problems.append(Problem(1, key, msg(N_("该列出现了两次"))))
        else:
            mapping[index] = key
    for key in REQUIRED:
        if key not in mapping.values():
            problems.append(Problem(1, key, msg(N_("缺少必需的列"))))
    return mapping


def analyse(data: bytes, filename: str) -> ImportResult:
    """Read and check the whole file against the registry; plan each row. Writes nothing.

    Raises ``ImportFileError`` when the file itself cannot be read.
    """
    table = read_table(data, filename)
    result = ImportResult(filename=filename)
    if not table or not any(table[0]):
        raise ImportFileError(msg(N_("文件没有表头行。第一行应为列名：%(columns)s"),
                                  columns=[label for _k, label in COLUMNS]))
    mapping = _map_header(table[0], result.problems)
    result.columns = [key for key, _label in COLUMNS if key in mapping.values()]
    if result.problems:
        return result

    existing = {u.code: u for u in Unit.select()}
    first_line: dict[str, int] = {}
    for line, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue  # blank lines between blocks are harmless
        values: dict[str, object] = {}
        for index, key in mapping.items():
            text = cells[index] if index < len(cells) else ""
            if text.startswith(_FORMULA_GUARD):
                text = text[1:]
            value, problem = parse_field(key, text)
            if problem:
                result.problems.append(Problem(line, key, problem))
            else:
                values[key] = value
        code = values.get("code")
        if code:
            if code in first_line:
                result.problems.append(Problem(line, "code", msg(
                    N_("编号「%(code)s」与第 %(other)s 行重复"), code=code, other=first_line[code])))
            else:
                first_line[code] = line
        result.rows.append(RowPlan(line=line, values=values))
    if not result.rows and not result.problems:
        raise ImportFileError(msg(N_("文件只有表头，没有数据行。")))

    _check_parents(result, existing)
    # Clerks fix a file top to bottom: list problems by row, then by column.
    order = {key: n for n, (key, _label) in enumerate(COLUMNS)}
    result.problems.sort(key=lambda p: (p.line, order.get(p.column, -1)))
    if not result.problems:
        _plan_actions(result, existing)
    return result


def _check_parents(result: ImportResult, existing: dict[str, Unit]) -> None:
    """Parents must exist (in the registry or anywhere in the file) and form no cycle."""
    if "parent_code" not in result.columns:
        return
    code_of = {u.id: code for code, u in existing.items()}
    parent_of = {code: code_of.get(u.parent_id, "") for code, u in existing.items()}
    in_file = {row.code: row for row in result.rows if row.code}
    for row in in_file.values():
        if "parent_code" in row.values:
            parent_of[row.code] = row.values["parent_code"]
    for row in result.rows:
        parent = row.values.get("parent_code")
        if not parent or not row.code:
            continue
        if parent == row.code:
            result.problems.append(Problem(row.line, "parent_code", msg(N_("上级单位不能是本单位"))))
        elif parent not in existing and parent not in in_file:
            result.problems.append(Problem(row.line, "parent_code", msg(
                N_("找不到编号为「%(code)s」的单位（系统中和本文件中都没有）"), code=parent)))
        else:
            chain, seen = [row.code, parent], {parent}
            while chain[-1] != row.code:
                above = parent_of.get(chain[-1], "")
                if not above or (above in seen and above != row.code):
                    break  # reached the top, or a loop that other rows report
                chain.append(above)
                seen.add(above)
            if chain[-1] == row.code:
                result.problems.append(Problem(row.line, "parent_code", msg(
                    N_("上级单位形成循环：%(chain)s"), chain=" → ".join(chain))))


def _plan_actions(result: ImportResult, existing: dict[str, Unit]) -> None:
    code_of = {u.id: code for code, u in existing.items()}
    for row in result.rows:
        unit = existing.get(row.code)
        if unit is None:
            row.action = "create"
            continue
        current = unit_values(unit, parent_code=code_of.get(unit.parent_id, ""))
        row.changes = {k: (current[k], v) for k, v in row.values.items() if current[k] != v}
        row.action = "update" if row.changes else "unchanged"


# --------------------------------------------------------------------------- writing

def _in_dependency_order(rows: list[RowPlan]) -> list[RowPlan]:
    """Rows whose parent is created in the same file come after that parent."""
    by_code = {row.code: row for row in rows}
    ordered: list[RowPlan] = []
    placed: set[str] = set()
    for row in rows:
        chain = []  # the row and its not-yet-placed ancestors in the file, child first
        current = row
        while current is not None and current.code not in placed:
            placed.add(current.code)
            chain.append(current)
            current = by_code.get(current.values.get("parent_code") or "")
        ordered.extend(reversed(chain))
    return ordered


def apply(result: ImportResult) -> dict[str, int]:
    """Write the plan of a problem-free result in one transaction; return the counts.

    Every create and update is audited. Any failure rolls back every row.
    """
    if result.problems:
        raise ValueError("refusing to import a file with problems")
    with database.atomic():
        units = {u.code: u for u in Unit.select()}
        ordered = [row for row in _in_dependency_order(result.rows) if row.action != "unchanged"]
        # New units go in level by level (a parent's level before its children's), many
        # rows per statement: a 5000-row file was one savepoint and two inserts per row.
        for level in _creation_levels([row for row in ordered if row.action == "create"]):
            made = audit.create_many(Unit, [_unit_fields(row, units) for row in level], key="code")
            units.update((unit.code, unit) for unit in made)
        for row in ordered:
            if row.action == "update":
                fields = _unit_fields(row, units)
                fields.pop("code")
                audit.update(units[row.code], **fields)
    return result.counts()


def _unit_fields(row: RowPlan, units: dict[str, Unit]) -> dict:
    """The row's values as Unit fields, the parent resolved from its code."""
    fields = dict(row.values)
    if "parent_code" in fields:
        parent_code = fields.pop("parent_code")
        fields["parent"] = units[parent_code].id if parent_code else None
    return fields


def _creation_levels(rows: list[RowPlan]) -> list[list[RowPlan]]:
    """New rows grouped so each row's parent, when it is new too, is in an earlier group.

    ``rows`` come in dependency order (parents first), so one pass suffices.
    """
    level_of: dict[str, int] = {}
    levels: list[list[RowPlan]] = []
    for row in rows:
        parent = row.values.get("parent_code") or ""
        level = level_of[parent] + 1 if parent in level_of else 0
        level_of[row.code] = level
        if level == len(levels):
            levels.append([])
        levels[level].append(row)
    return levels
