"""Invented 履责 records for the demo: two years, with planted gaps (docs/demo.md).

For the last full year and the current year (relative to ``today``), every demo
unit gets records for the items of its published plan, made from the pack's own
test records (rules/tests): for each item, a test record of its form that meets
the item's check rule (and breaks no prohibition of that form) is copied into
each of the item's periods as often as the item's target asks, dated inside the
period and never after ``today``. Then each unit's profile plants its gaps:

- exemplary units (``EXEMPLARY``) record everything early in each period;
- units that neglect young-cadre talks (``NO_YOUNG_TALKS``) never talk with a 年轻干部;
- units late with quarterly checks (``LATE_CHECKS``) hold every inspection in the
  last week of its quarter, and the third quarter's of the last full year only
  on 8 October (so that quarter is 红);
- one unit barely records anything (``BARELY``): only its annual duty report;
- the rest skip about one item-period in eight (chosen deterministically; never
  the records a planted gap is about).

Records are inserted in bulk (one audit entry each, like any record), linked to
their plan items like a submitted record, with their first revision.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json

from .. import audit
from ..audit.log import AuditEntry, snapshot
from ..auth.models import User
from ..db import database, utcnow
from ..define.models import Plan, PlanItem
from ..packs import periods
from ..packs.evaluate import RuleCache, check_item
from ..packs.model import Item, Pack
from ..packs.store import PackVersion
from ..units.models import Unit
from . import search
from .models import Record, RecordItem, RecordRevision

EXEMPLARY = ("Q05", "Q08", "J02")
NO_YOUNG_TALKS = ("Q03", "Q07", "J01")
LATE_CHECKS = ("Q04", "Z02")
BARELY = ("G02",)
SKIP_ONE_IN = 8
VARIED_FIELDS = ("target_name", "target_unit", "title", "matter", "topic", "content")


def demo_years(today: dt.date) -> tuple[int, int]:
    """The last full year and the current year."""
    return today.year - 1, today.year


def _stable(*parts) -> int:
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def _vary(record: dict, n: int, schema: dict) -> dict:
    """Copy ``n`` of a template: free-text names numbered, so "distinct people" rules see distinct people."""
    out = copy.deepcopy(record)
    props = schema.get("properties") or {}
    if n:
        for key in VARIED_FIELDS:
            prop = props.get(key) or {}
            if isinstance(out.get(key), str) and prop.get("type") == "string" and "enum" not in prop \
                    and len(out[key]) < int(prop.get("maxLength", 200)) - 4:
                out[key] = f"{out[key]}{n + 1}"
    return out


#: The profile templates are chosen with: every conditional item applies, one subordinate unit.
TEMPLATE_UNIT = {"name": "示例单位", "type": "区直单位", "tags": ["项目建设", "征地拆迁"], "risk_areas": ["工程建设"],
                 "subordinate_units": 1, "law_enforcement": True}


def _templates(pack: Pack, unit: dict = TEMPLATE_UNIT) -> dict[str, tuple[dict, int]]:
    """item id → (a test record of its form, copies per period) that meets the item and breaks no
    prohibition: the target's worth of copies, or as many as a coverage rule needs (one talk with
    each of the unit's subordinate heads)."""
    pool: dict[str, list[dict]] = {}
    for test in pack.tests:
        for case in test.cases:
            for form_id, rows in (case.records or {}).items():
                pool.setdefault(form_id, []).extend(r for r in rows if isinstance(r, dict))
    cache = RuleCache()
    prohibitions: dict[str, list[Item]] = {}
    for item in pack.items:
        if item.min_count == 0:
            prohibitions.setdefault(item.form, []).append(item)
    out = {}
    for item in pack.items:
        if item.min_count <= 0 or item.form not in pack.forms:
            continue
        schema = pack.forms[item.form].schema
        period = periods.period_of("2022-01-15", item.period_kind)
        target = item.target_for(period)
        for candidate in pool.get(item.form, []):
            record = dict(candidate, date=periods.period_start(period))
            try:
                if any(not check_item(p, [record], period, unit, today="2022-12-31", cache=cache)
                       for p in prohibitions.get(item.form, [])):
                    continue
                copies = [dict(_vary(record, n, schema), date=record["date"]) for n in range(target)]
                if check_item(item, copies, period, unit, today="2022-12-31", cache=cache):
                    out[item.id] = (candidate, "unit.subordinate_units" in json.dumps(item.check))
                    break
            except Exception:  # a template the rule cannot read is simply not used
                continue
    return out


