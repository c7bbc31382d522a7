"""Editing a stored pack version in the browser: plain helpers, no Flask.

An edit replaces one JSON "part" of one file: an item's ``check`` or
``applies_if`` rule, a whole item, or a whole form schema. The helpers here
parse the admin's text (with Chinese line/column messages), check it the way
``dutyloop pack check`` would (rule compile errors, static checks against the
right data schema, form schema checks), build the edited set of files, pick
the next version string, and run a rule on sample data with an explanation.
Views (``pack_views.py``) only wire these to requests.
"""
from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..logic import RuleError, check_rule, compile_rule
from ..packs import Pack, Problem, build_pack, check_data_schema, check_pack, content_hash
from ..packs.model import MANIFEST_FILE
from ..packs.problems import pointer_join

MAX_EDIT_BYTES = 512 * 1024
MAX_NOTE_CHARS = 1000
RULE_PARTS = ("check", "applies_if")
ITEM_PARTS = RULE_PARTS + ("item",)

# Chinese for the messages of Python's JSON decoder (the English stays alongside).
_JSON_REASONS = [
    ("Expecting value", "此处应当是一个值（数字、字符串、true/false/null、对象或数组），可能多了逗号或缺了内容"),
    ("Expecting ',' delimiter", "缺少逗号 ,"),
    ("Expecting ':' delimiter", "缺少冒号 :"),
    ("Expecting property name enclosed in double quotes", "键名必须用英文双引号括起来（也可能是最后一项后多了逗号）"),
    ("Unterminated string", "字符串缺少结束的双引号"),
    ("Invalid control character", "字符串中不能直接换行或含控制字符（换行请写作 \\n）"),
    ("Invalid \\escape", "无效的转义符（反斜杠 \\ 请写作 \\\\）"),
    ("Invalid \\uXXXX escape", "无效的 \\u 转义"),
    ("Extra data", "JSON 已结束，后面还有多余的内容"),
]

RULE_ERROR_TYPES = {
    "Unknown Operator": ("未知运算符", "unknown operator"),
    "Invalid Arguments": ("参数无效", "invalid arguments"),
    "NaN": ("结果不是数字", "not a number"),
    "Limit": ("超出规则引擎的资源上限（规则过大、嵌套过深或运算量过大）", "engine resource limit"),
}


# --------------------------------------------------------------------------- parsing

class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _reject_constant(name):
    raise ValueError(name)


