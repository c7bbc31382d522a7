"""Leader portraits (动态画像): where a unit's 一把手 stands over successive periods. No Flask.

A portrait reads, never computes, statuses: for each period it takes the
results of the newest **finished** check run of that period that included the
unit (``CheckResult`` rows), and only for a period without such a run asks the
履责 status engine (``perform.status.statuses``) as of the period's end (or
today, for a period not yet over). Around the completion figures it puts the
unit's findings (问责) and the leader's published review scores (评责), and a
warning level whose thresholds come from the pack manifest's ``portraits``
(defaults below; docs/supervise.md).

Completion rate = items 完成 ÷ items that count (完成 + 部分完成 + 未完成); items
not yet due (未到期) and switched off (不适用) are left out, so an early quarter
is not read as failing items due in December.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..accountability import states as finding_states
from ..accountability.models import Disposition, Finding
from ..define.models import Plan
from ..evaluate.results import leader_scores
from ..i18n import N_
from ..packs import periods
from ..packs.model import MANIFEST_FILE, Pack
from ..packs.store import PackVersion
from ..perform import status
from ..tasks.models import Job
from ..units.models import Unit
from .models import CheckResult, CheckRun

#: Statuses a completion rate is computed over.
COUNTED = ("done", "partial", "missing")
WARNINGS = {"red": N_("红色预警"), "yellow": N_("黄色预警"), "green": N_("正常"), "none": N_("暂无数据")}
SOURCES = {"run": N_("检查结果"), "engine": N_("实时计算")}


@dataclass(frozen=True)
class Settings:
    """The manifest's ``portraits``: completion below ``red_below`` % is 红, below
    ``yellow_below`` % 黄; ``radar_list`` is the list whose categories the radar shows."""

    red_below: float = 60.0
    yellow_below: float = 80.0
    radar_list: str = "first-responsible"

    @classmethod
    def of(cls, pack: Pack | None) -> "Settings":
        raw = (pack.files.get(MANIFEST_FILE) or {}).get("portraits") if pack else None
        raw = raw if isinstance(raw, dict) else {}

        def percent(key: str, default: float) -> float:
            value = raw.get(key)
            return float(value) if type(value) in (int, float) and 0 <= value <= 100 else default
        red, yellow = percent("red_below", cls.red_below), percent("yellow_below", cls.yellow_below)
        radar = raw.get("radar_list") if isinstance(raw.get("radar_list"), str) else cls.radar_list
        return cls(min(red, yellow), max(red, yellow), radar)


@dataclass
class Tally:
    """Counts of items by status."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(status.STATUSES, 0))

    def add(self, state: str, n: int = 1) -> None:
        self.counts[state] = self.counts.get(state, 0) + n

    @property
    def counted(self) -> int:
        return sum(self.counts.get(s, 0) for s in COUNTED)

    @property
    def done(self) -> int:
        return self.counts.get("done", 0)

    @property
    def failed(self) -> int:
        return self.counts.get("missing", 0) + self.counts.get("partial", 0)

    @property
    def rate(self) -> float | None:
        """完成率 in % (one decimal), None when no item counts."""
        return round(100 * self.done / self.counted, 1) if self.counted else None


@dataclass
class PeriodFigures:
    """One unit's completion in one period, overall, by list and by category."""

    period: str
    source: str                      # "run" (stored results) or "engine"
    run_id: int | None
    as_of: dt.date
    overall: Tally = field(default_factory=Tally)
    lists: dict[str, Tally] = field(default_factory=dict)
    categories: dict[str, Tally] = field(default_factory=dict)
    failed_items: list[dict] = field(default_factory=list)

    def add(self, list_id: str, category_id: str, state: str, text: str = "", item_id: str = "") -> None:
        self.overall.add(state)
        self.lists.setdefault(list_id, Tally()).add(state)
        self.categories.setdefault(category_id, Tally()).add(state)
        if state in ("missing", "partial"):
            self.failed_items.append({"item_id": item_id, "text": text, "status": state, "category_id": category_id})


def quarters(year: int) -> list[str]:
    return [f"{year}Q{q}" for q in range(1, 5)]


def _started(period: str, today: dt.date) -> bool:
    return dt.date.fromisoformat(periods.period_start(period)) <= today


def _engine_as_of(period: str, today: dt.date) -> dt.date:
    """What a check run of the period would use (the day after its end), or today while it runs."""
    return min(today, dt.date.fromisoformat(periods.period_end(period)) + dt.timedelta(days=1))


def _latest_runs(period: str, unit_ids: list[int]) -> dict[int, CheckRun]:
    """{unit id: the newest finished run of ``period`` that checked it}."""
    wanted, found = set(unit_ids), {}
    query = (CheckRun.select(CheckRun, Job).join(Job).where((CheckRun.period == period) & (Job.state == "done"))
             .order_by(CheckRun.id.desc()))
    for run in query:
        for unit_id in wanted.intersection(run.unit_ids):
            found[unit_id] = run
        wanted -= found.keys()
        if not wanted:
            break
    return found


