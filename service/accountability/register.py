"""The findings register: making findings (by hand, from review feedback, from
confirmed review follow-ups), reading their input, filtering and exporting
them, comments. Plain functions, no Flask; every write goes through
``service.audit`` and adds a line to the finding's timeline.

State changes are in ``states.py`` (the table of moves).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee

from .. import audit
from ..auth.models import User
from ..db import database, utcnow
from ..i18n import N_
from ..packs.store import PackVersion
from ..units.models import Unit
from . import states
from .models import CHANNELS, SEVERITIES, SOURCE_KINDS, Finding

TITLE_MAX, NAME_MAX, REF_MAX, TEXT_MAX = 200, 100, 200, 4000


class FieldErrors(ValueError):
    """Input problems, one message (a msgid with its values) per field."""

    def __init__(self, errors: dict[str, tuple[str, dict]]):
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass
class Input:
    """A finding's registered facts as read from a form or an API body."""

    values: dict = field(default_factory=dict)


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    value = dt.date.fromisoformat(text)
    if not 1900 <= value.year <= 2999:
        raise ValueError(text)
    return value


def pack_lists(version: PackVersion | None) -> tuple[dict, dict]:
    """(list id → name, category id → (list id, name)) of ``version``, for the category choice."""
    if version is None:
        return {}, {}
    pack = version.pack()
    return ({lst.id: lst.name for lst in pack.lists},
            {c.id: (c.list, c.name) for c in sorted(pack.categories, key=lambda c: (c.list, c.order))})


def clean(raw: dict, *, version: PackVersion | None, partial: bool = False) -> dict:
    """Check a finding's facts; return them typed, or raise ``FieldErrors``.

    ``raw`` maps field names to text (a form) or JSON values (the API).
    ``partial``: only the fields given (an edit).
    """
    errors: dict[str, tuple[str, dict]] = {}
    out: dict = {}

    def given(name: str) -> bool:
        return not partial or name in raw

    def text(name: str, limit: int, label: str, required: bool = False, multiline: bool = False) -> None:
        if not given(name):
            return
        value = raw.get(name)
        value = "" if value is None else str(value)
        value = value.strip() if multiline else " ".join(value.split())
        if required and not value:
            errors[name] = (N_("请填写%(label)s。"), {"label": label})
        elif len(value) > limit:
            errors[name] = (N_("%(label)s不能超过 %(n)s 个字。"), {"label": label, "n": limit})
        else:
            out[name] = value

    if given("unit"):
        unit = None
        value = raw.get("unit")
        if isinstance(value, Unit):
            unit = value
        else:
            from ..web.ids import parse_id
            unit_id = parse_id(value) if not isinstance(value, bool) else None
            unit = Unit.get_or_none(Unit.id == unit_id) if unit_id else None
        if unit is None:
            errors["unit"] = (N_("请选择单位。"), {})
        else:
            out["unit"] = unit
    text("title", TITLE_MAX, N_("问题概述"), required=True)
    text("description", TEXT_MAX, N_("问题描述"), multiline=True)
    text("leader", NAME_MAX, N_("责任领导"))
    text("leader_post", NAME_MAX, N_("职务"))
    text("source_ref", REF_MAX, N_("来源文号"))
    if given("channel"):
        if raw.get("channel") not in CHANNELS:
            errors["channel"] = (N_("请选择问题来源渠道。"), {})
        else:
            out["channel"] = raw["channel"]
    if given("severity"):
        value = raw.get("severity") or "minor"
        if value not in SEVERITIES:
            errors["severity"] = (N_("请选择严重程度。"), {})
        else:
            out["severity"] = value
    for name, label, required in (("found_on", N_("发现日期"), True), ("due_on", N_("整改期限"), False)):
        if not given(name):
            continue
        try:
            value = _date(raw.get(name))
        except (ValueError, TypeError):
            errors[name] = (N_("%(label)s不是有效的日期。"), {"label": label})
            continue
        if value is None and required:
            errors[name] = (N_("请填写%(label)s。"), {"label": label})
        else:
            out[name] = value
    if out.get("found_on") and out.get("due_on") and out["due_on"] < out["found_on"]:
        errors["due_on"] = (N_("整改期限不能早于发现问题的日期。"), {})
    if given("category_id") or given("list_id"):
        lists, categories = pack_lists(version)
        category = str(raw.get("category_id") or "")
        list_id = str(raw.get("list_id") or "")
        if category and category not in categories:
            errors["category_id"] = (N_("规则包中没有该类别。"), {})
        elif list_id and list_id not in lists:
            errors["list_id"] = (N_("规则包中没有该责任清单。"), {})
        else:
            out["category_id"] = category
            out["list_id"] = categories[category][0] if category else list_id
    if errors:
        raise FieldErrors(errors)
    return out


