"""`check_pack`: every problem of a pack, from broken JSON to failing pack tests."""
from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import jsonschema

from . import engine
from .evaluate import RuleCache
from .loader import build_pack, read_pack_files
from .model import CATEGORIES_FILE, LISTS_FILE, MANIFEST_FILE, PROFILE_FILE, REPORTS_FILE, SCORING_FILE, Pack
from .problems import Problem, pointer_join
from .report_templates import unknown_placeholders
from .testing import run_pack_tests
from .lint import unknown_values
from .validation import record_validator, validate_files

PERIOD_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "kind": {"enum": ["month", "quarter", "half", "year"]},
        "start": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date"},
    },
    "required": ["id", "kind", "start", "end"],
    "additionalProperties": False,
}


def check_data_schema(form_schema: dict, profile_schema: dict) -> dict:
    """JSON Schema of the data a check rule sees, with `records` items being
    the item's form schema (so the rule may read only the form's fields)."""
    defs: dict = {}
    record = copy.deepcopy(form_schema) if isinstance(form_schema, dict) else {}
    unit = copy.deepcopy(profile_schema) if isinstance(profile_schema, dict) else {}
    # Embedded schemas lose their own root; hoist $defs so local $refs still resolve.
    for schema in (unit, record):
        for key in ("$schema", "$id"):
            schema.pop(key, None)
        defs.update(schema.pop("$defs", {}) or {})
    result = {
        "type": "object",
        "properties": {
            "records": {"type": "array", "items": record},
            "period": PERIOD_SCHEMA,
            "target": {"type": "integer", "minimum": 0},
            "unit": unit,
        },
        "required": ["records", "period", "target", "unit"],
        "additionalProperties": False,
    }
    if defs:
        result["$defs"] = defs
    return result


def check_pack(path_or_pack) -> list[Problem]:
    """Every problem in the pack (a directory path or a loaded `Pack`).

    For a `Pack`, its files (`pack.files`) are checked, so a pack rebuilt
    from storage with `Pack.from_files` can be re-checked. An empty list
    means the pack is clean and may be installed.
    """
    if isinstance(path_or_pack, Pack):
        files, problems = path_or_pack.to_files(), []
    else:
        files, problems = read_pack_files(Path(path_or_pack))
    problems += validate_files(files)
    pack = build_pack(files)
    problems += _unique_ids(pack)
    problems += _references(pack)
    problems += _reports(files, pack)
    problems += _forms(pack)
    broken_forms = {p.file for p in problems if p.file.startswith(tuple(_form_prefixes(pack)))}
    logic = engine.logic()
    if logic is None:
        problems.append(Problem("", "", "engine-unavailable",
                                "规则引擎 service.logic 不可用,无法检查规则与运行测试",
                                "rule engine service.logic is unavailable; rules and tests not checked"))
        return problems
    rule_problems, rules_compile = _rules(pack, logic)
    problems += rule_problems
    problems += _trial_runs(pack, logic)
    problems += _test_inputs(pack, broken_forms)
    if rules_compile:
        problems += _tests(pack)
    else:
        problems.append(Problem("rules/tests/", "", "tests-skipped",
                                "有规则无法编译,未运行清单包测试", "pack tests not run because some rules do not compile"))
    return problems


def _dup(entries, file_of, what_zh, what_en) -> list[Problem]:
    # Every occurrence is reported: the admin decides which one to rename.
    places: dict[str, list[str]] = {}
    for e in entries:
        places.setdefault(e.id, []).append(f"{file_of(e)}#{e.pointer}/id")
    problems = []
    for e in entries:
        if e.id and len(places[e.id]) > 1:
            others = ", ".join(p for p in places[e.id] if p != f"{file_of(e)}#{e.pointer}/id")
            problems.append(Problem(file_of(e), e.pointer + "/id", "id-duplicate",
                                    f"{what_zh}编号重复:{e.id}(另见 {others})",
                                    f"duplicate {what_en} id: {e.id} (also at {others})"))
    return problems


