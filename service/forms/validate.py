"""Server-side validation with clerk-friendly messages.

jsonschema's Draft 2020-12 validator does the checking (with RE2 for
``pattern``/``patternProperties`` and a fixed FormatChecker); this module turns
its errors into :class:`FieldError` objects pointing at form fields, adds
``x-required-if`` and drops errors inside fields that ``x-visible-if`` hides.
"""
from __future__ import annotations

import re as _stdlib_re
from dataclasses import dataclass
from datetime import date
from typing import Any

import re2
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from rfc3986_validator import validate_rfc3986

from .conditions import object_layout, value_choice, alt_node
from .messages import msg, norm_locale
from .model import TRUE_SCHEMA, FormSchema, compile_form
from .names import esc
from .text import value_text
from .widgets import registry

__all__ = ["FieldError", "validate", "make_validator", "FORMAT_CHECKER"]


@dataclass(frozen=True)
class FieldError:
    """One problem: ``path`` is the field's JSON pointer (for a missing
    required field, the missing field's pointer), ``code`` the JSON Schema
    keyword that failed."""
    path: str
    message: str
    code: str

    def as_dict(self) -> dict:
        """{path, message, code} for JSON responses."""
        return {"path": self.path, "message": self.message, "code": self.code}


# -- formats -------------------------------------------------------------------
FORMAT_CHECKER = FormatChecker(formats=())
_DATE = _stdlib_re.compile(r"\d{4}-\d{2}-\d{2}", _stdlib_re.ASCII)
_TIME = _stdlib_re.compile(r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))", _stdlib_re.ASCII)
_EMAIL = _stdlib_re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


@FORMAT_CHECKER.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_DATE.fullmatch(value)) and bool(date.fromisoformat(value))


def _time_ok(value: str) -> bool:
    m = _TIME.fullmatch(value)
    if not m:
        return False
    hh, mm, ss = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m.group(6) and (int(m.group(6)) > 23 or int(m.group(7)) > 59):
        return False
    return hh <= 23 and mm <= 59 and ss <= 60


@FORMAT_CHECKER.checks("time")
def _is_time(value: object) -> bool:
    return not isinstance(value, str) or _time_ok(value)


@FORMAT_CHECKER.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if len(value) < 20 or value[10] not in "Tt":
        return False
    return _is_date(value[:10]) and _time_ok(value[11:])


@FORMAT_CHECKER.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.fullmatch(value))


@FORMAT_CHECKER.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(validate_rfc3986(value, rule="URI"))


# -- RE2 patterns ------------------------------------------------------------------
_re2_cache: dict[str, Any] = {}


def _re2(pattern: str):
    compiled = _re2_cache.get(pattern)
    if compiled is None:
        if len(_re2_cache) > 2048:
            _re2_cache.clear()
        compiled = _re2_cache[pattern] = re2.compile(pattern)
    return compiled


def _pattern(validator, pattern, instance, schema):
    if isinstance(instance, str) and not _re2(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator, pattern_properties, instance, schema):
    if not isinstance(instance, dict):
        return
    for pattern, subschema in pattern_properties.items():
        for k, v in instance.items():
            if _re2(pattern).search(k):
                yield from validator.descend(v, subschema, path=k, schema_path=pattern)


def _additional_properties(validator, aP, instance, schema):
    # jsonschema's own implementation matches patternProperties with `re`; redo it with RE2.
    if not isinstance(instance, dict):
        return
    props = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = [k for k in instance if k not in props and not any(_re2(p).search(k) for p in patterns)]
    if isinstance(aP, dict):
        for extra in extras:
            yield from validator.descend(instance[extra], aP, path=extra)
    elif not aP and extras:
        error = ValidationError(f"Additional properties are not allowed ({', '.join(map(repr, extras))})")
        error.extras = extras
        yield error


