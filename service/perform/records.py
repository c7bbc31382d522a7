"""Making records from forms: drafts, evidence uploads, submission. No Flask.

A form in progress is a ``Draft`` (autosaved; its every keystroke is not an
audited event, but its creation and its submission are). Submitting validates
on the server with the same schema the form was rendered from — the form of
the *pack version* the unit's plan was made under — and creates an audited
``Record`` in one transaction with the draft's removal.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
import uuid
from pathlib import Path
from typing import BinaryIO

import peewee

from .. import audit
from ..auth.models import User
from ..db import database, utcnow
from ..define.models import Plan, PlanItem
from ..forms import FieldError, check_upload, file_refs, restore_read_only, validate  # noqa: F401  (FieldError re-exported)
from ..i18n import N_
from ..packs.model import Form
from ..packs.store import PackVersion
from ..units.models import Unit
from . import files, search
from .models import Draft, Record, RecordItem, RecordRevision, StoredFile

CHUNK = 1 << 16


class UploadError(ValueError):
    """An upload that cannot be stored; the message is for the clerk."""


class QuotaExceeded(UploadError):
    """The upload would take the unit past its storage quota (the view words the message)."""

    def __init__(self, used: int, quota: int):
        super().__init__("本单位附件存储空间已满")
        self.used, self.quota = used, quota


class NotFillable(Exception):
    """A form a unit cannot fill now: ``msgid`` (Chinese, for ``_()``) and an HTTP status."""

    def __init__(self, msgid: str, status: int):
        super().__init__(msgid)
        self.msgid, self.status = msgid, status


#: A custom item without an evidence form is marked done with this built-in
#: note (not a pack form: its id is not a slug, so no pack can take it).
NOTE_FORM_ID = "_note"
NOTE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "完成情况说明",
    "x-i18n": {"en": {"title": "Completion note"}},
    "type": "object",
    "x-order": ["date", "note", "attachments"],
    "properties": {
        "date": {"type": "string", "format": "date", "title": "完成日期", "x-i18n": {"en": {"title": "Date done"}}},
        "note": {"type": "string", "title": "完成情况", "x-widget": "textarea", "minLength": 1, "maxLength": 5000,
                 "x-i18n": {"en": {"title": "What was done"}}},
        "attachments": {
            "type": "array", "title": "附件", "x-i18n": {"en": {"title": "Attachment"}}, "x-widget": "file",
            "x-accept": [".pdf", ".jpg", ".png", ".doc", ".docx", ".xls", ".xlsx"], "x-max-bytes": 10485760,
            "maxItems": 10,
            "items": {"type": "object", "properties": {"id": {"type": "string", "maxLength": 100},
                                                       "name": {"type": "string", "maxLength": 255},
                                                       "size": {"type": "integer", "minimum": 0},
                                                       "type": {"type": "string", "maxLength": 100}},
                      "required": ["id", "name"], "additionalProperties": False}},
    },
    "required": ["date", "note"],
}
NOTE_FORM = Form(id=NOTE_FORM_ID, schema=NOTE_SCHEMA)


def form_of(version: PackVersion, form_id: str) -> Form | None:
    """The form ``form_id`` of ``version`` (or the built-in completion note), or None."""
    if form_id == NOTE_FORM_ID:
        return NOTE_FORM
    return version.pack().forms.get(form_id)


def current_plan(unit_id: int) -> Plan | None:
    """The unit's newest published plan (records are made under its pack version)."""
    return (Plan.select().where((Plan.unit == unit_id) & (Plan.status == "published"))
            .order_by(Plan.year.desc()).first())


