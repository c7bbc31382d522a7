"""The status engine: where a unit stands on each duty of its plan. No Flask.

For a unit's plan item, a period (``2022-05``, ``2022Q2``, ``2022H1``,
``2022``) and an as-of date, ``evaluate`` runs the item's check rule over the
records that count for it and says: done / partial / missing / not_due /
not_applicable, a colour (green, blue, yellow, red or none), the count against
the target, the due date, the records that counted and a sentence in Chinese.
Nothing is stored: the answer is computed from the plan, the records and the
rules of the plan's own pack version every time, so it can never drift.

``statuses(unit_ids, period, as_of)`` does the same for many units with a
handful of queries (plans, items, links, records: each one query per 500
units); the pages, the API, the CLI and 督责's check runs all call it. See
docs/perform.md for the rules, with worked examples.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NamedTuple

import peewee
from peewee import fn

from ..db import database, loads
from ..define.models import Plan, PlanItem
from ..i18n import N_
from ..logic.compiler import size_of
from ..logic.errors import RuleError
from ..packs import periods
from ..packs.evaluate import RuleCache
from ..packs.model import Pack
from ..packs.store import PackVersion
from ..units.models import Unit
from .models import Record, RecordItem

STATUSES = {"done": N_("完成"), "partial": N_("部分完成"), "missing": N_("未完成"),
            "not_due": N_("未到期"), "not_applicable": N_("不适用")}
COLOURS = {"green": N_("绿"), "blue": N_("蓝"), "yellow": N_("黄"), "red": N_("红")}

#: Colour thresholds when the pack's manifest has no ``reminders``: an item
#: not yet done turns 蓝 (due soon) this many days before its due date…
DUE_SOON_DAYS = 30
#: …黄 (due now) this many days before it (the due day itself included)…
DUE_NOW_DAYS = 7
#: …and 红 (overdue) the day after it.

#: The check of a custom item (the pack has no rule for it): enough records.
COUNT_RULE = {">=": [{"count_if": [{"var": "records"}]}, {"var": "target"}]}

_KIND_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
CHUNK = 500


@dataclass(frozen=True)
class Thresholds:
    """When an item that is not done turns 蓝 and 黄 (days before its due date)."""

    due_soon_days: int = DUE_SOON_DAYS
    due_now_days: int = DUE_NOW_DAYS

    @classmethod
    def of(cls, pack: Pack | None) -> "Thresholds":
        """The pack's ``reminders`` (rules/pack.json), each value falling back to the default."""
        raw = (pack.files.get("rules/pack.json") or {}).get("reminders") if pack else None
        raw = raw if isinstance(raw, dict) else {}

        def days(key: str, default: int) -> int:
            value = raw.get(key)
            return value if type(value) is int and 0 <= value <= 366 else default
        soon, now = days("due_soon_days", DUE_SOON_DAYS), days("due_now_days", DUE_NOW_DAYS)
        return cls(max(soon, now), now)


class CountedRecord:
    """What the engine needs of a record: its id, form, date and answers, and ``ref``, the record
    as a status lists it (id, form, date). ``ref`` is made once per record, since a record linked
    to several items is listed by each (read-only: statuses share it)."""

    __slots__ = ("id", "form_id", "date", "data", "ref")

    def __init__(self, id: int, form_id: str, date: dt.date | None, data: dict):
        self.id, self.form_id, self.date, self.data = id, form_id, date, data
        self.ref = {"id": id, "form_id": form_id, "date": date.isoformat() if date else None}

    def __repr__(self) -> str:
        return f"CountedRecord({self.id!r}, {self.form_id!r}, {self.date!r})"

    def __eq__(self, other) -> bool:
        return (isinstance(other, CountedRecord)
                and (self.id, self.form_id, self.date, self.data) == (other.id, other.form_id, other.date, other.data))


