"""Rules in words: one renderer of JsonLogic rules to Chinese or English sentences.

Plain Python (no Flask), used wherever a person reads a rule: the pack
browser, plan pages, the editor and its try-it panel, form previews
(visibility conditions) and review results (scoring rules).

    from service.logic.words import Vocabulary, applicability, check, condition

    vocab = Vocabulary.for_profile(profile_schema, "zh")
    applicability({">=": [{"var": "subordinate_units"}, 1]}, vocab)   # 下属单位数不少于 1 个的单位
    vocab = Vocabulary.for_check(talk_form, profile_schema, "zh", frequency="quarterly", target=1)
    check({">=": [{"count_if": [{"var": "records"}]}, {"var": "target"}]}, vocab)   # 本季度谈心谈话记录不少于 1 次

Labels come from the schemas' ``title`` (``x-i18n`` for English), enum
values from ``x-enum-labels``, measure words from ``x-unit``. An operator or
shape the renderer does not know reads as the compact JSON of that part; the
functions here never raise.
"""
from __future__ import annotations

import json
import re
from typing import Any

from .phrases import locale_key
from .render import Teller
from .vocabulary import Vocabulary

_TIGHT_BEFORE = re.compile(r" +(?=[，。；：、）”])")
_TIGHT_AFTER = re.compile(r"(?<=[（“：]) +")

__all__ = ["Vocabulary", "applicability", "check", "condition", "value", "pretty_json", "locale_key"]


def condition(rule: Any, vocabulary: Vocabulary) -> str:
    """The rule as a clause: what holds when the rule is true."""
    return _safe(lambda: Teller(vocabulary).condition(rule), rule, vocabulary)


def value(rule: Any, vocabulary: Vocabulary) -> str:
    """The rule as the value it computes (scoring rules and the like)."""
    return _safe(lambda: Teller(vocabulary).value(rule), rule, vocabulary)


def applicability(rule: Any, vocabulary: Vocabulary) -> str:
    """An ``applies_if`` rule as the units it selects (null: all units)."""
    if rule is None:
        return vocabulary.phrases["applies_all"]
    return _safe(lambda: vocabulary.phrases.say("applies", c=Teller(vocabulary).condition(rule)), rule, vocabulary)


def check(rule: Any, vocabulary: Vocabulary) -> str:
    """A check rule as what the duty requires in its period."""
    return condition(rule, vocabulary)


def pretty_json(rule: Any, width: int = 40) -> str:
    """The rule as JSON for people (for the one-click view): Chinese kept readable, short
    parts on one line, longer ones broken up and indented, so it fits a narrow column."""
    def one_line(v):
        return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))

    def render(v, indent):
        flat = one_line(v)
        if not isinstance(v, (dict, list)) or len(flat) + indent <= width or not v:
            return flat
        pad = " " * (indent + 2)
        if isinstance(v, dict):
            inner = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {render(x, indent + 2)}" for k, x in v.items()]
            return "{\n" + ",\n".join(inner) + "\n" + " " * indent + "}"
        inner = [pad + render(x, indent + 2) for x in v]
        return "[\n" + ",\n".join(inner) + "\n" + " " * indent + "]"

    try:
        return render(rule, 0)
    except (TypeError, ValueError, RecursionError):
        try:
            return json.dumps(rule, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            return "…"   # nested too deeply to print (a pack check refuses such a rule anyway)


def _safe(fn, rule, vocabulary: Vocabulary) -> str:
    try:
        text = fn()
    except Exception:  # noqa: BLE001 - telling a rule must never break a page
        text = Teller(vocabulary)._fallback(rule)
    text = text.strip() or Teller(vocabulary)._fallback(rule)
    if vocabulary.locale == "zh":  # no space next to full-width punctuation
        text = _TIGHT_AFTER.sub("", _TIGHT_BEFORE.sub("", text))
    if vocabulary.locale == "en" and text[:1].islower():
        text = text[0].upper() + text[1:]
    return text
