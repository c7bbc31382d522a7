"""The rule-pack data model: plain dataclasses built from the pack's JSON files.

A `Pack` keeps the parsed files it was built from (`files`), so it can be
serialised back unchanged (`to_files`) and hashed (`content_hash`). Every
object remembers where it came from (`file`, `pointer`) so problems can name
the exact spot an admin has to edit.
"""
from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from . import periods

MANIFEST_FILE = "rules/pack.json"
LISTS_FILE = "rules/lists.json"
CATEGORIES_FILE = "rules/categories.json"
PROFILE_FILE = "rules/profile.schema.json"
SCORING_FILE = "rules/scoring.json"
REPORTS_FILE = "rules/reports.json"
ITEMS_DIR = "rules/items/"
TESTS_DIR = "rules/tests/"
FORMS_DIR = "forms/"


@dataclass
class Manifest:
    """rules/pack.json: who made the pack and which version it is."""

    id: str
    name: str
    version: str
    format_version: int = 1
    district: str = ""
    description: str = ""
    license: str = ""
    forms_dir: str = "../forms"


#: Who may record a list's items (``recorded_by`` in rules/lists.json).
RECORDED_BY = ("unit", "supervising-body", "department")

#: The recorder of the five well-known lists when a pack version does not say
#: (versions before the field existed, other districts' packs): 监督责任 is the
#: supervising body's, 职能监督责任 the organisation department's; every other
#: list is the unit's own.
DEFAULT_RECORDERS = {"supervision": ("supervising-body", ""),
                     "functional-supervision": ("department", "organization")}


@dataclass
class DutyList:
    """One responsibility list (责任清单), e.g. 第一责任人责任."""

    id: str
    name: str
    holder: str
    description: str = ""
    supervisor: str = ""
    pointer: str = ""
    recorded_by: str = ""   # as written in the pack; "" = not said (see ``recorder``)
    department: str = ""

    @property
    def recorder(self) -> tuple[str, str]:
        """(kind, department code) of who records the list's items: ``("unit", "")``,
        ``("supervising-body", "")`` or ``("department", "organization")``; the
        documented default when the pack does not say."""
        if self.recorded_by in RECORDED_BY:
            return self.recorded_by, self.department if self.recorded_by == "department" else ""
        return DEFAULT_RECORDERS.get(self.id, ("unit", ""))


@dataclass
class Category:
    """A category (大项) inside a list."""

    id: str
    list: str
    name: str
    order: int = 0
    pointer: str = ""


@dataclass
class Item:
    """One duty item (条): what to do, how often, how it is proven and checked."""

    id: str
    list: str
    category: str
    text: str
    frequency: str
    min_count: int
    form: str
    check: Any
    holder: str = ""
    due: dict | None = None
    applies_if: Any = None
    weight: float = 1
    finding: str = ""
    supervisor: str = ""
    file: str = ""
    pointer: str = ""

    @property
    def period_kind(self) -> str:
        """The period kind the item is counted in (month, quarter, half, year)."""
        return periods.FREQUENCY_KIND[self.frequency]

    def period_for(self, date: str) -> str:
        """The item's own period id containing an ISO date."""
        return periods.period_of(date, self.period_kind)

    def target_for(self, period: str) -> int:
        """Minimum record count for a check over `period`.

        Over the item's own period (or a shorter one, e.g. a quarterly reminder
        for a yearly duty) the target is `min_count`; over a longer period it is
        `min_count` times the number of the item's periods in it (a monthly duty
        checked for a year needs twelve times the monthly minimum). "once"
        duties never multiply.
        """
        if self.frequency == "once":
            return self.min_count
        return self.min_count * max(1, periods.periods_in(period, self.period_kind))

    def due_date(self, period: str) -> str | None:
        """The due date of the item within one of its periods, or None."""
        if not self.due:
            return None
        start = _dt.date.fromisoformat(periods.period_start(period))
        if "days_after_period_start" in self.due:
            return (start + _dt.timedelta(days=self.due["days_after_period_start"])).isoformat()
        return _dt.date(start.year, self.due["month"], self.due["day"]).isoformat()


def _chinese() -> str:
    return "zh-CN"


# The language form titles are shown in: the web app points this at the
# request's language (create_app); the CLI, tasks and logs keep Chinese.
display_locale: Callable[[], str] = _chinese


