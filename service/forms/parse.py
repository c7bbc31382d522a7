"""Turning a submitted form back into the JSON instance.

Names follow :mod:`service.forms.names`. Rules (each mirrors what
:mod:`render` emitted, so an unchanged form gives back the same instance):

* empty text/number/select controls of a property leave the property out
  (``null`` instead when the type is nullable and the property required);
  array items are always kept (an empty string item stays ``""``);
* numbers: ``"12"`` -> 12, ``"1.0"`` -> 1.0, integers always ``int``;
  text that is not a number is kept as text so validation can flag it;
* checkbox (required boolean): checked -> true, unchecked -> false;
  yes/no select: ``""`` -> absent, ``"true"``/``"false"`` -> booleans;
* arrays use ``<name>/__len`` (emitted by the form) for their length; an
  optional array with no items is left out;
* properties hidden by the current answers (inactive if/then/else branch,
  dependentSchemas, other oneOf alternatives, x-visible-if false) are dropped;
* ``const`` fields give the schema's constant, never the submitted text.
"""
from __future__ import annotations

import bisect
import copy
import json
from dataclasses import dataclass
from typing import Any, Iterable

from .codec import DEFAULT_OFFSET, decode_option, parse_number, parse_time_value
from .conditions import alt_node, discriminator_node, object_layout, schema_at, value_choice, _static
from .model import TRUE_SCHEMA, FormSchema, compile_form, schema_types
from .names import child_name, choice_control, name_to_pointer, unesc
from .schema_loader import SubmissionError
from .text import enum_options
from .widgets import boolean_widget, enum_encoding, registry

__all__ = ["parse_submission", "parse_choices", "apply_array_op", "read_post", "FormPost", "FormFields"]


class FormFields:
    """Submitted (name, value) pairs, with limits applied and a prefix index.

    A submission is untrusted: every name is bounded (length and segments)
    before anything else looks at it, and the index of name segments is the
    sorted list of names, read one prefix at a time, so the cost stays linear
    in the size of the body. With the form's schema (``fs``), names whose first
    segment the form does not have are kept out of the index (never read).
    """

    def __init__(self, fields: Any, limits, fs: FormSchema | None = None):
        pairs: Iterable
        if hasattr(fields, "items") and hasattr(fields, "getlist"):
            pairs = fields.items(multi=True)
        elif isinstance(fields, dict):
            pairs = [(k, v) for k, vs in fields.items() for v in (vs if isinstance(vs, list) else [vs])]
        else:
            pairs = fields
        self.values: dict[str, list[str]] = {}
        count = 0
        for name, value in pairs:
            count += 1
            if count > limits.max_fields:
                raise SubmissionError(f"提交的字段过多（上限 {limits.max_fields}）")
            if not isinstance(name, str):
                continue
            _check_name(name, limits)
            if not isinstance(value, str):
                continue        # uploaded files are the app's business
            if len(value) > limits.max_value_chars:
                raise SubmissionError(f"“{name[:60]}”的内容过长（上限 {limits.max_value_chars} 字）")
            self.values.setdefault(name, []).append(value)
        self._roots = _root_names(fs) if fs is not None else None
        self._sorted: list[str] | None = None
        self._seen: dict[str, set[str]] = {}

    def first(self, name: str) -> str | None:
        """First submitted value of a control, or None."""
        got = self.values.get(name)
        return got[0] if got else None

    def getlist(self, name: str) -> list[str]:
        """All submitted values of a control, in order."""
        return self.values.get(name, [])

    def children(self, prefix: str) -> set[str]:
        """Next name segments seen below ``prefix`` ('' for the root, else ending in '/')."""
        if self._sorted is None:
            roots = self._roots
            self._sorted = sorted(
                name for name in self.values
                # a name the form does not have is never read: keep it out of the index
                if roots is None or (head := name.split("/", 1)[0]) in roots or head.startswith("__"))
        hit = self._seen.get(prefix)
        if hit is not None:
            return hit
        # Names below a prefix are contiguous once sorted: one pass over them, no prefix strings built.
        names, start = self._sorted, len(prefix)
        out: set[str] = set()
        for i in range(bisect.bisect_left(names, prefix), len(names)):
            name = names[i]
            if not name.startswith(prefix):
                break
            end = name.find("/", start)
            out.add(name[start:] if end < 0 else name[start:end])
        self._seen[prefix] = out
        return out