def _unique_ids(pack: Pack) -> list[Problem]:
    problems = _dup(pack.lists, lambda e: LISTS_FILE, "清单", "list")
    problems += _dup(pack.categories, lambda e: CATEGORIES_FILE, "大项", "category")
    problems += _dup(pack.items, lambda e: e.file, "条目", "item")
    if pack.scoring:
        problems += _dup(pack.scoring.rules, lambda e: SCORING_FILE, "评分规则", "scoring rule")
    return problems


def report_template_problems(kind: str, template) -> list[Problem]:
    """Unknown placeholders in one report template (pointers below ``/<kind>`` of rules/reports.json)."""
    problems = []
    if not isinstance(template, dict):
        return problems
    texts = [("/title", template.get("title"))]
    sections = template.get("sections")
    for index, section in enumerate(sections if isinstance(sections, list) else []):
        if isinstance(section, dict):
            texts += [(f"/sections/{index}/heading", section.get("heading")),
                      (f"/sections/{index}/text", section.get("text"))]
    for pointer, text in texts:
        for name in unknown_placeholders(text, kind) if isinstance(text, str) else ():
            problems.append(Problem(REPORTS_FILE, f"/{kind}{pointer}", "report-unknown-placeholder",
                                    f"不认识的占位符 {{{name}}}(会原样印出;可用的占位符见 docs/supervise.md)",
                                    f"unknown placeholder {{{name}}} (printed as written; see docs/supervise.md)"))
    return problems


def _reports(files: dict, pack: Pack) -> list[Problem]:
    """Report templates name only known placeholders; the portraits' radar list exists."""
    problems = []
    templates = files.get(REPORTS_FILE)
    for kind, template in (templates.items() if isinstance(templates, dict) else ()):
        problems += report_template_problems(kind, template)
    portraits = (files.get(MANIFEST_FILE) or {}).get("portraits") if isinstance(files.get(MANIFEST_FILE), dict) else None
    radar = portraits.get("radar_list") if isinstance(portraits, dict) else None
    if isinstance(radar, str) and radar not in {lst.id for lst in pack.lists}:
        problems.append(Problem(MANIFEST_FILE, "/portraits/radar_list", "ref-unknown-list",
                                f"引用了不存在的清单 {radar}", f"unknown list {radar}"))
    return problems


def _references(pack: Pack) -> list[Problem]:
    problems = []
    lists = {lst.id for lst in pack.lists}
    categories = {c.id: c for c in pack.categories}
    for c in pack.categories:
        if c.list and c.list not in lists:
            problems.append(Problem(CATEGORIES_FILE, c.pointer + "/list", "ref-unknown-list",
                                    f"引用了不存在的清单 {c.list}", f"unknown list {c.list}"))
    for item in pack.items:
        if item.list not in lists:
            problems.append(Problem(item.file, "/list", "ref-unknown-list",
                                    f"引用了不存在的清单 {item.list}(见 rules/lists.json)", f"unknown list {item.list}"))
        category = categories.get(item.category)
        if item.category and category is None:
            problems.append(Problem(item.file, item.pointer + "/category", "ref-unknown-category",
                                    f"引用了不存在的大项 {item.category}", f"unknown category {item.category}"))
        elif category is not None and category.list != item.list:
            problems.append(Problem(item.file, item.pointer + "/category", "ref-category-list",
                                    f"大项 {item.category} 属于清单 {category.list},不属于 {item.list}",
                                    f"category {item.category} belongs to list {category.list}, not {item.list}"))
        form = pack.forms.get(item.form)
        if item.form and form is None:
            problems.append(Problem(item.file, item.pointer + "/form", "ref-unknown-form",
                                    f"引用了不存在的表单 {item.form}(应有 forms/{item.form}.json)",
                                    f"unknown form {item.form} (expected forms/{item.form}.json)"))
        elif form is not None and not form.is_record:
            problems.append(Problem(item.file, item.pointer + "/form", "ref-not-record-form",
                                    f"表单 {item.form} 不是履责记录表单(x-record 为 false)",
                                    f"form {item.form} is not a record form (x-record is false)"))
    if pack.scoring:
        s = pack.scoring
        if s.evaluation_form and s.evaluation_form not in pack.forms:
            problems.append(Problem(SCORING_FILE, "/evaluation_form", "ref-unknown-form",
                                    f"引用了不存在的表单 {s.evaluation_form}", f"unknown form {s.evaluation_form}"))
        if s.default_scale and s.default_scale not in s.grade_scales:
            problems.append(Problem(SCORING_FILE, "/default_scale", "ref-unknown-scale",
                                    f"没有名为 {s.default_scale} 的评价等级", f"unknown grade scale {s.default_scale}"))
        problems += _review_references(pack)
        problems += _disposition_ids(pack)
        problems += _plan_suggestion_references(pack)
    return problems


