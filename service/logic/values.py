"""JavaScript value semantics as the JsonLogic suites define them.

Numbers are IEEE doubles: integral results come back as Python ``int`` (so 1.0
prints as 1), anything beyond 2**53 is a float, and a non-finite result is a
"NaN" error because JSON cannot carry NaN or Infinity.
"""

from __future__ import annotations

import math
import re
import reprlib
from decimal import Decimal

from .errors import RuleEvalError, nan

MAX_SAFE = 2**53
_NUMBER_RE = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_HEX_RE = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+")
_WS = " \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def truthy(value) -> bool:
    """JsonLogic truthiness: JS rules, except that an empty array is false."""
    if type(value) is dict:
        return True
    return bool(value)


def norm_number(x):
    """Return ``x`` as a JSON-friendly double: int when integral, error when not finite."""
    t = type(x)
    if t is int:
        if -MAX_SAFE <= x <= MAX_SAFE:
            return x
        try:
            x = float(x)
        except OverflowError:
            raise nan("number too large") from None
    elif t is not float:
        return x
    if x != x or x in (math.inf, -math.inf):
        raise nan("result is not a finite number")
    if x.is_integer() and -MAX_SAFE <= x <= MAX_SAFE:
        return int(x)
    return x


def parse_number(text: str):
    """JS ``Number(text)``: None when the string is not numeric (NaN)."""
    s = text.strip(_WS)
    if not s:
        return 0
    if _NUMBER_RE.fullmatch(s):
        try:
            return norm_number(float(s))
        except RuleEvalError:
            return None
    if _HEX_RE.fullmatch(s) and len(s) < 64:
        return norm_number(int(s, 0))
    return None


def to_number(value):
    """Numeric coercion for arithmetic and comparisons; raises "NaN" when impossible.

    null is 0, booleans are 0/1, numeric strings parse as in JS; arrays and
    objects never convert (the suites expect NaN for them).
    """
    t = type(value)
    if t is int or t is float:
        return value
    if t is bool:
        return 1 if value else 0
    if value is None:
        return 0
    if t is str:
        n = parse_number(value)
        if n is None:
            raise nan(f"cannot convert {short(value)} to a number")
        return n
    raise nan(f"cannot convert {type_name(value)} to a number")


def type_name(value) -> str:
    """The JSON type name of a value."""
    if value is None:
        return "null"
    t = type(value)
    if t is bool:
        return "boolean"
    if t is int or t is float:
        return "number"
    if t is str:
        return "string"
    if t is list or t is tuple:
        return "array"
    if t is dict:
        return "object"
    return t.__name__


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxtuple, _SHORT.maxdict = 3, 8, 8, 8
_SHORT.maxstring = _SHORT.maxother = 80


def short(value, width: int = 60) -> str:
    """A short printable form of a value for error messages.

    Arrays and objects print only their first items a few levels deep, so a
    value that shares its parts many times over cannot make a message huge.
    """
    if type(value) is str:
        s = repr(value[: width + 1])
    elif type(value) in (list, tuple, dict):
        s = _SHORT.repr(value)
    else:
        s = repr(value)
    return s if len(s) <= width else s[: width - 1] + "…"


def number_to_str(x) -> str:
    """JS ``Number.prototype.toString`` for doubles (1.0 -> "1", 1e21 -> "1e+21")."""
    if type(x) is int and -MAX_SAFE <= x <= MAX_SAFE:
        return str(x)
    x = float(x)
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    digits_t = Decimal(repr(abs(x))).normalize().as_tuple()
    digits = "".join(map(str, digits_t.digits))
    k = len(digits)
    n = digits_t.exponent + k  # value = 0.digits * 10**n
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mant = digits[0] + ("." + digits[1:] if k > 1 else "")
        body = f"{mant}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body


def to_str(value) -> str:
    """String coercion used by ``cat``: null is "", arrays join with commas."""
    t = type(value)
    if t is str:
        return value
    if value is None:
        return ""
    if t is bool:
        return "true" if value else "false"
    if t is int or t is float:
        return number_to_str(value)
    if t is list or t is tuple:
        return ",".join(to_str(v) for v in value)
    if t is dict:
        return "[object Object]"
    return str(value)


class _TooLong(Exception):
    pass


def to_str_within(value, limit: int) -> str | None:
    """``to_str(value)``, or None as soon as the text would pass ``limit`` characters
    (an array is measured while it is joined, so nothing longer is ever built)."""
    t = type(value)
    if t is not list and t is not tuple:
        text = to_str(value)
        return text if len(text) <= limit else None
    pieces: list[str] = []
    total = 0

    def emit(v):
        nonlocal total
        tv = type(v)
        if tv is list or tv is tuple:
            for i, x in enumerate(v):
                if i:
                    pieces.append(",")
                    total += 1
                    if total > limit:
                        raise _TooLong
                emit(x)
            return
        text = v if tv is str else to_str(v)
        pieces.append(text)
        total += len(text)
        if total > limit:
            raise _TooLong

    try:
        emit(value)
    except _TooLong:
        return None
    return "".join(pieces)


def _is_container(v) -> bool:
    t = type(v)
    return t is list or t is dict or t is tuple


def loose_equal(a, b) -> bool:
    """``==``: same-type values compare directly, otherwise both convert to numbers.

    Arrays and objects never compare loosely (the suites expect "NaN").
    """
    ta, tb = type(a), type(b)
    if ta is tb and not _is_container(a):
        return a == b
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a == b
    if _is_container(a) or _is_container(b):
        raise nan("arrays and objects cannot be compared with ==")
    if a is None and b is None:
        return True
    return to_number(a) == to_number(b)


def strict_equal(a, b) -> bool:
    """``===``: same JSON type and value; arrays/objects only equal themselves (JS identity)."""
    ta, tb = type(a), type(b)
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a == b
    if ta is not tb:
        return False
    if _is_container(a):
        return a is b
    return a == b


def compare(a, b) -> int:
    """Order two values for < > <= >=: strings lexically, everything else numerically."""
    ta, tb = type(a), type(b)
    if ta is str and tb is str:
        return (a > b) - (a < b)
    if _is_container(a) or _is_container(b):
        raise nan("arrays and objects cannot be ordered")
    x, y = to_number(a), to_number(b)
    return (x > y) - (x < y)


def json_equal(a, b) -> bool:
    """Deep equality with JSON types (True is not 1), used for tests and distinct counts."""
    ta, tb = type(a), type(b)
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a == b
    if ta is not tb:
        return False
    if ta is list:
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if ta is dict:
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return a == b