def _check_name(name: str, limits) -> None:
    """Refuse a field name no form can have: too long or too deep."""
    if len(name) > limits.max_name_chars:
        raise SubmissionError(f"字段名过长（{len(name)} 字，上限 {limits.max_name_chars}）")
    if name.count("/") >= limits.max_name_segments:
        raise SubmissionError(f"字段名层级过深（上限 {limits.max_name_segments} 层）")


def _root_names(fs: FormSchema) -> frozenset[str] | None:
    """Escaped first segments the form may read (every property any branch may
    show), or None when the root takes properties it does not declare."""
    from .names import esc
    from .render import fs_allows_extra
    if fs_allows_extra(fs, fs.root):
        return None
    union, _ = _static(fs, fs.root)
    return frozenset(esc(name) for name in union)


def parse_choices(fields: Any) -> dict[str, int]:
    """The alternatives picked in the submission (``…__alt`` selectors), to pass
    to ``render_form(..., choices=...)`` so a refresh keeps the user's pick."""
    from .schema_loader import DEFAULT_LIMITS
    form = fields if isinstance(fields, FormFields) else FormFields(fields, DEFAULT_LIMITS)
    out = {}
    for name, values in form.values.items():
        if name.rsplit("/", 1)[-1].startswith("__alt") and values and values[0].isdigit():
            out[name] = int(values[0])
    return out


def parse_submission(schema: Any, fields: Any) -> dict:
    """Build the JSON instance from a submitted form (werkzeug MultiDict, a
    list of (name, value) pairs, or a dict of name -> value/list). Raises
    :class:`SubmissionError` when a limit is exceeded."""
    fs = compile_form(schema)
    form = FormFields(fields, fs.limits, fs)
    parser = _Parser(fs, form, parse_choices(form))
    return parser.object(fs.resolve(fs.root), fs.root, "", True)[1]


