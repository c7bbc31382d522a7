"""Findings shape next year's duty list (问责 back to 明责). No Flask.

The seed's commission draws each leader's annual task list from what daily
supervision, inspection tours, petitions and cases found. A plan's pack says
how, in ``scoring.json`` → ``accountability.plan_suggestions``: each rule has a
JsonLogic condition over one finding (``{"finding": {"category_id", "list_id",
"severity", "channel", "source_kind"}}``) and what it proposes for the unit's
plan of the following year: a higher target for a pack item (switching it back
on if the unit had switched it off), or an extra item of the unit's own.

Nothing is stored: the suggestions of a plan are computed from the unit's
findings of the year before and the rules of the plan's own pack version, and
one that the plan already meets (target reached, custom item present) shows as
taken. Accepting one is ordinary plan tuning (``plans.set_target`` and friends:
audited, a new plan revision naming the finding).
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from ..logic.errors import RuleError
from ..packs import engine
from ..packs.evaluate import RuleCache
from .models import Plan, PlanItem

log = logging.getLogger(__name__)


@dataclass
class Suggestion:
    rule_id: str
    description: str          # the rule's own words (pack text, Chinese)
    finding_id: int
    finding_title: str
    kind: str                 # "target" (raise / switch on a pack item) or "custom" (add an item)
    item: PlanItem | None     # the plan item concerned ("target")
    min_count: int
    custom: dict | None       # {"text", "frequency", "list", "category"} ("custom")
    taken: bool               # the plan already does what the rule proposes

    @property
    def key(self) -> str:
        """Names the suggestion in a form post: rule and finding."""
        return f"{self.rule_id}:{self.finding_id}"


def facts_schema(pack, locale: str = "zh", translate=None) -> dict:
    """The data a suggestion rule reads, with titles and labels, so the rule can be told in words."""
    from ..accountability.models import CHANNELS, SEVERITIES
    english = locale == "en"
    translate = translate or (lambda text: text)

    def enum(title: str, title_en: str, labels: dict) -> dict:
        return {"type": "string", "title": title_en if english else title, "enum": list(labels),
                "x-enum-labels": labels}
    return {"type": "object", "properties": {"finding": {"type": "object",
            "properties": {
                "category_id": enum("问题类别", "problem category", {c.id: c.name for c in pack.categories}),
                "list_id": enum("责任清单", "duty list", {lst.id: lst.name for lst in pack.lists}),
                "severity": enum("严重程度", "severity", {k: translate(v) for k, v in SEVERITIES.items()}),
                "channel": enum("发现渠道", "channel", {k: translate(v) for k, v in CHANNELS.items()}),
                "source_kind": {"type": "string", "title": "source" if english else "来源"}}}}}


def told(pack, rule: dict, locale: str, translate=None):
    """A suggestion rule's condition in words, the JSON one click away (``packs.words.Told``)."""
    from ..logic import words as logic_words
    from ..packs.words import Told
    vocabulary = logic_words.Vocabulary.for_data(facts_schema(pack, locale, translate), locale)
    return Told(logic_words.condition(rule.get("when"), vocabulary), rule.get("when"))


def rules_of(plan: Plan) -> list[dict]:
    pack = plan.pack_version.pack()
    section = pack.scoring.accountability if isinstance(pack.scoring.accountability, dict) else {}
    return [r for r in section.get("plan_suggestions") or [] if isinstance(r, dict)]


def finding_facts(finding) -> dict:
    """What a suggestion rule reads of a finding."""
    return {"finding": {"category_id": finding.category_id or "", "list_id": finding.list_id or "",
                        "severity": finding.severity, "channel": finding.channel,
                        "source_kind": finding.source_kind}}


def for_plan(plan: Plan) -> list[Suggestion]:
    """The suggestions the unit's findings of the year before the plan's year make."""
    from ..accountability.models import Finding  # 问责 reads 明责's models, not the other way round at import
    rules = rules_of(plan)
    if not rules:
        return []
    findings = (Finding.select()
                .where((Finding.unit == plan.unit_id) & (Finding.status != "dismissed")
                       & (Finding.found_on >= dt.date(plan.year - 1, 1, 1))
                       & (Finding.found_on <= dt.date(plan.year - 1, 12, 31)))
                .order_by(Finding.found_on, Finding.id))
    items = {i.item_id: i for i in PlanItem.select().where(PlanItem.plan == plan)}
    customs = {i.text for i in items.values() if i.custom}
    cache, out, seen = RuleCache(), [], set()
    for finding in findings:
        facts = finding_facts(finding)
        for rule in rules:
            try:
                hit = engine.truthy(cache.get(rule.get("when"))(facts, {}))
            except (RuleError, ValueError, TypeError):  # a pack's broken rule proposes nothing
                log.warning("plan suggestion rule %s cannot run", rule.get("id"), exc_info=True)
                continue
            if not hit:
                continue
            suggestion = _suggestion(rule, finding, items, customs)
            if suggestion is not None and (suggestion.key not in seen):
                seen.add(suggestion.key)
                out.append(suggestion)
    return out


def _suggestion(rule: dict, finding, items: dict, customs: set) -> Suggestion | None:
    base = dict(rule_id=str(rule.get("id")), description=str(rule.get("description") or ""),
                finding_id=finding.id, finding_title=finding.title)
    count = int(rule.get("min_count") or 1)
    if rule.get("item"):
        item = items.get(rule["item"])
        if item is None:  # the item does not apply to this unit: nothing to raise
            return None
        return Suggestion(**base, kind="target", item=item, min_count=count, custom=None,
                          taken=item.enabled and item.min_count >= count)
    custom = rule.get("custom")
    if isinstance(custom, dict) and custom.get("text"):
        return Suggestion(**base, kind="custom", item=None, min_count=count, custom=custom,
                          taken=custom["text"] in customs)
    return None


def accept(plan: Plan, key: str):
    """Do what suggestion ``key`` proposes, as plan tuning; the suggestion, or None
    when no suggestion of the plan has that key (or it is already taken)."""
    from . import plans
    found = next((s for s in for_plan(plan) if s.key == key), None)
    if found is None or found.taken:
        return None
    because = f"（依据问题 #{found.finding_id}，建议规则 {found.rule_id}）"
    if found.kind == "target":
        if not found.item.enabled:
            plans.set_enabled(found.item, True, because=because)
        if found.item.min_count < found.min_count:
            plans.set_target(found.item, found.min_count, because=because)
    else:
        custom = found.custom
        plans.add_custom_item(plan, list_id=custom.get("list", ""), category_id=custom.get("category", ""),
                              text=custom["text"], frequency=custom.get("frequency", "yearly"),
                              min_count=found.min_count, form=custom.get("form", ""), because=because)
    return found
