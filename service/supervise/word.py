"""A filled report as a Word document (.docx, python-docx), A4, the way commission staff pass it around."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .reports import Report

FONT = "SimSun"  # 宋体: what Word in the district's offices has


def _cjk(run) -> None:
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def docx_bytes(report: Report) -> bytes:
    """The report as .docx bytes: title, sections, then its tables."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    style.font.name = FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(report.title)
    run.bold, run.font.size = True, Pt(18)
    _cjk(run)
    for heading, text in report.sections:
        if heading:
            run = document.add_paragraph().add_run(heading)
            run.bold = True
            _cjk(run)
        if text:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(24)
            _cjk(paragraph.add_run(text))
    for table_data in report.tables:
        if not table_data["rows"]:
            continue
        run = document.add_paragraph().add_run(table_data["caption"])
        run.bold = True
        _cjk(run)
        table = document.add_table(rows=1, cols=len(table_data["headers"]))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, table_data["headers"]):
            cell.text = str(text)
        for row in table_data["rows"]:
            for cell, value in zip(table.add_row().cells, row):
                cell.text = "" if value is None else str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
