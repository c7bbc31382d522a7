"""Drafted findings (督责 → 问责): a review or year-end run turns its failed items into draft findings.

At the end of a 半年梳理 (``half-year``) or 年底检查 (``year-end``) run, every
result whose status is a failure (``runs.FAILED``: 未完成, 部分完成) becomes a
finding of the 问责 register in the 草稿 state, worded by the item's finding
template from the pack (``finding`` in rules/items/…, e.g.
对年轻干部谈心谈话未经常性开展) or, for an item without one (a unit's custom item),
by the item's text; the description holds the item and the engine's
explanation. An inspector then confirms, edits or dismisses each draft (the
register's own moves, ``accountability.states``).

Once per problem: a (unit, pack item) of a period is drafted once, by the first
finished run of that period that finds it failing. Re-drafting a run, or a later
run of the same period (a re-check after records were added, a run with another
as-of date), adds nothing for an item already drafted from any run of that period,
whatever became of that draft (confirmed, or dismissed by an inspector who judged
it no problem); it drafts only items that fail now and were not drafted before.
A later period (2022H1, then 2022) is another check and drafts again.

All drafts of a run are written in one transaction, and drafting is idempotent,
so a run killed while drafting resumes (``runs.execute``) without leaving half
of them or adding any twice. No Flask.
"""
from __future__ import annotations

import datetime as dt

import peewee

from .. import audit
from ..accountability.models import Finding, FindingEvent
from ..audit.log import AuditEntry
from ..auth.models import User
from ..db import database, utcnow
from ..packs.store import PackVersion
from ..units.models import Unit
from .models import CheckResult, CheckRun

#: Kinds of run that draft findings (a quarterly reminder only reminds).
DRAFTING_KINDS = ("half-year", "year-end")
#: Statuses that are a failure (``runs.FAILED``; repeated here so ``runs`` can import this module).
FAILED = ("missing", "partial")
SEVERITY = "minor"
TITLE_MAX = 60
#: The actor named on a drafted finding's timeline: the run, not a person.
ACTOR_NAME = "system"


def drafts_findings(run: CheckRun) -> bool:
    """Whether ``run``'s kind drafts findings from its failed items."""
    return run.kind in DRAFTING_KINDS


def _one_line(text: str, limit: int) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def wording(result: CheckResult, template: str) -> tuple[str, str]:
    """(title, description) of the draft for a failed ``result``.

    The title is the item's finding template; without one (a custom item, a
    pack without templates) the item's text, marked 未落实. The description
    always names the item and the engine's explanation, so the inspector reads
    why without opening the run.
    """
    text = (result.text or "").strip().rstrip("。")
    title = template.strip() if template and template.strip() else f"未落实：{text}"
    description = f"{text}。{result.explanation}"
    return _one_line(title, TITLE_MAX), description


def drafter(run: CheckRun) -> User | None:
    """The user a run's drafts are recorded as created by: who started the run; for a run the
    calendar or the CLI started, the oldest active admin (a finding needs a creator)."""
    if run.created_by_id:
        return User.get_by_id(run.created_by_id)
    return (User.select().where((User.role == "admin") & (User.active == True))  # noqa: E712
            .order_by(User.id).first())


def _templates(version_ids: set[int]) -> dict[tuple[int, str], str]:
    """{(pack version id, item id): finding template} of the versions the results were made under."""
    out: dict[tuple[int, str], str] = {}
    for version in PackVersion.select(*PackVersion.light_fields()).where(PackVersion.id.in_(sorted(version_ids))):
        for item in version.pack().items:
            out[(version.id, item.id)] = item.finding or ""
    return out


def already_drafted(run: CheckRun) -> set[tuple[int, str]]:
    """(unit id, item id) pairs already drafted from any run of ``run``'s period."""
    query = (CheckResult.select(CheckResult.unit, CheckResult.item_id)
             .join(CheckRun, on=(CheckResult.run == CheckRun.id))
             .join(Finding, on=((Finding.source_kind == "check") & (Finding.source_id == CheckResult.id)))
             .where(CheckRun.period == run.period).tuples())
    return set(query)