def fill_target(unit: Unit, form_id: str, item_id: int | None) -> tuple[PlanItem | None, PackVersion, Form]:
    """Which duty, pack version and form a record of ``form_id`` by ``unit`` is made under.

    With ``item_id`` it is that item of one of the unit's published plans;
    without, the unit's newest published plan. Raises ``NotFillable`` when the
    item is not the unit's (404, as if it did not exist), the unit has no
    published plan (409) or the plan's version has no such form (404). The
    pages and the API both ask this, so a record is always validated against
    the form of the version the unit's plan was made under.
    """
    item = None
    if item_id is not None:
        item = PlanItem.get_or_none(PlanItem.id == item_id)
        if item is None or item.plan.unit_id != unit.id or not item.plan.is_published:
            raise NotFillable(N_("事项不存在"), 404)
        plan = item.plan
    else:
        plan = current_plan(unit.id)
    if plan is None:
        raise NotFillable(N_("本单位尚无已发布的年度任务清单，暂不能填报。"), 409)
    version = plan.pack_version
    form = form_of(version, form_id)
    if form is None or (form_id == NOTE_FORM_ID and (item is None or item.form)):
        # The note is for a custom item without a form, named by the item.
        raise NotFillable(N_("表单不存在"), 404)
    return item, version, form


def _plain_name(filename: str | None) -> str:
    """The name an upload is shown and downloaded under: its last path part,
    without control or format characters (a NUL, which PostgreSQL refuses, or a
    right-to-left override that shows 报告\u202egpj.pdf as 报告fdp.jpg)."""
    base = os.path.basename((filename or "").replace("\\", "/"))
    cleaned = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf"))
    return cleaned.strip()[:255] or "file"


def store_upload(*, unit: Unit, user: User, filename: str, content_type: str, stream: BinaryIO,
                 field_schema: dict | None, upload_folder: str, locale: str = "zh-CN",
                 quota_bytes: int = 0) -> StoredFile:
    """Check an uploaded file against its field and the unit's quota, and store it outside the web root.

    The file is streamed to a temporary name while its size and hash are
    computed, checked, then renamed into place: a refused upload leaves nothing.
    The quota (``quota_bytes``, 0 for none) counts every stored file of the
    unit; two uploads at the same moment may pass it by one upload at most.
    """
    used = files.usage(unit.id) if quota_bytes else 0
    name = _plain_name(filename)
    folder = Path(upload_folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # evidence is readable by the service alone
    file_id = str(uuid.uuid4())
    tmp = folder / f".{file_id}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > 512 * 1024 * 1024:  # hard ceiling whatever the schema says
                    raise UploadError("文件过大")
                if quota_bytes and used + size > quota_bytes:
                    raise QuotaExceeded(used, quota_bytes)
                digest.update(chunk)
                out.write(chunk)
        problem = check_upload(field_schema or {}, name, content_type or "", size, locale=locale)
        if problem:
            raise UploadError(problem)
        relative = f"{file_id[:2]}/{file_id}"
        (folder / file_id[:2]).mkdir(mode=0o700, exist_ok=True)
        os.replace(tmp, folder / relative)
    finally:
        if tmp.exists():
            tmp.unlink()
    return audit.create(StoredFile, id=file_id, unit=unit, uploaded_by=user, name=name,
                        content_type=(content_type or "application/octet-stream")[:100],
                        size=size, sha256=digest.hexdigest(), path=relative)


def stored_path(stored: StoredFile, upload_folder: str) -> Path:
    """Where a stored file's bytes are (never outside the upload folder)."""
    root = Path(upload_folder).resolve()
    path = (root / stored.path).resolve()
    if root not in path.parents:
        raise UploadError("invalid stored path")
    return path


def attach(data: dict, pointer: str, field_schema: dict, reference: dict) -> None:
    """Put a stored file's reference into the answers at ``pointer``.

    An array field (several files) gets it appended; a single file field is set.
    """
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]
    target = data
    for part in parts[:-1]:
        key = int(part) if isinstance(target, list) else part
        if isinstance(target, dict):
            target = target.setdefault(key, {})
        else:
            target = target[key]
    last = parts[-1]
    is_array = field_schema.get("type") == "array" or "array" in (field_schema.get("type") or [])
    if is_array:
        current = target.get(last) if isinstance(target.get(last), list) else []
        target[last] = current + [reference]
    else:
        target[last] = reference