class _Parser:
    def __init__(self, fs: FormSchema, form: FormFields, choices: dict):
        self.fs, self.form, self.choices = fs, form, choices
        self._unanswered: set[int] = set()     # ids of parsed groups with no answer in them
        self._consts: set[str] = set()         # names parsed as constants (not answers)
        self._alt_depth: dict[str, int] = {}   # field name -> nested alternative depth

    def value(self, raw: Any, name: str, required: bool, item: bool = False) -> tuple[bool, Any]:
        node = self.fs.resolve(raw)
        kind = registry.kind(self.fs, node)
        if kind in ("object", "array", "file") and self.form.first(name + "/__json") is not None:
            kind = "fallback"       # a draft value of the wrong type was shown as raw JSON
        return getattr(self, kind)(node, raw, name, required, item)

    def _empty(self, node: dict, required: bool, item: bool) -> tuple[bool, Any]:
        _, nullable = schema_types(node)
        if item or (nullable and required):
            return True, None
        return False, None

    def string(self, node, raw, name, required, item):
        text = self.form.first(name)
        if text is None:
            return (True, "") if item else (False, None)
        text = text.replace("\r\n", "\n")
        if node.get("format") in ("date-time", "time") and text:
            kind = "time" if node["format"] == "time" else "datetime-local"
            offset = node.get("x-timezone") if isinstance(node.get("x-timezone"), str) else DEFAULT_OFFSET
            text = parse_time_value(text, self.form.first(name + "/__orig") or "", kind, offset)
        if text == "":
            return (True, "") if item else self._empty(node, required, item)
        return True, text

    def number(self, node, raw, name, required, item):
        text = self.form.first(name)
        if text is None or not text.strip():
            return self._empty(node, required, item) if text is not None or item else (False, None)
        return True, parse_number(text, integer=registry.kind(self.fs, node) == "integer")

    integer = number

    def boolean(self, node, raw, name, required, item):
        text = self.form.first(name)
        if boolean_widget(node, required or item).template == "checkbox":
            return True, text is not None
        if text is None or text == "":
            return self._empty(node, required, item) if text is not None else (item, None)
        return True, {"true": True, "false": False, "null": None}.get(text, text)

    def enum(self, node, raw, name, required, item):
        text = self.form.first(name)
        if text is None or text == "":
            return self._empty(node, required, item) if text is not None or item else (False, None)
        options = enum_options(self.fs, node, "zh-CN") or []
        return True, decode_option(text, options, enum_encoding(options))

    def multi(self, node, raw, name, required, item):
        texts = self.form.getlist(name)
        if not texts and self.form.first(name + "/__len") is None:
            return False, None
        options = enum_options(self.fs, self.fs.resolve(node.get("items")), "zh-CN") or []
        bare = enum_encoding(options)
        values = [decode_option(t, options, bare) for t in texts]
        return (True, values) if values or required or item else (False, None)

    def const(self, node, raw, name, required, item):
        self._consts.add(name)
        if self.form.first(name) is None:
            return (True, copy.deepcopy(node["const"])) if item else (False, None)
        return True, copy.deepcopy(node["const"])

    def object(self, node, raw, name, required, item=False):
        from .render import fs_allows_extra
        prefix = name + "/" if name else ""
        value: dict = {}
        signature = None
        for _ in range(6):      # conditions depend on answers: repeat until the layout is stable
            layout = object_layout(self.fs, raw, value, prefix=prefix, choices=self.choices)
            sig = ([n for n, _ in layout.props], sorted(layout.required))
            if sig == signature:
                break
            signature = sig
            value = {}
            discs = {c.discriminator: c for c in layout.choices if c.discriminator}
            for pname, pschema in layout.props:
                if pname in discs:
                    pschema = discriminator_node(self.fs, discs[pname], pschema, "zh-CN")
                present, v = self.value(pschema, child_name(name, pname), pname in layout.required)
                if present:
                    value[pname] = v
        if fs_allows_extra(self.fs, raw):
            union, _ = _static(self.fs, raw)
            known = set(union)
            for seg in self.form.children(prefix):
                key = unesc(seg)
                if key in known or seg.startswith("__") or key in value:
                    continue
                present, v = self.fallback(node, raw, child_name(name, key), False, False)
                if present:
                    value[key] = v
        answered = any(self._answered(v) for k, v in value.items()
                       if child_name(name, k) not in self._consts)
        if not answered:
            self._unanswered.add(id(value))
        if required or item or answered or self.form.first(prefix + "__obj") is not None:
            return True, value
        return False, None

    def _answered(self, value: Any) -> bool:
        """Whether a parsed value holds an answer: an unchecked box, an empty list,
        a constant or a group of those is what an untouched optional group gives."""
        if isinstance(value, dict):
            return id(value) not in self._unanswered and any(self._answered(v) for v in value.values())
        if isinstance(value, list):
            return bool(value)
        if isinstance(value, bool):
            return value
        return value is not None

    def array(self, node, raw, name, required, item):
        count = self._count(name)
        if count is None:
            return False, None
        items_raw = node.get("items", TRUE_SCHEMA)
        values = [self.value(items_raw, child_name(name, str(i)), True, item=True)[1] for i in range(count)]
        return (True, values) if values or required or item else (False, None)

    def _count(self, name: str) -> int | None:
        text = self.form.first(name + "/__len")
        if text is not None and text.isdigit():
            count = int(text)
        else:
            indices = [int(s) for s in self.form.children(name + "/") if s.isdigit()]
            if not indices:
                return None
            count = max(indices) + 1
        if count > self.fs.limits.max_items:
            raise SubmissionError(f"列表项过多（上限 {self.fs.limits.max_items} 项）")
        return count

    def file(self, node, raw, name, required, item):
        refs = []
        for text in self.form.getlist(name + "/__file"):
            try:
                ref = json.loads(text)
            except (ValueError, RecursionError):
                continue
            if isinstance(ref, dict):
                refs.append(ref)
        if "array" in schema_types(node)[0]:
            if refs or required or item:
                return True, refs
            return False, None
        return (True, refs[0]) if refs else (False, None)

    def choice(self, node, raw, name, required, item):
        depth = self._alt_depth.get(name, 0)
        selected = self.form.first(choice_control(name, depth))
        choice = value_choice(self.fs, node, None, int(selected) if selected and selected.isdigit() else None)
        if choice is None:
            return self.fallback(node, raw, name, required, item)
        self._alt_depth[name] = depth + 1
        try:
            return self.value(alt_node(self.fs, node, choice.keyword, choice.index), name, required, item)
        finally:
            self._alt_depth[name] = depth

    def fallback(self, node, raw, name, required, item):
        text = self.form.first(name + "/__json")
        if text is None or text.strip() == "":
            return (True, None) if item else (False, None)
        try:
            return True, json.loads(text)
        except (ValueError, RecursionError):     # hostile nesting stays plain text
            return True, text


def _new_item(fs: FormSchema, items_raw: Any) -> Any:
    node = fs.resolve(items_raw)
    if "default" in node:
        return copy.deepcopy(node["default"])
    if "const" in node:
        return copy.deepcopy(node["const"])
    kind = registry.kind(fs, node)
    return {"object": {}, "array": [], "multi": [], "string": "", "boolean": False}.get(kind)


