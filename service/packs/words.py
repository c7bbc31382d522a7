"""A pack's rules in words: the vocabulary each kind of rule is told in.

Plain Python over ``service.logic.words``: an item's ``applies_if`` reads the
pack's unit profile, its ``check`` the records of its form in its period with
its target, a form's ``x-visible-if``/``x-required-if`` the object that holds
the field, a scoring rule its ``data_schema``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..logic import words


@dataclass(frozen=True)
class Told:
    """A rule and its sentence (the page shows the sentence, the JSON one click away)."""

    text: str
    rule: Any

    @property
    def json(self) -> str:
        return words.pretty_json(self.rule)


def applicability(pack, item, locale: str) -> Told:
    """The units an item applies to (下属单位数不少于 1 个的单位; 所有单位 for none)."""
    vocab = words.Vocabulary.for_profile(pack.profile_schema, locale)
    return Told(words.applicability(item.applies_if, vocab), item.applies_if)


def check(pack, item, locale: str, *, target: Any = None, rule: Any = None) -> Told:
    """What an item's check rule requires in one of its periods; ``target`` defaults to
    the item's ``min_count`` (a plan may have changed it), ``rule`` to the item's."""
    form = pack.forms.get(item.form)
    vocab = words.Vocabulary.for_check(form.schema if form else None, pack.profile_schema, locale,
                                       frequency=item.frequency,
                                       target=item.min_count if target is None else target)
    rule = item.check if rule is None else rule
    return Told(words.check(rule, vocab), rule)


def applicability_rule(pack, rule: Any, locale: str) -> Told:
    """An applicability rule being edited (not yet an item's)."""
    vocab = words.Vocabulary.for_profile(pack.profile_schema, locale)
    return Told(words.applicability(rule, vocab), rule)


def scoring_rule(pack, rule_id: str, locale: str) -> Told | None:
    """A scoring rule told over its data schema, or None when the pack has no such rule."""
    scoring = getattr(pack, "scoring", None)
    found = scoring.rule(rule_id) if scoring is not None else None
    if found is None:
        return None
    return Told(words.value(found.rule, words.Vocabulary.for_data(found.data_schema, locale)), found.rule)


@dataclass(frozen=True)
class FieldCondition:
    """A form field shown or required only under a condition."""

    field: str          # the field's title (or name)
    kind: str           # "visible" or "required"
    told: Told


MAX_CONDITIONS = 200


def form_conditions(schema: Any, locale: str) -> list[FieldCondition]:
    """Every x-visible-if / x-required-if of a form, told over the object that holds the field."""
    out: list[FieldCondition] = []
    if isinstance(schema, dict):
        _walk(schema, schema, locale, out, 0)
    return out


def _walk(node: dict, root: dict, locale: str, out: list, depth: int) -> None:
    if depth > 8 or len(out) >= MAX_CONDITIONS:
        return
    props = node.get("properties")
    if not isinstance(props, dict):
        return
    vocab = words.Vocabulary(locale=locale, schema={**{k: v for k, v in root.items() if k in ("$defs", "definitions")},
                                                     **node})
    for name, prop in props.items():
        if not isinstance(prop, dict):
            continue
        title = words.Vocabulary(locale=locale, schema=prop).root().title() or str(name)
        for key, kind in (("x-visible-if", "visible"), ("x-required-if", "required")):
            if key in prop and len(out) < MAX_CONDITIONS:
                out.append(FieldCondition(title, kind, Told(words.condition(prop[key], vocab), prop[key])))
        child = prop.get("items") if isinstance(prop.get("items"), dict) else prop
        _walk(child, root, locale, out, depth + 1)