class _PlanItem:
    """The fields of a plan item the engine reads, from a raw row (``statuses`` reads thousands:
    peewee model instances cost more than evaluating their rules)."""

    __slots__ = ("id", "plan_id", "item_id", "list_id", "category_id", "text", "frequency", "min_count", "due",
                 "due_date", "custom", "enabled", "disabled_reason")
    FIELDS = (PlanItem.id, PlanItem.plan, PlanItem.item_id, PlanItem.list_id, PlanItem.category_id, PlanItem.text,
              PlanItem.frequency, PlanItem.min_count, PlanItem.due, PlanItem.due_date, PlanItem.custom,
              PlanItem.enabled, PlanItem.disabled_reason)

    def __init__(self, row):
        (self.id, self.plan_id, self.item_id, self.list_id, self.category_id, self.text, self.frequency,
         self.min_count, due, due_date, custom, enabled, self.disabled_reason) = row
        self.due = loads(due) if isinstance(due, (str, bytes)) else due
        self.due_date = _date(due_date)
        self.custom, self.enabled = bool(custom), bool(enabled)


@dataclass
class ItemStatus:
    """Where a unit stands on one plan item for one period, as of one day."""

    unit_id: int
    plan_item_id: int
    item_id: str
    list_id: str
    category_id: str
    text: str
    custom: bool
    period: str            # the period asked for
    window: str            # the period the item is counted over (see ``window_of``)
    window_start: str
    window_end: str
    as_of: str
    status: str
    colour: str | None
    count: int
    target: int
    due: str | None
    days_left: int | None  # due date minus as-of date (negative: overdue)
    records: list[dict] = field(default_factory=list)
    #: the explanation as a message (msgid, params) that pages translate (see ``render``)
    explanation_msg: tuple | None = None

    @functools.cached_property
    def explanation(self) -> str:
        """The explanation in Chinese, rendered on first use (the district overview
        folds thousands of statuses into counts and never reads it)."""
        return render(self.explanation_msg) if self.explanation_msg else ""

    @property
    def status_label(self) -> str:
        """完成 / 部分完成 / … (a msgid: pass it through gettext on pages)."""
        return STATUSES[self.status]

    def as_dict(self) -> dict:
        """The JSON object the CLI, the API and check runs store."""
        return {"item_id": self.item_id, "plan_item_id": self.plan_item_id, "unit_id": self.unit_id,
                "list_id": self.list_id, "category_id": self.category_id, "text": self.text,
                "custom": self.custom, "period": self.period, "window": self.window,
                "window_start": self.window_start, "window_end": self.window_end, "as_of": self.as_of,
                "status": self.status, "colour": self.colour, "count": self.count, "target": self.target,
                "due": self.due, "days_left": self.days_left, "records": list(self.records),
                "explanation": self.explanation, "explanation_msg": _as_json(self.explanation_msg)}


# --------------------------------------------------------------------------- periods and dates

@functools.lru_cache(maxsize=4096)
def check_period(period: str) -> str:
    """``period`` if it is a period id of a year 2000–2100 (else ``periods.PeriodError``)."""
    _, year, _, _ = periods.parse_period(period)
    if not 2000 <= year <= 2100:
        raise periods.PeriodError(f"year out of range: {period!r}")
    return period


# --------------------------------------------------------------------------- words

#: A message: a Chinese msgid with ``%(name)s`` placeholders and its values, any
#: of which may itself be a message. The engine says everything in Chinese
#: (``explanation``) and also keeps the message, so a page in another language
#: renders the same sentence through its catalogue (``render(msg, gettext)``).
Msg = tuple


def render(msg, translate=None) -> str:
    """The text of a message; ``translate`` maps a msgid to its translation
    (default: none, Chinese). Messages read back from JSON arrive as lists."""
    text, params = msg
    params = {k: render(v, translate) if is_msg(v) else v for k, v in params.items()}
    text = translate(text) if translate else text
    return text % params if params else text


_CONTAINERS = (tuple, list, dict)


def _as_json(msg):
    """A message as JSON keeps it (tuples as lists), so stored and fresh results compare equal.
    (Recurses into containers only: every check result has one, with a dozen leaves.)"""
    if isinstance(msg, dict):
        return {k: _as_json(v) if isinstance(v, _CONTAINERS) else v for k, v in msg.items()}
    if isinstance(msg, (tuple, list)):
        return [_as_json(v) if isinstance(v, _CONTAINERS) else v for v in msg]
    return msg


def is_msg(value) -> bool:
    return (isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], str)
            and isinstance(value[1], dict))


