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


def xlsx_bomb(megabytes: int = 60) -> bytes:
    """A small, valid XLSX whose first sheet holds one cell of ``megabytes`` MB of one letter
    (issue 8, W11: a 200 KB file unpacked to a 200 MB cell). Written in chunks, so building it
    costs no memory."""
    import zipfile
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, source.read(info.filename))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                        b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
            chunk = b"a" * (1024 * 1024)
            for _ in range(megabytes):
                sheet.write(chunk)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return buf.getvalue()
