"""File-level validation: each pack file against the JSON Schema of its kind
(service/packs/schemas/*.schema.json) and forms against Draft 2020-12."""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from .loader import file_kind, forms_dir_name, stem
from .model import CATEGORIES_FILE, LISTS_FILE, MANIFEST_FILE, PROFILE_FILE
from .problems import Problem, pointer_join

SCHEMA_DIR = Path(__file__).with_name("schemas")
REQUIRED_FILES = (MANIFEST_FILE, LISTS_FILE, CATEGORIES_FILE, PROFILE_FILE)
KIND_NAMES = {
    "pack": "清单包清单文件", "lists": "责任清单列表", "categories": "大项列表", "items": "条目文件",
    "scoring": "评分规则", "test": "清单包测试", "form": "表单", "profile": "单位画像模式",
}


@functools.cache
def kind_schemas() -> dict[str, dict]:
    """File kind → its JSON Schema (from service/packs/schemas)."""
    return {p.name[: -len(".schema.json")]: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(SCHEMA_DIR.glob("*.schema.json"))}


@functools.cache
def _registry() -> Registry:
    resources = [(s["$id"], Resource.from_contents(s)) for s in kind_schemas().values()]
    return Registry().with_resources(resources)


@functools.cache
def _validator(kind: str):
    schema = kind_schemas()[kind]
    return jsonschema.Draft202012Validator(
        schema, registry=_registry(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


_META = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)


def schema_problems(validator, value: Any, file: str, kind: str, code: str) -> list[Problem]:
    """Every validation error of `value` as a Problem pointing at the spot."""
    problems = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.absolute_path))):
        pointer = pointer_join(*error.absolute_path)
        problems.append(Problem(file, pointer, code,
                                f"不符合{KIND_NAMES.get(kind, kind)}格式:{_zh(error)}",
                                f"does not match the {kind} schema: {error.message}"))
    return problems


def _zh(error) -> str:
    # Chinese paraphrases of the common validators; the English original stays in message_en.
    v = error.validator
    if v == "required":
        return f"缺少必填项 {error.message.split(' ')[0]}"
    if v == "additionalProperties":
        return f"含有不允许的字段({error.message})"
    if v in ("type", "enum", "const"):
        return f"取值类型或取值不正确({error.message})"
    if v == "pattern":
        return f"格式不正确({error.message})"
    return error.message


def validate_files(files: dict[str, Any]) -> list[Problem]:
    """Check every file against its kind's schema; report unknown and missing files."""
    problems: list[Problem] = []
    forms_dir = forms_dir_name(files.get(MANIFEST_FILE))
    for required in REQUIRED_FILES:
        if required not in files:
            problems.append(Problem(required, "", "file-missing", "缺少必需的文件", "required file is missing"))
    for rel in sorted(files):
        kind = file_kind(rel, forms_dir)
        value = files[rel]
        if kind is None:
            problems.append(Problem(rel, "", "file-unknown",
                                    "不认识的文件位置(见 docs/packs.md 的目录结构)",
                                    "unexpected file location (see the layout in docs/packs.md)"))
            continue
        if kind == "profile":
            problems += schema_problems(_META, value, rel, kind, "schema-invalid")
            problems += schema_problems(_validator("profile"), value, rel, kind, "schema-invalid")
            continue
        if kind == "form":
            meta = schema_problems(_META, value, rel, kind, "form-metaschema")
            problems += meta
            problems += schema_problems(_validator("form"), value, rel, kind, "schema-invalid")
            if isinstance(value, dict) and isinstance(value.get("$id"), str) \
                    and not value["$id"].endswith(":" + stem(rel)):
                problems.append(Problem(rel, "/$id", "form-id-mismatch",
                                        f"$id 应为 urn:dutyloop:form:{stem(rel)}(与文件名一致)",
                                        f"$id should be urn:dutyloop:form:{stem(rel)} (matching the file name)"))
            continue
        problems += schema_problems(_validator(kind), value, rel, kind, "schema-invalid")
        if kind == "items" and isinstance(value, dict) and isinstance(value.get("list"), str) \
                and value["list"] != stem(rel):
            problems.append(Problem(rel, "/list", "items-list-mismatch",
                                    f"list 应与文件名一致:{stem(rel)}",
                                    f"list should match the file name: {stem(rel)}"))
    return problems


def _re2_search(pattern: str, text: str) -> bool:
    import re2

    return re2.search(pattern, text) is not None


def _pattern(validator, pattern, instance, schema):
    if not isinstance(instance, str):
        return
    try:
        matched = _re2_search(pattern, instance)
    except Exception:
        yield jsonschema.ValidationError(f"pattern {pattern!r} is not supported (RE2)")
        return
    if not matched:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator, patterns, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            try:
                matched = _re2_search(pattern, key)
            except Exception:
                yield jsonschema.ValidationError(f"pattern {pattern!r} is not supported (RE2)")
                return
            if matched:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


# Test records are matched against forms from untrusted packs: regular
# expressions run on RE2 (linear time) instead of Python's backtracking `re`.
_RecordValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"pattern": _pattern, "patternProperties": _pattern_properties})


def record_validator(form_schema: dict):
    """A Draft 2020-12 validator for records of a form, safe for untrusted patterns.

    No remote references are ever fetched (the registry is empty)."""
    return _RecordValidator(form_schema, registry=Registry(),
                            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
