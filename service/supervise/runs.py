"""Check runs: start them, run them as jobs, read and compare their results. No Flask.

A run evaluates the published plans of a set of units for a period as of a
day, by calling the 履责 status engine (``perform.status.statuses``), and
stores each (unit, plan item) answer with the pack version and the sha256 of
the check rule used. The work is the resumable job kind ``supervise.check_run``:
units are processed in chunks, each chunk's results and its progress step
are written in one transaction, so a consumer killed midway leaves whole
chunks only and the next consumer continues after the last one; a run's
results are read only once its job is ``done`` (see ``tasks.jobs``).

Runs are never changed once stored: a re-run is a new run, and ``compare``
says which items changed between two runs and why.
"""
from __future__ import annotations

import contextlib
import contextvars
import gc
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Callable, Iterable

import peewee
from peewee import fn

from .. import audit
from ..db import database, dumps
from ..define.models import Plan
from ..i18n import N_
from ..packs import periods
from ..packs.model import canonical_json
from ..packs.store import PackVersion
from ..perform import status
from ..tasks import jobs
from ..tasks.models import Job
from ..units.models import Unit
from . import drafts
from .models import CheckResult, CheckRun

JOB_KIND = "supervise.check_run"

#: Kinds of run: the period kind each checks, and its name.
KINDS = {
    "quarterly": ("quarter", N_("季度提醒")),
    "half-year": ("half", N_("半年梳理")),
    "year-end": ("year", N_("年底检查")),
}
#: Units evaluated per step (one transaction, one progress step).
CHUNK = 50
#: Statuses that count as a failure (a finding may be drafted from them).
FAILED = drafts.FAILED

# Called with (done, total) after each step of a run in this process (the CLI's progress bar).
on_progress: contextvars.ContextVar[Callable[[int, int], None] | None] = \
    contextvars.ContextVar("on_progress", default=None)


class RunError(ValueError):
    """Bad parameters for a run: ``field`` names the one at fault, the message is Chinese."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field, self.message = field_name, message


# --------------------------------------------------------------------------- parameters

def kind_label(kind: str) -> str:
    return KINDS[kind][1] if kind in KINDS else kind


def check_params(period: str, kind: str, as_of: dt.date | None) -> dt.date:
    """Validate a run's period, kind and as-of date; return the as-of date.

    Default: the day after the period's last day, the first day on which an
    item due in the period and not done is overdue (as of the last day itself,
    an item due that day is still 未到期). Records dated after the period never
    count for it, so the counts are those of the period.
    """
    if kind not in KINDS:
        raise RunError("kind", "检查类型须为 quarterly（季度提醒）、half-year（半年梳理）或 year-end（年底检查）。")
    try:
        status.check_period(period)
        period_kind = periods.parse_period(period)[0]
    except periods.PeriodError:
        raise RunError("period", "期间格式有误：季度如 2022Q2，半年如 2022H1，全年如 2022。")
    if period_kind != KINDS[kind][0]:
        wanted = {"quarter": "季度（如 2022Q2）", "half": "半年（如 2022H1）", "year": "全年（如 2022）"}[KINDS[kind][0]]
        raise RunError("period", f"{kind_label(kind)}的期间须为{wanted}。")
    end = dt.date.fromisoformat(periods.period_end(period))
    if as_of is None:
        return end + dt.timedelta(days=1)
    start = dt.date.fromisoformat(periods.period_start(period))
    if not start <= as_of <= dt.date(end.year + 1, 12, 31):
        raise RunError("as_of", f"截至日期须在 {start.isoformat()} 到 {end.year + 1}-12-31 之间。")
    return as_of


def resolve_units(codes: Iterable[str] | None) -> tuple[list[int], bool]:
    """(unit ids, all units?) for unit codes (None or empty: every active unit)."""
    codes = [c.strip() for c in (codes or []) if c and c.strip()]
    if not codes:
        return [u.id for u in Unit.select(Unit.id).where(Unit.active == True).order_by(Unit.id)], True  # noqa: E712
    found = {u.code: u.id for u in Unit.select(Unit.id, Unit.code).where(Unit.code.in_(codes))}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise RunError("units", "没有这些单位：" + "、".join(unknown[:10]))
    return sorted(set(found.values())), False


# --------------------------------------------------------------------------- starting

def create_run(period: str, kind: str, as_of: dt.date | None = None, *, units: Iterable[str] | None = None,
               unit_ids: Iterable[int] | None = None, created_by=None, source: str = "manual",
               schedule_key: str | None = None, queue: bool = True) -> CheckRun:
    """Store a new run and its job (audited); queue the job unless ``queue`` is false.

    ``units`` are unit codes, ``unit_ids`` ids (neither: every active unit).
    With ``queue=False`` the caller runs it here with ``jobs.run_job(run.job_id)``.
    """
    day = check_params(period, kind, as_of)
    if unit_ids is not None:
        ids, everyone = sorted({int(u) for u in unit_ids}), False
    else:
        ids, everyone = resolve_units(units)
    if not ids:
        raise RunError("units", "没有可检查的单位。")
    user_id = getattr(created_by, "id", created_by)
    with database.atomic():
        run = audit.create(CheckRun, period=period, kind=kind, as_of=day, all_units=everyone, unit_ids=ids,
                           source=source, schedule_key=schedule_key, created_by=user_id)
        job = audit.create(Job, kind=JOB_KIND, params={"run_id": run.id}, created_by=user_id,
                           heartbeat_at=run.created_at)
        audit.update(run, job=job)
    if queue:
        jobs.run_job_task(job.id)
    return CheckRun.get_by_id(run.id)


def run_here(run: CheckRun) -> CheckRun:
    """Run ``run``'s queued job in this process (the CLI); returns the run, refreshed."""
    jobs.run_job(run.job_id)
    return CheckRun.get_by_id(run.id)