@dataclass
class Form:
    """A record form: a JSON Schema (Draft 2020-12) with x- keywords."""

    id: str
    schema: dict
    file: str = ""

    @property
    def title(self) -> str:
        """The form's title in the display language (its ``x-i18n`` English in the English UI)."""
        from ..forms.text import text
        return text(self.schema, "title", display_locale(), self.id)

    @property
    def is_record(self) -> bool:
        """False for forms that are not duty records (e.g. the evaluation sheet)."""
        return self.schema.get("x-record", True) is not False


@dataclass
class ScoringRule:
    """A named JsonLogic rule of the scoring model with the schema of its data."""

    id: str
    rule: Any
    data_schema: dict
    description: str = ""
    pointer: str = ""


@dataclass
class ScoringRules:
    """rules/scoring.json: grade scales, weights, threshold, the annual model."""

    evaluation_form: str
    grade_scales: dict
    evaluator_weights: dict
    threshold: dict
    rules: list[ScoringRule]
    default_scale: str = ""
    annual_model: dict | None = None
    review: dict | None = None
    accountability: dict | None = None

    def rule(self, rule_id: str) -> ScoringRule | None:
        """The scoring rule with this id, or None."""
        return next((r for r in self.rules if r.id == rule_id), None)


@dataclass
class TestCase:
    """One case of a pack test: a unit, a period, records and expectations."""

    __test__ = False  # a pack test, not a pytest class

    name: str
    unit: dict | None = None
    period: str = ""
    today: str = ""
    records: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)
    applicable: list = field(default_factory=list)
    not_applicable: list = field(default_factory=list)
    applicable_exactly: list | None = None
    scores: list = field(default_factory=list)
    file: str = ""
    pointer: str = ""


@dataclass
class PackTest:
    """One file of rules/tests/."""

    __test__ = False  # a pack test, not a pytest class

    file: str
    cases: list[TestCase]
    description: str = ""


@dataclass
class Pack:
    """A loaded rule pack. Build it with `load_pack` or `Pack.from_files`."""

    manifest: Manifest
    lists: list[DutyList]
    categories: list[Category]
    items: list[Item]
    forms: dict[str, Form]
    profile_schema: dict
    scoring: ScoringRules | None
    tests: list[PackTest]
    files: dict[str, Any]

    def item(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        return next((i for i in self.items if i.id == item_id), None)

    def duty_list(self, list_id: str) -> DutyList | None:
        """The list with this id, or None."""
        return next((lst for lst in self.lists if lst.id == list_id), None)

    def recorder_of(self, list_id: str) -> tuple[str, str]:
        """Who records the items of ``list_id`` (``DutyList.recorder``); a list the
        pack does not have (a custom item's) falls back the same way."""
        found = self.duty_list(list_id)
        return found.recorder if found else DEFAULT_RECORDERS.get(list_id, ("unit", ""))

    def items_of(self, list_id: str) -> list[Item]:
        """The items of one list, in file order."""
        return [i for i in self.items if i.list == list_id]

    def categories_of(self, list_id: str) -> list[Category]:
        """The categories of one list, by their `order`."""
        return sorted((c for c in self.categories if c.list == list_id), key=lambda c: c.order)

    def category(self, category_id: str) -> Category | None:
        """The category with this id, or None."""
        return next((c for c in self.categories if c.id == category_id), None)

    def to_files(self) -> dict[str, Any]:
        """Relative path → parsed JSON of every file, for storing the pack."""
        return copy.deepcopy(self.files)

    @classmethod
    def from_files(cls, files: dict[str, Any]) -> "Pack":
        """Rebuild a pack from `to_files()` output (e.g. rows read from the DB)."""
        from .loader import build_pack

        return build_pack(files)

    def content_hash(self) -> str:
        """sha256 of the canonical serialisation of all files.

        Formatting, key order and file order do not change it; any change of
        content does. Installed pack versions are identified by it.
        """
        return content_hash(self.files)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no insignificant whitespace, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def content_hash(files: dict[str, Any]) -> str:
    """sha256 over sorted (path, canonical JSON) pairs."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode("utf-8") + b"\0")
        digest.update(canonical_json(files[path]).encode("utf-8") + b"\0")
    return digest.hexdigest()
