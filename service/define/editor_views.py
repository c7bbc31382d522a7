"""Editing a pack version in the browser: JSON editor with live checks (htmx),
a try-it panel, and saving as a new draft version (admins only).

Inspectors may open the editor, check and try rules; only admins save. A
save never touches the version it started from: it stores a new version
(parent = that version, manifest patch number bumped) after the whole
edited pack passes ``check_pack``. Publishing stays a separate, audited step.
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import role_required
from ..i18n import N_
from ..packs import Problem, content_hash
from ..packs.store import PackVersion, VersionTaken, store_files
from ..units.models import Unit
from ..web.errors import AppError, NotFound
from ..web.ids import parse_id
from ..web.render import render
from ..web.words import item_check, rule_applies
from . import editor, tryit
from .blueprint import bp
from .pack_views import preview_html, version_or_404

PART_LABELS = {"check": N_("检查规则"), "applies_if": N_("适用规则"), "item": N_("整个条目")}
MAX_UNITS_OFFERED = 200


def _load(version_id: int, kind: str, target_id: str, part: str = ""):
    version = version_or_404(version_id)
    pack = version.pack()
    if kind == "item":
        target = editor.item_target(pack, target_id, part or "check")
        if target is None:
            raise NotFound(_("条目不存在") if pack.item(target_id) is None else _("不能编辑这一部分"))
    else:
        target = editor.form_target(pack, target_id)
        if target is None:
            raise NotFound(_("表单不存在"))
    return version, pack, target


def _units() -> list[Unit]:
    return list(Unit.select().where(Unit.active == True).order_by(Unit.code).limit(MAX_UNITS_OFFERED))  # noqa: E712


def _unit_profile(unit_id: str) -> dict | None:
    unit = Unit.get_or_none(Unit.id == parse_id(unit_id)) if parse_id(unit_id) else None
    return unit.profile() if unit else None


def _sample(pack, target, *, unit_id: str = "", with_record: bool = True) -> str:
    """The try-it data the panel starts with, as pretty JSON."""
    if target.kind != "item":
        return ""
    item = pack.item(target.id)
    units = _units()
    profile = _unit_profile(unit_id) if unit_id else (units[0].profile() if units else None)
    if target.part == "applies_if":
        return editor.pretty(profile or tryit.EXAMPLE_PROFILE)
    return editor.pretty(tryit.check_sample(pack, item, profile, with_record=with_record))


def _taken_versions(pack_id: str) -> set[str]:
    return {v for (v,) in PackVersion.select(PackVersion.version).where(PackVersion.pack_id == pack_id).tuples()}


def _default_note(target) -> str:
    if target.kind == "form":
        return _("在线编辑：表单 %(id)s", id=target.id)
    return _("在线编辑：条目 %(id)s 的%(part)s", id=target.id, part=_(PART_LABELS[target.part]))


def _page(version, pack, target, *, text: str | None = None, status: int = 200, save_problems=None,
          note: str | None = None, block: str = "content", check=None, result=None,
          sample: str | None = None, today: str | None = None):
    """The editor page (or one of its blocks for htmx) with everything it shows."""
    if text is None:
        text = editor.pretty(editor.current_value(pack, target))
    if check is None:
        check = editor.check_edit(pack, target, text, whole_pack=False)
    item = pack.item(target.id) if target.kind == "item" else None
    form = pack.forms.get(target.id) if target.kind == "form" else None
    if item is not None and (today is None or not tryit.valid_date(today)):
        # the page describes the sample period from `today`: never from a date that does not exist
        period_day = tryit.sample_today(item)
    else:
        period_day = today
    preview = preview_error = schema = None
    if form is not None:
        schema = check.value if check.parsed and isinstance(check.value, dict) else None
        preview, preview_error = preview_html(schema) if schema is not None else (
            None, _("JSON 有误，修正后预览会更新。"))
    return render("define/editor.html", block=block, status=status, version=version, pack=pack,
                  target=target, item=item, form=form, text=text, check=check,
                  save_problems=save_problems or [], result=result,
                  part_labels=PART_LABELS, parts=editor.ITEM_PARTS,
                  sample=_sample(pack, target) if sample is None else sample,
                  today=(tryit.sample_today(item) if item else "") if today is None else today,
                  period_day=period_day,
                  units=_units() if item else [], note=_default_note(target) if note is None else note,
                  next_version=editor.bump_version(version.version, _taken_versions(version.pack_id)),
                  can_save=current_user.is_admin, preview=preview, preview_error=preview_error,
                  preview_schema=schema,
                  max_kb=editor.MAX_EDIT_BYTES // 1024, form_fields=editor.form_fields)


# --------------------------------------------------------------------------- pages

@bp.get("/packs/<int:version_id>/items/<item_id>/edit")
@role_required("admin", "inspector")
def edit_item(version_id: int, item_id: str):
    """Edit an item's check rule, applicability rule or the whole item as JSON."""
    version, pack, target = _load(version_id, "item", item_id, request.args.get("part", "check"))
    return _page(version, pack, target)


