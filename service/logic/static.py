"""Static checks of a rule against the JSON Schema of the data it will see.

``check_rule`` walks the rule without running it and reports, with a JSON
pointer into the rule: unknown operators, wrong argument counts, var/val paths
the schema cannot have, comparisons between incompatible types (a date string
against a number, arrays or objects), and scoped iterations over something
that is not an array. Inside an iteration, paths resolve against the array's
item schema (and ``val`` scope levels against the enclosing scopes).

Keys an object schema does not declare are reported unless the schema allows
them (``additionalProperties`` true or a schema, or a matching
``patternProperties``); a schema with no constraints allows anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import re2

from .compiler import escape_pointer, measure
from .errors import RuleCompileError
from .limits import DEFAULT_LIMITS
from .operators import OPERATORS

ANY = object()  # a schema that allows anything
NUMBER, STRING, DATE = "number", "string", "date"

ARITY = {
    "var": (0, 2), "missing_some": (2, 2), "in": (2, 2), "substr": (1, 3),
    "map": (2, 2), "filter": (2, 2), "all": (2, 2), "some": (2, 2), "none": (2, 2),
    "reduce": (2, 3), "count_if": (1, 2), "sum_of": (2, 3), "count_distinct": (2, 2),
    "days_between": (2, 2), "add_days": (2, 2), "add_months": (2, 2), "in_period": (2, 2),
    "date": (1, 1), "year_of": (1, 1), "half_of": (1, 1), "quarter_of": (1, 1), "month_of": (1, 1),
    "period_start": (1, 1), "period_end": (1, 1), "today": (0, 0), "throw": (1, 1),
    "-": (1, None), "/": (1, None), "%": (2, None), "max": (1, None), "min": (1, None),
    "!": (0, 1), "!!": (0, 1),
    "==": (2, None), "!=": (2, None), "===": (2, None), "!==": (2, None),
    "<": (2, None), "<=": (2, None), ">": (2, None), ">=": (2, None),
}
NEEDS_ARRAY = {"if", "?:", "and", "or", "==", "!=", "===", "!==", "<", "<=", ">", ">=",
               "map", "filter", "reduce", "all", "some", "none", "missing_some", "in"}
COMPARISONS = {"==", "!=", "===", "!==", "<", "<=", ">", ">="}
ITERATIONS = {"map", "filter", "reduce", "all", "some", "none", "count_if", "sum_of", "count_distinct"}
RESULT_TYPES = {
    **{op: frozenset({"boolean"}) for op in COMPARISONS | {"!", "!!", "in", "all", "some", "none", "in_period", "exists"}},
    **{op: frozenset({NUMBER}) for op in ("+", "-", "*", "/", "%", "min", "max", "count_if", "sum_of",
                                            "count_distinct", "days_between", "year_of")},
    **{op: frozenset({STRING}) for op in ("cat", "substr", "half_of", "quarter_of", "month_of")},
    **{op: frozenset({DATE}) for op in ("date", "today", "add_days", "add_months", "period_start", "period_end")},
    **{op: frozenset({"array"}) for op in ("map", "filter", "merge", "missing", "missing_some")},
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INDEX_SCHEMA = {"type": "object", "properties": {"index": {"type": "integer"}}}


@dataclass
class Problem:
    """One problem found in a rule: where (JSON pointer into the rule), what (code), why (message)."""

    pointer: str
    code: str
    message: str
    message_zh: str = ""


class _Checker:
    def __init__(self, schema):
        self.root = schema
        self.problems: list[Problem] = []

    def report(self, pointer, code, message, message_zh):
        self.problems.append(Problem(pointer, code, message, message_zh))

    # -- schema navigation -------------------------------------------------------
    def resolve(self, schema, seen=()):
        """Follow $ref (local pointers only) and return the target schema or ANY."""
        if schema is ANY or schema is True or schema is None:
            return ANY
        if schema is False:
            return False
        if not isinstance(schema, dict):
            return ANY
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref not in seen and len(seen) < 32:
            if ref.startswith("#"):
                target = self.root
                for token in [t for t in ref[1:].split("/") if t]:
                    token = token.replace("~1", "/").replace("~0", "~")
                    target = target.get(token) if isinstance(target, dict) else None
                if target is None:
                    return ANY
                merged = {k: v for k, v in schema.items() if k != "$ref"}
                resolved = self.resolve(target, seen + (ref,))
                if resolved is ANY or resolved is False or not merged:
                    return resolved
                return {"allOf": [resolved, merged]}
            return ANY
        return schema

    def branches(self, schema):
        """The alternatives of a schema: allOf/anyOf/oneOf flattened (as a union)."""
        schema = self.resolve(schema)
        if schema is ANY or schema is False:
            return [schema]
        out = []
        combined = False
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key, []) or []:
                combined = True
                out.extend(self.branches(sub))
        rest = {k: v for k, v in schema.items() if k not in ("allOf", "anyOf", "oneOf")}
        if rest or not combined:
            out.append(rest)
        return out

    def child(self, schema, key):
        """Schemas the value at ``key`` may have; [] when the schema cannot have that key."""
        found = []
        for branch in self.branches(schema):
            if branch is ANY:
                return [ANY]
            if branch is False:
                continue
            found.extend(self._child_of_branch(branch, key))
        return found

    def _child_of_branch(self, branch, key):
        types = _schema_types(branch)
        index = _as_index(key)
        out = []
        if types is None or "array" in types:
            if index is not None:
                prefix = branch.get("prefixItems")
                if isinstance(prefix, list) and index < len(prefix):
                    out.append(prefix[index])
                elif branch.get("items", True) is not False:
                    out.append(branch.get("items", ANY))
        if types is None or "object" in types:
            props = branch.get("properties")
            name = key if isinstance(key, str) else str(key)
            if isinstance(props, dict) and name in props:
                out.append(props[name])
            else:
                for pattern, sub in (branch.get("patternProperties") or {}).items():
                    try:  # re2: linear time, so a schema's pattern cannot hang the check
                        if re2.search(pattern, name):
                            out.append(sub)
                    except Exception:  # an unsupported or invalid pattern: assume it may match
                        out.append(ANY)
                extra = branch.get("additionalProperties")
                declared = isinstance(props, dict) or "patternProperties" in branch
                if extra is True or isinstance(extra, dict):
                    out.append(extra if isinstance(extra, dict) else ANY)
                elif extra is None and not declared:
                    out.append(ANY)
        return out

    def path(self, schema, keys):
        """Schemas reachable by a key path, or [] if the path is impossible."""
        current = [schema]
        for key in keys:
            nxt = []
            for s in current:
                nxt.extend(self.child(s, key))
            if not nxt:
                return []
            if any(s is ANY for s in nxt):
                return [ANY]
            current = nxt
        return current

    def types_of(self, schemas):
        """JSON types a value of these schemas can have (None: unknown)."""
        out = set()
        for schema in schemas:
            for branch in self.branches(schema):
                if branch is ANY:
                    return None
                if branch is False:
                    continue
                t = _schema_types(branch)
                if t is None:
                    return None
                out |= t
        return frozenset(out) if out else None

    def item_schema(self, schemas):
        """What an element of an array of these schemas looks like."""
        items = []
        for schema in schemas:
            items.extend(self.child(schema, 0))
        if not items or any(s is ANY for s in items):
            return ANY
        return {"anyOf": items} if len(items) > 1 else items[0]

    # -- rule walk ----------------------------------------------------------------
    def walk(self, node, pointer, scopes):
        """Check a node; return its inferred types (None if unknown) and, for data reads, its schemas."""
        if isinstance(node, list):
            for i, item in enumerate(node):
                self.walk(item, f"{pointer}/{i}", scopes)
            return frozenset({"array"}), None
        if not isinstance(node, dict):
            return _literal_types(node), None
        if len(node) != 1:
            if node:
                self.report(pointer, "unknown_operator", "an operation object must have exactly one key",
                            "运算对象只能有一个键")
            return frozenset({"object"}), None
        (op, args), = node.items()
        here = f"{pointer}/{escape_pointer(op)}"
        if op not in OPERATORS:
            self.report(pointer, "unknown_operator", f"unknown operator {op!r}", f"未知运算符 {op!r}")
            return None, None
        if op == "preserve":
            return _literal_types(args), None
        if op in NEEDS_ARRAY and not isinstance(args, list):
            self.report(here, "invalid_arguments", f"{op} needs an array of arguments", f"{op} 的参数必须是数组")
            return RESULT_TYPES.get(op), None
        if isinstance(args, list) and op in ARITY:
            lo, hi = ARITY[op]
            if len(args) < lo or (hi is not None and len(args) > hi):
                want = str(lo) if lo == hi else f"{lo}..{hi if hi is not None else 'n'}"
                self.report(here, "arity", f"{op} takes {want} arguments, got {len(args)}",
                            f"{op} 需要 {want} 个参数，实际为 {len(args)} 个")
        if op in ("var", "val"):
            return self.check_read(op, args, here, scopes)
        if op in ITERATIONS and isinstance(args, list) and args:
            return self.check_iteration(op, args, here, scopes)
        items = args if isinstance(args, list) else [args]
        types = [self.walk(a, f"{here}/{i}" if isinstance(args, list) else here, scopes)[0] for i, a in enumerate(items)]
        if op in COMPARISONS:
            self.check_comparison(op, types, items, here)
        return RESULT_TYPES.get(op), None

    def check_read(self, op, args, pointer, scopes):
        items = args if isinstance(args, list) else [args]
        if any(isinstance(a, (dict, list)) and not (op == "val" and i == 0 and _level(a) is not None)
               for i, a in enumerate(items[:1] if op == "var" else items)):
            for i, a in enumerate(items):
                self.walk(a, f"{pointer}/{i}", scopes)
            return None, None
        if op == "var":
            path = items[0] if items else None
            keys = [] if path in (None, "") else (path.split(".") if isinstance(path, str) else [path])
            base = scopes[-1]
            shown = path
            if len(items) > 1:
                self.walk(items[1], f"{pointer}/1", scopes)
        else:
            level = _level(items[0]) if items else None
            keys = list(items[1:] if level is not None else items)
            base = scopes[max(len(scopes) - 1 - level, 0)] if level is not None else scopes[-1]
            shown = "/".join(map(str, keys))
        schemas = self.path(base, keys)
        if not schemas:
            self.report(pointer, "unknown_path", f"the data cannot have {shown!r} here",
                        f"数据中不存在路径 {shown!r}")
            return None, None
        return self.types_of(schemas), schemas

    def check_iteration(self, op, args, pointer, scopes):
        types, schemas = self.walk(args[0], f"{pointer}/0", scopes)
        if types is not None and "array" not in types:
            kinds = "/".join(sorted(types))
            self.report(f"{pointer}/0", "not_an_array", f"{op} iterates over {kinds}, not an array",
                        f"{op} 的第一个参数是 {kinds}，不是数组")
        item = self.item_schema(schemas) if schemas else ANY
        if op == "reduce":
            item = {"type": "object", "properties": {"current": item if item is not ANY else {}, "accumulator": {}}}
        inner = scopes + [_INDEX_SCHEMA, item]
        body = args[1:2] if op == "reduce" else args[1:]
        for i, a in enumerate(body, start=1):
            self.walk(a, f"{pointer}/{i}", inner)
        if op == "reduce" and len(args) > 2:
            self.walk(args[2], f"{pointer}/2", scopes)
        return RESULT_TYPES.get(op), None

    def check_comparison(self, op, types, items, pointer):
        for i in range(len(types) - 1):
            a, b = types[i], types[i + 1]
            if a is None or b is None:
                continue
            clash = None
            if a <= {"array", "object"} or b <= {"array", "object"}:
                clash = "arrays and objects cannot be compared"
            elif (a <= {DATE} and b <= {NUMBER}) or (a <= {NUMBER} and b <= {DATE}):
                clash = "a date is compared with a number"
            elif (a <= {NUMBER} and _non_numeric(items[i + 1])) or (b <= {NUMBER} and _non_numeric(items[i])):
                clash = "a number is compared with a non-numeric string"
            if clash:
                self.report(pointer, "type_mismatch", f"{op}: {clash}", f"{op}：比较的两边类型不兼容")


def _level(value):
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], (int, float)) and not isinstance(value[0], bool):
        return abs(int(value[0]))
    return None


def _as_index(key):
    if isinstance(key, int) and not isinstance(key, bool) and key >= 0:
        return key
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return int(key)
    return None


def _non_numeric(node):
    if not isinstance(node, str):
        return False
    try:
        float(node.strip() or "0")
        return False
    except ValueError:
        return True


def _literal_types(value):
    if value is None:
        return frozenset({"null"})
    if isinstance(value, bool):
        return frozenset({"boolean"})
    if isinstance(value, (int, float)):
        return frozenset({NUMBER})
    if isinstance(value, str):
        return frozenset({DATE}) if _ISO_DATE.match(value) else frozenset({STRING})
    if isinstance(value, list):
        return frozenset({"array"})
    return frozenset({"object"})


def _schema_types(schema):
    """The JSON types one schema branch allows (None: unconstrained)."""
    t = schema.get("type")
    names = [t] if isinstance(t, str) else t if isinstance(t, list) else None
    if names is None:
        if "const" in schema:
            return _literal_types(schema["const"])
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            out = set()
            for v in schema["enum"]:
                out |= _literal_types(v)
            return frozenset(out)
        if "properties" in schema:
            return frozenset({"object"})
        if "items" in schema or "prefixItems" in schema:
            return frozenset({"array"})
        return None
    out = set()
    for name in names:
        if name == "integer":
            out.add(NUMBER)
        elif name == "string" and schema.get("format") in ("date", "date-time"):
            out.add(DATE)
        else:
            out.add(name)
    return frozenset(out)


def check_rule(rule, schema) -> list[Problem]:
    """Problems of ``rule`` for data described by the JSON Schema ``schema`` (empty list: none found)."""
    try:
        measure(rule, DEFAULT_LIMITS)
    except RuleCompileError as exc:
        return [Problem("", "limit", exc.message, "规则过大或嵌套过深")]
    checker = _Checker(schema if schema is not None else True)
    try:
        checker.walk(rule, "", [_root(schema)])
    except RecursionError:
        return checker.problems + [Problem("", "limit", "the schema is too deeply nested or refers to itself",
                                           "数据结构定义嵌套过深或循环引用")]
    reported = {p.pointer for p in checker.problems}
    from .compiler import compile_rule

    try:
        compile_rule(rule)
    except RuleCompileError as exc:
        if exc.pointer not in reported and not checker.problems:
            checker.report(exc.pointer, "invalid_arguments", exc.message, "规则无法编译：" + exc.message)
    return checker.problems


def _root(schema):
    return ANY if schema in (None, True, {}) else schema