def foreign_file_refs(schema: dict, data: dict, unit: Unit) -> list[str]:
    """Pointers of file references in ``data`` that are not this unit's stored files.

    References travel through hidden inputs, so a forged id must never attach
    another unit's evidence to this record.
    """
    bad = []
    for pointer, ref in file_refs(schema, data):
        stored = StoredFile.get_or_none(StoredFile.id == str(ref.get("id", "")))
        if stored is None or stored.unit_id != unit.id:
            bad.append(pointer)
    return bad


def find_draft(user: User, unit: Unit, form_id: str, plan_item: PlanItem | None) -> Draft | None:
    """The user's draft of this form (for this duty), if any."""
    return Draft.get_or_none((Draft.user == user) & (Draft.unit == unit)
                             & (Draft.key == Draft.key_for(form_id, plan_item.id if plan_item else None)))


def save_draft(*, user: User, unit: Unit, version: PackVersion, form_id: str,
               plan_item: PlanItem | None, data: dict) -> Draft:
    """Create or overwrite the user's draft of this form."""
    draft = find_draft(user, unit, form_id, plan_item)
    if draft is None:
        try:
            created = audit.create(Draft, user=user, unit=unit, pack_version=version, form_id=form_id,
                                   key=Draft.key_for(form_id, plan_item.id if plan_item else None),
                                   plan_item=plan_item, data=data)
            files.touch(unit.id, data)
            return created
        except peewee.IntegrityError:
            # The same form open in two tabs: the other one made the draft a
            # moment ago. This save overwrites it like any later autosave.
            draft = find_draft(user, unit, form_id, plan_item)
            if draft is None:
                raise
    # Autosaves are a user's unsaved typing, not an event worth an audit entry each.
    with database.atomic():
        Draft.update(data=data, updated_at=utcnow()).where(Draft.id == draft.id).execute()
        files.touch(unit.id, data)
    draft.data = data
    return draft


def discard_draft(draft: Draft) -> None:
    """Throw a draft away (audited)."""
    audit.delete(draft)


def _record_date(data: dict) -> dt.date | None:
    value = data.get("date") if isinstance(data, dict) else None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def default_items(unit_id: int, form_id: str, day: dt.date | None, plan_item: PlanItem | None) -> list[int]:
    """The plan items a new record counts for unless the clerk says otherwise.

    The item it was filled for, and every enabled item of the same form in the
    unit's published plan of the record's year: a 专题会议 counts for each
    meeting item, and each item's check rule then decides whether this meeting
    is one it asks for (its topics, its chair…).
    """
    ids = {plan_item.id} if plan_item is not None else set()
    if day is not None and form_id:
        ids.update(row[0] for row in (
            PlanItem.select(PlanItem.id).join(Plan)
            .where((Plan.unit == unit_id) & (Plan.year == day.year) & (Plan.status == "published")
                   & (PlanItem.form == form_id) & (PlanItem.enabled == True))  # noqa: E712
            .tuples()))
    return sorted(ids)


def link_items(record: Record, item_ids: list[int]) -> None:
    """Make ``record`` count for exactly ``item_ids`` (inside the caller's transaction).

    Bookkeeping of the record's own audited change (its revision lists the items)."""
    current = {row[0] for row in RecordItem.select(RecordItem.plan_item).where(RecordItem.record == record).tuples()}
    wanted = set(item_ids)
    if current - wanted:
        RecordItem.delete().where((RecordItem.record == record)
                                  & RecordItem.plan_item.in_(sorted(current - wanted))).execute()
    if wanted - current:
        RecordItem.insert_many([{"record": record.id, "plan_item": i} for i in sorted(wanted - current)]).execute()


def _say(locale: str, zh: str, en: str) -> str:
    return zh if locale.startswith("zh") else en


def date_errors(data: dict, year: int, today: dt.date, locale: str = "zh-CN") -> list[FieldError]:
    """A record's date must lie in its plan's year and not after today (``/date``)."""
    day = _record_date(data)
    if day is None:
        return []  # the form's own validation says what is wrong with it
    if day > today:
        return [FieldError(path="/date", code="date-future", message=_say(
            locale, f"记录日期不能晚于今天（{today.isoformat()}）：尚未发生的事不能记录",
            f"The date cannot be after today ({today.isoformat()}): record what has happened"))]
    if day.year != year:
        return [FieldError(path="/date", code="date-year", message=_say(
            locale, f"记录日期应在 {year} 年内（本记录所属年度任务清单的年度）",
            f"The date must lie in {year}, the year of the plan this record belongs to"))]
    return []