# --------------------------------------------------------------------------- the job

def rule_sha256(rule) -> str:
    """sha256 of a check rule's canonical JSON (the pack's own serialisation)."""
    return hashlib.sha256(canonical_json(rule).encode("utf-8")).hexdigest()


class _RuleHashes:
    """The hash of the rule each plan item is checked with, per pack version (as the engine picks it:
    the pack item's ``check``, or ``status.COUNT_RULE`` for custom items and items without one)."""

    def __init__(self):
        self.packs: dict[int, object] = {}
        self.hashes: dict[tuple[int | None, str, bool], str] = {}
        self.default = rule_sha256(status.COUNT_RULE)

    def load(self, version_ids: set[int]) -> None:
        missing = sorted(v for v in version_ids if v not in self.packs)
        if missing:
            for version in PackVersion.select(*PackVersion.light_fields()).where(PackVersion.id.in_(missing)):
                self.packs[version.id] = version.pack()

    def of(self, version_id: int | None, item_id: str, custom: bool) -> str:
        key = (version_id, item_id, custom)
        if key not in self.hashes:
            pack = self.packs.get(version_id)
            pack_item = pack.item(item_id) if pack is not None and not custom else None
            rule = pack_item.check if pack_item is not None and pack_item.check is not None else None
            self.hashes[key] = rule_sha256(rule) if rule is not None else self.default
        return self.hashes[key]


def _plan_versions(unit_ids: list[int], year: int) -> dict[int, int]:
    """{unit id: pack version id} of each unit's published plan of ``year`` (what the engine reads)."""
    query = (Plan.select(Plan.unit, Plan.pack_version)
             .where(Plan.unit.in_(unit_ids) & (Plan.year == year) & (Plan.status == "published")))
    return {p.unit_id: p.pack_version_id for p in query}


#: The columns a run writes, in the order of the tuples ``_rows`` makes.
_COLUMNS = (CheckResult.run, CheckResult.unit, CheckResult.plan_item_id, CheckResult.item_id, CheckResult.list_id,
            CheckResult.category_id, CheckResult.text, CheckResult.status, CheckResult.colour, CheckResult.count,
            CheckResult.target, CheckResult.due, CheckResult.explanation, CheckResult.data, CheckResult.pack_version,
            CheckResult.rule_sha256)


def _rows(run: CheckRun, by_unit: dict[int, list[status.ItemStatus]], hashes: _RuleHashes) -> list[tuple]:
    year = periods.parse_period(run.period)[1]
    versions = _plan_versions(list(by_unit), year)
    hashes.load(set(versions.values()))
    rows = []
    for unit_id in sorted(by_unit):
        version_id = versions.get(unit_id)
        for s in by_unit[unit_id]:
            rows.append((run.id, unit_id, s.plan_item_id, s.item_id, s.list_id, s.category_id, s.text, s.status,
                         s.colour, s.count, s.target, dt.date.fromisoformat(s.due) if s.due else None,
                         s.explanation, s.as_dict(), version_id, hashes.of(version_id, s.item_id, s.custom)))
    return rows


