"""A finding's life: the one table of states and allowed moves, and the one
function that performs a move. Plain Python (peewee, no Flask): pages, the API,
the CLI and the demo all call ``move`` and ``edit``, none sets a state itself.

    草稿 draft ──confirm──▶ 已确认 confirmed ──submit_plan──▶ 整改中 rectifying
      │                        ▲                               │      ▲
    dismiss                return_plan ◀───────────────────────┘      │
      ▼                                                               │
    不予立项 dismissed          file_evidence: rectifying ──▶ 待核验 verifying
                                return_evidence: verifying ──▶ rectifying
                                close (销号): verifying ──▶ 已销号 closed
                                reopen: closed ──▶ rectifying

Refused whatever the caller (docs/accountability.md): a move not in the table
from the current state, a move by a role the table does not name, closing
without evidence, closing by the person who filed the evidence, a return or
reopen without a reason, and any edit of a closed finding (reopen it first).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import audit
from ..auth.models import User
from ..db import database, utcnow
from ..i18n import N_
from .models import Finding, FindingEvent

STATES = {
    "draft": N_("草稿"),
    "confirmed": N_("已确认"),
    "rectifying": N_("整改中"),
    "verifying": N_("待核验"),
    "closed": N_("已销号"),
    "dismissed": N_("不予立项"),
}
OPEN_STATES = ("confirmed", "rectifying", "verifying")  # in the register, not yet closed
FINAL_STATES = ("closed", "dismissed")

STAFF, UNIT = "staff", "unit"


@dataclass(frozen=True)
class Move:
    """An allowed move: its name, the states it goes between, who may make it,
    what it needs, and the button's words."""

    name: str
    source: str
    target: str
    by: frozenset
    label: str
    needs: tuple = ()  # "reason", "plan", "evidence"


MOVES = {m.name: m for m in (
    Move("confirm", "draft", "confirmed", frozenset({STAFF}), N_("确认问题")),
    Move("dismiss", "draft", "dismissed", frozenset({STAFF}), N_("不予立项"), ("reason",)),
    Move("submit_plan", "confirmed", "rectifying", frozenset({STAFF, UNIT}), N_("提交整改方案"), ("plan",)),
    Move("return_plan", "rectifying", "confirmed", frozenset({STAFF}), N_("退回整改方案"), ("reason",)),
    Move("file_evidence", "rectifying", "verifying", frozenset({STAFF, UNIT}), N_("提交整改材料"), ("evidence",)),
    Move("return_evidence", "verifying", "rectifying", frozenset({STAFF}), N_("退回整改材料"), ("reason",)),
    Move("close", "verifying", "closed", frozenset({STAFF}), N_("核验通过，销号")),
    Move("reopen", "closed", "rectifying", frozenset({STAFF}), N_("重新打开"), ("reason",)),
)}

# Days before the deadline from which an open rectification shows 黄 (红 once past it).
WARN_DAYS = 7


class FindingError(ValueError):
    """A move or change the finding's state does not allow; the message (a msgid) is for the user.

    ``field`` names the input the message is about, when there is one.
    """

    def __init__(self, message: str, field: str | None = None, **params):
        super().__init__(message)
        self.field = field
        self.params = params  # values for the msgid's %(name)s; text values are msgids too

    def text(self, gettext) -> str:
        """The message in the user's language, through ``gettext``."""
        return gettext(self.args[0], **{k: gettext(v) if isinstance(v, str) else v for k, v in self.params.items()})


def role_of(user: User, finding: Finding) -> str | None:
    """``staff``, ``unit`` (a user of the finding's unit), or None (nobody the table knows)."""
    if user.is_staff:
        return STAFF
    if user.role == "unit" and user.unit_id == finding.unit_id:
        return UNIT
    return None


def moves_for(finding: Finding, user: User) -> list[Move]:
    """The moves ``user`` may make on ``finding`` now (the buttons a page shows)."""
    role = role_of(user, finding)
    return [m for m in MOVES.values() if m.source == finding.status and role in m.by]


def urgency(finding: Finding, today: dt.date | None = None, warn_days: int = WARN_DAYS) -> str:
    """``red`` (overdue), ``yellow`` (due within ``warn_days``) or "" for a
    finding the unit still has to rectify (已确认, 整改中)."""
    deadline = finding.deadline()
    if finding.status not in ("confirmed", "rectifying") or deadline is None:
        return ""
    today = today or dt.date.today()
    if today > deadline:
        return "red"
    if (deadline - today).days <= warn_days:
        return "yellow"
    return ""


def _event(finding: Finding, user: User | None, kind: str, *, move: Move | None = None, text: str = "",
           data: dict | None = None) -> FindingEvent:
    event = FindingEvent.create(finding=finding, actor=user, actor_name=user.display_name if user else "system",
                                kind=kind, move=move.name if move else "", from_status=move.source if move else "",
                                to_status=move.target if move else "", text=text, data=data)
    audit.record("create", "finding_event", event.id, None, audit.snapshot(event))
    return event


