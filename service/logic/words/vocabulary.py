"""What a sentence may call things: the locale, the schema of the data the rule
reads, and what is known about the item (its period and target).

Build one with the constructor that matches the rule's kind:
``Vocabulary.for_profile`` (applicability), ``Vocabulary.for_check`` (check
rules: ``records`` of a form, ``period``, ``target``, ``unit``) or
``Vocabulary.for_data`` (form conditions, scoring rules).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .labels import Node
from .phrases import Phrases, locale_key

FREQUENCIES = ("monthly", "quarterly", "half-yearly", "yearly", "once")
RECORDS_MARK = "x-words-records"


@dataclass
class Vocabulary:
    """The words a rule is told in (see the module docstring)."""

    locale: str = "zh"
    schema: Any = None                 # the schema of the data the rule reads
    check: bool = False                # check data: records/period/target/unit
    frequency: str | None = None       # the item's frequency: 本季度 …
    target: int | float | None = None  # the item's target, when known
    phrases: Phrases = field(init=False, repr=False)

    def __post_init__(self):
        self.locale = locale_key(self.locale)
        self.phrases = Phrases(self.locale)

    @classmethod
    def for_profile(cls, profile_schema: Any, locale: str = "zh") -> "Vocabulary":
        """Applicability rules: the data is a unit profile."""
        return cls(locale=locale, schema=profile_schema if isinstance(profile_schema, dict) else {})

    @classmethod
    def for_data(cls, schema: Any, locale: str = "zh") -> "Vocabulary":
        """Rules over data of a given schema (form conditions, scoring rules)."""
        return cls(locale=locale, schema=schema if isinstance(schema, dict) else {})

    @classmethod
    def for_check(cls, form_schema: Any, profile_schema: Any = None, locale: str = "zh", *,
                  frequency: str | None = None, target: Any = None) -> "Vocabulary":
        """Check rules: records of ``form_schema`` in the period, the target, the unit."""
        phrases = Phrases(locale)
        form = dict(form_schema) if isinstance(form_schema, dict) else {}
        profile = dict(profile_schema) if isinstance(profile_schema, dict) else {}
        defs: dict = {}
        for source in (profile, form):
            for key in ("$defs", "definitions"):
                if isinstance(source.get(key), dict):
                    defs.setdefault(key, {}).update(source.pop(key))
        noun = records_noun(Node(form_schema, None, phrases.locale).title(), phrases)
        root = {
            **defs,
            "type": "object",
            "properties": {
                "records": {"type": "array", "title": noun, RECORDS_MARK: True, "items": form},
                "period": {"type": "object", "title": phrases["period_var"]},
                "target": {"type": "integer", "title": phrases["target"]},
                "unit": {**profile, "title": phrases["unit_data"], "x-i18n": {}},
            },
        }
        known = target if isinstance(target, (int, float)) and not isinstance(target, bool) else None
        return cls(locale=locale, schema=root, check=True,
                   frequency=frequency if frequency in FREQUENCIES else None, target=known)

    def root(self) -> Node:
        return Node(self.schema if isinstance(self.schema, dict) else {}, None, self.locale)

    def period_words(self) -> str:
        """本季度 / ' this quarter' for the item's frequency, '' when unknown."""
        return self.phrases["period_" + self.frequency] if self.frequency else ""


def records_noun(title: str, phrases: Phrases) -> str:
    """谈心谈话记录 from a form titled 谈心谈话记录 (or 谈心谈话); 'talk records' in English."""
    if not title:
        return phrases["records_plain"]
    if phrases.locale == "zh":
        return title if title.endswith("记录") else title + phrases["record_suffix"]
    lower = title.lower()
    if lower.endswith("records"):
        return title
    if lower.endswith("record"):
        return title + "s"
    return title + phrases["record_suffix"]