def draft_findings(run: CheckRun) -> int:
    """Draft the findings of ``run``'s failed items not drafted before; return how many were added.

    Idempotent (see the module's docstring) and all in one transaction. Runs of
    other kinds, and runs with no user to record them under, draft nothing.
    """
    if not drafts_findings(run):
        return 0
    creator = drafter(run)
    if creator is None:
        return 0
    with database.atomic():
        seen = already_drafted(run)
        columns = (CheckResult.id, CheckResult.unit, CheckResult.item_id, CheckResult.list_id,
                   CheckResult.category_id, CheckResult.text, CheckResult.explanation, CheckResult.pack_version)
        failed = [r for r in (CheckResult.select(*columns)  # not ``data``: a whole record list per result
                              .where((CheckResult.run == run.id) & CheckResult.status.in_(FAILED))
                              .order_by(CheckResult.unit, CheckResult.id))
                  if (r.unit_id, r.item_id) not in seen]
        if not failed:
            return 0
        templates = _templates({r.pack_version_id for r in failed if r.pack_version_id})
        units = {u.id: u for u in Unit.select().where(Unit.id.in_({r.unit_id for r in failed}))}
        now = utcnow()
        from .runs import kind_label
        reference = f"{kind_label(run.kind)} {run.period}（检查 #{run.id}）"
        rows = []
        for result in failed:
            # A unit's custom item is in no pack: no template, and its text words the draft.
            template = templates.get((result.pack_version_id, result.item_id), "")
            title, description = wording(result, template)
            unit = units[result.unit_id]
            rows.append({"unit": unit.id, "leader": unit.leader_name or "", "leader_post": unit.leader_title or "",
                         "title": title, "description": description, "channel": "check", "source_kind": "check",
                         "source_id": result.id, "source_ref": reference, "pack_version": result.pack_version_id,
                         "list_id": result.list_id, "category_id": result.category_id,
                         "severity": SEVERITY, "found_on": run.as_of, "due_on": None, "files": [],
                         "status": "draft", "created_by": creator.id, "created_at": now, "updated_at": now})
        _insert(Finding, rows)
        findings = _audited(Finding, now, [Finding.select().where((Finding.source_kind == "check")
                                                                  & Finding.source_id.in_(ids))
                                           for ids in _chunks([r["source_id"] for r in rows])])
        _timeline(findings, run, now)
    return len(findings)


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _insert(model, rows: list[dict]) -> None:
    """Insert dict rows (all with the same keys; other columns get their defaults) fast: one prepared statement over all rows on
    SQLite, multi-row inserts elsewhere. Peewee building multi-row INSERTs was two thirds of the
    drafting time (as it was a third of a run's, see ``runs._insert``)."""
    if not rows:
        return
    fields = [f for f in model._meta.sorted_fields if f.name != "id"]
    defaults = {f.name: f.default() if callable(f.default) else f.default for f in fields if f.name not in rows[0]}
    rows = [{**defaults, **row} for row in rows]
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        sql = (f'INSERT INTO "{model._meta.table_name}" (' + ", ".join(f'"{f.column_name}"' for f in fields)
               + ") VALUES (" + ", ".join("?" for _ in fields) + ")")
        db.cursor().executemany(sql, [tuple(f.db_value(row[f.name]) for f in fields) for row in rows])
        return
    for chunk in _chunks(rows, 200):
        model.insert_many(chunk).execute()


def _audited(model, now: dt.datetime, queries) -> list:
    """The rows just inserted (read back by ``queries``, so each entry holds the row as stored), each
    with its audit entry: what ``audit.create_many`` does, in fewer and cheaper statements."""
    actor_id, actor_name = audit.current_actor()
    stored = [obj for query in queries for obj in query.order_by(model.id)]
    _insert(AuditEntry, [{"at": now, "actor_id": actor_id, "actor_name": actor_name, "action": "create",
                          "object_type": model._meta.table_name, "object_id": str(obj.id), "before": None,
                          "after": audit.snapshot(obj)} for obj in stored])
    return stored


def _timeline(findings: list[Finding], run: CheckRun, now: dt.datetime) -> None:
    """Each draft's first timeline line (registration, by the run), audited like ``states.add_event``."""
    _insert(FindingEvent, [{"finding": f.id, "at": now, "actor": None, "actor_name": ACTOR_NAME, "kind": "created",
                            "move": "", "from_status": "", "to_status": "", "text": f.title,
                            "data": {"source_kind": "check", "source_id": f.source_id, "channel": "check",
                                     "run_id": run.id}} for f in findings])
    _audited(FindingEvent, now, [FindingEvent.select().where(FindingEvent.finding.in_(ids)
                                                             & (FindingEvent.kind == "created"))
                                 for ids in _chunks([f.id for f in findings])])


def drafted(run: CheckRun):
    """The findings drafted from ``run``'s results (any state now), by unit code then id."""
    return (Finding.select(Finding, Unit).join(Unit)
            .where((Finding.source_kind == "check")
                   & Finding.source_id.in_(CheckResult.select(CheckResult.id).where(CheckResult.run == run.id)))
            .order_by(Unit.code, Finding.id))


def result_of(finding: Finding) -> CheckResult | None:
    """The check result a finding drafted by a run came from, or None."""
    if finding.source_kind != "check" or finding.source_id is None:
        return None
    return CheckResult.get_or_none(CheckResult.id == finding.source_id)