def add_event(finding: Finding, user: User | None, kind: str, *, text: str = "", data: dict | None = None) -> FindingEvent:
    """A timeline line that is not a move (comment, disposition, edit, entry), audited."""
    with database.atomic():
        return _event(finding, user, kind, text=text, data=data)


def move(finding: Finding, name: str, user: User, *, reason: str = "", measures: str = "",
         due_on: dt.date | None = None, evidence_text: str = "", files: list[dict] | None = None) -> Finding:
    """Perform the move ``name`` on ``finding`` as ``user``, audit it and add it to the timeline.

    The state changes with a conditional update (``… WHERE status = source``)
    that is the transaction's first write, so two inspectors pressing 销号 at
    once give one close and a refusal. ``files`` are stored-file references of
    the finding's unit (the caller stores uploads first).
    """
    step = MOVES.get(name)
    if step is None or step.source != finding.status:
        raise FindingError(N_("当前状态下不能进行此操作。"))
    role = role_of(user, finding)
    if role not in step.by:
        raise FindingError(N_("您不能对该问题进行此操作。"))
    reason = (reason or "").strip()
    changes: dict = {"status": step.target}
    text = reason
    data: dict | None = None
    if "reason" in step.needs and not reason:
        raise FindingError(N_("请填写理由。"), "reason")
    if "plan" in step.needs:
        measures = (measures or "").strip()
        if not measures:
            raise FindingError(N_("请填写整改措施。"), "measures")
        if due_on is None:
            raise FindingError(N_("请填写整改期限。"), "due_on")
        if due_on < finding.found_on:
            raise FindingError(N_("整改期限不能早于发现问题的日期。"), "due_on")
        changes.update(plan_measures=measures, plan_due_on=due_on, plan_by=user, plan_at=utcnow())
        text, data = measures, {"due_on": due_on.isoformat()}
    if "evidence" in step.needs:
        evidence_text = (evidence_text or "").strip()
        files = list(files or [])
        if not evidence_text:
            raise FindingError(N_("请说明整改完成情况。"), "evidence_text")
        if not files:
            raise FindingError(N_("请上传至少一份整改材料。"), "files")
        changes.update(evidence_text=evidence_text, evidence=files, evidence_by=user, evidence_at=utcnow())
        text, data = evidence_text, {"files": files}
    if name == "close":
        if not finding.evidence or finding.evidence_by_id is None:
            raise FindingError(N_("没有整改材料，不能销号。"))
        if finding.evidence_by_id == user.id:
            raise FindingError(N_("提交整改材料的人不能核验销号，请由其他监督员核验。"))
        changes.update(verified_by=user, closed_at=utcnow())
    if name == "reopen":
        changes.update(verified_by=None, closed_at=None)
    now = utcnow()
    with database.atomic():
        before = audit.snapshot(finding)
        changed = (Finding.update(status=step.target, updated_at=now)
                   .where((Finding.id == finding.id) & (Finding.status == step.source)).execute())
        if changed != 1:
            raise FindingError(N_("该问题的状态已被他人更改，请刷新页面。"))
        fresh = Finding.get_by_id(finding.id)
        for key, value in changes.items():
            setattr(fresh, key, value)
        fresh.save()
        if files and "evidence" in step.needs:
            from ..perform import files as stored_files
            stored_files.keep(fresh.unit_id, files)
        audit.record("update", "finding", fresh.id, before, audit.snapshot(fresh))
        _event(fresh, user, "move", move=step, text=text, data=data)
    finding.__data__ = dict(fresh.__data__)
    return finding


EDITABLE = ("title", "description", "leader", "leader_post", "channel", "source_ref", "list_id", "category_id",
            "severity", "found_on", "due_on", "unit", "files")


def edit(finding: Finding, user: User, **changes) -> Finding:
    """Change a finding's registered facts (staff only; never a closed or dismissed finding)."""
    if not user.is_staff:
        raise FindingError(N_("您不能对该问题进行此操作。"))
    if finding.status in FINAL_STATES:
        raise FindingError(N_("已销号或不予立项的问题不能修改，请先重新打开。"))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise FindingError(N_("请求有误，请检查后重试。"))
    if "unit" in changes and finding.status != "draft" and getattr(changes["unit"], "id", changes["unit"]) != finding.unit_id:
        raise FindingError(N_("问题确认后不能更换单位。"), "unit")
    with database.atomic():
        fresh = Finding.get_by_id(finding.id)
        if fresh.status in FINAL_STATES:
            raise FindingError(N_("已销号或不予立项的问题不能修改，请先重新打开。"))
        before = audit.snapshot(fresh)
        audit.update(fresh, **changes)
        after = audit.snapshot(fresh)
        changed = sorted(k for k in after if k != "updated_at" and before.get(k) != after.get(k))
        if changed:
            if "files" in changed:
                from ..perform import files as stored_files
                stored_files.keep(fresh.unit_id, fresh.files)
            _event(fresh, user, "edit", data={"fields": changed})
    finding.__data__ = dict(fresh.__data__)
    return finding
