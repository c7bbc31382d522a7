"""The try-it panel: sample data for a rule and running it with an explanation.

Plain helpers, no Flask. A check rule gets check data for the item's first
period of the demo year (its target, a unit profile, one sample record taken
from the pack's own tests or built from the form); an applicability rule gets
a unit profile. ``try_rule`` evaluates with a trace and marks the conditions
that made the result false, so the page can say which one failed and why.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..logic import RuleError, compile_rule
from ..logic.explain import truncate
from ..packs import Pack, check_data, periods
from ..packs.engine import truthy
from .editor import RULE_ERROR_TYPES

DEMO_YEAR = 2022  # the demo data and plans are for 2022


def sample_period(item, year: int = DEMO_YEAR) -> str:
    """The first period of the item's own kind in ``year`` (e.g. 2022Q1)."""
    return periods.period_of(f"{year}-01-01", item.period_kind)


def sample_record(schema: Any, date: str, examples: list | None = None) -> dict:
    """One plausible record of a form: a pack-test record when there is one,
    else required fields filled from the schema; ``date`` set into the period."""
    record = copy.deepcopy(examples[0]) if examples else _sample_value(schema if isinstance(schema, dict) else {}, 0)
    if not isinstance(record, dict):
        record = {}
    record["date"] = date
    return record


def _sample_value(schema: dict, depth: int) -> Any:
    if depth > 6 or not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object" or isinstance(schema.get("properties"), dict):
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        return {name: _sample_value(props.get(name, {}), depth + 1) for name in required if name in props}
    if kind == "array":
        item = _sample_value(schema.get("items") if isinstance(schema.get("items"), dict) else {}, depth + 1)
        return [item] if item is not None and (schema.get("minItems") or isinstance(schema.get("items"), dict)
                                               and "enum" in schema["items"]) else []
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        minimum = schema.get("minimum")
        return minimum if isinstance(minimum, (int, float)) and not isinstance(minimum, bool) and minimum > 0 else 1
    if kind == "string":
        if schema.get("format") == "date":
            return f"{DEMO_YEAR}-01-15"
        if schema.get("x-widget") == "file":
            return ""
        return "示例"
    return None


def pack_test_records(pack: Pack, form_id: str) -> list[dict]:
    """Records of ``form_id`` written in the pack's own tests (realistic examples)."""
    out = []
    for test in pack.tests:
        for case in test.cases:
            out += [r for r in case.records.get(form_id, []) if isinstance(r, dict)]
    return out


EXAMPLE_PROFILE = {"name": "示例单位", "type": "区直单位", "tags": [], "risk_areas": [],
                   "subordinate_units": 0, "law_enforcement": False}


MAX_SAMPLE_RECORDS = 12


def check_sample(pack: Pack, item, unit: dict | None = None, *, with_record: bool = True,
                 year: int = DEMO_YEAR) -> dict:
    """Check data for trying an item's check rule: its first period of ``year``, its
    target, a unit profile and (unless ``with_record`` is false) sample records that
    fit the rule (see ``fitting_records``)."""
    period = sample_period(item, year)
    unit = unit or EXAMPLE_PROFILE
    records = fitting_records(pack, item, period, unit) if with_record else []
    return check_data(item, records, period, unit)


def fitting_records(pack: Pack, item, period: str, unit: dict) -> list[dict]:
    """Records in ``period`` that meet the item's check rule where the pack allows it.

    Candidates are the records of the item's form written in the pack's own tests
    (first those of cases where the item is expected met), then a record built from
    the form. Each candidate is tried alone, then repeated up to the number the rule
    needs (the target, or the unit's subordinate units; at most 12), with its free-text
    fields numbered so that "different people" rules count each copy. The first set
    the rule finds met is the sample; when none is, one record of the first candidate
    (the rule then reads 未达标, and the explanation says why)."""
    form = pack.forms.get(item.form)
    if form is None:
        return []
    start = dt.date.fromisoformat(periods.period_start(period))
    end = dt.date.fromisoformat(periods.period_end(period))
    candidates = _candidates(pack, item, form.schema)
    try:
        compiled = compile_rule(item.check)
    except RuleError:
        compiled = None
    target = item.target_for(period)
    counts = sorted({1, *(n for n in (target, unit.get("subordinate_units")) if isinstance(n, int)
                          and not isinstance(n, bool) and 1 < n <= MAX_SAMPLE_RECORDS)})
    first = None
    for candidate in candidates:
        for n in counts:
            records = [_sample_copy(form.schema, candidate, i, _spread(start, end, i)) for i in range(n)]
            first = first or records[:1]
            if compiled is None:
                return records
            try:
                met = truthy(compiled(check_data(item, records, period, unit), {"today": periods.period_end(period)}))
            except RuleError:
                met = False
            if met:
                return records
    return first or []


def _candidates(pack: Pack, item, schema: Any) -> list[dict]:
    met_first = []
    others = []
    for test in pack.tests:
        for case in test.cases:
            rows = [r for r in case.records.get(item.form, []) if isinstance(r, dict)]
            (met_first if case.expect.get(item.id) is True else others).extend(rows)
    built = _sample_value(schema if isinstance(schema, dict) else {}, 0)
    out, seen = [], set()
    for record in met_first + others + [built if isinstance(built, dict) else {}]:
        key = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
        if key not in seen:
            seen.add(key)
            out.append(record)
    return out[:40]


def _spread(start: dt.date, end: dt.date, i: int) -> str:
    return min(start + dt.timedelta(days=9 + i), end).isoformat()


