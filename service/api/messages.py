"""marshmallow's and webargs' English messages in the request's language.

Argument problems are found by marshmallow, which speaks English; the API
answers in Chinese unless ``Accept-Language`` asks for English. Each message
template marshmallow uses for the fields and validators of our schemas is
matched here (placeholders and all) and said again through the catalog, so
Chinese clients read Chinese and English clients read our English. A message
with no entry passes unchanged (``tests/api/test_conventions.py`` checks that
every template our schemas can produce has one).
"""
from __future__ import annotations

import functools
import re

from flask_babel import gettext as _

from ..i18n import N_

# marshmallow template -> Chinese msgid with the same placeholders as %(name)s.
TEMPLATES = {
    "Missing data for required field.": N_("此项为必填项。"),
    "Field may not be null.": N_("此项不能为 null。"),
    "Unknown field.": N_("未知字段。"),
    "Invalid input type.": N_("须为 JSON 对象。"),
    "Invalid value.": N_("值无效。"),
    "Invalid type.": N_("类型无效。"),
    "Not a valid string.": N_("须为字符串。"),
    "Not a valid integer.": N_("须为整数。"),
    "Not a valid number.": N_("须为数字。"),
    "Number too large.": N_("数值过大。"),
    "Special numeric values (nan or infinity) are not permitted.": N_("不允许 NaN 或 Infinity。"),
    "Not a valid boolean.": N_("须为 true 或 false。"),
    "Not a valid date.": N_("须为 ISO 8601 日期（YYYY-MM-DD）。"),
    "Not a valid {obj_type}.": N_("须为有效的 ISO 8601 时间（%(obj_type)s）。"),
    "Not a valid {awareness} {obj_type}.": N_("须为有效的 ISO 8601 时间（%(obj_type)s）。"),
    "Not a valid utf-8 string.": N_("须为 UTF-8 字符串。"),
    "Not a valid list.": N_("须为数组。"),
    "Not a valid mapping type.": N_("须为 JSON 对象。"),
    "Not a valid UUID.": N_("须为 UUID。"),
    "Must be one of: {choices}.": N_("须为以下之一：%(choices)s。"),
    "Must be greater than or equal to {min} and less than or equal to {max}.": N_("须在 %(min)s 到 %(max)s 之间。"),
    "Must be greater than or equal to {min}.": N_("须不小于 %(min)s。"),
    "Must be less than or equal to {max}.": N_("须不大于 %(max)s。"),
    "Length must be between {min} and {max}.": N_("长度须在 %(min)s 到 %(max)s 之间。"),
    "Longer than maximum length {max}.": N_("最多 %(max)s 个字符。"),
    "Shorter than minimum length {min}.": N_("至少 %(min)s 个字符。"),
    "String does not match expected pattern.": N_("格式不符合要求。"),
}


@functools.lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern, str]]:
    out = []
    for template, msgid in TEMPLATES.items():
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        out.append((re.compile(f"^{regex}$", re.S), msgid))
    return out


def translate(message: str) -> str:
    """``message`` (a marshmallow message) in the request's language."""
    for pattern, msgid in _patterns():
        match = pattern.match(message)
        if match:
            return _(msgid, **match.groupdict())
    return message
