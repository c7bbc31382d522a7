"""How JSON values travel through HTML controls and back — shared by render
and parse so the two can never disagree."""
from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Any

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LOCAL_TIME = r"(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?"
_TIME = re.compile(_LOCAL_TIME)
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})T" + _LOCAL_TIME)
_OFFSET = re.compile(r"(.*?)(Z|z|[+-]\d{2}:\d{2})?")
_FULL_DT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_FULL_TIME = re.compile(r"\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_NUMBER = re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?")
_INT = re.compile(r"-?\d+")

DEFAULT_OFFSET = "+08:00"   # the district's zone, used when a time is typed without one


def option_value(value: Any, bare: bool) -> str:
    """The <option>/<checkbox> value of an enum value."""
    return value if bare else json.dumps(value, ensure_ascii=False, sort_keys=True)


def decode_option(text: str, options: list[tuple[Any, str]], bare: bool) -> Any:
    """Inverse of :func:`option_value`; an unknown text is returned as is (validation flags it)."""
    for value, _ in options:
        if option_value(value, bare) == text:
            return value
    if not bare:
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def number_text(value: Any) -> str:
    """A number as an <input type=number> value (shortest exact form)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return str(value) if isinstance(value, int) else repr(value)


def parse_number(text: str, integer: bool) -> Any:
    """'12' -> 12, '1.0' -> 1.0 (int for integer fields), junk -> the text itself."""
    text = text.strip()
    if _INT.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text):
        value = float(text)
        if not math.isfinite(value):
            return text
        if integer and value.is_integer():
            return int(value)
        return value
    return text


def valid_date(text: str) -> bool:
    """A value <input type=date> accepts (year 0001 and later)."""
    m = _DATE.fullmatch(text)
    if not m or int(m.group(1)) < 1:
        return False
    try:
        date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    return True


def _norm_time(m: re.Match) -> str | None:
    hh, mm, ss, frac = m.group(1), m.group(2), m.group(3), m.group(4)
    if int(hh) > 23 or int(mm) > 59 or (ss and int(ss) > 59):
        return None
    frac = (frac or "").rstrip("0").rstrip(".")
    if not ss or (int(ss) == 0 and not frac):
        return f"{hh}:{mm}"
    return f"{hh}:{mm}:{ss}{frac}"


def normalize_local(text: str, kind: str) -> str | None:
    """Browser-normalised form of a time/datetime-local value, or None if invalid."""
    if kind == "time":
        m = _TIME.fullmatch(text)
        return _norm_time(m) if m else None
    m = _DATETIME.fullmatch(text)
    if not m or not valid_date(m.group(1)):
        return None
    t = _norm_time(re.match(_LOCAL_TIME, text[11:]))
    return f"{m.group(1)}T{t}" if t else None


def split_offset(value: str) -> tuple[str, str]:
    """'2022-06-01T10:00:00+08:00' -> ('2022-06-01T10:00:00', '+08:00')."""
    m = _OFFSET.fullmatch(value)
    return (m.group(1), m.group(2) or "") if m else (value, "")


def picker_value(value: str, kind: str) -> str | None:
    """What the time/datetime-local picker shows for a stored value; None when
    the picker cannot show it exactly (then a text input is used)."""
    local, _ = split_offset(value)
    if kind == "datetime-local" and len(local) > 10 and local[10] == "t":
        return None
    return normalize_local(local, kind)


def parse_time_value(visible: str, orig: str, kind: str, offset: str = DEFAULT_OFFSET) -> str:
    """Combine what the picker submitted with the stored original: unchanged
    pickers give back the original exactly; edited ones get seconds and the
    original's offset (or the default)."""
    full = _FULL_TIME if kind == "time" else _FULL_DT
    if full.fullmatch(visible):
        return visible
    norm = normalize_local(visible, kind)
    if norm is None:
        return visible
    if orig:
        local, off = split_offset(orig)
        if normalize_local(local, kind) == norm:
            return orig
        offset = off or offset
    time_part = norm if kind == "time" else norm[11:]
    if len(time_part) == 5:
        norm += ":00"
    return norm + offset