def _sample_copy(schema: Any, record: dict, i: int, date: str) -> dict:
    """A copy of ``record`` dated ``date``; copies after the first number their free-text fields."""
    copy_ = copy.deepcopy(record)
    copy_["date"] = date
    props = schema.get("properties") if isinstance(schema, dict) else None
    if i and isinstance(props, dict):
        for name, value in list(copy_.items()):
            prop = props.get(name)
            if isinstance(value, str) and isinstance(prop, dict) and "enum" not in prop and "format" not in prop \
                    and "const" not in prop:
                copy_[name] = f"{value}{i + 1}"
    return copy_


def sample_today(item, year: int = DEMO_YEAR) -> str:
    """A `today` for trying an item: the end of its sample period."""
    return periods.period_end(sample_period(item, year))


def valid_date(text: str) -> bool:
    """Whether ``text`` is an ISO date YYYY-MM-DD."""
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


@dataclass
class TraceNode:
    """One line of the explanation: operator, argument values, result, children."""

    op: str
    pointer: str
    args: list
    result: Any = None
    error: dict | None = None
    children: list = field(default_factory=list)
    index: int | None = None     # nth evaluation of the same node (inside an iteration)
    failed: bool = False         # a condition that made the rule false
    omitted: int = 0

    @property
    def args_text(self) -> str:
        """Argument values as compact JSON."""
        return short_json(self.args)

    @property
    def comparison(self) -> tuple[str, str, str] | None:
        """(left, symbol, right) for a two-sided comparison, to say it in words."""
        if self.op in _SYMBOLS and len(self.args) == 2:
            return short_json(self.args[0], 60), _SYMBOLS[self.op], short_json(self.args[1], 60)
        return None

    @property
    def read_text(self) -> str:
        """For var/val: the path read, as an admin wrote it (records, unit.type)."""
        if self.op == "var" and self.args and isinstance(self.args[0], str):
            return self.args[0]
        if self.op == "val" and self.args and all(isinstance(a, (str, int)) for a in self.args):
            return ".".join(str(a) for a in self.args)
        return self.args_text

    @property
    def result_text(self) -> str:
        """The result as compact JSON (booleans are shown by the template)."""
        return short_json(self.result)


VALUE_CHARS = 2000     # of a result shown on the try-it panel


def short_json(value: Any, limit: int = 160) -> str:
    """Compact JSON, cut at ``limit`` characters. The value is first cut to a few
    items a few levels deep (as explanations are), so nothing big is ever serialised."""
    try:
        text = json.dumps(truncate(value), ensure_ascii=False, separators=(", ", ": "))
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class TryResult:
    """The outcome of running a rule on sample data."""

    value: Any = None
    error: tuple[str, str] | None = None    # (Chinese, English)
    trace: TraceNode | None = None
    failed: list = field(default_factory=list)

    @property
    def truthy(self) -> bool:
        """JsonLogic truthiness of the result (what the app acts on)."""
        return self.error is None and truthy(self.value)

    @property
    def value_text(self) -> str:
        """The result as compact JSON, cut short: a rule's result can be as big as
        the engine's limits allow, and the page shows only its beginning."""
        return short_json(self.value, VALUE_CHARS)


_LOGICAL = {"and", "or", "!!", "if", "?:"}
_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "===": "=", "!=": "≠", "!==": "≠"}


def _node(raw: dict, index: int | None = None) -> TraceNode:
    node = TraceNode(op=str(raw.get("op")), pointer=raw.get("pointer", ""), args=raw.get("args", []),
                     result=raw.get("result"), error=raw.get("error"), index=index,
                     omitted=int(raw.get("omitted_children", 0) or 0))
    counts: dict[str, int] = {}
    repeated = {c.get("pointer") for c in raw.get("children", [])
                if sum(1 for d in raw.get("children", []) if d.get("pointer") == c.get("pointer")) > 1}
    for child in raw.get("children", []):
        n = None
        if child.get("pointer") in repeated:
            counts[child["pointer"]] = n = counts.get(child["pointer"], 0) + 1
        node.children.append(_node(child, n))
    return node


def _falsy(value) -> bool:
    return not truthy(value)


def _mark_failed(node: TraceNode, out: list) -> None:
    """Walk down from a false result through and/or/if to the conditions that decided it."""
    if node.error or not _falsy(node.result):
        return
    if node.op in _LOGICAL:
        culprits = [c for c in node.children if c.error is None and _falsy(c.result)]
        if culprits:
            for child in culprits:
                _mark_failed(child, out)
            return
    node.failed = True
    out.append(node)


def try_rule(rule: Any, data: Any, today: str) -> TryResult:
    """Run ``rule`` on ``data`` with context today; the result and its explanation."""
    try:
        compiled = compile_rule(rule)
    except RuleError as exc:
        zh, en = RULE_ERROR_TYPES.get(exc.type, (str(exc.type), str(exc.type)))
        return TryResult(error=(f"规则无法编译：{zh}（{exc.message}）", f"rule does not compile: {exc}"))
    try:
        explained = compiled.explain(data, {"today": today})
    except Exception as exc:  # noqa: BLE001 - explain promises not to raise; be sure
        return TryResult(error=(f"运行出错：{type(exc).__name__}", f"evaluation failed: {type(exc).__name__}"))
    result = TryResult(value=explained.get("result"), trace=_node(explained.get("trace") or {}))
    if "error" in explained:
        err = explained["error"]
        kind = err.get("type")
        known = RULE_ERROR_TYPES.get(kind) if isinstance(kind, str) else None
        zh, en = known or (f"规则抛出 {short_json(kind)}", "thrown")
        result.error = (f"运行出错：{zh}（{err.get('message', '')}）",
                        f"evaluation failed: {short_json(kind)}: {err.get('message', '')}")
        return result
    _mark_failed(result.trace, result.failed)
    return result