def _plan_suggestion_references(pack: Pack) -> list[Problem]:
    """Plan suggestions name items, lists, categories and forms the pack has, each id once."""
    section = pack.scoring.accountability if isinstance(pack.scoring.accountability, dict) else {}
    items = {i.id for i in pack.items}
    categories = {(c.list, c.id) for c in pack.categories}
    seen: set = set()
    problems = []
    for index, rule in enumerate(section.get("plan_suggestions") or []):
        if not isinstance(rule, dict):
            continue
        where = f"/accountability/plan_suggestions/{index}"
        if rule.get("id") in seen:
            problems.append(Problem(SCORING_FILE, f"{where}/id", "id-duplicate",
                                    f"建议规则编号 {rule.get('id')} 重复", f"duplicate suggestion id {rule.get('id')}"))
        seen.add(rule.get("id"))
        if "item" in rule and rule["item"] not in items:
            problems.append(Problem(SCORING_FILE, f"{where}/item", "ref-unknown-item",
                                    f"引用了不存在的事项 {rule['item']}", f"unknown item {rule['item']}"))
        custom = rule.get("custom") if isinstance(rule.get("custom"), dict) else None
        if custom and (custom.get("list"), custom.get("category")) not in categories:
            problems.append(Problem(SCORING_FILE, f"{where}/custom/category", "ref-unknown-category",
                                    f"清单 {custom.get('list')} 中没有类别 {custom.get('category')}",
                                    f"list {custom.get('list')} has no category {custom.get('category')}"))
        if custom and custom.get("form") and custom["form"] not in pack.forms:
            problems.append(Problem(SCORING_FILE, f"{where}/custom/form", "ref-unknown-form",
                                    f"引用了不存在的表单 {custom['form']}", f"unknown form {custom['form']}"))
    return problems


def _disposition_ids(pack: Pack) -> list[Problem]:
    """Disposition ids are unique: findings keep the id they were given."""
    section = pack.scoring.accountability if isinstance(pack.scoring.accountability, dict) else {}
    seen: set = set()
    problems = []
    for index, item in enumerate(section.get("dispositions") or []):
        ident = item.get("id") if isinstance(item, dict) else None
        if ident in seen:
            problems.append(Problem(SCORING_FILE, f"/accountability/dispositions/{index}/id", "id-duplicate",
                                    f"处置编号 {ident} 重复", f"duplicate disposition id {ident}"))
        seen.add(ident)
    return problems


