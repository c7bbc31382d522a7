"""Dispositions (处置) and 一案双查 (accountability entries). Plain functions,
no Flask; every write is audited and goes on the finding's timeline.

The dispositions a finding can be given are the pack's
(``rules/scoring.json`` → ``accountability.dispositions``) of the version the
finding was made under; a pack without that section gets ``DEFAULT_DISPOSITIONS``.
"""
from __future__ import annotations

import datetime as dt

from .. import audit
from ..auth.models import User
from ..db import database
from ..i18n import N_
from ..packs.store import PackVersion
from ..units.models import Unit
from . import states
from .models import ENTRY_STATUSES, RESPONSIBILITIES, AccountabilityEntry, Disposition, Finding

# The documented default list (docs/accountability.md), used when the pack has none.
DEFAULT_DISPOSITIONS = (
    {"id": "reminder", "name": "督促提醒"},
    {"id": "talk", "name": "廉政谈话/约谈", "counts_as": "talk"},
    {"id": "rectify-now", "name": "责令整改（立行立改）"},
    {"id": "circular", "name": "曝光通报"},
    {"id": "admonition", "name": "诫勉"},
    {"id": "organisational", "name": "组织处理"},
    {"id": "discipline", "name": "党纪政务处分"},
    {"id": "referral", "name": "移送问责"},
    {"id": "suggestion", "name": "工作建议", "counts_as": "suggestion"},
    {"id": "rule-making", "name": "建章立制", "counts_as": "system"},
)
NAME_MAX, TEXT_MAX = 100, 4000


def disposition_choices(finding: Finding) -> list[dict]:
    """The dispositions of the finding's pack version (or the published one, or the default list)."""
    version = finding.pack_version if finding.pack_version_id else PackVersion.current()
    scoring = version.pack().scoring if version else None
    section = getattr(scoring, "accountability", None) if scoring else None
    items = section.get("dispositions") if isinstance(section, dict) else None
    if not isinstance(items, list) or not items:
        return [dict(d) for d in DEFAULT_DISPOSITIONS]
    return [d for d in items if isinstance(d, dict) and isinstance(d.get("id"), str) and isinstance(d.get("name"), str)]


def _writable(finding: Finding, user: User) -> None:
    if not user.is_staff:
        raise states.FindingError(N_("您不能对该问题进行此操作。"))
    fresh = Finding.get_by_id(finding.id)
    if fresh.status == "draft":
        raise states.FindingError(N_("请先确认问题。"))
    if fresh.status in states.FINAL_STATES:
        raise states.FindingError(N_("已销号或不予立项的问题不能修改，请先重新打开。"))


def _text(value, limit: int, field: str, label: str, required: bool = True) -> str:
    text = " ".join(str(value or "").split()) if limit <= NAME_MAX else str(value or "").strip()
    if required and not text:
        raise states.FindingError(N_("请填写%(label)s。"), field, label=label)
    if len(text) > limit:
        raise states.FindingError(N_("%(label)s不能超过 %(n)s 个字。"), field, label=label, n=limit)
    return text


def _day(value, field: str, label: str) -> dt.date:
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value or "").strip())
        if not 1900 <= day.year <= 2999:
            raise ValueError
        return day
    except ValueError:
        raise states.FindingError(N_("%(label)s不是有效的日期。"), field, label=label)


def add_disposition(finding: Finding, user: User, *, kind: str, decided_on, decided_by: str, note: str = "",
                    entry: AccountabilityEntry | None = None) -> Disposition:
    """Give ``finding`` (or one entry of its case) a disposition of the pack's list."""
    _writable(finding, user)
    choice = next((d for d in disposition_choices(finding) if d["id"] == kind), None)
    if choice is None:
        raise states.FindingError(N_("请选择处置方式。"), "kind")
    if entry is not None and entry.finding_id != finding.id:
        raise states.FindingError(N_("请求有误，请检查后重试。"), "entry")
    day = _day(decided_on, "decided_on", N_("决定日期"))
    by = _text(decided_by, NAME_MAX, "decided_by", N_("决定机关或决定人"))
    note = _text(note, TEXT_MAX, "note", N_("说明"), required=False)
    with database.atomic():
        disposition = audit.create(Disposition, finding=finding, entry=entry, kind=choice["id"],
                                   label=choice["name"][:100], counts_as=choice.get("counts_as") or "",
                                   decided_on=day, decided_by=by, note=note, recorded_by=user)
        whom = f"（{entry.person}）" if entry is not None else ""
        states.add_event(finding, user, "disposition", text=f"{choice['name']}{whom}：{by}，{day.isoformat()}"
                         + (f"\n{note}" if note else ""),
                         data={"disposition_id": disposition.id, "kind": choice["id"],
                               "entry_id": entry.id if entry else None})
    return disposition