def items_for(unit_id: int, year: int) -> list[PlanItem]:
    """The items a record of ``unit_id`` dated in ``year`` may count for: the enabled items
    of the unit's published plan of that year, in plan order."""
    return list(PlanItem.select().join(Plan)
                .where((Plan.unit == unit_id) & (Plan.year == year) & (Plan.status == "published")
                       & (PlanItem.enabled == True))  # noqa: E712
                .order_by(PlanItem.position, PlanItem.id))


def item_errors(unit_id: int, year: int, item_ids, locale: str = "zh-CN",
                allowed: set[int] | None = None) -> list[FieldError]:
    """``/items`` problems: every chosen item must be one ``items_for`` offers, and one of
    ``allowed`` when given (the items the user may record: holders.recording)."""
    offered = {item.id for item in items_for(unit_id, year)}
    if any(not isinstance(i, int) or i not in offered for i in item_ids):
        return [FieldError(path="/items", code="items", message=_say(
            locale, f"所选事项不在本单位 {year} 年已发布的任务清单中", f"A chosen item is not in the unit's published {year} plan"))]
    if allowed is not None and any(i not in allowed for i in item_ids):
        return [FieldError(path="/items", code="items-recorder", message=_say(
            locale, "所选事项中有由其他机构记录的事项，不能计入", "A chosen item is recorded by another body"))]
    return []


def submit(*, user: User, unit: Unit, version: PackVersion, form_id: str, plan_item: PlanItem | None,
           data: dict, locale: str = "zh-CN", items: list[int] | None = None,
           today: dt.date | None = None, allowed: set[int] | None = None) -> tuple[Record | None, list[FieldError]]:
    """Validate ``data`` and create the record; (record, []) or (None, errors).

    The record counts for ``items`` (plan item ids) when given, else for
    ``default_items``. Its date must lie in the year of the plan it is made
    under (``plan_item``'s, else the unit's newest published plan) and not
    after ``today``. ``allowed``: the item ids the user may record (who records
    what); chosen items outside it are refused, default items outside it left out.
    """
    schema = form_of(version, form_id).schema
    data = restore_read_only(schema, data)  # a new record: read-only fields take their defaults
    errors = validate(schema, data, locale=locale)
    forged = foreign_file_refs(schema, data, unit)
    errors += [FieldError(path=p, message="附件无效，请重新上传" if locale.startswith("zh") else "Invalid attachment; upload it again",
                          code="file") for p in forged]
    plan = plan_item.plan if plan_item is not None else current_plan(unit.id)
    year = plan.year if plan is not None else None
    if year is not None:
        errors += date_errors(data, year, today or dt.date.today(), locale)
        if items is not None:
            errors += item_errors(unit.id, year, items, locale, allowed)
    if errors:
        return None, errors
    day = _record_date(data)
    with database.atomic():
        record = audit.create(Record, unit=unit, pack_version=version, form_id=form_id, plan_item=plan_item,
                              record_date=day, data=data, created_by=user,
                              **search.index_values(data, schema.get("title", "")))
        chosen = sorted(set(items)) if items is not None else default_items(unit.id, form_id, day, plan_item)
        if allowed is not None:
            chosen = [i for i in chosen if i in allowed or (plan_item is not None and i == plan_item.id)]
        link_items(record, chosen)
        RecordRevision.create(record=record, number=1, data=data, record_date=day, items=chosen, reason="",
                              actor=user, actor_name=audit.current_actor()[1] or user.username)
        files.keep(unit.id, data)
        draft = find_draft(user, unit, form_id, plan_item)
        if draft is not None:
            audit.delete(draft)
    return record, []


class Stale(Exception):
    """The record changed since the caller read it (another revision, or a delete)."""


def linked_items(record: Record) -> list[int]:
    """The plan item ids the record counts for now."""
    return sorted(row[0] for row in RecordItem.select(RecordItem.plan_item)
                  .where(RecordItem.record == record).tuples())