_Validator = validators.extend(Draft202012Validator, {
    "pattern": _pattern, "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties})


def make_validator(schema: dict):
    """A Draft 2020-12 validator using RE2 and the form FormatChecker. The schema
    has only local refs (load_schema guarantees it), so no retrieval happens."""
    from referencing import Registry

    def refuse(uri: str):
        from referencing.exceptions import NoSuchResource
        raise NoSuchResource(ref=uri)

    return _Validator(schema, format_checker=FORMAT_CHECKER, registry=Registry(retrieve=refuse))


# -- messages --------------------------------------------------------------------------
def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value_text(value)


def _message(fs: FormSchema, error: ValidationError, locale: str) -> tuple[str, str] | None:
    code = error.validator
    node = error.schema if isinstance(error.schema, dict) else {}
    custom = node.get("x-messages")
    loc = norm_locale(locale)
    if loc != "zh-CN":
        over = ((node.get("x-i18n") or {}).get("en") or {}).get("messages")
        custom = over if isinstance(over, dict) else (custom if not isinstance(custom, dict) else None)
    if isinstance(custom, dict) and isinstance(custom.get(code), str):
        return code, custom[code]
    limit = error.validator_value
    if code == "type":
        types = limit if isinstance(limit, list) else [limit]
        names = [msg(loc, f"type.{t}") for t in types if t != "null"] or [msg(loc, "type.null")]
        return code, msg(loc, "type", expected="、".join(names) if loc == "zh-CN" else " or ".join(names))
    if code == "format":
        key = f"format.{limit}"
        return code, msg(loc, key) if key in ("format.date", "format.time", "format.date-time",
                                                "format.email", "format.uri") else msg(loc, "format")
    if code == "additionalProperties":
        extras = getattr(error, "extras", None) or []
        return code, msg(loc, code, extra=("、" if loc == "zh-CN" else ", ").join(map(str, extras)))
    if code == "unevaluatedProperties":
        extras = _stdlib_re.findall(r"'([^']*)'", error.message)
        return code, msg(loc, "additionalProperties", extra=("、" if loc == "zh-CN" else ", ").join(extras))
    if code == "enum":
        return code, msg(loc, "enum")
    if code in ("const",):
        if limit is True:   # a box that must be ticked (const: true)
            return code, msg(loc, "const.true")
        return code, msg(loc, "const", limit=_fmt(limit))
    if code in ("minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                "multipleOf", "minItems", "maxItems", "minProperties", "maxProperties"):
        return code, msg(loc, code, limit=_fmt(limit))
    if code in ("uniqueItems", "pattern", "not", "contains"):
        return code, msg(loc, code)
    return code, msg(loc, "generic")


def _pointer(path) -> str:
    return "".join("/" + esc(str(p)) for p in path)


def _flatten(fs: FormSchema, errors, locale: str, out: list[FieldError]) -> None:
    for error in errors:
        code = error.validator
        base = _pointer(error.absolute_path)
        if code in ("required", "dependentRequired"):
            instance = error.instance if isinstance(error.instance, dict) else {}
            if code == "required":
                names = [n for n in error.validator_value if n not in instance]
            else:
                names = [n for reqs in error.validator_value.values() if isinstance(reqs, list)
                         for n in reqs if n not in instance]
                names = [n for n in names if f"'{n}'" in error.message or repr(n) in error.message][:1] or names
            for n in names:
                out.append(FieldError(f"{base}/{esc(n)}", msg(locale, "required"), code))
        elif code in ("oneOf", "anyOf") and error.context:
            alts = error.validator_value
            node = fs.resolve(error.schema) if isinstance(error.schema, dict) else {}
            from .conditions import choose_alternative
            choice = choose_alternative(fs, node, code, alts, error.instance, None)
            chosen = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == choice.index]
            before = len(out)
            _flatten(fs, chosen, locale, out)
            if len(out) == before:
                out.append(FieldError(base, msg(locale, code), code))
        elif code == "oneOf":
            out.append(FieldError(base, msg(locale, "oneOf.many"), code))
        elif code in ("allOf",) and error.context:
            _flatten(fs, error.context, locale, out)
        else:
            found = _message(fs, error, locale)
            if found:
                out.append(FieldError(base, found[1], found[0]))


def _walk_conditions(fs: FormSchema, raw: Any, value: Any, pointer: str, hidden: list[str],
                     extra: list[FieldError], locale: str, order: dict[str, int]) -> None:
    """Find x-visible-if-hidden fields and x-required-if misses, recursively;
    ``order`` collects field pointers in page order."""
    node = fs.resolve(raw)
    kind = registry.kind(fs, node)
    if kind == "choice":
        choice = value_choice(fs, node, value, None)
        if choice is not None:
            _walk_conditions(fs, alt_node(fs, node, choice.keyword, choice.index), value, pointer,
                             hidden, extra, locale, order)
        return
    if kind == "object" and isinstance(value, dict):
        layout = object_layout(fs, raw, value)
        for name in layout.hidden:
            hidden.append(f"{pointer}/{esc(name)}")
        for name, sub in layout.props:
            sub_node = fs.resolve(sub)
            order.setdefault(f"{pointer}/{esc(name)}", len(order))
            if name not in value:
                if "x-required-if" in sub_node and name in layout.required:
                    extra.append(FieldError(f"{pointer}/{esc(name)}", msg(locale, "x-required-if"),
                                            "x-required-if"))
                continue
            _walk_conditions(fs, sub, value[name], f"{pointer}/{esc(name)}", hidden, extra, locale, order)
    elif kind == "array" and isinstance(value, list):
        items = node.get("items", TRUE_SCHEMA)
        for i, v in enumerate(value):
            order.setdefault(f"{pointer}/{i}", len(order))
            _walk_conditions(fs, items, v, f"{pointer}/{i}", hidden, extra, locale, order)


def validate(schema: Any, data: Any, *, locale: str = "zh-CN") -> list[FieldError]:
    """All problems with ``data`` as FieldErrors (empty list when valid)."""
    fs = compile_form(schema)
    locale = norm_locale(locale)
    out: list[FieldError] = []
    _flatten(fs, fs.validator.iter_errors(data), locale, out)
    if any(e.code == "unevaluatedProperties" for e in out) and \
            any(e.code != "unevaluatedProperties" for e in out):
        # a failed oneOf/if leaves its properties "unevaluated": report the cause only
        out = [e for e in out if e.code != "unevaluatedProperties"]
    hidden: list[str] = []
    extra: list[FieldError] = []
    order: dict[str, int] = {}
    _walk_conditions(fs, fs.root, data, "", hidden, extra, locale, order)
    if hidden:
        out = [e for e in out if not any(e.path == h or e.path.startswith(h + "/") for h in hidden)]
    seen, unique = set(), []
    for e in out + extra:
        key = (e.path, e.code, e.message)
        if key not in seen:
            seen.add(key)
            unique.append(e)

    def position(error: FieldError) -> int:     # page order of the field (or its nearest ancestor)
        probe = error.path
        while probe and probe not in order:
            probe = probe.rsplit("/", 1)[0]
        return order.get(probe, -1)
    return sorted(unique, key=position)
