"""The closed loop of one leader for one year (五责闭环): 明责 → 履责 → 督责 → 评责 → 问责. No Flask.

Nothing here is computed twice: each stage's figures come from that stage's
own tables and functions (the plan, the records and the status engine, the
stored check results, the published review results, the findings register),
read for one unit and one calendar year. ``stages`` says, for each stage,
whether the loop has reached it that year, so the page can show where the
loop is still open.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import fn

from ..define.models import Plan, PlanItem
from ..evaluate.results import leader_scores
from ..perform.models import Record, RecordItem
from ..supervise import portraits as pt
from ..supervise.models import CheckResult, CheckRun, IssuedDocument
from ..tasks.models import Job
from ..units.models import Unit
from . import states
from .models import AccountabilityEntry, Disposition, Finding


@dataclass
class RunLine:
    """One finished check run of the year that checked the unit: its figures for the unit."""

    run: CheckRun
    counts: dict[str, int]

    @property
    def failed(self) -> int:
        return self.counts.get("missing", 0) + self.counts.get("partial", 0)


@dataclass
class FindingLine:
    finding: Finding
    dispositions: list[Disposition]
    entries: list[AccountabilityEntry]
    urgency: str


@dataclass
class Loop:
    unit: Unit
    year: int
    as_of: dt.date
    plan: Plan | None
    items_by_list: dict[str, int]                 # enabled items of the published plan, by list
    custom_items: int
    disabled_items: int
    list_names: dict[str, str]
    records: int
    records_by_list: dict[str, int]               # records counting for an item of each list
    last_record: dt.date | None
    figures: pt.PeriodFigures | None              # the year's completion (stored run or the engine)
    runs: list[RunLine]
    documents: list[IssuedDocument]
    scores: list[dict]
    findings: list[FindingLine]
    stages: dict[str, bool] = field(default_factory=dict)

    @property
    def open_findings(self) -> int:
        return sum(1 for f in self.findings if f.finding.status in states.OPEN_STATES)

    @property
    def closed_findings(self) -> int:
        return sum(1 for f in self.findings if f.finding.status == "closed")


def _runs(unit_id: int, year: int) -> list[RunLine]:
    """Finished runs over the year's periods (quarters, halves, the year) that checked the unit."""
    rows = (CheckResult.select(CheckResult.run, CheckResult.status, fn.COUNT(CheckResult.id).alias("n"))
            .join(CheckRun).join(Job)
            .where((CheckResult.unit == unit_id) & (Job.state == "done") & _year_periods(year))
            .group_by(CheckResult.run, CheckResult.status).tuples())
    counts: dict[int, dict[str, int]] = {}
    for run_id, status, n in rows:
        counts.setdefault(run_id, {})[status] = n
    runs = CheckRun.select().where(CheckRun.id.in_(list(counts))).order_by(CheckRun.as_of, CheckRun.id)
    return [RunLine(run, counts[run.id]) for run in runs]


def _year_periods(year: int):
    """The condition "a run of one of the year's periods" (the year, its halves, its quarters)."""
    prefix = str(year)
    return (CheckRun.period == prefix) | CheckRun.period.startswith(prefix + "Q") | \
        CheckRun.period.startswith(prefix + "H")


def _findings(unit_id: int, year: int, today: dt.date) -> list[FindingLine]:
    """Findings of the unit found in the year, and those drafted by a check of one of the year's
    periods (a year-end check runs in January and finds the past year's problems). Drafts and
    dismissed ones are left out: they are not in the register."""
    from_checks = (CheckResult.select(CheckResult.id).join(CheckRun)
                   .where((CheckResult.unit == unit_id) & _year_periods(year)))
    in_year = (Finding.found_on >= dt.date(year, 1, 1)) & (Finding.found_on <= dt.date(year, 12, 31))
    of_year = in_year | ((Finding.source_kind == "check") & Finding.source_id.in_(from_checks))
    found = list(Finding.select().where((Finding.unit == unit_id) & Finding.status.not_in(("draft", "dismissed"))
                                        & of_year)
                 .order_by(Finding.found_on, Finding.id))
    ids = [f.id for f in found]
    dispositions: dict[int, list] = {i: [] for i in ids}
    entries: dict[int, list] = {i: [] for i in ids}
    if ids:
        for d in Disposition.select().where(Disposition.finding.in_(ids)).order_by(Disposition.decided_on,
                                                                                     Disposition.id):
            dispositions[d.finding_id].append(d)
        for e in AccountabilityEntry.select().where(AccountabilityEntry.finding.in_(ids)).order_by(
                AccountabilityEntry.id):
            entries[e.finding_id].append(e)
    return [FindingLine(f, dispositions[f.id], entries[f.id], states.urgency(f, today)) for f in found]


def leader_loop(unit: Unit, year: int, today: dt.date, *, staff: bool) -> Loop:
    """The unit's loop for ``year`` as of ``today``. ``staff``: with the issued portraits and
    reports (commission documents a unit's users do not see)."""
    plan = (Plan.select().where((Plan.unit == unit.id) & (Plan.year == year))
            .order_by((Plan.status == "published").desc(), Plan.id.desc()).first())
    items_by_list: dict[str, int] = {}
    custom = disabled = 0
    if plan is not None:
        for item in PlanItem.select().where(PlanItem.plan == plan):
            if not item.enabled:
                disabled += 1
                continue
            items_by_list[item.list_id] = items_by_list.get(item.list_id, 0) + 1
            custom += bool(item.custom)
    pack = plan.pack_version.pack() if plan is not None else pt.pack_for(unit.id, year)
    list_names = pt.list_names(pack)

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = (Record.unit == unit.id) & Record.deleted_at.is_null() & (Record.record_date >= start) \
        & (Record.record_date <= end)
    records = Record.select().where(in_year).count()
    last = Record.select(fn.MAX(Record.record_date)).where(in_year).scalar()
    if isinstance(last, str):  # SQLite hands an aggregate's date back as text
        last = dt.date.fromisoformat(last)
    records_by_list: dict[str, int] = {}
    if plan is not None:
        rows = (RecordItem.select(PlanItem.list_id, fn.COUNT(fn.DISTINCT(RecordItem.record)))
                .join(PlanItem, on=(RecordItem.plan_item == PlanItem.id)).switch(RecordItem).join(Record)
                .where(in_year & (PlanItem.plan == plan)).group_by(PlanItem.list_id).tuples())
        records_by_list = dict(rows)

    figures = None
    if dt.date(year, 1, 1) <= today:
        figures = pt.period_figures([unit.id], str(year), today).get(unit.id)
        if figures is not None and not figures.overall.counted:
            figures = None  # nothing counts yet (no published plan, or nothing due): no rate to show
    runs = _runs(unit.id, year)
    documents = []
    if staff:
        documents = list(IssuedDocument.select().where((IssuedDocument.unit == unit.id)
                                                       & IssuedDocument.period.startswith(str(year)))
                         .order_by(IssuedDocument.issued_at, IssuedDocument.id))
    scores = [s for s in leader_scores(unit.id, published_only=True) if s["held_on"] and s["held_on"].year == year]
    findings = _findings(unit.id, year, today)
    loop = Loop(unit, year, today, plan, items_by_list, custom, disabled, list_names, records, records_by_list,
                last, figures, runs, documents, scores, findings)
    loop.stages = {
        "define": plan is not None and plan.status == "published",
        "perform": records > 0,
        "supervise": bool(runs),
        "evaluate": bool(scores),
        "account": bool(findings) and all(f.finding.status == "closed" for f in findings),
    }
    return loop