def size_problem(text: str, file: str = "", limit: int = MAX_EDIT_BYTES) -> Problem | None:
    """A Problem when ``text`` is larger than ``limit`` bytes (UTF-8), else None."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= limit:
        return None
    return Problem(file, "", "too-large",
                   f"内容过大：{size // 1024} KB，上限 {limit // 1024} KB",
                   f"too large: {size // 1024} KB, limit {limit // 1024} KB")


def parse_json_text(text: str, file: str = "", *, limit: int = MAX_EDIT_BYTES) -> tuple[Any, list[Problem]]:
    """Parse what an admin typed: strict JSON (no duplicate keys, no NaN).

    Returns (value, problems); syntax errors name the line and column of the
    text as typed (第 N 行第 M 列).
    """
    too_large = size_problem(text, file, limit)
    if too_large:
        return None, [too_large]
    if not text.strip():
        return None, [Problem(file, "", "json-empty", "内容为空，请输入 JSON", "empty; enter JSON")]
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant), []
    except json.JSONDecodeError as exc:
        reason = next((zh for en, zh in _JSON_REASONS if exc.msg.startswith(en)), exc.msg)
        return None, [Problem(file, "", "json-syntax",
                              f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列：{reason}",
                              f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")]
    except _DuplicateKey as exc:
        return None, [Problem(file, "", "json-duplicate-key", f"JSON 对象中键名重复：{exc}",
                              f"duplicate key in a JSON object: {exc}")]
    except RecursionError:
        return None, [Problem(file, "", "json-too-deep", "JSON 嵌套层数过深", "JSON nested too deeply")]
    except ValueError as exc:  # NaN / Infinity
        return None, [Problem(file, "", "json-invalid", f"JSON 中不允许使用 {exc}", f"{exc} is not valid JSON")]


# Stored files come back with sorted keys; people read these in this order.
KEY_ORDER = ["$schema", "$id", "id", "name", "list", "category", "title", "text", "description", "x-i18n", "type",
             "frequency", "min_count", "form", "applies_if", "check", "due", "weight", "finding", "holder",
             "supervisor", "properties", "required", "additionalProperties", "x-order"]


def readable_order(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with object keys in KEY_ORDER first (the rest as they were)."""
    if depth > 200:
        return value
    if isinstance(value, list):
        return [readable_order(v, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value
    rank = {k: i for i, k in enumerate(KEY_ORDER)}
    keys = sorted(value, key=lambda k: rank.get(k, len(KEY_ORDER)))
    return {k: readable_order(value[k], depth + 1) for k in keys}


def pretty(value: Any, width: int = 88) -> str:
    """JSON for people: short arrays and objects on one line, longer ones broken up (the same
    layout as the rules' one-click JSON view), keys in their readable order."""
    from ..logic.words import pretty_json
    return pretty_json(readable_order(value), width)


# --------------------------------------------------------------------------- targets

@dataclass(frozen=True)
class Target:
    """What is being edited: an item part (check, applies_if, item), a form, or a report template."""

    kind: str           # "item", "form" or "report" (id: unit | district, a kind of report)
    id: str
    part: str = ""      # for items: check | applies_if | item
    file: str = ""      # pack file that holds it
    pointer: str = ""   # where in that file ("" for a whole form file)

    @property
    def is_rule(self) -> bool:
        """Whether the edited value is a JsonLogic rule."""
        return self.kind == "item" and self.part in RULE_PARTS

    @property
    def value_pointer(self) -> str:
        """JSON pointer of the edited value inside its file."""
        if self.kind == "form":
            return ""
        if self.kind == "report":
            return self.pointer
        return self.pointer if self.part == "item" else pointer_join(self.pointer, self.part)


def item_target(pack: Pack, item_id: str, part: str) -> Target | None:
    """The target for one part of an item, or None when the item or part is unknown."""
    item = pack.item(item_id)
    if item is None or part not in ITEM_PARTS:
        return None
    return Target("item", item_id, part, item.file, item.pointer)


def form_target(pack: Pack, form_id: str) -> Target | None:
    """The target for a whole form schema, or None when the form is unknown."""
    form = pack.forms.get(form_id)
    return None if form is None else Target("form", form_id, "", form.file, "")


def report_target(kind: str) -> Target | None:
    """The target for one report template (``unit``: 廉情报告, ``district``: 政治生态分析), or None."""
    from ..packs.model import REPORTS_FILE
    from ..packs.report_templates import KINDS

    return Target("report", kind, "", REPORTS_FILE, f"/{kind}") if kind in KINDS else None


def _item_index(target: Target) -> int:
    return int(target.pointer.rsplit("/", 1)[1])


def current_value(pack: Pack, target: Target) -> Any:
    """The stored value the editor starts from (a report template: the pack's, or the default
    wording a pack without rules/reports.json uses)."""
    if target.kind == "form":
        return pack.files[target.file]
    if target.kind == "report":
        from ..packs.report_templates import templates
        return templates(pack)[target.id]
    raw = pack.files[target.file]["items"][_item_index(target)]
    if target.part == "item":
        return raw
    return raw.get(target.part)


def edited_files(pack: Pack, target: Target, value: Any) -> dict[str, Any]:
    """A copy of the pack's files with the target replaced by ``value``.

    An ``applies_if`` of null removes the key (the item applies to every unit).
    """
    files = copy.deepcopy(pack.files)
    if target.kind == "form":
        files[target.file] = copy.deepcopy(value)
        return files
    if target.kind == "report":
        reports = files.get(target.file)
        reports = dict(reports) if isinstance(reports, dict) else {}
        reports[target.id] = copy.deepcopy(value)
        files[target.file] = reports
        return files
    items = files[target.file]["items"]
    index = _item_index(target)
    if target.part == "item":
        items[index] = copy.deepcopy(value)
    elif target.part == "applies_if" and value is None:
        items[index].pop("applies_if", None)
    else:
        items[index][target.part] = copy.deepcopy(value)
    return files


def data_schema(pack: Pack, target: Target, value: Any = None) -> dict | None:
    """JSON Schema of the data the edited rule sees (None when not known).

    ``applies_if`` reads the unit profile; ``check`` reads the check data of
    the item's form. For a whole-item edit, ``value`` may name a new form.
    """
    if target.kind != "item":
        return None
    if target.part == "applies_if":
        return pack.profile_schema or None
    item = pack.item(target.id)
    form_id = item.form
    if target.part == "item" and isinstance(value, dict) and isinstance(value.get("form"), str):
        form_id = value["form"]
    form = pack.forms.get(form_id)
    return check_data_schema(form.schema, pack.profile_schema) if form else None


# --------------------------------------------------------------------------- checking

def rule_problems(rule: Any, schema: dict | None, *, file: str = "", base: str = "") -> list[Problem]:
    """Compile errors and static-check problems of one rule (pointers below ``base``)."""
    problems: list[Problem] = []
    try:
        found = check_rule(rule, schema)
    except Exception as exc:  # a checker bug must not hide the compile result
        found = []
        problems.append(Problem(file, base, "rule-check-error", f"规则静态检查出错：{exc}",
                                f"static rule check failed: {exc}"))
    for p in found:
        problems.append(Problem(file, pointer_join(base, p.pointer), f"rule-{p.code}",
                                p.message_zh or p.message, p.message))
    try:
        compile_rule(rule)
    except RuleError as exc:
        if not found:
            zh, en = RULE_ERROR_TYPES.get(exc.type, (str(exc.type), str(exc.type)))
            problems.append(Problem(file, pointer_join(base, exc.pointer or ""), "rule-compile",
                                    f"规则无法编译：{zh}（{exc.message}）", f"rule does not compile: {exc}"))
    except Exception as exc:  # noqa: BLE001 - never let an engine bug become a 500
        problems.append(Problem(file, base, "rule-compile", f"规则无法编译：{type(exc).__name__}",
                                f"rule does not compile: {type(exc).__name__}"))
    return problems


def form_schema_problems(schema: Any, file: str = "") -> list[Problem]:
    """The form renderer's own checks (limits, RE2 patterns, local $refs)."""
    from ..forms.schema_loader import SchemaError, load_schema

    try:
        load_schema(copy.deepcopy(schema))
    except SchemaError as exc:
        return [Problem(file, exc.pointer or "", "form-renderer", f"表单渲染器拒绝该表单：{exc.message}",
                        f"the form renderer rejects this form: {exc.message}")]
    except RecursionError:
        return [Problem(file, "", "form-renderer", "表单嵌套层数过深", "form nested too deeply")]
    except Exception as exc:  # noqa: BLE001 - the renderer's limits, whatever it raises
        return [Problem(file, "", "form-renderer", f"表单渲染器拒绝该表单：{exc}",
                        f"the form renderer rejects this form: {exc}")]
    return []


@functools.lru_cache(maxsize=16)
def _baseline(digest: str, files_json: str) -> frozenset:
    return frozenset(_key(p) for p in check_pack(build_pack(json.loads(files_json))))


def _key(p: Problem) -> tuple:
    return (p.file, p.pointer, p.code, p.message_zh)


def baseline_problems(pack: Pack) -> frozenset:
    """Keys of the problems the unedited pack already has (cached by content)."""
    return _baseline(pack.content_hash(), json.dumps(pack.files, ensure_ascii=False, sort_keys=True))


@dataclass
class EditCheck:
    """The outcome of checking an edit: parsed value, problems, and the edited files."""

    value: Any = None
    problems: list[Problem] = field(default_factory=list)
    files: dict | None = None
    parsed: bool = False
    pack_checked: bool = False   # the whole edited pack was checked too (pack tests included)

    @property
    def ok(self) -> bool:
        """Parsed and nothing wrong."""
        return self.parsed and not self.problems


def check_edit(pack: Pack, target: Target, text: str, *, whole_pack: bool = True) -> EditCheck:
    """Check what the admin typed for ``target``.

    First the text itself (JSON, then rule or form checks, pointers relative to
    the edited value). When that is clean and ``whole_pack`` is set, the whole
    edited pack is checked as ``dutyloop pack check`` would, and problems the
    stored version did not already have are reported with file and pointer
    (a renamed form field breaking another item's rule, a failing pack test).
    """
    value, problems = parse_json_text(text)
    result = EditCheck(value=value, problems=problems, parsed=not problems)
    if problems:
        return result
    if target.kind == "report":
        result.problems += report_problems(target, value)
        if result.problems:
            return result
    elif target.kind == "form":
        if not isinstance(value, dict):
            result.problems.append(Problem("", "", "form-not-object", "表单定义必须是 JSON 对象",
                                           "a form schema must be a JSON object"))
            return result
        result.problems += form_schema_problems(value)
    elif target.part == "item":
        if not isinstance(value, dict):
            result.problems.append(Problem("", "", "item-not-object", "条目必须是 JSON 对象",
                                           "an item must be a JSON object"))
            return result
        item = pack.item(target.id)
        result.problems += item_schema_problems(pack, target, value)
        if "applies_if" in value and value["applies_if"] is not None:
            result.problems += rule_problems(value["applies_if"], pack.profile_schema or None, base="/applies_if")
        if "check" in value:
            result.problems += rule_problems(value["check"], data_schema(pack, target, value), base="/check")
        if item is not None and value.get("id") not in (None, item.id) and pack.item(value.get("id")):
            result.problems.append(Problem("", "/id", "id-duplicate", f"条目编号 {value['id']} 已被其他条目使用",
                                           f"item id {value['id']} is used by another item"))
    else:
        if target.part == "check" and value is None:
            result.problems.append(Problem("", "", "rule-missing", "检查规则不能为空（null）",
                                           "the check rule cannot be null"))
        elif not (target.part == "applies_if" and value is None):
            result.problems += rule_problems(value, data_schema(pack, target))
    result.files = edited_files(pack, target, value)
    if result.problems or not whole_pack:
        return result
    result.problems += new_pack_problems(pack, target, result.files)
    result.pack_checked = True
    return result


def new_pack_problems(pack: Pack, target: Target, files: dict) -> list[Problem]:
    """Problems of the edited pack that the stored version does not have.

    Problems inside the edited value get pointers relative to it (and no file).
    """
    try:
        found = check_pack(build_pack(files))
        known = baseline_problems(pack)
    except Exception as exc:  # noqa: BLE001 - a checker bug is a message, not a 500
        return [Problem("", "", "pack-check-error", f"规则包检查出错：{type(exc).__name__}",
                        f"pack check failed: {type(exc).__name__}")]
    return relative_problems(target, [p for p in found if _key(p) not in known])


def relative_problems(target: Target, problems: list[Problem]) -> list[Problem]:
    """Problems inside the edited value get pointers relative to it (and no file)."""
    out = []
    prefix = target.value_pointer
    for p in problems:
        if p.file == target.file and (p.pointer == prefix or p.pointer.startswith(prefix + "/") or not prefix):
            p = Problem("", p.pointer[len(prefix):], p.code, p.message_zh, p.message_en)
        out.append(p)
    return out


def report_problems(target: Target, value: Any) -> list[Problem]:
    """An edited report template against reports.schema.json, then its placeholders (pointers
    relative to the template)."""
    from ..packs.check import report_template_problems
    from ..packs.validation import validate_files

    if not isinstance(value, dict):
        return [Problem("", "", "report-not-object", "报告模板必须是 JSON 对象：{\"title\": …, \"sections\": […]}",
                        "a report template must be a JSON object: {\"title\": …, \"sections\": […]}")]
    found = [p for p in validate_files({target.file: {target.id: value}}) if p.file == target.file]
    if not found:
        found = report_template_problems(target.id, value)
    return relative_problems(target, found)


def item_schema_problems(pack: Pack, target: Target, value: Any) -> list[Problem]:
    """An edited item against the items file schema (required fields, types, allowed keys)."""
    from ..packs.validation import validate_files

    holder = {"list": pack.item(target.id).list, "items": [value]}
    found = validate_files({target.file: holder})
    return [Problem("", p.pointer[len("/items/0"):], p.code, p.message_zh, p.message_en)
            for p in found if p.file == target.file and p.pointer.startswith("/items/0")]


def save_problems(files: dict) -> list[Problem]:
    """Every problem of the pack ``files`` would make (empty: it may be stored)."""
    try:
        return check_pack(build_pack(files))
    except Exception as exc:  # noqa: BLE001
        return [Problem("", "", "pack-check-error", f"规则包检查出错：{type(exc).__name__}",
                        f"pack check failed: {type(exc).__name__}")]


# --------------------------------------------------------------------------- versions

_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)")


def bump_version(version: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """The next patch version not in ``taken``: 1.0.0 → 1.0.1 (→ 1.0.2 if taken).

    Pre-release and build suffixes are dropped; an unparseable version starts at 0.0.1.
    """
    match = _SEMVER.match(version or "")
    major, minor, patch = (int(g) for g in match.groups()) if match else (0, 0, 0)
    while True:
        patch += 1
        candidate = f"{major}.{minor}.{patch}"
        if candidate not in taken:
            return candidate


def with_version(files: dict, version: str) -> dict:
    """``files`` with the manifest's version set (a shallow copy; the manifest is copied)."""
    out = dict(files)
    manifest = dict(out.get(MANIFEST_FILE) or {})
    manifest["version"] = version
    out[MANIFEST_FILE] = manifest
    return out


def content_hash_ignoring_version(files: dict) -> str:
    """Content hash with the manifest version blanked: equal means same content."""
    return content_hash(with_version(files, ""))


def form_fields(schema: Any) -> list[tuple[str, str]]:
    """(name, title) of a form's top-level fields, in the form's own x-order."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return []
    order = [n for n in (schema.get("x-order") or []) if isinstance(n, str) and n in props]
    names = order + [n for n in props if n not in order]
    return [(n, props[n].get("title", "") if isinstance(props[n], dict) else "") for n in names]