def _insert(rows: list[tuple]) -> None:
    """Insert result rows fast: one prepared statement run over all rows on SQLite (peewee's
    multi-row INSERT builder was a third of a run's time), multi-row inserts elsewhere."""
    if not rows:
        return
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        # Only the date and the JSON need converting (the rest are ints and strings already);
        # the JSON as JSONField writes it.
        # (by name: peewee's fields overload ==, so list.index would match the first column)
        names = [column.name for column in _COLUMNS]
        due, data = names.index("due"), names.index("data")
        to_date, to_json = CheckResult.due.db_value, dumps
        sql = (f'INSERT INTO "{CheckResult._meta.table_name}" ('
               + ", ".join(f'"{column.column_name}"' for column in _COLUMNS) + ") VALUES ("
               + ", ".join("?" for _ in _COLUMNS) + ")")
        converted = []
        for row in rows:
            row = list(row)
            row[due], row[data] = to_date(row[due]), to_json(row[data])
            converted.append(row)
        db.cursor().executemany(sql, converted)
        return
    for index in range(0, len(rows), 500):
        CheckResult.insert_many(rows[index:index + 500], fields=list(_COLUMNS)).execute()


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Python's cycle collector paused while a chunk is read and computed. That allocates some
    hundred thousand acyclic objects (records' answers, statuses, rows), which reference counting
    frees; the collector would only walk them again and again (10–20 % of a run in
    bench/checks_bench.py). Not held while writing: a transaction may wait on a lock, and the
    collector is process-wide."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@jobs.job_kind(JOB_KIND, resumable=True)
def execute(progress: jobs.JobProgress) -> dict:
    """The work of a run: evaluate its units chunk by chunk, each chunk and its step in one transaction.

    Idempotent per chunk (a chunk's earlier rows are removed first), so a
    resumed run continues at ``progress.done`` without duplicates.
    """
    run = CheckRun.get_by_id(progress.params["run_id"])
    ids = list(run.unit_ids)
    progress.set_total(len(ids))
    hashes = _RuleHashes()
    notify = on_progress.get()
    for start in range(progress.done, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with _cyclic_gc_paused():   # the reading and computing only: never while waiting on a lock
            by_unit = status.statuses(chunk, run.period, run.as_of, include_disabled=True, published_only=True)
            rows = _rows(run, by_unit, hashes)
            del by_unit
        with database.atomic():
            CheckResult.delete().where((CheckResult.run == run.id) & CheckResult.unit.in_(chunk)).execute()
            _insert(rows)
            progress.advance(len(chunk))
        del rows
        if notify:
            notify(progress.done, len(ids))
    # Drafted findings (half-year and year-end runs), all in one transaction that first
    # touches the job's row: a consumer that lost the job stops here (JobLost), and on
    # PostgreSQL the row lock keeps a second consumer of the same job waiting until the
    # drafts are committed. Idempotent, so a run killed here drafts them on resume.
    with database.atomic():
        progress.advance(0)
        drafts.draft_findings(run)
    return summarise(run)


def summarise(run: CheckRun) -> dict:
    """Counts of the run's results by status, units checked, units without a published plan and
    findings drafted from the run (``drafts``)."""
    counts = {key: 0 for key in status.STATUSES}
    for row in (CheckResult.select(CheckResult.status, fn.COUNT(CheckResult.id)).where(CheckResult.run == run.id)
                .group_by(CheckResult.status).tuples()):
        counts[row[0]] = row[1]
    with_plan = {u for (u,) in CheckResult.select(CheckResult.unit).where(CheckResult.run == run.id)
                 .distinct().tuples()}
    return {"statuses": counts, "units": len(run.unit_ids), "results": sum(counts.values()),
            "units_without_plan": len(set(run.unit_ids) - with_plan), "drafted": drafts.drafted(run).count()}


# --------------------------------------------------------------------------- reading

class NotFinished(RuntimeError):
    """The run's results are not complete (its job is not done)."""


def results(run: CheckRun, *, unit_id: int | None = None, status_in: Iterable[str] | None = None,
            colour: str | None = None, list_id: str | None = None):
    """The run's results (a query), by unit then plan order; only for a finished run."""
    if run.state != "done":
        raise NotFinished(f"run {run.id} is {run.state}")
    query = (CheckResult.select(CheckResult, Unit).join(Unit).where(CheckResult.run == run.id)
             .order_by(Unit.code, CheckResult.id))
    if unit_id is not None:
        query = query.where(CheckResult.unit == unit_id)
    if status_in:
        query = query.where(CheckResult.status.in_(list(status_in)))
    if colour:
        query = query.where(CheckResult.colour == colour)
    if list_id:
        query = query.where(CheckResult.list_id == list_id)
    return query


def comparable(result: CheckResult) -> dict:
    """What a result says, without the ids of the run that stored it (for reproducibility checks)."""
    return {"unit_id": result.unit_id, "plan_item_id": result.plan_item_id, "data": result.data,
            "pack_version_id": result.pack_version_id, "rule_sha256": result.rule_sha256}


@dataclass
class Change:
    """One item whose result differs between two runs, and why."""

    unit_id: int
    unit_code: str
    unit_name: str
    item_id: str
    text: str
    before: dict | None
    after: dict | None
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"unit_id": self.unit_id, "unit_code": self.unit_code, "unit_name": self.unit_name,
                "item_id": self.item_id, "text": self.text, "before": self.before, "after": self.after,
                "reasons": list(self.reasons)}


def _brief(result: CheckResult) -> dict:
    return {"result_id": result.id, "status": result.status, "colour": result.colour, "count": result.count,
            "target": result.target, "explanation": result.explanation,
            "explanation_msg": (result.data or {}).get("explanation_msg")}


def _reasons(a: CheckResult, b: CheckResult) -> list[str]:
    reasons = []
    if a.pack_version_id != b.pack_version_id:
        reasons.append("规则包版本不同（计划按新版本制定）")
    if a.rule_sha256 != b.rule_sha256:
        reasons.append("检查规则已变更")
    if a.data.get("as_of") != b.data.get("as_of"):
        reasons.append(f"截至日期不同（{a.data.get('as_of')} → {b.data.get('as_of')}）")
    if a.data.get("window") != b.data.get("window"):
        reasons.append(f"统计期间不同（{a.data.get('window')} → {b.data.get('window')}）")
    if a.target != b.target:
        reasons.append(f"目标次数不同（{a.target} → {b.target}）")
    before = {r["id"] for r in a.data.get("records") or []}
    after = {r["id"] for r in b.data.get("records") or []}
    if after - before:
        reasons.append("新计入记录 " + "、".join(f"#{i}" for i in sorted(after - before)))
    if before - after:
        reasons.append("不再计入记录 " + "、".join(f"#{i}" for i in sorted(before - after)))
    if (a.data.get("status") == "not_applicable") != (b.data.get("status") == "not_applicable"):
        reasons.append("事项启用状态已变更")
    if not reasons:
        reasons.append("记录内容或单位信息有变化")
    return reasons


def compare(first: CheckRun, second: CheckRun) -> list[Change]:
    """The items whose status, colour, count or target differ from ``first`` to ``second``, with reasons.

    Items are matched by unit and pack item id; an item in one run only (a
    unit checked once, an item added to a plan) is a change too.
    """
    def index(run):
        return {(r.unit_id, r.item_id): r for r in results(run)}
    a, b = index(first), index(second)
    changes = []
    for key in sorted(set(a) | set(b), key=lambda k: (k[0], k[1])):
        old, new = a.get(key), b.get(key)
        if old is not None and new is not None:
            if (old.status, old.colour, old.count, old.target) == (new.status, new.colour, new.count, new.target):
                continue
            reasons = _reasons(old, new)
        elif old is None:
            reasons = ["仅在后一次检查中" if key[0] in first.unit_ids else "前一次检查未包括此单位"]
        else:
            reasons = ["仅在前一次检查中" if key[0] in second.unit_ids else "后一次检查未包括此单位"]
        either = new or old
        changes.append(Change(unit_id=key[0], unit_code=either.unit.code, unit_name=either.unit.name,
                              item_id=key[1], text=either.text, before=_brief(old) if old else None,
                              after=_brief(new) if new else None, reasons=reasons))
    return changes


# --------------------------------------------------------------------------- the calendar

def due_runs(day: dt.date) -> list[tuple[str, str, dt.date]]:
    """(kind, period, as-of date) of the runs the calendar makes due for a period ending on ``day``:
    every quarter end a quarterly reminder, 30 June also the half-year review, 31 December
    also the year-end inspection; each as of the next day (see ``check_params``)."""
    quarter = periods.period_of(day.isoformat(), "quarter")
    if periods.period_end(quarter) != day.isoformat():
        return []
    after = day + dt.timedelta(days=1)
    due = [("quarterly", quarter, after)]
    if day.month == 6:
        due.append(("half-year", f"{day.year}H1", after))
    if day.month == 12:
        due.append(("year-end", str(day.year), after))
    return due


def start_due_runs(today: dt.date, lookback_days: int = 7) -> list[CheckRun]:
    """Start the scheduled runs for periods that ended in the ``lookback_days`` before ``today``
    and have no scheduled run yet. Each has a unique ``schedule_key``: a second caller (another
    consumer, a retry) starts nothing."""
    started = []
    for back in range(lookback_days, 0, -1):
        for kind, period, as_of in due_runs(today - dt.timedelta(days=back)):
            key = f"{kind}:{period}"
            if CheckRun.select().where(CheckRun.schedule_key == key).exists():
                continue
            try:
                started.append(create_run(period, kind, as_of, source="schedule", schedule_key=key))
            except peewee.IntegrityError:
                continue  # another consumer started it between the look and the insert
            except RunError:
                continue  # no active units: nothing to check
    return started
