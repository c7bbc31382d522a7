"""Reading a pack directory into parsed files, and building the model.

Packs are untrusted input (other districts send them), so reading is careful:
only regular .json files inside the pack are read (no symlinks), sizes and
counts are capped, duplicate object keys and NaN/Infinity are rejected.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from . import periods
from .model import (
    CATEGORIES_FILE, ITEMS_DIR, LISTS_FILE, MANIFEST_FILE, PROFILE_FILE, REPORTS_FILE,
    SCORING_FILE, TESTS_DIR, Category, DutyList, Form, Item, Manifest, Pack,
    PackTest, ScoringRule, ScoringRules, TestCase,
)
from .problems import PackError, Problem, pointer_join

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 1000
MAX_TOTAL_BYTES = 16 * 1024 * 1024     # all files together, checked before any is parsed
DEFAULT_FORMS_DIR = "../forms"


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


MAX_DEPTH = 64


def _too_deep(value: Any) -> bool:
    # Iterative, so a hostile file cannot exhaust the stack here or later in validation.
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return False


def parse_json(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse JSON text strictly; return (value, problems)."""
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
        if _too_deep(value):
            return None, [Problem(file, "", "json-too-deep", f"JSON 嵌套超过 {MAX_DEPTH} 层",
                                  f"JSON nested deeper than {MAX_DEPTH} levels")]
        return value, []
    except json.JSONDecodeError as exc:
        return None, [Problem(
            file, "", "json-invalid",
            f"JSON 格式错误:第 {exc.lineno} 行第 {exc.colno} 列:{exc.msg}",
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")]
    except _DuplicateKey as exc:
        return None, [Problem(file, "", "json-duplicate-key",
                              f"JSON 对象中键名重复:{exc}", f"duplicate key in a JSON object: {exc}")]
    except RecursionError:
        return None, [Problem(file, "", "json-too-deep", "JSON 嵌套层数过深", "JSON nested too deeply")]
    except ValueError as exc:
        return None, [Problem(file, "", "json-invalid", f"JSON 格式错误:{exc}", f"invalid JSON: {exc}")]


def forms_dir_name(manifest: Any) -> str:
    """The forms directory (relative to the pack root) named by the manifest."""
    value = manifest.get("forms_dir", DEFAULT_FORMS_DIR) if isinstance(manifest, dict) else DEFAULT_FORMS_DIR
    if not isinstance(value, str) or not value.startswith("../") or "/" in value[3:] \
            or value[3:] in ("", ".", "..", "rules"):
        value = DEFAULT_FORMS_DIR
    return value[3:] + "/"


def read_pack_files(path) -> tuple[dict[str, Any], list[Problem]]:
    """Read every .json file of the pack at `path` (the directory holding
    rules/ and forms/). Returns (relative path → parsed JSON, problems)."""
    root = Path(path)
    problems: list[Problem] = []
    files: dict[str, Any] = {}
    if not (root / "rules").is_dir() or (root / "rules").is_symlink():
        return files, [Problem("rules/", "", "pack-missing-rules",
                               f"{root} 下没有 rules/ 目录", f"no rules/ directory under {root}")]
    manifest, manifest_problems = _read_one(root, MANIFEST_FILE)
    problems += manifest_problems
    if manifest is not None:
        files[MANIFEST_FILE] = manifest
    forms_dir = forms_dir_name(manifest)
    candidates: list[str] = []
    for top in ("rules", forms_dir.rstrip("/")):
        base = root / top
        if not base.is_dir() or base.is_symlink():
            continue
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(".json"):
                    candidates.append(Path(dirpath, name).relative_to(root).as_posix())
    if len(candidates) > MAX_FILES:
        problems.append(Problem("", "", "pack-too-many-files", f"文件过多(上限 {MAX_FILES} 个)",
                                f"too many files (limit {MAX_FILES})"))
        candidates = candidates[:MAX_FILES]
    total = _total_bytes(root, [MANIFEST_FILE, *candidates])
    if total > MAX_TOTAL_BYTES:
        # Parsing JSON takes several times its size in memory: refuse before reading any file.
        return {}, problems + [Problem("", "", "pack-too-large", f"规则包文件合计 {total} 字节,超过上限 {MAX_TOTAL_BYTES}",
                                       f"the pack's files add up to {total} bytes, over the limit of {MAX_TOTAL_BYTES}")]
    for rel in candidates:
        if rel == MANIFEST_FILE:
            continue
        value, file_problems = _read_one(root, rel)
        problems += file_problems
        if value is not None:
            files[rel] = value
    return files, problems


def _total_bytes(root: Path, rels: list[str]) -> int:
    """Bytes of the regular files among ``rels`` (symlinks and missing files count 0)."""
    total = 0
    for rel in dict.fromkeys(rels):
        full = root / rel
        try:
            if not full.is_symlink() and full.is_file():
                total += full.stat().st_size
        except OSError:
            continue
    return total


def _read_one(root: Path, rel: str) -> tuple[Any, list[Problem]]:
    full = root / rel
    if full.is_symlink():
        return None, [Problem(rel, "", "file-symlink", "不允许使用符号链接", "symbolic links are not allowed")]
    if not full.is_file():
        return None, [Problem(rel, "", "file-missing", "缺少文件", "file is missing")]
    if full.stat().st_size > MAX_FILE_BYTES:
        return None, [Problem(rel, "", "file-too-large", f"文件超过 {MAX_FILE_BYTES} 字节",
                              f"file larger than {MAX_FILE_BYTES} bytes")]
    try:
        text = full.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(rel, "", "file-unreadable", f"无法读取文件(需 UTF-8 编码):{exc}",
                              f"cannot read file (UTF-8 expected): {exc}")]
    return parse_json(text, rel)


def file_kind(rel: str, forms_dir: str = "forms/") -> str | None:
    """Which kind of pack file a relative path is, or None when unknown."""
    fixed = {MANIFEST_FILE: "pack", LISTS_FILE: "lists", CATEGORIES_FILE: "categories",
             PROFILE_FILE: "profile", SCORING_FILE: "scoring", REPORTS_FILE: "reports"}
    if rel in fixed:
        return fixed[rel]
    for prefix, kind in ((ITEMS_DIR, "items"), (TESTS_DIR, "test"), (forms_dir, "form")):
        rest = rel[len(prefix):]
        if rel.startswith(prefix) and "/" not in rest and rest.endswith(".json"):
            return kind
    return None


def stem(rel: str) -> str:
    """File name without directory and .json."""
    return rel.rsplit("/", 1)[-1][: -len(".json")]


def _dicts(value) -> list[tuple[int, dict]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def _get(d: dict, key: str, default, kind):
    value = d.get(key, default)
    return value if isinstance(value, kind) else default


def build_pack(files: dict[str, Any]) -> Pack:
    """Build a `Pack` from parsed files, leniently: malformed entries are
    skipped (check_pack reports them), so the model can still be checked."""
    raw = files.get(MANIFEST_FILE)
    raw = raw if isinstance(raw, dict) else {}
    manifest = Manifest(
        id=_get(raw, "id", "", str), name=_get(raw, "name", "", str),
        version=_get(raw, "version", "", str), format_version=_get(raw, "format_version", 1, int),
        district=_get(raw, "district", "", str), description=_get(raw, "description", "", str),
        license=_get(raw, "license", "", str), forms_dir=_get(raw, "forms_dir", DEFAULT_FORMS_DIR, str))
    forms_dir = forms_dir_name(raw)

    lists = [DutyList(id=_get(d, "id", "", str), name=_get(d, "name", "", str),
                      holder=_get(d, "holder", "", str), description=_get(d, "description", "", str),
                      supervisor=_get(d, "supervisor", "", str), pointer=pointer_join(i),
                      recorded_by=_get(d, "recorded_by", "", str), department=_get(d, "department", "", str))
             for i, d in _dicts(files.get(LISTS_FILE))]
    categories = [Category(id=_get(d, "id", "", str), list=_get(d, "list", "", str),
                           name=_get(d, "name", "", str), order=_get(d, "order", 0, int),
                           pointer=pointer_join(i))
                  for i, d in _dicts(files.get(CATEGORIES_FILE))]
    holders = {lst.id: lst.holder for lst in lists}
    supervisors = {lst.id: lst.supervisor for lst in lists}

    items: list[Item] = []
    forms: dict[str, Form] = {}
    tests: list[PackTest] = []
    for rel in sorted(files):
        kind = file_kind(rel, forms_dir)
        value = files[rel]
        if kind == "items" and isinstance(value, dict):
            list_id = _get(value, "list", stem(rel), str)
            for i, d in _dicts(value.get("items")):
                items.append(Item(
                    id=_get(d, "id", "", str), list=list_id, category=_get(d, "category", "", str),
                    text=_get(d, "text", "", str), frequency=_frequency(d.get("frequency")),
                    min_count=_get(d, "min_count", 0, int), form=_get(d, "form", "", str),
                    check=d.get("check"), holder=_get(d, "holder", holders.get(list_id, ""), str),
                    due=_get(d, "due", None, dict), applies_if=d.get("applies_if"),
                    weight=_number(d.get("weight"), 1), finding=_get(d, "finding", "", str),
                    supervisor=_get(d, "supervisor", supervisors.get(list_id, ""), str),
                    file=rel, pointer=pointer_join("items", i)))
        elif kind == "form" and isinstance(value, dict):
            forms[stem(rel)] = Form(id=stem(rel), schema=value, file=rel)
        elif kind == "test" and isinstance(value, dict):
            cases = [_test_case(d, rel, i) for i, d in _dicts(value.get("cases"))]
            tests.append(PackTest(file=rel, cases=cases, description=_get(value, "description", "", str)))

    profile = files.get(PROFILE_FILE)
    return Pack(manifest=manifest, lists=lists, categories=categories, items=items, forms=forms,
                profile_schema=profile if isinstance(profile, dict) else {},
                scoring=_scoring(files.get(SCORING_FILE)), tests=tests, files=dict(files))


def _frequency(value) -> str:
    return value if isinstance(value, str) and value in periods.FREQUENCY_KIND else "yearly"


def _number(value, default):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _strings(value) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _test_case(d: dict, rel: str, index: int) -> TestCase:
    # Keep only well-formed parts; the file schema reports the rest.
    exactly = d.get("applicable_exactly")
    records = {form: recs for form, recs in _get(d, "records", {}, dict).items() if isinstance(recs, list)}
    expect = {k: v for k, v in _get(d, "expect", {}, dict).items() if isinstance(v, bool)}
    return TestCase(
        name=_get(d, "name", f"case {index}", str), unit=_get(d, "unit", None, dict),
        period=_get(d, "period", "", str), today=_get(d, "today", "", str),
        records=records, expect=expect,
        applicable=_strings(d.get("applicable")), not_applicable=_strings(d.get("not_applicable")),
        applicable_exactly=_strings(exactly) if isinstance(exactly, list) else None,
        scores=[s for s in _get(d, "scores", [], list) if isinstance(s, dict)],
        file=rel, pointer=pointer_join("cases", index))


def _scoring(value) -> ScoringRules | None:
    if not isinstance(value, dict):
        return None
    rules = [ScoringRule(id=_get(d, "id", "", str), rule=d.get("rule"),
                         data_schema=_get(d, "data_schema", {}, dict),
                         description=_get(d, "description", "", str), pointer=pointer_join("rules", i))
             for i, d in _dicts(value.get("rules"))]
    return ScoringRules(
        evaluation_form=_get(value, "evaluation_form", "", str),
        grade_scales=_get(value, "grade_scales", {}, dict),
        evaluator_weights=_get(value, "evaluator_weights", {}, dict),
        threshold=_get(value, "threshold", {}, dict), rules=rules,
        default_scale=_get(value, "default_scale", "", str),
        annual_model=_get(value, "annual_model", None, dict),
        review=_get(value, "review", None, dict),
        accountability=_get(value, "accountability", None, dict))


def load_pack(path) -> Pack:
    """Load the pack in directory `path` (holding rules/ and forms/).

    Raises `PackError` when files are missing, unreadable, not JSON or do not
    match their file-kind schema. Rules are not evaluated here; run
    `check_pack` for the full check before installing a pack.
    """
    from .validation import validate_files

    files, problems = read_pack_files(path)
    problems += validate_files(files)
    if problems:
        raise PackError(problems)
    return build_pack(files)