def _plan_year(record: Record) -> int:
    """The year of the plan a record belongs to: the year of the date it was submitted with."""
    first = (RecordRevision.select(RecordRevision.record_date).where(RecordRevision.record == record)
             .order_by(RecordRevision.number).first())
    for value in (first.record_date if first else None, record.record_date):
        day = _record_date({"date": str(value)[:10]}) if value else None
        if day:
            return day.year
    return record.created_at.year


def revise(record: Record, *, user: User, data: dict | None, items: list[int] | None, reason: str,
           expected_revision: int | None = None, locale: str = "zh-CN",
           today: dt.date | None = None, allowed: set[int] | None = None) -> tuple[RecordRevision | None, list[FieldError]]:
    """Change a submitted record: a new revision with a reason; earlier ones are kept.

    ``data`` None keeps the answers, ``items`` None keeps the links. The
    answers are validated against the form of the record's own pack version,
    read-only fields keep their values, the date stays in the record's plan
    year and not after today. ``expected_revision`` (the revision the caller
    saw) guards against overwriting a change made meanwhile: ``Stale``.
    """
    reason = (reason or "").strip()
    errors: list[FieldError] = []
    if not reason:
        errors.append(FieldError(path="/reason", code="required", message=_say(
            locale, "修改已提交的记录须填写修改原因", "Say why the submitted record is changed")))
    if record.is_deleted:
        raise Stale()
    schema = record.form_schema()
    new_data = record.data if data is None else restore_read_only(schema, data, record.data)
    if data is not None:
        errors += validate(schema, new_data, locale=locale)
        errors += [FieldError(path=p, code="file", message=_say(locale, "附件无效，请重新上传", "Invalid attachment; upload it again"))
                   for p in foreign_file_refs(schema, new_data, record.unit)]
    year = _plan_year(record)
    errors += date_errors(new_data, year, today or dt.date.today(), locale)
    if items is not None:
        errors += item_errors(record.unit_id, year, items, locale, allowed)
    if errors:
        return None, errors
    day = _record_date(new_data)
    with database.atomic():
        seen = record.revision if expected_revision is None else expected_revision
        moved = (Record.update(revision=Record.revision + 1)
                 .where((Record.id == record.id) & (Record.revision == seen) & Record.deleted_at.is_null()).execute())
        if not moved:
            raise Stale()
        fresh = Record.get_by_id(record.id)
        chosen = sorted(set(items)) if items is not None else linked_items(fresh)
        before_items = linked_items(fresh)
        # The row's revision is already bumped; audit the answers as changed now.
        fresh.revision = seen
        audit.update(fresh, data=new_data, record_date=day, revision=seen + 1,
                     **search.index_values(new_data, schema.get("title", "")))
        link_items(fresh, chosen)
        if chosen != before_items:
            audit.record("update", "record_item", fresh.id, {"items": before_items}, {"items": chosen})
        revision = RecordRevision.create(record=fresh, number=seen + 1, data=new_data, record_date=day,
                                         items=chosen, reason=reason, actor=user,
                                         actor_name=audit.current_actor()[1] or user.username)
        files.keep(fresh.unit_id, new_data)
    record.__data__ = dict(fresh.__data__)
    record._dirty.clear()
    return revision, []


def delete_record(record: Record, *, user: User, reason: str, expected_revision: int | None = None,
                  locale: str = "zh-CN") -> list[FieldError]:
    """Soft-delete a record with a reason: kept (inspectors see it), never counted again."""
    reason = (reason or "").strip()
    if not reason:
        return [FieldError(path="/reason", code="required", message=_say(
            locale, "删除记录须填写原因", "Say why the record is deleted"))]
    with database.atomic():
        fresh = Record.get_or_none(Record.id == record.id)
        if fresh is None or fresh.is_deleted or (expected_revision is not None and fresh.revision != expected_revision):
            raise Stale()
        audit.update(fresh, deleted_at=utcnow(), deleted_by=user, deleted_reason=reason)
    record.__data__ = dict(fresh.__data__)
    record._dirty.clear()
    return []
