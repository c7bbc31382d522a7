"""The unit profile's fields: what each is called, how text becomes a value, what is allowed.

The admin form and the file importer both turn text into profile values here,
so a value accepted by one is accepted by the other with the same message.
Messages are ``Msg`` objects (a msgid and its parameters) so this module needs
no Flask: the web layer translates them, the CLI prints them in Chinese.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..i18n import N_
from .models import UNIT_TYPES

# Import/export columns in file order: (field key, Chinese header). The English
# header of each column is its field key.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", N_("编号")),
    ("name", N_("单位名称")),
    ("type", N_("类型")),
    ("parent_code", N_("上级单位编号")),
    ("tags", N_("标签")),
    ("risk_areas", N_("风险领域")),
    ("subordinate_units", N_("下属单位数")),
    ("law_enforcement", N_("执法单位")),
    ("leader_name", N_("一把手")),
    ("leader_title", N_("职务")),
)
LABELS = dict(COLUMNS)
REQUIRED = ("code", "name", "type")
MAX_LENGTH = {"code": 40, "name": 200, "leader_name": 100, "leader_title": 100}
MAX_TAG_LENGTH = 50
MAX_COUNT = 100_000

# Clerks separate list items with whatever their keyboard gives them.
_LIST_SEPARATORS = re.compile(r"[,，、;；\n\r]+")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "n", "no", "false", "0", "", "×"}


@dataclass(frozen=True)
class Msg:
    """A user-facing message kept as msgid + parameters until it is shown."""

    msgid: str
    params: dict = field(default_factory=dict)

    def render(self, gettext: Callable[[str], str] = lambda s: s) -> str:
        """The message in the language of ``gettext`` (Chinese by default)."""
        text = gettext(self.msgid)
        if not self.params:
            return text
        # A parameter may itself be a message (a column label): same language.
        # A list parameter is joined with the language's list separator (、 or ", ").
        return text % {k: v.render(gettext) if isinstance(v, Msg)
                       else gettext("、").join(map(str, v)) if isinstance(v, (list, tuple)) else v
                       for k, v in self.params.items()}

    def __str__(self) -> str:
        return self.render()


def msg(msgid: str, **params) -> Msg:
    """Shorthand for ``Msg(msgid, params)``."""
    return Msg(msgid, params)


def split_list(text: str) -> list[str]:
    """Split ``"项目建设、征地拆迁"`` (or commas, semicolons, lines) into distinct items."""
    items: list[str] = []
    for item in _LIST_SEPARATORS.split(text or ""):
        item = item.strip()
        if item and item not in items:
            items.append(item)
    return items


def join_list(items) -> str:
    """The text form of a list, as the form and the export show it."""
    return "、".join(items or [])


def parse_field(key: str, text: str) -> tuple[object, Msg | None]:
    """Turn the text of field ``key`` into its value, or give the problem with it.

    ``parent_code`` stays text here: whether it names a unit depends on the
    registry and the rest of the file, which the caller checks.
    """
    text = (text or "").strip()
    if key in REQUIRED and not text:
        return None, msg(N_("请填写%(label)s"), label=Msg(LABELS[key]))
    if key in MAX_LENGTH and len(text) > MAX_LENGTH[key]:
        return None, msg(N_("最多 %(n)s 个字符"), n=MAX_LENGTH[key])
    if key == "code" and re.search(r"\s", text):
        return None, msg(N_("编号不能包含空格"))
    if key == "type" and text not in UNIT_TYPES:
        return None, msg(N_("未知的类型「%(value)s」，可选：%(choices)s"), value=text, choices=list(UNIT_TYPES))
    if key in ("tags", "risk_areas"):
        items = split_list(text)
        long = [i for i in items if len(i) > MAX_TAG_LENGTH]
        if long:
            return None, msg(N_("每项最多 %(n)s 个字符：%(value)s"), n=MAX_TAG_LENGTH, value=long[0][:20] + "…")
        return items, None
    if key == "subordinate_units":
        return _parse_count(text)
    if key == "law_enforcement":
        lowered = text.lower()
        if lowered in _TRUE:
            return True, None
        if lowered in _FALSE:
            return False, None
        return None, msg(N_("请填写“是”或“否”（填写的是「%(value)s」）"), value=text)
    return text, None


def _parse_count(text: str) -> tuple[int | None, Msg | None]:
    if not text:
        return 0, None
    number = text[:-2] if text.endswith(".0") else text  # Excel may hand over 3 as "3.0"
    if not number.isdigit() or not number.isascii():
        return None, msg(N_("须为不小于 0 的整数（填写的是「%(value)s」）"), value=text)
    if int(number) > MAX_COUNT:
        return None, msg(N_("数值过大（最多 %(n)s）"), n=MAX_COUNT)
    return int(number), None


def unit_values(unit, parent_code: str | None = None) -> dict[str, object]:
    """A unit's profile as the import columns see it (parent by code).

    Pass ``parent_code`` when it is known, to spare a query per unit.
    """
    if parent_code is None:
        parent_code = unit.parent.code if unit.parent_id else ""
    return {
        "code": unit.code, "name": unit.name, "type": unit.type,
        "parent_code": parent_code,
        "tags": list(unit.tags or []), "risk_areas": list(unit.risk_areas or []),
        "subordinate_units": int(unit.subordinate_units or 0),
        "law_enforcement": bool(unit.law_enforcement),
        "leader_name": unit.leader_name or "", "leader_title": unit.leader_title or "",
    }


def display_value(key: str, value) -> str:
    """A value as text for previews and change lists."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return join_list(value)
    return "" if value is None else str(value)


def descendant_ids(unit_id: int, parent_of: dict[int, int | None]) -> set[int]:
    """Ids of every unit below ``unit_id`` in the map id → parent id."""
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = list(children.get(unit_id, []))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found
