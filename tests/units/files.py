"""Build import files in memory the way clerks' tools save them."""
import csv
import io

from openpyxl import Workbook

HEADER = ["编号", "单位名称", "类型", "上级单位编号", "标签", "风险领域", "下属单位数", "执法单位", "一把手", "职务"]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    """A CSV file (UTF-8 with BOM by default, as Excel's "CSV UTF-8" saves it)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    """An XLSX workbook whose first sheet holds ``header`` and ``rows``."""
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    wb.create_sheet("其他").append(["不读取这一页"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