@functools.lru_cache(maxsize=4096)
def period_msg(period: str) -> Msg:
    """The period as a message: 2022年5月, 2022年第二季度, 2022年上半年, 2022年 (cached: read it, never change it)."""
    kind, year, first, _ = periods.parse_period(period)
    if kind == "month":
        return (N_("%(year)s年%(month)s月"), {"year": year, "month": first})
    if kind == "quarter":
        quarter = (first - 1) // 3
        return ((N_("%(year)s年第一季度"), N_("%(year)s年第二季度"), N_("%(year)s年第三季度"),
                 N_("%(year)s年第四季度"))[quarter], {"year": year})
    if kind == "half":
        return (N_("%(year)s年上半年") if first == 1 else N_("%(year)s年下半年"), {"year": year})
    return (N_("%(year)s年"), {"year": year})


def period_label(period: str, translate=None) -> str:
    """The period as a reader says it (Chinese unless ``translate`` is given)."""
    return render(period_msg(period), translate)


@functools.lru_cache(maxsize=4096)
def _bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period (cached: the batch asks the same few thousands of times)."""
    return dt.date.fromisoformat(periods.period_start(period)), dt.date.fromisoformat(periods.period_end(period))


@functools.lru_cache(maxsize=4096)
def _period_info(period: str) -> dict:
    return periods.period_info(period)


@functools.lru_cache(maxsize=4096)
def window_of(frequency: str, period: str) -> str:
    """The period an item of ``frequency`` is counted over when ``period`` is asked for.

    The asked period itself when the item's own period fits in it (a monthly
    item over 2022Q2: three months, target 3 × min_count); otherwise the
    item's own period that contains it (a yearly item asked for 2022Q2 is
    counted over 2022, with its yearly target: done in February is done).
    """
    kind = periods.FREQUENCY_KIND.get(frequency, "year")
    asked = periods.parse_period(period)[0]
    if _KIND_MONTHS[kind] <= _KIND_MONTHS[asked]:
        return period
    return periods.period_of(periods.period_start(period), kind)


def target_of(item: PlanItem, window: str) -> int:
    """How many qualifying records the window needs (the plan item's min_count, multiplied
    by the number of the item's periods in the window; ``once`` never multiplies)."""
    if item.frequency == "once":
        return item.min_count
    kind = periods.FREQUENCY_KIND.get(item.frequency, "year")
    return item.min_count * max(1, _periods_in(window, kind))


@functools.lru_cache(maxsize=4096)
def _periods_in(window: str, kind: str) -> int:
    return periods.periods_in(window, kind)


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def due_of(item: PlanItem, window: str) -> dt.date:
    """The item's due date in ``window``.

    A fixed date set on the plan item wins when it lies in the window; else the
    pack's ``due`` rule for the item's last own period in the window (kept
    inside that period); else the window's last day.
    """
    start, end = _bounds(window)
    fixed = _date(item.due_date)
    if fixed and start <= fixed <= end:
        return fixed
    due = item.due if isinstance(item.due, dict) else None
    if due:
        kind = periods.FREQUENCY_KIND.get(item.frequency, "year")
        last = periods.period_of(end.isoformat(), kind)
        own_start, own_end = _bounds(last)
        day = None
        try:
            if type(due.get("days_after_period_start")) is int:
                day = own_start + dt.timedelta(days=due["days_after_period_start"])
            elif type(due.get("month")) is int and type(due.get("day")) is int:
                day = dt.date(own_start.year, due["month"], due["day"])
        except (ValueError, OverflowError):
            day = None
        if day is not None:
            return min(max(day, own_start), own_end)
    return end


# --------------------------------------------------------------------------- rules

def _count_expression(rule: Any, key: str = "target"):
    """The left side of the rule's comparison with ``{"var": "target"}``
    (``{">=": [X, {"var": "target"}]}``), searched depth first; None when absent."""
    stack = [rule]
    while stack:
        node = stack.pop()
        if isinstance(node, dict) and len(node) == 1:
            (op, args), = node.items()
            if op in (">=", ">") and isinstance(args, list) and len(args) == 2 \
                    and args[1] == {"var": key}:
                return args[0]
            stack.extend(reversed(args) if isinstance(args, list) else [args])
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return None


def _violation_expression(rule: Any):
    """X of the first ``{"==": [X, 0]}`` in a rule (a prohibition: "never …")."""
    stack = [rule]
    while stack:
        node = stack.pop()
        if isinstance(node, dict) and len(node) == 1:
            (op, args), = node.items()
            if op in ("==", "===") and isinstance(args, list) and len(args) == 2 and args[1] == 0:
                return args[0]
            stack.extend(reversed(args) if isinstance(args, list) else [args])
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return None


def _record_condition(counter: Any):
    """``cond`` of a counter ``{"count_if": [{"var": "records"}, cond]}``, else None.

    Such a count is, by count_if's definition, the number of records ``cond`` holds for
    (each record is the data ``cond`` sees): one pass of ``cond`` over the records gives
    both the count and the records counted. Conditions that read outer scopes (``val``
    with levels) are left to the whole counter.
    """
    if not (isinstance(counter, dict) and len(counter) == 1 and "count_if" in counter):
        return None
    args = counter["count_if"]
    if not (isinstance(args, list) and len(args) == 2 and args[0] == {"var": "records"}) or args[1] is None:
        return None
    stack = [args[1]]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "val" in node:
                return None
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return args[1]


class RuleParts(NamedTuple):
    """A check rule compiled for the engine: the rule, its count (or violation) expression,
    and, when the count is a plain ``count_if`` over the records, its condition on one record."""

    rule: Callable
    count: Callable | None
    violation: Callable | None
    per_record: bool       # the counter counts each record at most once
    plain: bool            # the rule is just "count >= target": the count answers it
    condition: Any = None  # cond of count_if over records: ``.matching(record data, context, cost)``
    condition_rule: Any = None
    condition_cost: int = 0  # work units per record, as count_if charges them (size_of + 1)
    source: Any = None



class Rules:
    """Compiled check rules and their count expressions, per pack content (safe to share)."""

    def __init__(self):
        self.cache = RuleCache()
        self._parts: dict[int, RuleParts] = {}
        self._items: dict[int, dict] = {}

    def pack_item(self, pack: Pack, item_id: str):
        """``pack.item(item_id)`` through an index (``Pack.item`` scans the pack's items:
        for every plan item of a district that is items × pack items)."""
        index = self._items.get(id(pack))
        if index is None or index[0] is not pack:
            index = self._items[id(pack)] = (pack, {i.id: i for i in pack.items})
        return index[1].get(item_id)

    def parts(self, rule: Any) -> RuleParts:
        """The rule's ``RuleParts`` (compiled once per rule object)."""
        key = id(rule)
        found = self._parts.get(key)
        if found is None or found.source is not rule:
            count = _count_expression(rule)
            violation = _violation_expression(rule) if count is None else None
            counter = count if count is not None else violation
            # count_if and count_distinct count each record at most once: when they count every
            # record in the window, all of them counted, and no record needs evaluating alone.
            per_record = isinstance(counter, dict) and next(iter(counter), None) in ("count_if", "count_distinct")
            # The most common rule is just "count ≥ target": the count answers it, no second run.
            plain = isinstance(rule, dict) and list(rule) == [">="] and rule[">="][0] is count
            condition = _record_condition(counter)
            found = self._parts[key] = RuleParts(
                self.cache.get(rule), self.cache.get(count) if count is not None else None,
                self.cache.get(violation) if violation is not None else None, per_record, plain,
                self.cache.get(condition) if condition is not None else None, condition,
                size_of(condition) + 1 if condition is not None else 0, rule)
        return found


def _number(value) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


# --------------------------------------------------------------------------- one item

def evaluate(item: PlanItem, period: str, as_of: dt.date, records: Iterable[CountedRecord], *,
             pack: Pack | None, unit: dict, unit_id: int | None = None, rules: Rules | None = None,
             thresholds: Thresholds | None = None, ordered: bool = False,
             within: tuple[dt.date, dt.date] | None = None) -> ItemStatus:
    """The status of one plan item (see the module docstring and docs/perform.md).

    ``records`` are the records that count for the item (its links, not
    deleted), of any date: the window is applied here. ``pack`` is the plan's
    pack version (for the check rule and the thresholds); ``unit`` the unit's
    profile, as check rules see it, ``unit_id`` its id (default: read from the item's plan).
    ``ordered``: the records come by date, then id, already. ``within``: (first, last) day
    between which every record is dated (none is tested again when the window holds them all).
    """
    check_period(period)
    rules = rules or Rules()
    thresholds = thresholds or Thresholds.of(pack)
    window = window_of(item.frequency, period)
    start, end = _bounds(window)
    target = target_of(item, window)
    due = due_of(item, window)
    days_left = (due - as_of).days
    base = dict(unit_id=unit_id if unit_id is not None else item.plan.unit_id, plan_item_id=item.id, item_id=item.item_id,
                list_id=item.list_id, category_id=item.category_id, text=item.text, custom=bool(item.custom),
                period=period, window=window, window_start=start.isoformat(), window_end=end.isoformat(),
                as_of=as_of.isoformat(), target=target, due=due.isoformat(), days_left=days_left)
    label = period_msg(window)
    if not item.enabled:
        msg = ((N_("不适用：本单位已停用此事项（原因：%(reason)s），不作检查。"), {"reason": item.disabled_reason})
               if item.disabled_reason else (N_("不适用：本单位已停用此事项，不作检查。"), {}))
        return _status(base, msg, status="not_applicable", colour=None, count=0)
    if as_of < start:
        return _status(base, (N_("未到期：%(period)s尚未开始（自 %(start)s 起），截止日期 %(due)s。"),
                              {"period": label, "start": start.isoformat(), "due": due.isoformat()}),
                       status="not_due", colour=None, count=0)
    last = min(end, as_of)
    if ordered and within is not None and start <= within[0] and within[1] <= last:
        inside = records if isinstance(records, list) else list(records)   # read only below
    else:
        inside = [r for r in records if r.date is not None and start <= r.date <= last]
        if not ordered:
            inside.sort(key=lambda r: (r.date, r.id))
    pack_item = rules.pack_item(pack, item.item_id) if pack is not None and not item.custom else None
    rule = pack_item.check if pack_item is not None and pack_item.check is not None else COUNT_RULE
    answers = [r.data for r in inside]
    context = {"today": as_of.isoformat()}
    error = None
    parts = rules.parts(rule)
    violation_fn = parts.violation
    try:
        counted = _counted_by_condition(parts, inside, answers, context)
        if counted is not None and parts.plain:   # the common case: the count answers the rule
            count, met = len(counted), len(counted) >= target
        else:
            data = {"records": answers, "period": dict(_period_info(window)), "target": target, "unit": unit}
            if counted is not None:
                count, met = len(counted), _truthy(parts.rule(data, context))
            else:
                count, counted, met = _count_usual_way(parts, inside, data, context, target)
    except RuleError as exc:
        met, count, counted, violation_fn = False, 0, [], None
        error = (N_("检查规则无法运行：%(reason)s。"), {"reason": exc.message_zh})
    refs = [r.ref for r in counted]
    prohibition = target == 0 and violation_fn is not None
    where = (N_("%(period)s（截至 %(as_of)s）"), {"period": label, "as_of": last.isoformat()}) if last < end else label
    numbers = {"where": where, "count": count, "target": target}
    if met:
        msg = ((N_("完成：%(where)s未发现不符合要求的记录。"), {"where": where}) if prohibition or target == 0
               else (N_("完成：%(where)s符合要求的记录 %(count)s 次，目标 %(target)s 次。"), numbers))
        return _status(base, msg, status="done", colour="green", count=count, records=refs)
    colour = _colour(days_left, thresholds)
    when = _when(due, days_left)
    if prohibition:
        msg = (N_("未完成：%(where)s有 %(count)s 条记录不符合要求（此事项要求一次也不能有）。%(error)s"),
               {"where": where, "count": count, "error": error or ("", {})})
        return _status(base, msg, status="missing", colour="red", count=count, records=refs)
    if error:
        status = "partial" if count else ("missing" if days_left < 0 else "not_due")
        msg = (N_("%(status)s：%(error)s%(when)s"), {"status": (STATUSES[status], {}), "error": error, "when": when})
        return _status(base, msg, status=status, colour=colour, count=count, records=refs)
    if count >= target > 0:
        msg = (N_("部分完成：%(where)s记录了 %(count)s 次，达到目标 %(target)s 次，但检查规则仍未满足"
                  "（有记录不符合此事项的其他要求）；%(when)s"), dict(numbers, when=when))
        return _status(base, msg, status="partial", colour=colour, count=count, records=refs)
    if count > 0:
        msg = (N_("部分完成：%(where)s符合要求的记录 %(count)s 次，目标 %(target)s 次，还差 %(short)s 次；%(when)s"),
               dict(numbers, short=target - count, when=when))
        return _status(base, msg, status="partial", colour=colour, count=count, records=refs)
    status = "missing" if days_left < 0 else "not_due"
    msg = (N_("%(status)s：%(where)s尚无符合要求的记录，目标 %(target)s 次；%(when)s"),
           {"status": (STATUSES[status], {}), "where": where, "target": target, "when": when})
    return _status(base, msg, status=status, colour=colour, count=0, records=refs)


def _count_usual_way(parts: RuleParts, inside: list[CountedRecord], data: dict, context: dict, target: int):
    """(count, records counted, met) by the rule's counter over all records, then over each record
    alone to tell which counted (when not all of them did)."""
    counter = parts.count or parts.violation
    raw = counter(data, context) if counter is not None else None
    if parts.plain and isinstance(raw, int) and not isinstance(raw, bool):
        met = raw >= target
    else:
        met = _truthy(parts.rule(data, context))
    if counter is None:
        return len(inside), inside, met
    count = _number(raw)
    if not count:
        counted = []
    elif parts.per_record and count == len(inside):
        counted = inside
    else:
        counted = [r for r in inside if _number(counter(dict(data, records=[r.data]), context)) > 0]
    return count, counted, met


def _counted_by_condition(parts: RuleParts, inside: list[CountedRecord], answers: list, context: dict):
    """The records the count_if condition holds for, in one pass (None: count the usual way).

    Gives what the counter would: count_if counts the records its condition is truthy for.
    A condition that fails on a record gives None, and the whole counter then runs and
    reports the failure as it always has.
    """
    condition = parts.condition
    if condition is None:
        return None
    try:
        return [inside[i] for i in condition.matching(answers, context, parts.condition_cost)]
    except RuleError:
        return None


def _status(base: dict, msg: Msg, **fields) -> ItemStatus:
    """An ItemStatus whose explanation is ``msg`` in Chinese, the message kept beside it."""
    return ItemStatus(**base, **fields, explanation_msg=msg)


def _truthy(value) -> bool:
    return True if type(value) is dict else bool(value)


def _colour(days_left: int, thresholds: Thresholds) -> str | None:
    if days_left < 0:
        return "red"
    if days_left <= thresholds.due_now_days:
        return "yellow"
    if days_left <= thresholds.due_soon_days:
        return "blue"
    return None


def _when(due: dt.date, days_left: int) -> Msg:
    if days_left < 0:
        return (N_("截止日期 %(due)s，已逾期 %(days)s 天。"), {"due": due.isoformat(), "days": -days_left})
    if days_left == 0:
        return (N_("今天（%(due)s）截止。"), {"due": due.isoformat()})
    return (N_("截止日期 %(due)s，还有 %(days)s 天。"), {"due": due.isoformat(), "days": days_left})


# --------------------------------------------------------------------------- many units

def statuses(unit_ids: Iterable[int], period: str, as_of: dt.date, *, include_disabled: bool = True,
             published_only: bool = True) -> dict[int, list[ItemStatus]]:
    """Every plan item's status for each unit, for ``period`` as of ``as_of``.

    Uses each unit's plan of the period's year (published plans only, unless
    ``published_only`` is false), items in display order. A unit without such
    a plan maps to ``[]``. Queries per 500 units: plans, items, links, records
    (records between the earliest window start and the as-of date, deleted
    ones left out). This is the function 督责's check runs call.
    """
    check_period(period)
    ids = sorted({int(u) for u in unit_ids})
    year = periods.parse_period(period)[1]
    out: dict[int, list[ItemStatus]] = {uid: [] for uid in ids}
    rules_by_version: dict[int, Rules] = {}
    for index in range(0, len(ids), CHUNK):
        chunk = ids[index:index + CHUNK]
        _statuses_chunk(chunk, year, period, as_of, out, rules_by_version, include_disabled, published_only)
    return out


def _statuses_chunk(chunk, year, period, as_of, out, rules_by_version, include_disabled, published_only):
    # Raw rows throughout: peewee's model instances and per-value conversion (dates from text
    # above all) would cost more than the rules themselves over a district's records.
    query = (Plan.select(Plan.id, Plan.unit, Plan.pack_version)
             .where(Plan.unit.in_(chunk) & (Plan.year == year)))
    if published_only:
        query = query.where(Plan.status == "published")
    plans = {plan_id: (unit_id, version_id) for plan_id, unit_id, version_id in database.execute(query)}
    if not plans:
        return
    profiles = {u.id: u.profile() for u in Unit.select().where(Unit.id.in_(sorted({u for u, _ in plans.values()})))}
    items_query = (PlanItem.select(*_PlanItem.FIELDS).where(PlanItem.plan.in_(list(plans)))
                   .order_by(PlanItem.plan, PlanItem.position, PlanItem.id))
    if not include_disabled:
        items_query = items_query.where(PlanItem.enabled == True)  # noqa: E712
    items = [_PlanItem(row) for row in database.execute(items_query)]
    starts = {_date(periods.period_start(window_of(f, period))) for f in {i.frequency for i in items}}
    first = min(starts) if starts else _date(periods.period_start(period))
    last = min(as_of, _date(periods.period_end(str(year))))
    # linked[plan item id as text]: the records that count for it, by date then id (the order
    # evaluate wants). One query gives each record with its links as text ("12,13,14"): a
    # district's records are linked to some 2.5 million plan items in a year, and a row per link
    # through Python cost more than the rules.
    linked: dict[str, list[CountedRecord]] = {}
    if items and first <= last:
        query = (Record.select(Record.id, Record.form_id, Record.record_date, Record.data, _links_of(Record.id))
                 .where((Record.unit.in_(chunk)) & Record.deleted_at.is_null()
                        & (Record.record_date >= first) & (Record.record_date <= last))
                 .order_by(Record.record_date, Record.id))
        for record_id, form_id, day, data, links in database.execute(query):
            if not links:
                continue
            record = CountedRecord(record_id, form_id, _date(day), loads(data) if isinstance(data, (str, bytes)) else data)
            for key in links.split(","):
                found = linked.get(key)
                if found is None:
                    linked[key] = [record]
                else:
                    found.append(record)
    versions = {version_id for _, version_id in plans.values()}
    packs = {v.id: v.pack() for v in PackVersion.select(*PackVersion.light_fields())
             .where(PackVersion.id.in_(sorted(versions)))}
    thresholds = {version_id: Thresholds.of(pack) for version_id, pack in packs.items()}
    for item in items:
        unit_id, version_id = plans[item.plan_id]
        rules = rules_by_version.get(version_id) or rules_by_version.setdefault(version_id, Rules())
        out[unit_id].append(evaluate(item, period, as_of, linked.get(str(item.id), ()), pack=packs.get(version_id),
                                     unit=profiles.get(unit_id, {}), unit_id=unit_id, rules=rules,
                                     thresholds=thresholds.get(version_id), ordered=True, within=(first, last)))


def _links_of(record_id):
    """The ids of the plan items a record is linked to, as text "12,13,14" (a subquery)."""
    if isinstance(database.obj, peewee.PostgresqlDatabase):
        joined = fn.string_agg(RecordItem.plan_item.cast("text"), ",")
    else:
        joined = fn.group_concat(RecordItem.plan_item, ",")
    return RecordItem.select(joined).where(RecordItem.record == record_id)


def unit_status(unit_id: int, period: str, as_of: dt.date, **kwargs) -> list[ItemStatus]:
    """``statuses`` for one unit."""
    return statuses([unit_id], period, as_of, **kwargs)[int(unit_id)]


def item_status(item: PlanItem, period: str, as_of: dt.date) -> ItemStatus:
    """One plan item's status (loads its plan, pack, unit and records)."""
    plan = item.plan
    window = window_of(item.frequency, period)
    query = (Record.select(Record.id, Record.form_id, Record.record_date, Record.data)
             .join(RecordItem).where((RecordItem.plan_item == item.id) & Record.deleted_at.is_null()
                                     & (Record.record_date >= _date(periods.period_start(window)))))
    records = [CountedRecord(r.id, r.form_id, _date(r.record_date), r.data) for r in query]
    return evaluate(item, period, as_of, records, pack=plan.pack_version.pack(), unit=plan.unit.profile(),
                    unit_id=plan.unit_id)