def _own_periods(kind: str, year: int) -> list[str]:
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    return [periods.period_of(dt.date(year, month, 1).isoformat(), kind) for month in range(1, 13, months)]


def _day_in(period: str, code: str, item_id: str, n: int, early: bool) -> dt.date:
    start = dt.date.fromisoformat(periods.period_start(period))
    end = dt.date.fromisoformat(periods.period_end(period))
    span = (end - start).days
    share = 3 if early else 1
    offset = _stable(code, item_id, period, n) % max(1, span * 1 // share - 1)
    return start + dt.timedelta(days=offset)


def _late_day(day: dt.date, year_behind: int, n: int) -> dt.date:
    """A late unit's inspection: the last week of its quarter; last year's Q3 ones on 8 October."""
    quarter_end = dt.date.fromisoformat(periods.period_end(periods.period_of(day.isoformat(), "quarter")))
    if day.year == year_behind and quarter_end.month == 9:
        return dt.date(day.year, 10, 8)
    return quarter_end.replace(day=24 + n % 5)


def plan_records(unit: Unit, plan: Plan, pack: Pack, today: dt.date, templates: dict[str, dict],
                 year_behind: int) -> list[tuple[PlanItem | None, dict]]:
    """The (item, answers) the demo invents for one unit's plan, gaps planted."""
    code = unit.code
    out: list[tuple[PlanItem | None, dict]] = []
    for item in plan.ordered_items():
        if not item.enabled or item.min_count <= 0 or item.item_id not in templates:
            continue
        if code in BARELY and item.item_id != "fr-duty-report":
            continue
        if code in NO_YOUNG_TALKS and item.item_id in ("fr-talk-young", "fs-young-cadres"):
            continue
        schema = pack.forms[item.form].schema
        kind = periods.FREQUENCY_KIND.get(item.frequency, "year")
        template, coverage = templates[item.item_id]
        # A coverage rule (each subordinate unit's head) needs one record per subordinate unit.
        per_period = max(item.min_count, unit.subordinate_units if coverage else 0)
        for period in _own_periods(kind, plan.year):
            if dt.date.fromisoformat(periods.period_start(period)) > today:
                break
            planted = (code in LATE_CHECKS and item.form == "inspection") or (code in NO_YOUNG_TALKS and item.form == "talk")
            if code not in EXEMPLARY and code not in BARELY and not planted \
                    and _stable(code, item.item_id, period) % SKIP_ONE_IN == 0:
                continue
            for n in range(per_period):
                day = _day_in(period, code, item.item_id, n, early=code in EXEMPLARY)
                if code in LATE_CHECKS and item.form == "inspection":
                    day = _late_day(day, year_behind, n)
                if day > today:
                    continue
                data = _vary(template, n, schema)
                data["date"] = day.isoformat()
                if code in NO_YOUNG_TALKS and isinstance(data.get("target_roles"), list):
                    roles = [r for r in data["target_roles"] if r != "年轻干部"]
                    data["target_roles"] = roles or ["班子成员"]
                out.append((item, data))
    return out


def load_demo_records(today: dt.date | None = None) -> str:
    """Invented records for the published plans of the last full year and this year
    (``demo._load_plans`` makes them); once per unit and year."""
    today = today or dt.date.today()
    version = PackVersion.current()
    if version is None:
        return "no published pack: no demo records"
    pack = version.pack()
    year_behind, year_now = demo_years(today)
    made = 0
    with audit.acting_as(None, "demo"):
        clerks = {u.unit_id: u for u in User.select().where(User.role == "unit").order_by(User.id)}
        holders = _holder_accounts()
        template_cache: dict[int, dict] = {}
        for unit in Unit.select().where(Unit.active == True).order_by(Unit.code):  # noqa: E712
            clerk = clerks.get(unit.id)
            if clerk is None:
                continue
            for year in (year_behind, year_now):
                plan = Plan.get_or_none((Plan.unit == unit) & (Plan.year == year) & (Plan.status == "published"))
                if plan is None or Record.select().where((Record.unit == unit)
                                                         & (Record.record_date.year == year)).exists():
                    continue
                if plan.pack_version_id not in template_cache:
                    template_cache[plan.pack_version_id] = _templates(plan.pack_version.pack())
                rows = plan_records(unit, plan, plan.pack_version.pack(), today, template_cache[plan.pack_version_id],
                                    year_behind)
                pack = plan.pack_version.pack()
                # Each list's records are made by whoever records it: the clerk, or the holder
                # body's account responsible for the unit (docs/perform.md, Who records what).
                by_author: dict[int, tuple[User, list]] = {}
                for item, data in rows:
                    recorder = pack.recorder_of(item.list_id)
                    author = clerk if recorder[0] == "unit" else holders.get((unit.id, recorder), clerk)
                    by_author.setdefault(author.id, (author, []))[1].append((item, data))
                for author, own_rows in by_author.values():
                    made += _insert(unit, plan, author, own_rows)
    return f"demo records: {made} for {year_behind} and {year_now}"


def _holder_accounts() -> dict[tuple[int, tuple[str, str]], User]:
    """(unit id, (kind, department)) → the first active account of a body recording that for the unit."""
    from ..holders.models import HolderBody, HolderBodyUnit
    out: dict = {}
    for user in (User.select().where((User.role == "holder") & (User.active == True))  # noqa: E712
                 .order_by(User.id)):
        body = HolderBody.get_or_none((HolderBody.id == user.holder_body_id) & (HolderBody.active == True))  # noqa: E712
        if body is None:
            continue
        for (unit_id,) in HolderBodyUnit.select(HolderBodyUnit.unit).where(HolderBodyUnit.body == body.id).tuples():
            out.setdefault((unit_id, (body.kind, body.department if body.kind == "department" else "")), user)
    return out


def _insert(unit: Unit, plan: Plan, clerk: User, rows: list[tuple[PlanItem | None, dict]]) -> int:
    """Insert one plan's records made by ``clerk`` (a unit clerk or a holder account) with their
    links (to the items of the same form that the same recorder records), first revisions and
    audit entries."""
    if not rows:
        return 0
    rows.sort(key=lambda r: r[1]["date"])
    pack = plan.pack_version.pack()
    recorders = {pack.recorder_of(item.list_id) for item, _data in rows}
    by_form: dict[str, list[int]] = {}
    for item in plan.ordered_items():
        if item.enabled and item.form and pack.recorder_of(item.list_id) in recorders:
            by_form.setdefault(item.form, []).append(item.id)
    now = utcnow()
    with database.atomic():
        before = Record.select(Record.id).where(Record.unit == unit).order_by(Record.id.desc()).scalar() or 0
        _bulk(Record, (Record.unit, Record.pack_version, Record.form_id, Record.plan_item, Record.record_date,
                       Record.data, Record.created_by, Record.created_at, Record.updated_at, Record.search_text,
                       Record.search_pairs),
              [(unit.id, plan.pack_version_id, item.form, item.id, dt.date.fromisoformat(data["date"]), data,
                clerk.id, now, now, *_indexed(pack, item.form, data)) for item, data in rows])
        made = list(Record.select().where((Record.unit == unit) & (Record.id > before)).order_by(Record.id))
        links, revisions = [], []
        for record in made:
            items = sorted(set(by_form.get(record.form_id, [])) | {record.plan_item_id})
            links += [(record.id, i) for i in items]
            revisions.append((record.id, 1, record.data, record.record_date, items, "", clerk.id, "demo", now))
        _bulk(RecordItem, (RecordItem.record, RecordItem.plan_item), links)
        _bulk(RecordRevision, (RecordRevision.record, RecordRevision.number, RecordRevision.data,
                               RecordRevision.record_date, RecordRevision.items, RecordRevision.reason,
                               RecordRevision.actor, RecordRevision.actor_name, RecordRevision.at), revisions)
        _bulk(AuditEntry, (AuditEntry.at, AuditEntry.actor_id, AuditEntry.actor_name, AuditEntry.action,
                           AuditEntry.object_type, AuditEntry.object_id, AuditEntry.before, AuditEntry.after),
              [(now, None, "demo", "create", "record", str(record.id), None, snapshot(record)) for record in made])
    return len(made)


def _indexed(pack, form_id: str, data: dict) -> tuple[str, str]:
    """The search columns of a demo record (what ``records.submit`` writes for a clerk's)."""
    form = pack.forms.get(form_id)
    values = search.index_values(data, form.schema.get("title", "") if form else "")
    return values["search_text"], values["search_pairs"]


def _bulk(model, fields: tuple, rows: list[tuple]) -> None:
    """Multi-row inserts as tuples (much quicker than dicts in peewee), under SQLite's 999 bound values."""
    per = max(1, 900 // len(fields))
    for start in range(0, len(rows), per):
        model.insert_many(rows[start:start + per], fields=list(fields)).execute()