@bp.get("/packs/<int:version_id>/forms/<form_id>/edit")
@role_required("admin", "inspector")
def edit_form(version_id: int, form_id: str):
    """Edit a form schema as JSON with a live preview."""
    version, pack, target = _load(version_id, "form", form_id)
    return _page(version, pack, target)


# --------------------------------------------------------------------------- live check, try it

def _text() -> str:
    return request.form.get("text", "")


@bp.post("/packs/<int:version_id>/items/<item_id>/check")
@role_required("admin", "inspector")
def check_item_edit(version_id: int, item_id: str):
    """The messages for what is in the editor now (htmx fragment)."""
    version, pack, target = _load(version_id, "item", item_id, request.args.get("part", "check"))
    text = _text()
    return _page(version, pack, target, text=text, block="messages", check=editor.check_edit(pack, target, text))


@bp.post("/packs/<int:version_id>/forms/<form_id>/check")
@role_required("admin", "inspector")
def check_form_edit(version_id: int, form_id: str):
    """The messages for the form in the editor, and its preview (out of band)."""
    version, pack, target = _load(version_id, "form", form_id)
    text = _text()
    return _page(version, pack, target, text=text, block="messages_and_preview",
                 check=editor.check_edit(pack, target, text))


@bp.post("/packs/<int:version_id>/forms/<form_id>/preview")
@role_required("admin", "inspector")
def preview_form_edit(version_id: int, form_id: str):
    """The preview of the form in the editor (unsaved)."""
    version, pack, target = _load(version_id, "form", form_id)
    return _page(version, pack, target, text=_text(), block="preview")


@bp.get("/packs/<int:version_id>/items/<item_id>/sample")
@role_required("admin", "inspector")
def sample_item(version_id: int, item_id: str):
    """Sample data for the try-it panel: a unit's profile, with or without a record."""
    version, pack, target = _load(version_id, "item", item_id, request.args.get("part", "check"))
    sample = _sample(pack, target, unit_id=request.args.get("unit", ""),
                     with_record=request.args.get("records", "1") != "0")
    return _page(version, pack, target, block="sample", sample=sample)


def _tried(pack, target, text: str, sample_text: str, today: str) -> dict:
    """What the try-it panel shows: a result with its explanation, or why it could not run."""
    value, problems = editor.parse_json_text(text)
    if problems:
        return {"message": _("规则的 JSON 有误，请先修正左侧提示的问题：%(problem)s", problem=problems[0].message_zh)}
    rule = value
    if target.part == "item":
        if not isinstance(value, dict):
            return {"message": _("条目必须是 JSON 对象。")}
        rule = value.get("check")
    if target.part == "applies_if" and rule is None:
        return {"message": _("没有适用规则（null）：此条目适用于所有单位。")}
    data, problems = editor.parse_json_text(sample_text)
    if problems:
        return {"message": _("示例数据有误：%(problem)s", problem=problems[0].message_zh)}
    if not tryit.valid_date(today):
        return {"message": _("“今天”须为日期，格式 YYYY-MM-DD，例如 2022-12-31。")}
    # What the static checker says about the rule goes above the result: a rule that reads a
    # field its data cannot have may still "pass" (0 >= null), and that result is not to be trusted.
    problems = editor.check_edit(pack, target, text, whole_pack=False).problems
    told = (rule_applies(pack, rule) if target.part == "applies_if"
            else item_check(pack, pack.item(target.id), rule=rule))
    return {"run": tryit.try_rule(rule, data, today), "kind": "applies_if" if target.part == "applies_if" else "check",
            "problems": problems, "words": told}