def open_case(finding: Finding, user: User, people: list[dict]) -> list[AccountabilityEntry]:
    """一案双查: open one accountability entry per person examined — the one
    directly responsible and the leaders whose 主体责任 or 监督责任 is examined.

    ``people``: ``[{"responsibility", "person", "post", "unit"}]``; rows without
    a person are skipped; at least one is needed.
    """
    _writable(finding, user)
    rows = []
    for index, row in enumerate(people):
        person = " ".join(str(row.get("person") or "").split())
        if not person:
            continue
        responsibility = row.get("responsibility")
        if responsibility not in RESPONSIBILITIES:
            raise states.FindingError(N_("请选择责任类型。"), f"responsibility-{index}")
        if len(person) > NAME_MAX:
            raise states.FindingError(N_("%(label)s不能超过 %(n)s 个字。"), f"person-{index}", label=N_("姓名"),
                                      n=NAME_MAX)
        post = " ".join(str(row.get("post") or "").split())[:NAME_MAX]
        unit = row.get("unit")
        if unit is not None and not isinstance(unit, Unit):
            unit = Unit.get_or_none(Unit.id == unit)
        rows.append({"responsibility": responsibility, "person": person, "post": post, "unit": unit})
    if not rows:
        raise states.FindingError(N_("请至少填写一名被问责人员。"), "person-0")
    created = []
    with database.atomic():
        for row in rows:
            entry = audit.create(AccountabilityEntry, finding=finding, created_by=user, **row)
            created.append(entry)
        states.add_event(finding, user, "entry", text="；".join(
            f"{RESPONSIBILITIES[e.responsibility]}：{e.person}{('（' + e.post + '）') if e.post else ''}"
            for e in created), data={"entry_ids": [e.id for e in created]})
    return created


def conclude_entry(entry: AccountabilityEntry, user: User, *, status: str, outcome: str, concluded_on) -> AccountabilityEntry:
    """Record an entry's own outcome: 已处理 (with its dispositions) or 不予追责."""
    finding = entry.finding
    _writable(finding, user)
    if status not in ENTRY_STATUSES or status == "open":
        raise states.FindingError(N_("请选择处理结果。"), "status")
    outcome = _text(outcome, TEXT_MAX, "outcome", N_("处理结果"))
    day = _day(concluded_on, "concluded_on", N_("办结日期"))
    with database.atomic():
        fresh = AccountabilityEntry.get_by_id(entry.id)
        if fresh.status != "open":
            raise states.FindingError(N_("该人员的问责已办结。"))
        audit.update(fresh, status=status, outcome=outcome, concluded_on=day)
        states.add_event(finding, user, "entry", text=f"{RESPONSIBILITIES[fresh.responsibility]}：{fresh.person} — "
                         f"{ENTRY_STATUSES[status]}：{outcome}", data={"entry_ids": [fresh.id]})
    return fresh


def page_context(finding: Finding, user: User) -> dict:
    """What the finding's page shows of dispositions and the case."""
    entries = list(AccountabilityEntry.select().where(AccountabilityEntry.finding == finding)
                   .order_by(AccountabilityEntry.id))
    return {
        "dispositions": list(Disposition.select().where(Disposition.finding == finding)
                             .order_by(Disposition.decided_on, Disposition.id)),
        "disposition_choices": disposition_choices(finding),
        "entries": entries,
        "responsibilities": RESPONSIBILITIES,
        "entry_statuses": ENTRY_STATUSES,
        "can_decide": user.is_staff and finding.status not in ("draft",) + states.FINAL_STATES,
    }


def visible_entries(user: User):
    """Entries ``user`` may see: staff all; a unit those of its own visible findings and those naming it."""
    from . import register
    query = AccountabilityEntry.select(AccountabilityEntry, Finding).join(Finding)
    if not user.is_staff:
        mine = register.visible(user).select(Finding.id)
        query = query.where(AccountabilityEntry.finding.in_(mine)
                            | ((AccountabilityEntry.unit == user.unit_id)
                               & Finding.status.not_in(("draft", "dismissed"))))
    return query


def dispositions_query(user, *, kind: str | None = None, counts_as: str | None = None, units=None,
                       decided_from: dt.date | None = None, decided_to: dt.date | None = None):
    """Dispositions on findings ``user`` may see, narrowed (the list and the statistics alike)."""
    from . import register
    mine = register.visible(user).select(Finding.id)
    query = (Disposition.select(Disposition, Finding, Unit).join(Finding).join(Unit)
             .where(Disposition.finding.in_(mine)))
    if kind:
        query = query.where(Disposition.kind == kind)
    if counts_as:
        query = query.where(Disposition.counts_as == counts_as)
    if units:
        query = query.where(Finding.unit.in_(units))
    if decided_from:
        query = query.where(Disposition.decided_on >= decided_from)
    if decided_to:
        query = query.where(Disposition.decided_on <= decided_to)
    return query
