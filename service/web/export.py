"""Every list a user sees can be downloaded: CSV or XLSX from the same rows."""
from __future__ import annotations

import csv
import io
import re
from typing import Iterable, Sequence

from flask import Response, request
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from .errors import AppError

FORMATS = ("csv", "xlsx")


def wanted_format() -> str | None:
    """The export format asked for by ``?export=csv|xlsx``, or None for the page."""
    fmt = request.args.get("export")
    if fmt is None:
        return None
    if fmt not in FORMATS:
        raise AppError(f"不支持的导出格式：{fmt}（可用：csv、xlsx）")
    return fmt


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


_FORMULA_START = frozenset("=+-@＝＋－＠")     # full-width forms too: IMEs type them, Excel reads them
_LEADING_BLANKS = "".join(map(chr, range(0x21))) + "\u3000\u00a0"


def _safe_text(value):
    """Spreadsheet formula injection: text that starts with = + - @ (or their
    full-width forms) runs as a formula when a clerk opens the file, and so does
    one behind a leading tab, carriage return, space or control character, which
    spreadsheets drop or skip. Such text gets a leading apostrophe."""
    if isinstance(value, str) and value:
        if value[0] in "\t\r" or value.lstrip(_LEADING_BLANKS)[:1] in _FORMULA_START:
            return "'" + value
    return value


def _sheet_title(name: str) -> str:
    # Excel refuses these in a sheet name (and openpyxl raises): a unit called
    # 区城建/交通局 must not turn its plan's download into a server error.
    title = re.sub(r"[\\/?*\[\]:]", "_", ILLEGAL_CHARACTERS_RE.sub("", name)).strip("'")[:31]
    return title or "export"


def _xlsx_value(value):
    # Control characters (a vertical tab pasted from Word, say) cannot be stored
    # in a worksheet; they are dropped from the download, not from the data.
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def export(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """Build a download of ``rows`` under ``headers`` as CSV (UTF-8 with BOM) or XLSX."""
    if fmt == "csv":
        buf = io.StringIO()
        buf.write("\ufeff")  # Excel needs the BOM to read UTF-8 Chinese
        writer = csv.writer(buf)
        writer.writerow([_safe_text(h) for h in headers])
        for row in rows:
            writer.writerow([_safe_text(_cell(v)) for v in row])
        data, mimetype = buf.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = _sheet_title(filename)
        ws.append([_safe_text(_xlsx_value(h)) for h in headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            # Characters a sheet cannot hold go first, so none can hide a formula from the guard.
            ws.append([_safe_text(_xlsx_value(_cell(v))) for v in row])
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(data, mimetype=mimetype)
    from urllib.parse import quote
    response.headers["Content-Disposition"] = (
        f"attachment; filename=export.{fmt}; filename*=UTF-8''{quote(filename)}.{fmt}")
    return response
