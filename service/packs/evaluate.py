"""Evaluating a pack's rules for one unit: which items apply, and whether an
item's check is met over a period. This is what 明责 and 督责 call."""
from __future__ import annotations

from typing import Any, Iterable

from . import engine, periods
from .model import Item, Pack


class EngineMissing(RuntimeError):
    """service.logic is not available, so rules cannot be evaluated."""


class ItemRuleError(ValueError):
    """An item's rule could not be evaluated for a unit: it threw, or it hit a
    resource limit (a pack from elsewhere is untrusted). ``error`` is the
    engine's ``RuleError``; ``message_zh`` says which item and why."""

    def __init__(self, item_id: str, part: str, error: Exception):
        self.item_id, self.part, self.error = item_id, part, error
        self.reason_zh = getattr(error, "message_zh", None) or str(error)
        super().__init__(f"item {item_id}: {part} failed: {error}")


def _compile(rule: Any):
    logic = engine.logic()
    if logic is None:
        raise EngineMissing("service.logic is not installed")
    return logic.compile_rule(rule)


class RuleCache:
    """Compiles each rule once; keyed by the identity of the rule object."""

    def __init__(self):
        self._compiled: dict[int, Any] = {}

    def get(self, rule: Any):
        """The compiled form of `rule` (compiling it the first time)."""
        key = id(rule)
        if key not in self._compiled:
            self._compiled[key] = (_compile(rule), rule)
        return self._compiled[key][0]


def applies(item: Item, unit: dict, *, today: str | None = None, cache: RuleCache | None = None) -> bool:
    """Whether the item applies to a unit profile (no applies_if = every unit)."""
    if item.applies_if is None:
        return True
    compiled = (cache or RuleCache()).get(item.applies_if)
    return engine.truthy(compiled(unit, {"today": today} if today else {}))


def applicable_items(pack: Pack, unit: dict, *, today: str | None = None,
                     cache: RuleCache | None = None) -> list[Item]:
    """The pack's items that apply to the unit, in pack order; ``ItemRuleError``
    when an item's applicability rule fails."""
    cache = cache or RuleCache()
    out = []
    for item in pack.items:
        try:
            if applies(item, unit, today=today, cache=cache):
                out.append(item)
        except EngineMissing:
            raise
        except Exception as exc:    # the engine raises only RuleError; name the item it came from
            raise ItemRuleError(item.id, "applies_if", exc) from exc
    return out


def records_in_period(records: Iterable[dict], period: str, date_field: str = "date") -> list[dict]:
    """The records whose date field lies inside the period (others dropped)."""
    return [r for r in records
            if isinstance(r, dict) and isinstance(r.get(date_field), str) and _is_in(r[date_field], period)]


def _is_in(date: str, period: str) -> bool:
    try:
        return periods.in_period(date, period)
    except ValueError:
        return False


def check_data(item: Item, records: Iterable[dict], period: str, unit: dict) -> dict:
    """The data an item's check rule sees (see docs/packs.md, "Check rules")."""
    return {
        "records": records_in_period(records, period),
        "period": periods.period_info(period),
        "target": item.target_for(period),
        "unit": unit,
    }


def check_item(item: Item, records: Iterable[dict], period: str, unit: dict, *, today: str,
               cache: RuleCache | None = None) -> bool:
    """Whether the item's check rule is met for the period (True = met)."""
    compiled = (cache or RuleCache()).get(item.check)
    return engine.truthy(compiled(check_data(item, records, period, unit), {"today": today}))