def _review_references(pack: Pack) -> list[Problem]:
    """What a review session relies on: the rules it runs, the form fields it
    reads or fills, every answer of a graded field having points on its scale,
    and the group field's options being exactly the weighted groups."""
    s = pack.scoring
    review, problems = s.review, []
    if not isinstance(review, dict):
        return problems
    actions = s.threshold.get("actions") if isinstance(s.threshold.get("actions"), list) else []
    for index, follow_up in enumerate(s.threshold.get("follow_ups") or []):
        if isinstance(follow_up, dict) and follow_up.get("action") not in actions:
            problems.append(Problem(SCORING_FILE, f"/threshold/follow_ups/{index}/action", "review-unknown-action",
                                    f"后续处置 {follow_up.get('action')} 不在 threshold.actions 中",
                                    f"follow-up action {follow_up.get('action')} is not one of threshold.actions"))
    for key in ("score_rule", "grade_rule", "follow_up_rule"):
        if isinstance(review.get(key), str) and s.rule(review[key]) is None:
            problems.append(Problem(SCORING_FILE, f"/review/{key}", "review-unknown-rule",
                                    f"没有名为 {review[key]} 的评分规则", f"unknown scoring rule {review[key]}"))
    form = pack.forms.get(s.evaluation_form)
    props = form.schema.get("properties") if form and isinstance(form.schema.get("properties"), dict) else None
    if props is None:
        return problems

    def field(pointer: str, name) -> dict | None:
        node = props.get(name) if isinstance(name, str) else None
        if not isinstance(node, dict):
            problems.append(Problem(SCORING_FILE, pointer, "review-unknown-field",
                                    f"评议表 {s.evaluation_form} 没有字段 {name}",
                                    f"the evaluation form {s.evaluation_form} has no field {name}"))
        return node if isinstance(node, dict) else None

    group = field("/review/group_field", review.get("group_field"))
    if group is not None and set(group.get("enum") or []) != set(s.evaluator_weights):
        problems.append(Problem(SCORING_FILE, "/review/group_field", "review-group-mismatch",
                                f"字段 {review.get('group_field')} 的可选值应与 evaluator_weights 的评议人类别一致:"
                                f"{'、'.join(sorted(s.evaluator_weights))}",
                                f"the options of {review.get('group_field')} must be the groups of evaluator_weights: "
                                f"{', '.join(sorted(s.evaluator_weights))}"))
    for scale, name in (review.get("scale_fields") or {}).items():
        pointer = f"/review/scale_fields/{scale}"
        if scale not in s.grade_scales:
            problems.append(Problem(SCORING_FILE, pointer, "ref-unknown-scale",
                                    f"没有名为 {scale} 的评价等级", f"unknown grade scale {scale}"))
            continue
        node = field(pointer, name)
        values = (s.grade_scales[scale] or {}).get("values") or {}
        unscored = [v for v in (node or {}).get("enum") or [] if v not in values]
        if node is not None and (unscored or not node.get("enum")):
            problems.append(Problem(SCORING_FILE, pointer, "review-grade-unscaled",
                                    f"字段 {name} 的选项在等级 {scale} 中没有分值:{'、'.join(map(str, unscored)) or '(无可选值)'}",
                                    f"options of {name} have no points on scale {scale}: "
                                    f"{', '.join(map(str, unscored)) or '(no options)'}"))
    for name in review.get("session_fields") or {}:
        field(f"/review/session_fields/{name}", name)
    return problems


def _forms(pack: Pack) -> list[Problem]:
    problems = []
    load_schema = engine.form_schema_loader()
    for form in pack.forms.values():
        schema = form.schema
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        if form.is_record:
            date = props.get("date")
            if not (isinstance(date, dict) and date.get("type") == "string" and date.get("format") == "date"):
                problems.append(Problem(form.file, "/properties/date", "form-no-date",
                                        "履责记录表单必须有 date 字段(type string, format date),用于按周期筛选",
                                        "record forms need a date field (string, format date) for the period filter"))
            elif "date" not in (schema.get("required") or []):
                problems.append(Problem(form.file, "/required", "form-date-optional",
                                        "date 字段必须是必填项", "the date field must be required"))
        for index, name in enumerate(schema.get("x-order") or []):
            if isinstance(name, str) and name not in props:
                problems.append(Problem(form.file, pointer_join("x-order", index), "form-order-unknown",
                                        f"x-order 中的字段 {name} 不存在", f"x-order names unknown field {name}"))
        if load_schema is not None:
            try:
                load_schema(copy.deepcopy(schema))
            except Exception as exc:  # the renderer's own limits, whatever it raises
                problems.append(Problem(form.file, getattr(exc, "pointer", "") or "", "form-renderer",
                                        f"表单渲染器拒绝该表单:{exc}", f"the form renderer rejects this form: {exc}"))
    return problems


