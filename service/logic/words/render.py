"""Telling a JsonLogic rule in words.

``Teller(vocabulary).condition(rule)`` says what must hold (a clause);
``Teller(vocabulary).value(rule)`` names what a rule computes (a noun phrase).
Known shapes read as sentences (下属单位数不少于 1 个; 本季度谈心谈话记录不少于
1 次); an operator the teller does not know, or arguments of an unexpected
shape, read as the compact JSON of that part, so a rule from anywhere is told
without an error. Work is bounded: at most ``MAX_NODES`` parts are told and
nesting deeper than ``MAX_DEPTH`` is cut.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from .labels import Node
from .vocabulary import RECORDS_MARK, Vocabulary

MAX_DEPTH = 24
MAX_NODES = 400
FALLBACK_CHARS = 80
COMPARE = {">=", ">", "<=", "<", "==", "===", "!=", "!=="}
ITERATE = {"count_if", "filter", "some", "all", "none", "sum_of", "count_distinct", "map", "reduce"}
DATE_OPS = {"date", "today", "add_days", "add_months", "period_start", "period_end"}
_MISSING = object()


class _Budget(Exception):
    """Raised when a rule is too large or deep to tell; the part becomes a cut mark."""


@dataclass
class Said:
    """A told value: its words, the schema it has, its measure word, and what kind of thing it is."""

    text: str
    node: Node
    unit: str = ""
    kind: str = ""            # literal, number, field, count, collection, target, other
    literal: Any = _MISSING
    noun: str = ""            # a collection's noun (谈心谈话记录)
    period: str = ""          # a collection's period words (本季度)
    cond: str = ""            # a collection's condition (filter)
    bare: str = ""            # a count without its noun of number, for "… 不少于 1 次"


class Teller:
    """Tells rules in the words of one vocabulary."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocab = vocabulary
        self.p = vocabulary.phrases
        self.zh = self.p.locale == "zh"
        self.scopes: list[Node] = [vocabulary.root()]
        self.visited = 0
        self.depth = 0

    # -- entry points ------------------------------------------------------------------
    def condition(self, rule: Any) -> str:
        """The rule as a clause that is true when the rule is."""
        return self._guard(self._cond, rule)

    def value(self, rule: Any) -> str:
        """The rule as the value it computes."""
        return self._guard(lambda r: self._value(r).text, rule)

    def _guard(self, fn, rule):
        try:
            return fn(rule)
        except _Budget:
            return self._fallback(rule)
        except RecursionError:
            return self._fallback(rule)

    # -- bookkeeping ---------------------------------------------------------------------
    def _enter(self):
        self.visited += 1
        self.depth += 1
        if self.visited > MAX_NODES or self.depth > MAX_DEPTH:
            raise _Budget

    def _fallback(self, rule: Any) -> str:
        try:
            text = json.dumps(rule, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError, RecursionError):
            text = "…"
        if len(text) > FALLBACK_CHARS:
            text = text[:FALLBACK_CHARS] + "…"
        return self.p.say("fallback", json=text)

    @staticmethod
    def _op(rule: Any) -> tuple[str | None, Any]:
        if isinstance(rule, dict) and len(rule) == 1:
            op, args = next(iter(rule.items()))
            return op, args
        return None, None

    @staticmethod
    def _args(args: Any) -> list:
        return args if isinstance(args, list) else [args]

    # -- conditions -----------------------------------------------------------------------
    def _cond(self, rule: Any) -> str:
        self._enter()
        try:
            return self._cond_inner(rule)
        finally:
            self.depth -= 1

    def _cond_inner(self, rule: Any) -> str:
        op, args = self._op(rule)
        if op is None:
            if isinstance(rule, bool) or rule is None or isinstance(rule, (int, float, str)):
                return self.p["always"] if _truthy_literal(rule) else self.p["never"]
            if isinstance(rule, list):
                return self.p["always"] if rule else self.p["never"]
            return self._fallback(rule)
        if op in COMPARE and isinstance(args, list) and len(args) >= 2:
            return self._compare(op, args)
        if op in ("and", "or") and isinstance(args, list) and args:
            parts = [self._cond_part(a, op) for a in args]
            return self.p.join(parts, op)
        if op == "!":
            return self._negate(self._args(args)[0] if self._args(args) else None)
        if op == "!!":
            return self._cond(self._args(args)[0] if self._args(args) else None)
        if op == "in" and isinstance(args, list) and len(args) == 2:
            return self._in(args)
        if op in ("some", "all", "none") and isinstance(args, list) and len(args) == 2:
            coll = self._value(args[0])
            body = self._in_scope(coll, lambda: self._cond(args[1]))
            return self.p.say(op, arr=coll.text, c=body)
        if op == "missing":
            names = self._path_list(args)
            return self.p.say("missing", a=names) if names else self._fallback(rule)
        if op == "missing_some" and isinstance(args, list) and len(args) == 2:
            return self.p.say("missing_some", a=self._path_list(args[1]), n=self._literal_text(args[0]))
        if op == "exists":
            return self.p.say("exists", a=self._field(self._args(args)).text)
        if op == "in_period" and isinstance(args, list) and len(args) == 2:
            return self.p.say("in_period", a=self._value(args[0]).text, p=self._value(args[1]).text)
        if op in ("if", "?:") and isinstance(args, list):
            return self._if(args, self._cond)
        if op in ("var", "val"):
            said = self._value(rule)
            if said.node.is_boolean():
                return self.p.say("bool_true", a=said.text)
            return self.p.say("filled", a=said.text)
        if op in ("log", "preserve") and isinstance(args, list) and len(args) == 1:
            return self._cond(args[0])
        said = self._value(rule)
        return self.p.say("truthy", a=said.text)

    def _cond_part(self, rule: Any, joiner: str) -> str:
        """A clause inside and/or: grouped when it is itself the other of and/or."""
        text = self._cond(rule)
        op, args = self._op(rule)
        if op in ("and", "or") and op != joiner and isinstance(args, list) and len(args) > 1:
            return self.p.say("group", x=text)
        return text

    def _negate(self, rule: Any) -> str:
        op, args = self._op(rule)
        if op in ("var", "val"):
            said = self._value(rule)
            if said.node.is_boolean():
                return self.p.say("bool_false", a=said.text)
            return self.p.say("not_filled", a=said.text)
        if op == "missing":
            names = self._path_list(args)
            if names:
                return self.p.say("filled", a=names)
        if op == "!":
            return self._cond(self._args(args)[0] if self._args(args) else None)
        text = self._cond(rule)
        if op in ("and", "or"):
            text = self.p.say("group", x=text)
        return self.p.say("not", x=text)

    def _compare(self, op: str, args: list) -> str:
        if op in ("<", "<=") and len(args) == 3:
            low, x, high = (self._value(a) for a in args)
            return self.p.say("between", x=x.text, a=self._rhs(low, x), b=self._rhs(high, x))
        if len(args) > 2:
            pairs = [{op: [args[i], args[i + 1]]} for i in range(len(args) - 1)]
            return self.p.join([self._cond(pair) for pair in pairs], "and")
        left, right = self._value(args[0]), self._value(args[1])
        if left.kind == "literal" and right.kind != "literal" and op not in ("==", "===", "!=", "!=="):
            left, right, op = right, left, _FLIP[op]
        elif left.kind == "literal" and right.kind != "literal":
            left, right = right, left
        if op in ("==", "===") and left.kind == "count" and right.literal == 0 and left.noun:
            return self._count_zero(left)
        if op in ("==", "===", "!=", "!==") and left.node.is_boolean() and isinstance(right.literal, bool):
            positive = right.literal == (op in ("==", "==="))
            return self.p.say("bool_true" if positive else "bool_false", a=left.text)
        if op in ("==", "==="):
            return self.p.say("is", a=left.text, b=self._rhs(right, left).strip())
        if op in ("!=", "!=="):
            return self.p.say("is_not", a=left.text, b=self._rhs(right, left).strip())
        key = op + "date" if (left.node.is_date() or right.node.is_date()) else op
        return self.p.say(key, a=left.bare or left.text, b=self._rhs(right, left))

    def _rhs(self, right: Said, left: Said) -> str:
        """The right side of a comparison: a number with the left side's measure word (1 个, 1 次)."""
        if right.kind in ("number", "target") and isinstance(right.literal, (int, float)):
            unit = left.unit if left.kind in ("count", "field", "distinct") else ""
            number = self._literal_text(right.literal)
            return self.p.say("number", v=number) + (self.p.say("unit", unit=unit) if unit else "")
        if right.kind == "literal" and isinstance(right.literal, str):
            label = left.node.value_label(right.literal)
            return (" " if not self.zh else "") + self.p.say("quote", v=label or right.literal)
        return (" " if not self.zh else "") + right.text

    def _count_zero(self, count: Said) -> str:
        if not self.zh:
            return self.p.say("count_zero", coll=self._collection(count.period, count.cond, count.noun))
        return self.p.say("count_zero", period=count.period,
                          cond=self.p.say("count_cond", c=count.cond) if count.cond else "", coll=count.noun)

    def _in(self, args: list) -> str:
        needle, haystack = args
        if isinstance(haystack, list) and not self._op(haystack)[0]:
            subject = self._value(needle)
            options = [self.p.say("quote", v=(subject.node.value_label(v) or v) if isinstance(v, str) else
                                  self._literal_text(v)) for v in haystack[:20]]
            if len(haystack) > 20:
                options.append(self.p["cut"])
            return self.p.say("one_of", a=subject.text, b=self.p.join(options))
        hay = self._value(haystack)
        item = self._value(needle)
        if item.kind == "literal" and isinstance(item.literal, str):
            label = hay.node.value_label(item.literal)
            return self.p.say("contains", a=hay.text, b=self.p.say("quote", v=label or item.literal))
        return self.p.say("contains", a=hay.text, b=item.text)

    def _if(self, args: list, branch) -> str:
        parts = []
        i = 0
        while i + 1 < len(args):
            key = "if" if i == 0 else "elif"
            parts.append(self.p.say(key, c=self._cond(args[i]), a=branch(args[i + 1])))
            i += 2
        if i < len(args):
            text = branch(args[i])
            parts.append(self.p.say("else", a=text) if parts else text)
        return "".join(parts) if parts else self.p["never"]

    # -- values ---------------------------------------------------------------------------------
    def _value(self, rule: Any) -> Said:
        self._enter()
        try:
            return self._value_inner(rule)
        finally:
            self.depth -= 1

    def _value_inner(self, rule: Any) -> Said:
        op, args = self._op(rule)
        if op is None:
            return self._literal(rule)
        if op in ("var", "val"):
            return self._field(args, op)
        if op == "preserve":
            return self._literal(args)
        if op in ("count_if", "filter", "count_distinct", "sum_of", "map", "reduce") and isinstance(args, list) and args:
            return self._iteration(op, args)
        if op in ("+", "*", "-", "/") and args is not None:
            return self._arithmetic(op, self._args(args))
        if op == "%" and isinstance(args, list) and len(args) == 2:
            return self._other(self.p.say("%", a=self._value(args[0]).text, b=self._value(args[1]).text))
        if op in ("min", "max") and args is not None:
            return self._other(self.p.say(op, a=self.p.join([self._value(a).text for a in self._args(args)])))
        if op == "today":
            return self._other(self.p["today"], date=True)
        if op in ("days_between",) and isinstance(args, list) and len(args) == 2:
            return self._other(self.p.say(op, a=self._value(args[0]).text, b=self._value(args[1]).text))
        if op in ("add_days", "add_months") and isinstance(args, list) and len(args) == 2:
            return self._other(self.p.say(op, a=self._value(args[0]).text, n=self._value(args[1]).text), date=True)
        if op in ("year_of", "half_of", "quarter_of", "month_of", "period_start", "period_end", "date"):
            inner = self._args(args)
            if len(inner) == 1:
                return self._other(self.p.say(op, a=self._value(inner[0]).text), date=op in DATE_OPS)
        if op == "??" and isinstance(args, list) and len(args) >= 2:
            first = self._value(args[0])
            return Said(self.p.say("coalesce", a=first.text, b=self._value(args[1]).text), first.node, first.unit, "other")
        if op == "try" and isinstance(args, list) and len(args) >= 2:
            first = self._value(args[0])
            return Said(self.p.say("try", a=first.text, b=self._value(args[1]).text), first.node, first.unit, "other")
        if op == "throw":
            return self._other(self.p.say("throw", v=self._value(self._args(args)[0] if self._args(args) else None).text))
        if op in ("if", "?:") and isinstance(args, list):
            return self._other(self._if(args, lambda r: self._value(r).text))
        if op == "cat" and args is not None:
            return self._other(self.p.say("cat", a=self.p.join([self._value(a).text for a in self._args(args)])))
        if op == "substr" and isinstance(args, list) and args:
            return self._other(self.p.say("substr", a=self._value(args[0]).text))
        if op == "merge" and args is not None:
            return self._other(self.p.say("merge", a=self.p.join([self._value(a).text for a in self._args(args)])))
        if op == "missing":
            return self._other(self.p.say("missing_value", a=self._path_list(args)))
        if op == "log" and isinstance(args, list) and len(args) == 1:
            return self._value(args[0])
        if op in COMPARE or op in ("and", "or", "!", "!!", "in", "some", "all", "none", "in_period",
                                   "exists", "missing_some"):
            return self._other(self._cond(rule))
        return self._other(self._fallback(rule))

    def _other(self, text: str, date: bool = False) -> Said:
        node = Node({"type": "string", "format": "date"} if date else {}, None, self.p.locale)
        return Said(text, node, kind="other")

    def _literal(self, value: Any) -> Said:
        empty = Node.empty(self.p.locale)
        if isinstance(value, bool):
            return Said(self.p["true" if value else "false"], Node({"type": "boolean"}, None), kind="literal", literal=value)
        if value is None:
            return Said(self.p["null"], empty, kind="literal", literal=None)
        if isinstance(value, (int, float)):
            return Said(self._literal_text(value), empty, kind="number", literal=value)
        if isinstance(value, str):
            node = Node({"type": "string", "format": "date"}, None) if _looks_like_date(value) else empty
            return Said(self.p.say("quote", v=value), node, kind="literal", literal=value)
        if isinstance(value, list):
            parts = [self._value(v).text for v in value[:20]]
            if len(value) > 20:
                parts.append(self.p["cut"])
            return Said(self.p.join(parts), empty, kind="other")
        return Said(self._fallback(value), empty, kind="other")

    def _literal_text(self, value: Any) -> str:
        if isinstance(value, bool):
            return self.p["true" if value else "false"]
        if isinstance(value, float):
            if not math.isfinite(value):
                return str(value)
            if value.is_integer() and abs(value) < 1e15:
                return str(int(value))
            return repr(value)
        if isinstance(value, (int, str)):
            return str(value)
        if value is None:
            return self.p["null"]
        return self._fallback(value)

    # -- data access ------------------------------------------------------------------------------
    def _field(self, args: Any, op: str = "var") -> Said:
        """A var/val read: the field's title (or its key), with what its schema knows."""
        default = _MISSING
        if op == "var":
            if isinstance(args, list):
                path, default = (args[0] if args else "", args[1] if len(args) > 1 else _MISSING)
            else:
                path = args
            if path is None or path == "":
                keys: list | None = []
            elif isinstance(path, (int, float)) and not isinstance(path, bool):
                keys = [str(int(path)) if float(path).is_integer() else str(path)]
            elif isinstance(path, str):
                keys = path.split(".")
            else:
                keys = None
            scope = 0
        else:
            parts = args if isinstance(args, list) else [args]
            scope = 0
            if parts and isinstance(parts[0], list) and len(parts[0]) == 1 and isinstance(parts[0][0], (int, float)) \
                    and not isinstance(parts[0][0], bool):
                scope = min(abs(int(parts[0][0])), 64)
                parts = parts[1:]
            keys = parts if all(isinstance(k, (str, int)) and not isinstance(k, bool) for k in parts) else None
        if keys is None:
            return self._other(self.p.say("computed_path", a=self._value(args).text))
        said = self._path(keys, scope)
        if default is not _MISSING:
            said = Said(self.p.say("default", a=said.text, b=self._value(default).text), said.node, said.unit, said.kind)
        return said

    def _path(self, keys: list, scope: int) -> Said:
        index = len(self.scopes) - 1 - scope
        if index < 0:
            return self._other(self._fallback({"val": [[scope]] + list(keys)}))
        node = self.scopes[index]
        top = index == 0
        if not keys:
            return Said(self.p["whole_top" if top else "whole"], node, kind="field")
        if node.schema.get("x-words-index") and keys == ["index"]:
            return Said(self.p["index"], node.child("index"), kind="field")
        if top and self.vocab.check:
            special = self._check_field(keys)
            if special is not None:
                return special
        names = []
        for i, key in enumerate(keys):
            node = node.child(key)
            title = node.title()
            if title or i == len(keys) - 1:   # an untitled step (weights.commission) is left out
                names.append(title or str(key))
        text = names[0]
        for name in names[1:]:
            text = self.p.say("of", a=text, b=name)
        return Said(text, node, unit=node.unit(), kind="field")

    def _check_field(self, keys: list) -> Said | None:
        """records, target and period in check data: the item's period and target words."""
        root = self.scopes[0]
        if keys == ["records"]:
            node = root.child("records")
            return Said(node.title(), node, unit=self.p["count_measure"], kind="collection",
                        noun=node.title(), period=self.vocab.period_words())
        if keys == ["target"] and self.vocab.target is not None:
            return Said(self._literal_text(self.vocab.target), root.child("target"), kind="target",
                        literal=self.vocab.target)
        return None

    def _path_list(self, args: Any) -> str:
        names = args if isinstance(args, list) else [args]
        out = []
        for name in names[:20]:
            if isinstance(name, str):
                out.append(self._path(name.split(".") if name else [], 0).text)
            else:
                out.append(self._value(name).text)
        return self.p.join(out)

    # -- iterations --------------------------------------------------------------------------------
    def _in_scope(self, coll: Said, fn):
        index = Node({"x-words-index": True, "properties": {"index": {"type": "integer"}}}, None, self.p.locale)
        self.scopes += [index, coll.node.items()]
        try:
            return fn()
        finally:
            del self.scopes[-2:]

    def _collection(self, period: str, cond: str, noun: str) -> str:
        """本季度谈话对象身份包含“班子成员”的谈心谈话记录 / talk records this quarter where …"""
        cond_words = self.p.say("count_cond", c=cond) if cond else ""
        if self.zh:
            return period + cond_words + noun
        return noun + period + cond_words

    def _iteration(self, op: str, args: list) -> Said:
        coll = self._value(args[0])
        noun = coll.noun or coll.text
        if op in ("count_if", "filter"):
            cond = self._in_scope(coll, lambda: self._cond(args[1])) if len(args) > 1 else ""
            cond = self._both(coll.cond, cond)
            text = self._collection(coll.period, cond, noun)
            if op == "filter":
                return Said(text, coll.node, coll.unit, "collection", noun=noun, period=coll.period, cond=cond)
            bare = text if self.zh else self.p.say("count", coll=text)
            return Said(self.p.say("count", coll=text), Node({"type": "integer"}, None),
                        unit=coll.unit or self.p["items_measure"], kind="count", noun=noun,
                        period=coll.period, cond=cond, bare=bare)
        if op == "count_distinct" and len(args) == 2:
            field = self._in_scope(coll, lambda: self._value(args[1]).text)
            text = self.p.say("distinct", coll=self._collection(coll.period, coll.cond, noun), field=field)
            return Said(text, Node({"type": "integer"}, None), unit=self.p["distinct_measure"], kind="distinct")
        if op == "sum_of" and len(args) >= 2:
            x = self._in_scope(coll, lambda: self._value(args[1]).text)
            cond = self._in_scope(coll, lambda: self._cond(args[2])) if len(args) > 2 else ""
            cond = self._both(coll.cond, cond)
            return self._other(self.p.say("sum", coll=self._collection(coll.period, cond, noun), x=x))
        if op == "map" and len(args) == 2:
            x = self._in_scope(coll, lambda: self._value(args[1]).text)
            return self._other(self.p.say("map", coll=coll.text, x=x))
        if op == "reduce" and len(args) >= 2:
            item = coll.node.items()
            acc = Node({"properties": {"current": {**item.schema, "title": self.p["reduce_current"]},
                                       "accumulator": {"title": self.p["reduce_acc"]}}}, None, self.p.locale)
            self.scopes.append(acc)
            try:
                x = self._value(args[1]).text
            finally:
                self.scopes.pop()
            init = self._value(args[2]).text if len(args) > 2 else self.p["null"]
            return self._other(self.p.say("reduce", coll=coll.text, x=x, init=init))
        return self._other(self._fallback({op: args}))

    def _both(self, first: str, second: str) -> str:
        if first and second:
            return self.p.join([first, second], "and")
        return first or second

    def _arithmetic(self, op: str, args: list) -> Said:
        if op == "-" and len(args) == 1:
            return self._other(self.p.say("neg", a=self._operand(args[0])))
        if op == "/" and len(args) == 1:
            return self._other("1" + self.p["/"] + self._operand(args[0]))
        parts = [self._operand(a) for a in args]
        first = self._value(args[0]) if len(args) == 1 else None
        if first is not None and op in ("+", "*"):
            return first
        return self._other(self.p[op].join(parts))

    def _operand(self, rule: Any) -> str:
        said = self._value(rule)
        op, _ = self._op(rule)
        if op in ("+", "-", "*", "/", "%", "if", "?:", "??", "try"):
            return self.p.say("group", x=said.text)
        return said.text


_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}


def _truthy_literal(value: Any) -> bool:
    if isinstance(value, (list, str)):
        return bool(value)
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(value) or isinstance(value, dict)


def _looks_like_date(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit()