def _leader_defaults(values: dict) -> dict:
    unit = values.get("unit")
    if unit is not None and not values.get("leader"):
        values["leader"] = unit.leader_name or ""
        values["leader_post"] = values.get("leader_post") or unit.leader_title or ""
    return values


def create(values: dict, user: User, *, source_kind: str = "external", source_id: int | None = None,
           version: PackVersion | None = None) -> Finding:
    """Register a finding (草稿) from cleaned ``values``; the timeline starts with it."""
    if source_kind not in SOURCE_KINDS:
        raise states.FindingError(N_("请求有误，请检查后重试。"))
    values = _leader_defaults(dict(values))
    version = version or PackVersion.current()
    with database.atomic():
        finding = audit.create(Finding, source_kind=source_kind, source_id=source_id,
                               pack_version=version.id if version else None, created_by=user, **values)
        if finding.files:
            from ..perform import files as stored_files
            stored_files.keep(finding.unit_id, finding.files)
        states.add_event(finding, user, "created", text=finding.title,
                         data={"source_kind": source_kind, "source_id": source_id, "channel": finding.channel})
    return finding


def comment(finding: Finding, user: User, text: str) -> None:
    """A comment on the timeline (staff or the finding's unit)."""
    text = (text or "").strip()
    if not text:
        raise states.FindingError(N_("请填写意见。"), "text")
    if len(text) > TEXT_MAX:
        raise states.FindingError(N_("内容不能超过 4000 个字。"), "text")
    if states.role_of(user, finding) is None:
        raise states.FindingError(N_("您不能对该问题进行此操作。"))
    states.add_event(finding, user, "comment", text=text)


# --------------------------------------------------------------------------- from the 评责 stage

def from_feedback(item, user: User) -> Finding:
    """Send an issued problem-list item (评议反馈问题) to the register, once.

    The finding starts as a draft (the inspector then completes category and
    severity and confirms it); the item keeps the finding's id and the time.
    """
    from ..evaluate.models import ReviewFeedback
    if item.status != "issued":
        raise states.FindingError(N_("只有已反馈的问题可以转入问题台账。"))
    leader = item.leader
    session = item.session
    with database.atomic():
        changed = (ReviewFeedback.update(sent_at=utcnow())
                   .where((ReviewFeedback.id == item.id) & ReviewFeedback.finding_id.is_null()).execute())
        if changed != 1:
            raise states.FindingError(N_("该问题已转入问题台账。"))
        finding = create({"unit": leader.unit, "leader": leader.name, "leader_post": leader.post,
                          "title": _title(item.text), "description": item.text, "channel": "review",
                          "source_ref": session.title, "found_on": session.held_on, "severity": "minor"},
                         user, source_kind="review_feedback", source_id=item.id, version=session.pack_version)
        before = audit.snapshot(ReviewFeedback.get_by_id(item.id))
        ReviewFeedback.update(finding_id=finding.id).where(ReviewFeedback.id == item.id).execute()
        fresh = ReviewFeedback.get_by_id(item.id)
        audit.record("update", "review_feedback", item.id, before, audit.snapshot(fresh))
    item.__data__ = dict(fresh.__data__)
    return finding


def from_follow_up(item, user: User) -> Finding:
    """Register a confirmed follow-up of kind ``finding`` (限期整改), once; it is
    confirmed at once (the inspector confirmed the follow-up)."""
    from ..evaluate.models import ReviewFollowUp
    if item.kind != "finding" or item.status != "confirmed":
        raise states.FindingError(N_("只有已确认的整改类后续处置可以转入问题台账。"))
    leader = item.leader
    session = item.session
    with database.atomic():
        before = audit.snapshot(item)
        finding = create({"unit": leader.unit, "leader": leader.name, "leader_post": leader.post,
                          "title": _title(f"{item.action}：{leader.unit.name}{leader.name}"),
                          "description": item.text, "channel": "review", "source_ref": session.title,
                          "found_on": session.held_on, "due_on": item.due_on, "severity": "minor"},
                         user, source_kind="review_follow_up", source_id=item.id, version=session.pack_version)
        changed = (ReviewFollowUp.update(finding_id=finding.id)
                   .where((ReviewFollowUp.id == item.id) & ReviewFollowUp.finding_id.is_null()).execute())
        if changed != 1:
            raise states.FindingError(N_("该后续处置已转入问题台账。"))
        fresh = ReviewFollowUp.get_by_id(item.id)
        audit.record("update", "review_follow_up", item.id, before, audit.snapshot(fresh))
        states.move(finding, "confirm", user)
    item.__data__ = dict(fresh.__data__)
    return finding