def _rule_problems(logic, rule: Any, schema: dict | None, file: str, pointer: str) -> tuple[list[Problem], bool]:
    """Compile one rule and check it statically; returns (problems, compiled_ok)."""
    try:
        logic.compile_rule(rule)
    except Exception as exc:
        code = getattr(exc, "type", None) or "rule-compile"
        return [Problem(file, pointer_join(pointer, getattr(exc, "pointer", "") or ""), "rule-compile",
                        f"规则无法编译({code}):{exc}", f"rule does not compile ({code}): {exc}")], False
    if schema is None:
        return [], True
    problems = [Problem(file, pointer_join(pointer, at), "rule-unknown-value",
                        f"取值 {literal!r} 不在该字段的可选值中:{_options(allowed)}",
                        f"{literal!r} is not one of the field's values: {_options(allowed)}")
                for at, literal, allowed in unknown_values(rule, schema)]
    try:
        found = logic.check_rule(rule, schema)
    except Exception as exc:
        return problems + [Problem(file, pointer, "rule-check-error", f"规则静态检查出错:{exc}",
                                   f"static rule check failed: {exc}")], True
    for p in found:
        problems.append(Problem(file, pointer_join(pointer, getattr(p, "pointer", "") or ""),
                                f"rule-{getattr(p, 'code', 'static')}",
                                f"规则静态检查:{getattr(p, 'message_zh', '') or p.message}",
                                f"static rule check: {p.message}"))
    return problems, True


def _options(allowed: list) -> str:
    shown = "、".join(str(v) for v in allowed[:12])
    return shown + ("…" if len(allowed) > 12 else "")


def _rules(pack: Pack, logic) -> tuple[list[Problem], bool]:
    problems: list[Problem] = []
    all_ok = True
    profile = pack.profile_schema
    for item in pack.items:
        if item.applies_if is not None:
            found, ok = _rule_problems(logic, item.applies_if, profile, item.file, item.pointer + "/applies_if")
            problems += found
            all_ok &= ok
        form = pack.forms.get(item.form)
        schema = check_data_schema(form.schema, profile) if form else None
        found, ok = _rule_problems(logic, item.check, schema, item.file, item.pointer + "/check")
        problems += found
        all_ok &= ok
    if pack.scoring:
        for rule in pack.scoring.rules:
            found, ok = _rule_problems(logic, rule.rule, rule.data_schema, SCORING_FILE, rule.pointer + "/rule")
            problems += found
            all_ok &= ok
    for form in pack.forms.values():
        for pointer, rule, scope in _conditional_rules(form.schema):
            found, ok = _rule_problems(logic, rule, _data_schema(scope), form.file, pointer)
            problems += found
            all_ok &= ok
    return problems, all_ok


TRIAL_PERIOD = "2022Q1"
TRIAL_SECONDS = 5.0     # for all trial runs of one pack check (each run is bounded by the engine's wall clock)


def _trial_runs(pack: Pack, logic) -> list[Problem]:
    """Run every item's rules once on plain data (an empty profile, the units of the
    pack's tests, a period without records) and report the ones that hit an engine
    limit. A rule from elsewhere that, say, doubles a shared array each step is cheap
    to write and stops the engine at once here, instead of in plan generation; other
    run-time errors depend on the data and are left to the pack tests."""
    units = [{}] + [case.unit for test in pack.tests for case in test.cases if isinstance(case.unit, dict)][:5]
    period = {"id": TRIAL_PERIOD, "kind": "quarter", "start": "2022-01-01", "end": "2022-03-31"}
    problems = []
    deadline = time.perf_counter() + TRIAL_SECONDS
    for item in pack.items:
        if time.perf_counter() > deadline:
            problems.append(Problem(item.file, item.pointer, "rule-limit",
                                    f"试算规则的总时间超过 {TRIAL_SECONDS:g} 秒,从此条目起未试算(规则运算量过大)",
                                    f"trial runs took over {TRIAL_SECONDS:g}s; not run from this item on"))
            break
        runs = [("applies_if", item.applies_if, unit) for unit in units] if item.applies_if is not None else []
        runs += [("check", item.check, {"records": [], "period": period, "target": 1, "unit": unit})
                 for unit in units[:1]]
        reported: set[str] = set()
        for part, rule, data in runs:
            if part in reported:
                continue
            try:
                logic.compile_rule(rule)(data, {"today": "2022-03-31"})
            except logic.RuleLimitError as exc:
                problems.append(Problem(item.file, f"{item.pointer}/{part}", "rule-limit",
                                        f"规则超出规则引擎的资源限制(用示例数据试算):{exc.message}",
                                        f"the rule exceeds the rule engine's limits (trial run): {exc.message}"))
                reported.add(part)
            except Exception:   # compile problems are reported above, data-dependent errors by the tests
                continue
    return problems