@bp.post("/packs/<int:version_id>/items/<item_id>/try")
@role_required("admin", "inspector")
def try_item(version_id: int, item_id: str):
    """Run the rule in the editor on the sample data (htmx fragment)."""
    version, pack, target = _load(version_id, "item", item_id, request.args.get("part", "check"))
    text, sample, today = _text(), request.form.get("sample", ""), request.form.get("today", "").strip()
    return _page(version, pack, target, block="result", text=text, sample=sample, today=today,
                 result=_tried(pack, target, text, sample, today))


# --------------------------------------------------------------------------- save

def _save(version, pack, target):
    text = _text()
    note = request.form.get("note", "").strip()
    check = editor.check_edit(pack, target, text, whole_pack=False)
    if len(note) > editor.MAX_NOTE_CHARS:
        check.problems.append(Problem("", "", "note-too-long",
                                      f"修改说明过长（上限 {editor.MAX_NOTE_CHARS} 字）",
                                      f"note too long (limit {editor.MAX_NOTE_CHARS} characters)"))
    if not check.ok:
        return _refused(version, pack, target, text, note, check.problems, check)
    files = check.files
    if content_hash(files) == version.content_hash:
        flash(_("内容没有变化，未创建新版本。"), "info")
        return redirect(_edit_url(version, target))
    same = _same_content(version.pack_id, files)
    if same is not None:
        flash(_("与已有版本 %(label)s 内容相同，未创建新版本。", label=same.label), "info")
        return redirect(_edit_url(same, target))
    new_version = editor.bump_version(pack.manifest.version, _taken_versions(version.pack_id))
    files = editor.with_version(files, new_version)
    problems = editor.save_problems(files)
    if problems:
        return _refused(version, pack, target, text, note, problems, check)
    try:
        stored, created = store_files(files, source="editor", parent=version, note=note or _default_note(target))
    except VersionTaken:  # another admin saved the same next version number a moment ago
        raise AppError(_("刚有其他管理员保存了同一版本号，请返回重新保存。"), status=409) from None
    if not created:
        flash(_("与已有版本 %(label)s 内容相同，未创建新版本。", label=stored.label), "info")
        return redirect(_edit_url(stored, target))
    flash(_("已保存为新版本 %(label)s（草稿）。发布后，之后生成的清单才会使用它。", label=stored.label), "success")
    return redirect(url_for("define.packs"))


def _refused(version, pack, target, text, note, problems, check):
    # The list goes next to the editor, pointers relative to the edited value where they fall inside it.
    check.problems = editor.relative_problems(target, problems)
    check.pack_checked = check.parsed
    return _page(version, pack, target, text=text, note=note, status=422, save_problems=problems, check=check)


def _edit_url(version, target) -> str:
    if target.kind == "form":
        return url_for("define.edit_form", version_id=version.id, form_id=target.id)
    return url_for("define.edit_item", version_id=version.id, item_id=target.id, part=target.part)


def _same_content(pack_id: str, files: dict) -> PackVersion | None:
    """An existing version whose content equals ``files`` apart from the version string."""
    wanted = editor.content_hash_ignoring_version(files)
    for stored in PackVersion.select().where(PackVersion.pack_id == pack_id).order_by(PackVersion.id.desc()):
        if editor.content_hash_ignoring_version(stored.files) == wanted:
            return stored
    return None


@bp.post("/packs/<int:version_id>/items/<item_id>/save")
@role_required("admin")
def save_item(version_id: int, item_id: str):
    """Save the edited item part as a new draft version (admins only)."""
    version, pack, target = _load(version_id, "item", item_id, request.args.get("part", "check"))
    return _save(version, pack, target)


@bp.post("/packs/<int:version_id>/forms/<form_id>/save")
@role_required("admin")
def save_form(version_id: int, form_id: str):
    """Save the edited form as a new draft version (admins only)."""
    version, pack, target = _load(version_id, "form", form_id)
    return _save(version, pack, target)