def _title(text: str) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= 60 else line[:59] + "…"


def source_object(finding: Finding):
    """The object a finding came from (a review feedback item or follow-up, a check result), or None."""
    if finding.source_id is None:
        return None
    if finding.source_kind == "review_feedback":
        from ..evaluate.models import ReviewFeedback
        return ReviewFeedback.get_or_none(ReviewFeedback.id == finding.source_id)
    if finding.source_kind == "review_follow_up":
        from ..evaluate.models import ReviewFollowUp
        return ReviewFollowUp.get_or_none(ReviewFollowUp.id == finding.source_id)
    if finding.source_kind == "check":
        from ..supervise.models import CheckResult
        return CheckResult.get_or_none(CheckResult.id == finding.source_id)
    return None


# --------------------------------------------------------------------------- lists

def visible(user: User):
    """The findings ``user`` may see: staff all, a unit its own once confirmed (not drafts)."""
    query = Finding.select(Finding, Unit).join(Unit).switch(Finding)
    if not user.is_staff:
        query = query.where((Finding.unit == user.unit_id) & Finding.status.not_in(("draft", "dismissed")))
    return query


def filtered(query, *, unit: int | None = None, units: list[int] | None = None, status: str | None = None,
             channel: str | None = None, severity: str | None = None, urgency: str | None = None,
             q: str | None = None, found_from: dt.date | None = None, found_to: dt.date | None = None,
             closed_from: dt.date | None = None, closed_to: dt.date | None = None,
             today: dt.date | None = None):
    """``query`` narrowed by the register's filters (pages, exports and the API alike)."""
    if unit:
        query = query.where(Finding.unit == unit)
    if units:
        query = query.where(Finding.unit.in_(units))
    if status == "open":
        query = query.where(Finding.status.in_(states.OPEN_STATES))
    elif status == "registered":  # confirmed at some point: every state but draft and dismissed
        query = query.where(Finding.status.not_in(("draft", "dismissed")))
    elif status:
        query = query.where(Finding.status == status)
    if channel:
        query = query.where(Finding.channel == channel)
    if severity:
        query = query.where(Finding.severity == severity)
    if q:
        like = f"%{q}%"
        query = query.where(Finding.title ** like | Finding.description ** like | Finding.leader ** like)
    if found_from:
        query = query.where(Finding.found_on >= found_from)
    if found_to:
        query = query.where(Finding.found_on <= found_to)
    if closed_from:
        query = query.where(Finding.closed_at >= dt.datetime.combine(closed_from, dt.time()))
    if closed_to:
        query = query.where(Finding.closed_at < dt.datetime.combine(closed_to + dt.timedelta(days=1), dt.time()))
    if urgency in ("red", "yellow"):
        today = today or dt.date.today()
        deadline = peewee.fn.COALESCE(Finding.plan_due_on, Finding.due_on)
        query = query.where(Finding.status.in_(("confirmed", "rectifying")) & deadline.is_null(False))
        if urgency == "red":
            query = query.where(deadline < today)
        else:
            query = query.where((deadline >= today) & (deadline <= today + dt.timedelta(days=states.WARN_DAYS)))
    return query


def dashboard_counts(user: User, today: dt.date | None = None) -> dict:
    """What the dashboard shows of the register, for staff or a unit: open
    findings, those due soon (黄), overdue (红) and waiting to be verified."""
    today = today or dt.date.today()
    base = visible(user)
    return {
        "open": filtered(base, status="open").count(),
        "yellow": filtered(base, urgency="yellow", today=today).count(),
        "red": filtered(base, urgency="red", today=today).count(),
        "verifying": filtered(base, status="verifying").count(),
    }