def period_figures(unit_ids: list[int], period: str, today: dt.date) -> dict[int, PeriodFigures]:
    """Each unit's figures for ``period`` (units of a period not begun by ``today`` are left out)."""
    status.check_period(period)
    if not _started(period, today):
        return {}
    ids = sorted({int(u) for u in unit_ids})
    out: dict[int, PeriodFigures] = {}
    runs = _latest_runs(period, ids)
    by_run: dict[int, list[int]] = {}
    for unit_id, run in runs.items():
        by_run.setdefault(run.id, []).append(unit_id)
        out[unit_id] = PeriodFigures(period, "run", run.id, run.as_of)
    for run_id, members in by_run.items():
        rows = (CheckResult.select(CheckResult.unit, CheckResult.list_id, CheckResult.category_id,
                                   CheckResult.status, CheckResult.text, CheckResult.item_id)
                .where((CheckResult.run == run_id) & CheckResult.unit.in_(members))
                .order_by(CheckResult.id).tuples())
        for unit_id, list_id, category_id, state, text, item_id in rows:
            out[unit_id].add(list_id, category_id, state, text, item_id)
    rest = [u for u in ids if u not in runs]
    if rest:
        as_of = _engine_as_of(period, today)
        for unit_id, items in status.statuses(rest, period, as_of, include_disabled=True,
                                              published_only=True).items():
            figures = out[unit_id] = PeriodFigures(period, "engine", None, as_of)
            for s in items:
                figures.add(s.list_id, s.category_id, s.status, s.text, s.item_id)
    return out


# --------------------------------------------------------------------------- names and settings

def version_for(unit_id: int | None, year: int) -> PackVersion | None:
    """The pack version of the unit's published plan of ``year``, else the published one."""
    version = None
    if unit_id is not None:
        plan = (Plan.select(Plan.pack_version).where((Plan.unit == unit_id) & (Plan.year == year)
                                                      & (Plan.status == "published")).first())
        version = PackVersion.get_or_none(PackVersion.id == plan.pack_version_id) if plan else None
    return version or PackVersion.current()


def pack_for(unit_id: int | None, year: int) -> Pack | None:
    """The pack of the unit's published plan of ``year``, else the published pack."""
    version = version_for(unit_id, year)
    return version.pack() if version else None


def category_names(pack: Pack | None) -> dict[str, str]:
    return {c.id: c.name for c in sorted(pack.categories, key=lambda c: (c.list, c.order))} if pack else {}


def list_names(pack: Pack | None) -> dict[str, str]:
    return {d.id: d.name for d in pack.lists} if pack else {}


def radar_categories(pack: Pack | None, settings: Settings) -> list[tuple[str, str]]:
    """(id, name) of the radar list's categories in order (the first list with categories if absent)."""
    if not pack:
        return []
    wanted = settings.radar_list if any(c.list == settings.radar_list for c in pack.categories) else \
        next((c.list for c in pack.categories), "")
    return [(c.id, c.name) for c in sorted(pack.categories, key=lambda c: c.order) if c.list == wanted]


# --------------------------------------------------------------------------- findings, talks, warning

@dataclass
class FindingSummary:
    by_state: dict[str, int]
    open: int
    overdue: int
    registered: int
    rows: list[Finding]


def findings_of(unit_ids: list[int], today: dt.date, date_from: dt.date | None = None,
                date_to: dt.date | None = None) -> dict[int, FindingSummary]:
    """Each unit's findings (drafts and dismissed ones left out), found between the dates if given."""
    query = Finding.select().where(Finding.unit.in_(unit_ids) & Finding.status.not_in(("draft", "dismissed")))
    if date_from:
        query = query.where(Finding.found_on >= date_from)
    if date_to:
        query = query.where(Finding.found_on <= date_to)
    out = {u: FindingSummary(dict.fromkeys(finding_states.STATES, 0), 0, 0, 0, []) for u in unit_ids}
    for finding in query.order_by(Finding.found_on.desc(), Finding.id.desc()):
        summary = out[finding.unit_id]
        summary.rows.append(finding)
        summary.by_state[finding.status] += 1
        summary.registered += 1
        summary.open += finding.status in finding_states.OPEN_STATES
        summary.overdue += finding_states.urgency(finding, today) == "red"
    return out


def talks_of(unit_ids: list[int], date_from: dt.date, date_to: dt.date) -> dict[int, int]:
    """廉政谈话/约谈 decided on each unit's findings in the dates (dispositions counting as talks)."""
    out = dict.fromkeys(unit_ids, 0)
    query = (Disposition.select(Finding.unit).join(Finding)
             .where(Finding.unit.in_(unit_ids) & (Disposition.counts_as == "talk")
                    & (Disposition.decided_on >= date_from) & (Disposition.decided_on <= date_to)).tuples())
    for (unit_id,) in query:
        out[unit_id] += 1
    return out


