"""Server-side rendering: schema + answers -> view tree -> Jinja2 templates.

``render_form`` returns the fields body wrapped in ``<div class="dl-form"
id=...>`` (error summary first); the app supplies the ``<form>`` element with
its action, CSRF token and ``novalidate`` (the server validates, with Chinese
messages).
"""
from __future__ import annotations

import json
from urllib.parse import quote
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from .codec import number_text, option_value, picker_value, valid_date
from .conditions import Choice, alt_node, discriminator_node, object_layout, value_choice
from .messages import human_size, msg, norm_locale
from .model import TRUE_SCHEMA, FormSchema, compile_form, deepcopy_json, schema_types
from .names import child_name, choice_control, field_id, name_to_pointer, pointer_to_name
from .text import enum_options, text, title, value_text
from .widgets import boolean_widget, enum_encoding, must_tick, registry

__all__ = ["render_form", "render_field", "FieldView"]

env = Environment(loader=PackageLoader("service.forms", "templates"),
                  autoescape=select_autoescape(default=True, default_for_string=True),
                  auto_reload=False, trim_blocks=True, lstrip_blocks=True, cache_size=-1)
_MACROS: dict = {}


def _field(view: "FieldView"):
    """Draw one field with its widget's ``render`` macro (templates/forms/widgets/<t>.html)."""
    macro = _MACROS.get(view.template)
    if macro is None:
        macro = _MACROS[view.template] = env.get_template(f"forms/widgets/{view.template}.html").module.render
    return macro(view)


def _attrs(attrs: dict) -> Markup:
    """Attribute string; keys are ours, values are escaped (schema text is untrusted)."""
    return Markup("".join(f' {k}="{escape(v)}"' for k, v in attrs.items() if v is not None))


env.globals["field"] = _field
env.filters["attrs"] = _attrs
for _widget in {registry.widget(k, {"x-widget": key}) for k, key in registry.names()}:
    _field.__globals__["_MACROS"][_widget.template] = env.get_template(
        f"forms/widgets/{_widget.template}.html").module.render      # compile once at import
for _name in ("forms/form.html", "forms/field.html"):
    env.get_template(_name)


@dataclass
class FieldView:
    """What a widget template needs to draw one field."""
    kind: str
    template: str
    name: str
    id: str
    label: str
    description: str = ""
    required: bool = False
    errors: list[str] = field(default_factory=list)
    value: str = ""
    input_type: str = "text"
    attrs: dict = field(default_factory=dict)
    options: list[dict] = field(default_factory=list)
    children: list["FieldView"] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    buttons: list[dict] = field(default_factory=list)
    hidden: list[tuple[str, str]] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    note: str = ""
    flagged: bool = False


class _Ctx:
    def __init__(self, fs: FormSchema, locale: str, errors, options: dict):
        self.fs = fs
        self.locale = norm_locale(locale)
        self.hx = options.get("hx") or None
        self.form_id = str(options.get("form_id") or "dl-form")
        self.file_url = options.get("file_url")
        self.choices = dict(options.get("choices") or {})
        self.fill_defaults = options.get("fill_defaults")
        self.label_override: str | None = None        # array item labels (第 n 项)
        self.alt_depth: dict[str, int] = {}            # field name -> nested alternative depth
        self.index: dict[str, tuple[str, str]] = {}     # pointer -> (field id, label)
        self.errors: dict[str, list[str]] = {}
        self.error_list: list[tuple[str, str]] = []
        for err in errors or []:
            path = err.get("path", "") if isinstance(err, dict) else getattr(err, "path", "")
            message = err.get("message", "") if isinstance(err, dict) else getattr(err, "message", "")
            self.errors.setdefault(path, []).append(message)
            self.error_list.append((path, message))

    def m(self, key: str, **kw) -> str:
        return msg(self.locale, key, **kw)


def _ids(ctx: _Ctx, name: str) -> str:
    return field_id(ctx.form_id, name)


def _base(ctx: _Ctx, kind: str, template: str, node: dict, name: str, required: bool,
          label: str) -> FieldView:
    fid = _ids(ctx, name)
    pointer = name_to_pointer(name)
    shown = ctx.label_override or title(node, label, ctx.locale)
    ctx.label_override = None
    view = FieldView(kind, template, name, fid, shown,
                     text(node, "description", ctx.locale), required,
                     ctx.errors.get(pointer, []))
    ctx.index[pointer] = (fid, view.label)
    return view