def _data_schema(schema: Any) -> dict | None:
    """A form (sub)schema as the data schema of a rule: without its root keywords."""
    if not isinstance(schema, dict):
        return None
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id")}


_NOT_SCHEMAS = ("enum", "const", "default", "examples", "x-i18n", "x-enum-labels", "x-order",
                "x-visible-if", "x-required-if")


def _conditional_rules(schema: Any, pointer: str = ""):
    """(pointer, rule, object schema) of every x-visible-if / x-required-if in a
    form. The renderer evaluates them over the data of the object that holds
    the field, so that object's schema is what the rule is checked against."""
    if isinstance(schema, dict):
        props = schema.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                if isinstance(sub, dict):
                    for key in ("x-visible-if", "x-required-if"):
                        if key in sub:
                            yield pointer_join(pointer, "properties", name, key), sub[key], schema
        for key, value in schema.items():
            if key not in _NOT_SCHEMAS:
                yield from _conditional_rules(value, pointer_join(pointer, key))
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _conditional_rules(value, pointer_join(pointer, index))


def _form_prefixes(pack: Pack) -> list[str]:
    return sorted({form.file.rsplit("/", 1)[0] + "/" for form in pack.forms.values()}) or ["forms/"]


def _test_inputs(pack: Pack, broken_forms: set[str]) -> list[Problem]:
    """Units in tests must match the profile schema and records their forms,
    so tests cannot pass on data the app would never produce. Records of a
    form that is itself broken are not validated (its problems are reported)."""
    problems = []
    profile_validator = None
    if pack.profile_schema:
        try:
            profile_validator = jsonschema.Draft202012Validator(
                pack.profile_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        except Exception:
            profile_validator = None
    for test in pack.tests:
        for case in test.cases:
            if profile_validator is not None and case.unit is not None:
                for error in profile_validator.iter_errors(case.unit):
                    problems.append(Problem(case.file, pointer_join(case.pointer, "unit", *error.absolute_path),
                                            "test-unit-invalid", f"测试单位画像不符合 {PROFILE_FILE}:{error.message}",
                                            f"test unit does not match {PROFILE_FILE}: {error.message}"))
            for form_id, records in case.records.items():
                form = pack.forms.get(form_id)
                if form is None:
                    problems.append(Problem(case.file, pointer_join(case.pointer, "records", form_id),
                                            "ref-unknown-form", f"没有表单 {form_id}", f"unknown form {form_id}"))
                    continue
                if form.file in broken_forms:
                    continue
                validator = record_validator(form.schema)
                for index, record in enumerate(records):
                    try:
                        errors = list(validator.iter_errors(record))
                    except Exception as exc:  # e.g. an unresolvable $ref the checks above missed
                        problems.append(Problem(case.file, pointer_join(case.pointer, "records", form_id, index),
                                                "test-record-unchecked", f"无法按表单 {form_id} 校验测试记录:{exc}",
                                                f"cannot validate the test record against form {form_id}: {exc}"))
                        continue
                    for error in errors:
                        problems.append(Problem(
                            case.file, pointer_join(case.pointer, "records", form_id, index, *error.absolute_path),
                            "test-record-invalid", f"测试记录不符合表单 {form_id}:{error.message}",
                            f"test record does not match form {form_id}: {error.message}"))
    return problems


def _tests(pack: Pack) -> list[Problem]:
    problems = []
    for result in run_pack_tests(pack, RuleCache()):
        for failure in result.failures:
            problems.append(Problem(result.file, failure.pointer, "test-failed",
                                    f"测试用例“{result.name}”未通过:{failure.message_zh}",
                                    f"test case '{result.name}' failed: {failure.message_en}"))
    return problems