@dataclass
class Warning:
    level: str                     # red / yellow / green / none
    reasons: list[tuple] = field(default_factory=list)   # (msgid, params)


def warning(rate: float | None, findings: FindingSummary, settings: Settings) -> Warning:
    """红: overdue findings or completion below ``red_below``; 黄: findings still open or
    completion below ``yellow_below``; otherwise 正常 (暂无数据 without a rate or findings)."""
    reasons, level = [], "green"
    if findings.overdue:
        level = "red"
        reasons.append((N_("%(n)s 个问题整改逾期"), {"n": findings.overdue}))
    if rate is not None and rate < settings.red_below:
        level = "red"
        reasons.append((N_("完成率 %(rate)s%% 低于 %(limit)s%%"), {"rate": rate, "limit": settings.red_below}))
    if level != "red":
        if rate is not None and rate < settings.yellow_below:
            level = "yellow"
            reasons.append((N_("完成率 %(rate)s%% 低于 %(limit)s%%"), {"rate": rate, "limit": settings.yellow_below}))
        if findings.open:
            level = "yellow"
            reasons.append((N_("%(n)s 个问题尚未销号"), {"n": findings.open}))
    if rate is None and not findings.registered:
        level = "none"
    return Warning(level, reasons)


# --------------------------------------------------------------------------- a portrait

@dataclass
class Portrait:
    unit: Unit
    year: int
    settings: Settings
    quarters: list[PeriodFigures]          # the quarters of year - 1 and year begun by today, oldest first
    years: dict[int, PeriodFigures]        # year - 1 and year as wholes
    radar: list[tuple[str, str]]
    categories: dict[str, str]
    lists: dict[str, str]
    findings: FindingSummary
    talks: int
    scores: list[dict]
    warning: Warning

    @property
    def current(self) -> PeriodFigures | None:
        return self.years.get(self.year)


def portraits(unit_ids: list[int], year: int, today: dt.date, *, with_quarters: bool = True) -> list[Portrait]:
    """Portraits of the units (in the order given) over ``year - 1`` and ``year``.

    ``with_quarters=False`` leaves the quarters out (a listing, the radar: the years only).
    """
    units = {u.id: u for u in Unit.select().where(Unit.id.in_(unit_ids))}
    ids = [u for u in unit_ids if u in units]
    wanted = (quarters(year - 1) + quarters(year) if with_quarters else []) + [str(year - 1), str(year)]
    by_period: dict[str, dict[int, PeriodFigures]] = {period: {} for period in quarters(year - 1) + quarters(year)}
    for period in wanted:
        by_period[period] = period_figures(ids, period, today)
    start, end = dt.date(year - 1, 1, 1), dt.date(year, 12, 31)
    findings = findings_of(ids, today, start, end)
    talks = talks_of(ids, start, end)
    # One pack per version, not per unit (loading a pack is the costly part of a listing).
    plan_versions = {p.unit_id: p.pack_version_id for p in Plan.select(Plan.unit, Plan.pack_version)
                     .where(Plan.unit.in_(ids) & (Plan.year == year) & (Plan.status == "published"))}
    packs: dict[int | None, Pack | None] = {}
    out = []
    for unit_id in ids:
        version_id = plan_versions.get(unit_id)
        if version_id not in packs:
            packs[version_id] = pack_for(unit_id if version_id else None, year)
        pack = packs[version_id]
        settings = Settings.of(pack)
        # Years and leading quarters without a counted item (no plan yet) are left out of charts and tables.
        years = {y: by_period[str(y)][unit_id] for y in (year - 1, year)
                 if unit_id in by_period[str(y)] and by_period[str(y)][unit_id].overall.counted}
        current = years.get(year)
        shown = [by_period[p][unit_id] for p in quarters(year - 1) + quarters(year) if unit_id in by_period[p]]
        while shown and not shown[0].overall.counted:
            shown.pop(0)
        out.append(Portrait(
            unit=units[unit_id], year=year, settings=settings, quarters=shown,
            years=years, radar=radar_categories(pack, settings), categories=category_names(pack),
            lists=list_names(pack), findings=findings[unit_id], talks=talks[unit_id],
            scores=leader_scores(unit_id, published_only=True),
            warning=warning(current.overall.rate if current else None, findings[unit_id], settings)))
    return out


def portrait(unit_id: int, year: int, today: dt.date) -> Portrait | None:
    found = portraits([unit_id], year, today)
    return found[0] if found else None


def weakest(figures: PeriodFigures | None, names: dict[str, str], n: int = 3) -> list[tuple[str, float]]:
    """The ``n`` categories with the lowest completion rate below 100 % (name, rate), lowest first."""
    if figures is None:
        return []
    rated = [(tally.rate, names.get(cid, cid)) for cid, tally in figures.categories.items()
             if tally.rate is not None and tally.rate < 100]
    return [(name, rate) for rate, name in sorted(rated)[:n]]