def _control_attrs(ctx: _Ctx, view: FieldView, node: dict, trigger: bool) -> dict:
    """id/name/aria/htmx attributes of the input element(s)."""
    attrs = {"id": view.id, "name": view.name}
    described = []
    if view.description:
        described.append(view.id + "-desc")
    if view.errors:
        attrs["aria-invalid"] = "true"
        described.append(view.id + "-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if view.required:
        attrs["aria-required"] = "true"
    if node.get("readOnly") is True:
        attrs["readonly"] = "readonly"
    placeholder = text(node, "x-placeholder", ctx.locale)
    if placeholder:
        attrs["placeholder"] = placeholder
    attrs.update(_hx(ctx, view, trigger))
    return attrs


def _swap(ctx: _Ctx) -> str:
    # "morph:outerHTML" (htmx's idiomorph extension) keeps focus, typing and the
    # very button a user is clicking while a refresh lands; plain outerHTML otherwise.
    return str(ctx.hx.get("swap") or "outerHTML")


def _hx(ctx: _Ctx, view: FieldView, trigger: bool) -> dict:
    if not ctx.hx:
        return {}
    if trigger and ctx.hx.get("refresh"):
        # __field: the refresh shows this field's own error at once
        return {"hx-post": ctx.hx["refresh"], "hx-trigger": "change", "hx-target": "#" + ctx.form_id,
                "hx-swap": _swap(ctx), "hx-include": "closest form", "hx-vals": json.dumps({"__field": view.name})}
    if ctx.hx.get("validate_field"):
        return {"hx-post": ctx.hx["validate_field"], "hx-trigger": "change",
                "hx-target": "#" + view.id + "-wrap", "hx-swap": _swap(ctx),
                "hx-include": "closest form", "hx-vals": json.dumps({"__field": view.name})}
    return {}


def _op_button(ctx: _Ctx, op: str, pointer: str, label_key: str, label: str = "") -> dict:
    attrs = {"type": "submit", "name": "__op", "value": f"{op}:{pointer}", "formnovalidate": "formnovalidate",
             "class": f"dl-op dl-op-{op}"}
    if label:
        attrs["aria-label"] = f"{ctx.m(label_key)} {label}"
    if ctx.hx and ctx.hx.get("refresh"):
        attrs.update({"hx-post": ctx.hx["refresh"], "hx-target": "#" + ctx.form_id,
                      "hx-swap": _swap(ctx), "hx-include": "closest form"})
    return {"attrs": attrs, "label": ctx.m(label_key)}


def build(ctx: _Ctx, raw: Any, name: str, value: Any, present: bool, required: bool,
          label: str, trigger: bool = False, item: bool = False) -> FieldView:
    """View of one field (recursively for objects and arrays)."""
    fs = ctx.fs
    node = fs.resolve(raw)
    if not present and ctx.fill_defaults and "default" in node:
        value, present = deepcopy_json(node["default"]), True
    kind = registry.kind(fs, node)
    return _BUILDERS.get(kind, _fallback)(ctx, node, raw, kind, name, value, present, required,
                                          label, trigger, item)


def _string(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    widget = registry.widget("string", node)
    template, input_type = widget.template, widget.input_type
    flagged = present and not isinstance(value, str) and value is not None
    s = value if isinstance(value, str) else (value_text(value) if flagged else "")
    hidden = []
    if flagged:
        template, input_type = "input", "text"
    elif template == "input" and ("\n" in s or "\r" in s):
        template = "textarea"           # a text input would drop the line breaks
    elif input_type == "date" and s and not valid_date(s):
        input_type = "text"
    elif template == "datetime":
        shown = picker_value(s, input_type) if s else ""
        if shown is None:
            template, input_type = "input", "text"     # the picker can't show it exactly
        else:
            hidden.append((name + "/__orig", s))
            s = shown
    view = _base(ctx, "string", template, node, name, required, label)
    view.input_type, view.value, view.flagged, view.hidden = input_type, s, flagged, hidden
    if flagged:
        view.errors = view.errors or [ctx.m("bad_value", value=s)]
    view.attrs = _control_attrs(ctx, view, node, trigger)
    if template == "textarea":
        rows = node.get("x-rows")
        view.attrs["rows"] = str(rows if isinstance(rows, int) else 4)
    return view


def _number(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    flagged = present and value is not None and not numeric
    view = _base(ctx, kind, "input", node, name, required, label)
    view.value = number_text(value) if numeric else (value_text(value) if flagged else "")
    view.input_type = "text" if flagged else "number"
    view.flagged = flagged
    if flagged:
        view.errors = view.errors or [ctx.m("bad_value", value=view.value)]
    view.attrs = _control_attrs(ctx, view, node, trigger)
    if not flagged:
        step = node.get("multipleOf")
        view.attrs["step"] = number_text(step) if isinstance(step, (int, float)) else (
            "1" if kind == "integer" else "any")
        for key, attr in (("minimum", "min"), ("maximum", "max")):
            if isinstance(node.get(key), (int, float)) and not isinstance(node.get(key), bool):
                view.attrs[attr] = number_text(node[key])
    view.attrs["inputmode"] = "numeric" if kind == "integer" else "decimal"
    return view


def _options(ctx, view, options, value, present, bare, placeholder=True):
    # compare in JSON text so that 1, 1.0 and True stay distinct options
    current = option_value(value, False) if present and (value is not None or not bare) else None
    out, matched = [], False
    if placeholder:
        out.append({"value": "", "label": ctx.m("ui.select"), "selected": current is None})
    for v, label in options:
        selected = current is not None and option_value(v, False) == current
        matched = matched or selected
        out.append({"value": option_value(v, bare), "label": label, "selected": selected})
    if present and value is not None and not matched:
        shown = value_text(value)
        out.append({"value": shown if isinstance(value, str) or not bare else option_value(value, False),
                    "label": shown, "selected": True})
        view.flagged = True
        view.errors = view.errors or [ctx.m("bad_value", value=shown)]
    view.options = out


def _enum(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    widget = registry.widget("enum", node)
    options = enum_options(ctx.fs, node, ctx.locale) or []
    bare = enum_encoding(options)
    view = _base(ctx, "enum", widget.template, node, name, required, label)
    _options(ctx, view, options, value, present, bare, placeholder=widget.template == "select")
    view.attrs = _control_attrs(ctx, view, node, trigger)
    if widget.template == "radio":
        view.attrs.pop("id")        # each radio gets its own id in the template
    return view


def _boolean(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    widget = boolean_widget(node, required or item)
    if present and value is not None and not isinstance(value, bool):
        widget = boolean_widget({"x-widget": "select"}, False)
    view = _base(ctx, "boolean", widget.template, node, name, required, label)
    if widget.template == "checkbox":
        # Unticked is an answer (false), so a required box enforces nothing and has no mark;
        # a box that must be ticked (const: true) is enforced whether listed in `required` or not.
        view.required = must_tick(node)
    if widget.template == "checkbox":
        view.value = "true"
        view.attrs = _control_attrs(ctx, view, node, trigger)
        if value is True:
            view.attrs["checked"] = "checked"
        if node.get("readOnly") is True:   # readonly does not stop a checkbox being toggled
            view.attrs["onclick"] = "return false"
    else:
        opts = [(True, ctx.m("ui.yes")), (False, ctx.m("ui.no"))]
        _, nullable = schema_types(node)
        if nullable and required:
            opts.append((None, ctx.m("ui.unset")))
        elif value is None:
            present = False         # an optional null is "not answered"
        _options(ctx, view, opts, value, present, False)
        view.options[0]["label"] = ctx.m("ui.unset") if not (nullable and required) else ctx.m("ui.select")
        view.attrs = _control_attrs(ctx, view, node, trigger)
    return view


def _multi(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    items = ctx.fs.resolve(node.get("items"))
    options = enum_options(ctx.fs, items, ctx.locale) or []
    bare = enum_encoding(options)
    view = _base(ctx, "multi", "checkboxes", node, name, required, label)
    view.required = required and _at_least_one(node)   # nothing ticked is [], which `required` accepts
    chosen = value if isinstance(value, list) else []
    keys = [option_value(v, False) for v in chosen]
    out = []
    for i, (v, text_) in enumerate(options):
        out.append({"value": option_value(v, bare), "label": text_, "id": f"{view.id}-{i}",
                    "selected": option_value(v, False) in keys})
    known = {option_value(v, False) for v, _ in options}
    for v in chosen:
        if option_value(v, False) not in known:
            out.append({"value": option_value(v, bare) if isinstance(v, str) or not bare else
                        option_value(v, False), "label": value_text(v),
                        "id": f"{view.id}-{len(out)}", "selected": True})
            view.flagged = True
    view.options = out
    if present and not isinstance(value, list):
        view.flagged = True
    if view.flagged:
        view.errors = view.errors or [ctx.m("bad_value", value=value_text(value))]
    view.attrs = _control_attrs(ctx, view, node, trigger)
    view.attrs.pop("id")
    view.hidden = [(name + "/__len", "0")]    # tells the parser the group was on the form
    return view


def _at_least_one(node: dict) -> bool:
    """Whether the validator refuses an empty list here (minItems of 1 or more)."""
    low = node.get("minItems")
    return isinstance(low, int) and not isinstance(low, bool) and low >= 1


def _const(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    view = _base(ctx, "const", "const", node, name, required, label)
    const = node["const"]
    view.value = value_text(const)
    if present or required or ctx.fill_defaults or item:
        view.hidden = [(name, option_value(const, isinstance(const, str)))]
    return view


def _object(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    view = _base(ctx, "object", "fieldset", node, name, required, label)
    if present and value is not None and not isinstance(value, dict):
        return _fallback(ctx, node, raw, kind, name, value, present, required, label, trigger, item)
    obj = value if isinstance(value, dict) else {}
    prefix = name + "/" if name else ""
    if name and isinstance(value, dict) and not required and not item:
        view.hidden = [(name + "/__obj", "1")]     # keeps a stored optional group even if all empty
    layout = object_layout(ctx.fs, raw, obj, prefix=prefix, choices=ctx.choices, locale=ctx.locale)
    discriminators = {c.discriminator: c for c in layout.choices if c.discriminator}
    for choice in layout.choices:
        if not choice.discriminator:
            view.children.append(_selector(ctx, choice, choice.control, view.label))
    for pname, pschema in layout.props:
        cname = child_name(name, pname)
        if pname in discriminators:
            pschema = discriminator_node(ctx.fs, discriminators[pname], pschema, ctx.locale)
        view.children.append(build(ctx, pschema, cname, obj.get(pname), pname in obj,
                                   pname in layout.required, pname,
                                   trigger=pname in layout.triggers or pname in discriminators))
    known = {n for n, _ in layout.props} | layout.hidden
    if fs_allows_extra(ctx.fs, raw):
        for key in obj:
            if key not in known:
                view.children.append(_fallback(ctx, {}, {}, "fallback", child_name(name, key),
                                               obj[key], True, False, key, False, False))
    return view


def fs_allows_extra(fs: FormSchema, raw: Any) -> bool:
    """Whether an object keeps keys its schema does not list (additionalProperties not false)."""
    node = fs.resolve(raw)
    return node.get("additionalProperties", True) is not False and node.get("unevaluatedProperties", True) is not False


def _selector(ctx, choice: Choice, control: str, label: str) -> FieldView:
    view = FieldView("choice", "select", control, _ids(ctx, control), ctx.m("ui.choice"))
    view.options = [{"value": str(i), "label": lab, "selected": i == choice.index}
                    for i, lab in enumerate(choice.labels)]
    view.attrs = {"id": view.id, "name": control, "class": "dl-choice"}
    view.attrs.update(_hx(ctx, view, True))
    return view


def _choice(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    depth = ctx.alt_depth.get(name, 0)
    control = choice_control(name, depth)
    choice = value_choice(ctx.fs, node, value if present else None, ctx.choices.get(control), ctx.locale)
    view = _base(ctx, "choice", "choice", node, name, required, label)
    view.children.append(_selector(ctx, choice, control, view.label))
    alt = ctx.fs.resolve(node[choice.keyword][choice.index])
    merged = alt_node(ctx.fs, node, choice.keyword, choice.index)
    ctx.alt_depth[name] = depth + 1
    try:
        child = build(ctx, merged, name, value, present, required, text(alt, "title", ctx.locale, view.label),
                      trigger, item)
    finally:
        ctx.alt_depth[name] = depth
    view.id += "-choice"        # the input inside keeps the field's own id (error links focus it)
    view.children.append(child)
    view.errors = []
    return view


def _array(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    if present and value is not None and not isinstance(value, list):
        return _fallback(ctx, node, raw, kind, name, value, present, required, label, trigger, item)
    view = _base(ctx, "array", "repeat", node, name, required, label)
    view.required = required and _at_least_one(node)   # no rows is [], which `required` accepts
    values = value if isinstance(value, list) else []
    items_raw = node.get("items", TRUE_SCHEMA)
    items = ctx.fs.resolve(items_raw)
    low = node.get("minItems", 0) if isinstance(node.get("minItems"), int) else 0
    high = min(node["maxItems"] if isinstance(node.get("maxItems"), int) else ctx.fs.limits.max_items,
               ctx.fs.limits.max_items)
    pointer = name_to_pointer(name)
    item_title = text(items, "title", ctx.locale)
    for i, v in enumerate(values):
        lab = f"{item_title} {i + 1}" if item_title else ctx.m("ui.item", n=i + 1)
        ctx.label_override = lab
        child = build(ctx, items_raw, child_name(name, str(i)), v, True, True, lab, False, True)
        child.required = False
        buttons = []
        if i > 0:
            buttons.append(_op_button(ctx, "up", f"{pointer}/{i}", "ui.up", lab))
        if i < len(values) - 1:
            buttons.append(_op_button(ctx, "down", f"{pointer}/{i}", "ui.down", lab))
        if len(values) > low:
            buttons.append(_op_button(ctx, "remove", f"{pointer}/{i}", "ui.remove", lab))
        view.items.append({"view": child, "buttons": buttons})
    if len(values) < high:
        view.buttons.append(_op_button(ctx, "add", pointer, "ui.add", view.label))
    view.hidden = [(name + "/__len", str(len(values)))]
    return view


def _file(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    many = "array" in schema_types(node)[0]
    if present and value is not None and not (
            all(isinstance(r, dict) for r in value) if many and isinstance(value, list) else
            (not many and isinstance(value, dict))):
        # a stored value that is not file references: keep it visible and intact
        return _fallback(ctx, node, raw, kind, name, value, present, required, label, trigger, item)
    view = _base(ctx, "file", "file", node, name, required, label)
    refs = (value if isinstance(value, list) else []) if many else ([value] if isinstance(value, dict) else [])
    pointer = name_to_pointer(name)
    for i, ref in enumerate(refs):
        if not isinstance(ref, dict):
            continue
        url = None
        if ctx.file_url and "id" in ref:
            url = str(ctx.file_url).format(id=quote(str(ref.get("id")), safe=""),
                                           name=quote(str(ref.get("name", "")), safe=""))
        op = _op_button(ctx, "remove", f"{pointer}/{i}", "ui.clear", str(ref.get("name", ""))) if many \
            else _op_button(ctx, "clear", pointer, "ui.clear", str(ref.get("name", "")))
        view.files.append({"name": str(ref.get("name") or ref.get("id") or ""), "url": url,
                           "size": human_size(ref["size"]) if isinstance(ref.get("size"), int) else "",
                           "button": op})
        view.hidden.append((name + "/__file", json.dumps(ref, ensure_ascii=False, sort_keys=True)))
    if many:
        view.hidden.append((name + "/__len", str(len(view.files))))
    view.attrs = _control_attrs(ctx, view, node, False)
    view.attrs["type"] = "file"
    view.input_type = ctx.m("ui.files_stored")
    from .files import accept_list, max_bytes
    accept = accept_list(node)
    if accept:
        view.attrs["accept"] = ",".join(accept)
    limit = max_bytes(ctx.fs, node)
    view.attrs["data-max-bytes"] = str(limit)
    view.note = ctx.m("ui.max_bytes", size=human_size(limit))
    if accept:  # say which files are taken before the clerk picks one that is not
        view.note = ctx.m("ui.accept", types=ctx.m("ui.list_separator").join(a.lstrip(".").upper() if a.startswith(".") else a
                                                    for a in accept)) + ctx.m("ui.separator") + view.note
    if many:
        view.attrs["multiple"] = "multiple"
    return view


def _fallback(ctx, node, raw, kind, name, value, present, required, label, trigger, item):
    view = _base(ctx, "fallback", "fallback", node, name, required, label)
    view.value = json.dumps(value, ensure_ascii=False) if present else ""
    view.note = ctx.m("ui.fallback")
    view.attrs = _control_attrs(ctx, view, node, False)
    view.attrs["readonly"] = "readonly"
    view.attrs["name"] = name + "/__json"
    return view


_BUILDERS = {"string": _string, "number": _number, "integer": _number, "boolean": _boolean,
             "enum": _enum, "multi": _multi, "const": _const, "object": _object, "array": _array,
             "file": _file, "choice": _choice, "fallback": _fallback}


def _tree(schema, data, errors, locale, options) -> tuple[_Ctx, FieldView]:
    fs = compile_form(schema)
    ctx = _Ctx(fs, locale, errors, options)
    if ctx.fill_defaults is None:
        ctx.fill_defaults = data is None     # defaults prefill new forms only, never stored answers
    # answers that are not even an object (a corrupt draft) show an empty form
    root = build(ctx, fs.root, "", data if isinstance(data, dict) else {}, True, True, "")
    return ctx, root


def _summary(ctx: _Ctx) -> list[dict]:
    """Summary entries in the order the fields appear on the page."""
    position = {pointer: i for i, pointer in enumerate(ctx.index)}
    out = []
    for path, message in ctx.error_list:
        probe = path
        while probe not in ctx.index and probe:
            probe = probe.rsplit("/", 1)[0]
        fid, label = ctx.index.get(probe, ("", ""))
        out.append((position.get(probe, -1) if probe else -1,
                    {"href": "#" + fid if fid and probe else "", "label": label if probe else "",
                     "message": message}))
    out.sort(key=lambda item: item[0])
    return [entry for _, entry in out]


def _summary_title(ctx: _Ctx) -> str:
    count = len(ctx.error_list)
    title = ctx.m("ui.errors_title_one") if count == 1 else ""
    return title if title and title != "ui.errors_title_one" else ctx.m("ui.errors_title", count=count)


def render_form(schema: Any, data: Any = None, errors: Any = None, *, locale: str = "zh-CN",
                **options: Any) -> str:
    """Render the form's fields (plus an error summary) as HTML.

    Returns ``<div class="dl-form" id="{form_id}">…</div>``; wrap it in your
    own ``<form method="post" novalidate>`` with the CSRF field. Options:
    ``hx`` (dict with ``refresh`` and/or ``validate_field`` URLs: adds htmx
    attributes), ``form_id`` (default ``"dl-form"``), ``file_url`` (template
    like ``"/files/{id}"`` for stored evidence links), ``choices`` (from
    :func:`parse_choices`, keeps a picked alternative across a refresh),
    ``fill_defaults`` (default: only when ``data`` is None), ``summary`` (default
    True: list the errors above the fields; False leaves the summary an empty,
    hidden placeholder, as inline validation before any submit wants). ``errors``
    is a list of FieldError or ``{"path", "message"}`` dicts.
    """
    ctx, root = _tree(schema, data, errors, locale, options)
    return env.get_template("forms/form.html").render(
        root=root, form_id=ctx.form_id, summary=_summary(ctx) if options.get("summary", True) else [],
        summary_title=_summary_title(ctx), m=ctx.m)


def render_summary(schema: Any, data: Any = None, errors: Any = None, *, locale: str = "zh-CN",
                   oob: bool = False, **options: Any) -> str:
    """Just the error summary (``id="{form_id}-errors"``) for these errors.

    With ``oob=True`` it carries ``hx-swap-oob``: an inline-validation response
    appends it so a summary already on the page (after a refused submit) drops
    the problems the user has fixed. With no errors it is an empty hidden div.
    """
    ctx, _root = _tree(schema, data, errors, locale, options)
    return env.get_template("forms/summary.html").render(
        form_id=ctx.form_id, summary=_summary(ctx), oob=oob, summary_title=_summary_title(ctx), m=ctx.m)


def render_field(schema: Any, pointer: str, data: Any = None, errors: Any = None,
                 locale: str = "zh-CN", **options: Any) -> str:
    """Render just one field's wrapper (``id="{field id}-wrap"``) — the fragment an
    inline-validation endpoint returns. ``pointer`` is a JSON pointer or a field
    name; an empty string is returned when the field is not on the form now."""
    ctx, root = _tree(schema, data, errors, locale, options)
    name = pointer_to_name(pointer) if pointer.startswith("/") else pointer
    found = None
    stack = [root]
    while stack:
        view = stack.pop()
        if view.name == name and view is not root:
            found = view       # keep the innermost (a oneOf choice wraps its input)
        stack.extend(reversed(view.children))
        stack.extend(reversed([it["view"] for it in view.items]))
    if found is None:
        return ""
    return env.get_template("forms/field.html").render(f=found)