def _locate(data: Any, tokens: list[str]) -> Any:
    for token in tokens:
        if isinstance(data, dict):
            data = data.get(token)
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return None
    return data


def apply_array_op(schema: Any, data: Any, op: str) -> dict:
    """Apply a form button's ``__op`` value to the answers and return new answers.

    ``op`` is ``add:/ptr`` (append an item to the array at ptr), ``remove:/ptr/i``,
    ``up:/ptr/i``, ``down:/ptr/i`` or ``clear:/ptr`` (drop a field, e.g. a stored
    file). minItems/maxItems are honoured (the op is ignored at the limit);
    an unknown or malformed op leaves the answers unchanged."""
    fs = compile_form(schema)
    data = copy.deepcopy(data) if isinstance(data, dict) else {}
    action, _, pointer = (op or "").partition(":")
    if not pointer.startswith("/"):
        return data
    tokens = [unesc(t) for t in pointer.split("/")[1:]]
    if action == "add":
        node = schema_at(fs, data, pointer)
        if node is None:
            return data
        node = fs.resolve(node)
        parent = _locate(data, tokens[:-1])
        arr = _locate(data, tokens)
        if arr is None and isinstance(parent, dict):
            arr = parent[tokens[-1]] = []
        if not isinstance(arr, list):
            return data
        high = min(node.get("maxItems", fs.limits.max_items), fs.limits.max_items)
        if len(arr) < high:
            arr.append(_new_item(fs, node.get("items", TRUE_SCHEMA)))
        return data
    if action == "clear":
        parent = _locate(data, tokens[:-1])
        if isinstance(parent, dict):
            parent.pop(tokens[-1], None)
        elif isinstance(parent, list) and tokens[-1].isdigit() and int(tokens[-1]) < len(parent):
            parent.pop(int(tokens[-1]))
        return data
    if action in ("remove", "up", "down") and tokens and tokens[-1].isdigit():
        array_ptr = "/" + "/".join(pointer.split("/")[1:-1])
        arr = _locate(data, tokens[:-1])
        i = int(tokens[-1])
        node = schema_at(fs, data, array_ptr)
        if not isinstance(arr, list) or not 0 <= i < len(arr) or node is None:
            return data
        node = fs.resolve(node)
        if action == "remove":
            low = node.get("minItems", 0) if isinstance(node.get("minItems"), int) else 0
            if len(arr) > low:
                arr.pop(i)
        elif action == "up" and i > 0:
            arr[i - 1], arr[i] = arr[i], arr[i - 1]
        elif action == "down" and i < len(arr) - 1:
            arr[i + 1], arr[i] = arr[i], arr[i + 1]
    return data


@dataclass
class FormPost:
    """Everything an endpoint needs from one submission of a rendered form."""
    data: dict                      # the answers, with ``op`` already applied
    choices: dict[str, int]         # picked alternatives, for render_form(choices=...)
    op: str | None                  # the array/file button pressed (``__op``), if any
    field: str | None               # the field an inline-validation request is about (``__field``)
    shown: tuple[str, ...] = ()     # fields whose errors the page shows (``__shown``), as pointers
    summary: bool = False           # whether the page shows the error summary (``__summary``)

    def visible(self, errors: list) -> list:
        """The errors the page should show after this request: those of the field
        just changed and of fields already showing one (until they are fixed);
        untouched fields stay quiet until the form is submitted."""
        pointers = set(self.shown) | ({name_to_pointer(self.field)} if self.field else set())
        return [e for e in errors
                if any(e.path == p or e.path.startswith(p + "/") for p in pointers)]


def read_post(schema: Any, fields: Any) -> FormPost:
    """Parse a submission and apply the pressed ``__op`` button in one step —
    the same call serves the no-JS post, the htmx refresh and inline validation."""
    fs = compile_form(schema)
    form = FormFields(fields, fs.limits, fs)
    choices = parse_choices(form)
    data = _Parser(fs, form, choices).object(fs.resolve(fs.root), fs.root, "", True)[1]
    op = form.first("__op")
    if op:
        data = apply_array_op(fs, data, op)
    shown = tuple(name_to_pointer(n) for n in form.getlist("__shown") if n)
    return FormPost(data, choices, op, form.first("__field"), shown, form.first("__summary") == "1")
