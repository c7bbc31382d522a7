"""Import pages: upload → preview (新增 / 更新 / 无变化 per row) → confirm, and the template file.

The upload is kept under ``<UPLOAD_FOLDER>/imports/<token>`` (shared by the app
servers); the confirm step reads that file again and re-checks it against the
registry as it is then, so nothing the browser sends back is trusted.
"""
from __future__ import annotations

import io
import os

from flask import current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from peewee import IntegrityError

from ..auth.access import role_required
from ..i18n import N_
from ..web.errors import NotFound
from ..web.render import render
from . import importer, staging
from .editing import near_miss_notes, rule_terms
from .importer import ImportFileError
from .models import UNIT_TYPES
from .profile import COLUMNS, LABELS, display_value
from .views import bp

EXAMPLE_ROW = ("Q99", "区示例局", "区直单位", "", "项目建设", "项目审批、资金分配", 2, "否", "王某某", "党组书记、局长")
ACTION_LABELS = {"create": N_("新增"), "update": N_("更新"), "unchanged": N_("无变化")}


def _folder() -> str:
    # Beside the evidence files, in the folder every app server shares (see
    # docs/deployment.md), so the preview and the confirm may reach different servers.
    return os.path.join(current_app.config["UPLOAD_FOLDER"], "imports")


def _page(status: int = 200, **context):
    context.setdefault("problems", [])
    context.setdefault("file_error", None)
    return render("units/import.html", status=status, columns=COLUMNS, unit_types=UNIT_TYPES,
                  max_rows=importer.MAX_ROWS, max_mb=importer.MAX_BYTES // (1024 * 1024), **context)


def _problem_page(filename: str, problems, status: int = 422):
    return _page(status, filename=filename, problems=[p.render(_) for p in problems])


@bp.get("/import")
@role_required("admin")
def import_form():
    """The upload form, with the columns explained and the template to download."""
    return _page()


@bp.post("/import")
@role_required("admin")
def import_upload():
    """Check an uploaded file; show every problem, or keep it and go to the preview."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(422, file_error=_("请选择要导入的 CSV 或 XLSX 文件。"))
    data = upload.stream.read(importer.MAX_BYTES + 1)
    try:
        result = importer.analyse(data, upload.filename)
    except ImportFileError as exc:
        return _page(422, filename=upload.filename, file_error=exc.message.render(_))
    if not result.ok:
        return _problem_page(upload.filename, result.problems)
    token = staging.stage(_folder(), data, upload.filename, current_user.id)
    return redirect(url_for("units.import_preview", token=token))


def _staged(token: str) -> staging.StagedUpload:
    upload = staging.load(_folder(), token)
    if upload is None or upload.user_id != current_user.id:
        raise NotFound(_("这次导入已完成、已取消或已过期，请重新上传文件。"))
    return upload


def _near_misses(result: importer.ImportResult) -> list[tuple[int, str, str]]:
    """(line, field, note) for tags and risk areas that resemble a rule's word without being it."""
    terms = rule_terms()
    if not terms:
        return []
    return [(row.line, key, note) for row in result.rows
            for key, note in near_miss_notes(row.values, terms).items()]


def _preview(upload: staging.StagedUpload, result: importer.ImportResult, status: int = 200,
             notice: str | None = None):
    return render("units/preview.html", status=status, token=upload.token, filename=upload.filename,
                  result=result, counts=result.counts(), digest=result.digest(), notice=notice,
                  labels=LABELS, action_labels=ACTION_LABELS, display_value=display_value,
                  near_misses=_near_misses(result))


@bp.get("/import/<token>")
@role_required("admin")
def import_preview(token: str):
    """What the staged file would do, row by row, checked against the registry as it is now."""
    upload = _staged(token)
    try:
        result = importer.analyse(upload.data, upload.filename)
    except ImportFileError as exc:  # cannot happen for a file that passed, but never a 500
        staging.discard(_folder(), token)
        return _page(422, filename=upload.filename, file_error=exc.message.render(_))
    if not result.ok:  # the registry changed since the upload
        staging.discard(_folder(), token)
        return _problem_page(upload.filename, result.problems)
    return _preview(upload, result)


@bp.post("/import/<token>/confirm")
@role_required("admin")
def import_confirm(token: str):
    """Write the staged file: re-read, re-check, then all rows in one transaction or none."""
    _staged(token)
    upload = staging.claim(_folder(), token)
    if upload is None:  # another request confirmed it a moment ago
        raise NotFound(_("这次导入已完成、已取消或已过期，请重新上传文件。"))
    try:
        result = importer.analyse(upload.data, upload.filename)
    except ImportFileError as exc:
        staging.discard(_folder(), token)
        return _page(422, filename=upload.filename, file_error=exc.message.render(_))
    if not result.ok:
        staging.discard(_folder(), token)
        return _problem_page(upload.filename, result.problems)
    if result.digest() != request.form.get("digest"):
        staging.restore(_folder(), upload)
        return _preview(upload, result, 409, notice=_(
            "预览之后系统中的单位已有变化，下面是按最新数据重新核对的结果。请再次检查后确认。"))
    try:
        counts = importer.apply(result)
    except IntegrityError:  # someone created one of these codes between check and write
        staging.discard(_folder(), token)
        return _page(409, filename=upload.filename, file_error=_(
            "导入时发现编号冲突（可能有人同时新建了相同编号的单位），没有写入任何数据。请重新上传。"))
    staging.discard(_folder(), token)
    flash(_("导入完成：新增 %(create)s 个单位，更新 %(update)s 个，%(unchanged)s 个无变化。", **counts), "success")
    return redirect(url_for("units.index"))


@bp.post("/import/<token>/cancel")
@role_required("admin")
def import_cancel(token: str):
    """Drop the staged file without writing anything."""
    _staged(token)
    staging.discard(_folder(), token)
    flash(_("已取消导入，没有写入任何数据。"), "info")
    return redirect(url_for("units.import_form"))


def template_workbook() -> bytes:
    """An XLSX with the import headers, one example row, and drop-downs for type and 是/否."""
    wb = Workbook()
    ws = wb.active
    ws.title = "单位"
    ws.append([label for _key, label in COLUMNS])
    ws.append(list(EXAMPLE_ROW))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (10, 28, 10, 14, 20, 24, 12, 10, 12, 18)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    types = DataValidation(type="list", formula1='"' + ",".join(UNIT_TYPES) + '"', allow_blank=False)
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(types)
    ws.add_data_validation(yes_no)
    types.add("C2:C5001")
    yes_no.add("H2:H5001")
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for row in (("编号", "必填，唯一；已存在的编号会更新该单位，新编号会新增单位"),
                ("单位名称", "必填"), ("类型", "必填，可选：" + "、".join(UNIT_TYPES)),
                ("上级单位编号", "可空；可以是系统中已有的单位，也可以是本文件中的其他行"),
                ("标签、风险领域", "多项用顿号“、”或逗号分隔"), ("下属单位数", "不小于 0 的整数，空白视为 0"),
                ("执法单位", "填“是”或“否”，空白视为否"), ("一把手、职务", "可空"),
                ("说明", "只读取第一个工作表；有任何一行出错时不会导入任何数据")):
        notes.append(list(row))
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 70
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@bp.get("/import/template.xlsx")
@role_required("admin")
def import_template():
    """Download the import template."""
    return send_file(io.BytesIO(template_workbook()), download_name="单位导入模板.xlsx", as_attachment=True,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
