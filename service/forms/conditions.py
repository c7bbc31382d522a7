"""Which fields are active for the current answers — the one place for
if/then/else, dependentRequired, dependentSchemas, oneOf/anyOf choice,
x-visible-if and x-required-if. Render, parse and validate all call
:func:`object_layout`, so they always agree on what the form contains."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import TRUE_SCHEMA, FormSchema, merge_schemas, schema_types
from .text import enum_options, text

__all__ = ["ObjectLayout", "Choice", "object_layout", "choose_alternative", "rule_vars"]


@dataclass
class Choice:
    """The alternative (oneOf/anyOf entry) picked for an object or a value."""
    keyword: str
    index: int
    labels: list[str]
    discriminator: str | None = None       # property whose const tells the alternatives apart
    values: list[Any] = field(default_factory=list)   # discriminator const per alternative
    control: str = ""                      # name of the selector control (``…__alt<n>``)


@dataclass
class ObjectLayout:
    """Active properties of one object for the current answers."""
    props: list[tuple[str, dict]]       # (name, merged property schema), display order
    required: set[str]
    triggers: set[str]                  # properties whose change re-renders the form
    hidden: set[str]                    # known properties not shown now
    choices: list[Choice]               # object-level alternatives picked


def rule_vars(rule: Any) -> set[str]:
    """First path segment of every {"var": ...} in a JsonLogic rule."""
    found: set[str] = set()
    stack = [rule]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "var":
                    name = value[0] if isinstance(value, list) and value else value
                    if isinstance(name, str) and name:
                        found.add(name.split(".")[0])
                    elif isinstance(name, (list, dict)):
                        stack.append(name)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _is_const_alts(fs: FormSchema, alts: list) -> bool:
    return all("const" in fs.resolve(a) for a in alts)


def object_alternatives(fs: FormSchema, node: dict) -> list[tuple[str, list]]:
    """(keyword, alternatives) lists of node that choose between object shapes."""
    out = []
    for kw in ("oneOf", "anyOf"):
        alts = node.get(kw)
        if isinstance(alts, list) and alts and not _is_const_alts(fs, alts):
            out.append((kw, alts))
    return out


def _discriminator(fs: FormSchema, node: dict, alts: list) -> tuple[str | None, list]:
    hint = node.get("x-choice")
    resolved = [fs.resolve(a) for a in alts]
    candidates = [hint] if isinstance(hint, str) else list((resolved[0].get("properties") or {}))
    for name in candidates:
        values = []
        for alt in resolved:
            prop = fs.resolve((alt.get("properties") or {}).get(name))
            if "const" in prop:
                values.append(prop["const"])
            elif isinstance(prop.get("enum"), list) and len(prop["enum"]) == 1:
                values.append(prop["enum"][0])
            else:
                break
        else:
            if len({repr(v) for v in values}) == len(values):
                return name, values
    return None, []


def choose_alternative(fs: FormSchema, node: dict, kw: str, alts: list, value: Any,
                       selected: int | None, locale: str = "zh-CN") -> Choice:
    """Pick the alternative: discriminator value, else the explicit selection
    (``__alt`` control / ``choices`` option), else the first alternative the
    value is valid against, else the one sharing most keys with the value."""
    cache_key = ("disc", id(node), kw)
    disc = fs.extra.get(cache_key)
    if disc is None:
        disc = fs.extra[cache_key] = _discriminator(fs, node, alts) if _objectish(fs, alts) else (None, [])
    name, values = disc
    resolved = [fs.resolve(a) for a in alts]
    labels = [text(a, "title", locale, "") or (
        str(values[i]) if name else f"{i + 1}") for i, a in enumerate(resolved)]
    index = None
    if name and isinstance(value, dict) and name in value:
        for i, v in enumerate(values):
            if v == value[name] and type(v) is type(value[name]):
                index = i
                break
    if index is None and selected is not None and 0 <= selected < len(alts):
        index = selected
    if index is None and value is not None:
        for i, alt in enumerate(alts):
            if fs.is_valid(alt, value):
                index = i
                break
    if index is None and isinstance(value, dict) and value:
        scores = [len(set(value) & set(a.get("properties") or {})) for a in resolved]
        if max(scores) > 0:
            index = scores.index(max(scores))
    if index is None and value is not None and not isinstance(value, dict):
        for i, alt in enumerate(resolved):     # a draft with the wrong type still picks by type
            types, _ = schema_types(alt)
            if _type_matches(types, value):
                index = i
                break
    return Choice(kw, index or 0, labels, name, values)


def _objectish(fs, alts):
    return all("object" in schema_types(fs.resolve(a))[0] or not schema_types(fs.resolve(a))[0]
               for a in alts)


def _type_matches(types: list[str], value: Any) -> bool:
    checks = {"string": lambda v: isinstance(v, str),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              "boolean": lambda v: isinstance(v, bool),
              "array": lambda v: isinstance(v, list), "object": lambda v: isinstance(v, dict)}
    return any(checks.get(t, lambda v: False)(value) for t in types)


def _static(fs: FormSchema, node: dict) -> tuple[list[str], set[str]]:
    """All property names any branch may show (declaration order) and the trigger names."""
    key = ("static", id(node))
    hit = fs.extra.get(key)
    if hit is not None:
        return hit
    order: dict[str, None] = {}
    triggers: set[str] = set()

    def visit(sub: Any, depth: int = 0) -> None:
        sub = fs.resolve(sub)
        if depth > 8:
            return
        for name in sub.get("properties") or {}:
            order.setdefault(name, None)
        conds = [sub] + list(sub.get("__cond", []))
        for c in conds:
            if "if" in c:
                cond = fs.resolve(c["if"])
                triggers.update(cond.get("properties") or {})
                triggers.update(cond.get("required") or [])
                for branch in ("then", "else"):
                    if branch in c:
                        visit(c[branch], depth + 1)
            for k in c.get("dependentRequired") or {}:
                triggers.add(k)
            for k, s in (c.get("dependentSchemas") or {}).items():
                triggers.add(k)
                visit(s, depth + 1)
            for kw, alts in object_alternatives(fs, c):
                name, _ = _discriminator(fs, c, alts)
                if name:
                    triggers.add(name)
                for a in alts:
                    visit(a, depth + 1)
    visit(node)
    for name in list(order):
        prop = fs.resolve((fs.resolve(node).get("properties") or {}).get(name))
        for hint in ("x-visible-if", "x-required-if"):
            if hint in prop:
                triggers |= rule_vars(prop[hint])
    ordering = fs.resolve(node).get("x-order")
    names = list(order)
    if isinstance(ordering, list):
        first = [n for n in ordering if n in order]
        names = first + [n for n in names if n not in first]
    fs.extra[key] = (names, triggers)
    return names, triggers


def object_layout(fs: FormSchema, node: Any, value: Any, *, prefix: str = "",
                  choices: dict | None = None, locale: str = "zh-CN") -> ObjectLayout:
    """Active properties of an object schema for the given (possibly partial) value."""
    static_key = ("layout", id(node))
    cached = fs.extra.get(static_key)
    if cached is not None:      # no conditions in this object: the layout never changes
        return cached
    base = fs.resolve(node)
    value = value if isinstance(value, dict) else {}
    names, triggers = _static(fs, node)
    props: dict[str, dict] = dict((base.get("properties") or {}))
    required: set[str] = set(base.get("required") or [])
    picked: list[Choice] = []
    banned: set[str] = {n for n, s in props.items() if s is False}
    for name in banned:
        del props[name]

    def apply(sub: Any, depth: int) -> None:
        sub = fs.resolve(sub)
        for name, s in (sub.get("properties") or {}).items():
            if s is False:              # "this property must not exist" in this branch
                props.pop(name, None)
                banned.add(name)
                continue
            if name in banned:
                continue
            if name in props:
                a, b = props[name], s
                props[name] = fs.derived(("merge", id(a), id(b)),
                                         lambda: merge_schemas(fs.resolve(a), fs.resolve(b)))
            else:
                props[name] = s
        required.update(sub.get("required") or [])
        conditionals(sub, depth + 1)

    def conditionals(sub: dict, depth: int) -> None:
        if depth > 8:
            return
        for c in [sub] + list(sub.get("__cond", [])):
            if "if" in c:
                branch = "then" if fs.is_valid(c["if"], value) else "else"
                if branch in c:
                    apply(c[branch], depth)
            for k, reqs in (c.get("dependentRequired") or {}).items():
                if k in value and isinstance(reqs, list):
                    required.update(reqs)
            for k, s in (c.get("dependentSchemas") or {}).items():
                if k in value:
                    apply(s, depth)
            for kw, alts in object_alternatives(fs, c):
                key = f"{prefix}__alt{len(picked)}"
                choice = choose_alternative(fs, c, kw, alts, value, (choices or {}).get(key), locale)
                choice.control = key
                picked.append(choice)
                apply(alts[choice.index], depth)

    conditionals(base, 0)
    hidden: set[str] = set(n for n in names if n not in props)
    for name in list(props):
        prop = fs.resolve(props[name])
        rule = prop.get("x-visible-if")
        if rule is not None and not _rule_true(fs, rule, value, default=True):
            hidden.add(name)
            del props[name]
            required.discard(name)
            continue
        rule = prop.get("x-required-if")
        if rule is not None and _rule_true(fs, rule, value, default=False):
            required.add(name)
    ordered = [n for n in names if n in props] + [n for n in props if n not in names]
    layout = ObjectLayout([(n, props[n]) for n in ordered], required, triggers, hidden, picked)
    if not _conditional(fs, base, base.get("properties") or {}):
        fs.extra[static_key] = layout
    return layout


def _conditional(fs: FormSchema, base: dict, props: dict) -> bool:
    """Whether an object's layout can depend on its answers."""
    if base.get("__cond") or any(k in base for k in ("if", "dependentRequired", "dependentSchemas",
                                                      "oneOf", "anyOf")):
        return True
    return any("x-visible-if" in fs.resolve(p) or "x-required-if" in fs.resolve(p) for p in props.values())


def _rule_true(fs: FormSchema, rule: Any, value: dict, default: bool) -> bool:
    """Evaluate a JsonLogic hint on the enclosing object's answers. A rule that
    fails (e.g. comparing a still-missing answer) counts as false: the field
    stays hidden / optional until the answers it depends on are given."""
    try:
        fn = fs.rule(rule)
    except ImportError:       # rule engine not installed: show the field, don't require it
        return default
    except Exception:         # load_schema refuses bad rules; keep the safe default anyway
        return default
    try:
        return bool(fn(value))
    except Exception:
        return False



def value_choice(fs: FormSchema, node: dict, value: Any, selected: int | None,
                 locale: str = "zh-CN") -> Choice | None:
    """Alternative picked for a value-level oneOf/anyOf (alternatives not objects)."""
    for kw in ("oneOf", "anyOf"):
        alts = node.get(kw)
        if isinstance(alts, list) and alts and enum_options(fs, node, locale) is None:
            return choose_alternative(fs, node, kw, alts, value, selected, locale)
    return None


def alt_node(fs: FormSchema, node: dict, keyword: str, index: int) -> dict:
    """A value-level alternative merged with its parent's other keywords (memoised)."""
    alt = fs.resolve(node[keyword][index])
    return fs.derived(("alt", id(node), index), lambda: {
        **{k: v for k, v in node.items() if k not in ("oneOf", "anyOf", "title", "description")},
        **alt})


def schema_at(fs: FormSchema, data: Any, pointer: str) -> Any:
    """The (raw) schema node of the field at ``pointer`` for the current answers,
    or None when no such field is on the form."""
    from .names import unesc
    from .widgets import registry
    node: Any = fs.root
    value = data
    prefix = ""
    tokens = [unesc(t) for t in pointer.split("/")[1:]] if pointer else []
    for token in tokens:
        resolved = fs.resolve(node)
        kind = registry.kind(fs, resolved)
        if kind == "choice":
            choice = value_choice(fs, resolved, value, None)
            resolved = alt_node(fs, resolved, choice.keyword, choice.index)
            kind = registry.kind(fs, resolved)
        if kind == "object":
            layout = object_layout(fs, node, value, prefix=prefix)
            props = dict(layout.props)
            if token not in props:
                return None
            node = props[token]
            value = value.get(token) if isinstance(value, dict) else None
        elif kind in ("array", "file", "multi") and token.isdigit():
            node = resolved.get("items", TRUE_SCHEMA)
            value = value[int(token)] if isinstance(value, list) and int(token) < len(value) else None
        else:
            return None
        prefix = f"{prefix}{token}/"
    return node


def discriminator_node(fs: FormSchema, choice: Choice, pschema: Any, locale: str) -> dict:
    """The discriminator property shown as a select of the alternatives (memoised)."""
    def make() -> dict:
        node = {**fs.resolve(pschema), "enum": choice.values, "x-enum-labels": choice.labels}
        node.pop("const", None)
        if isinstance(node.get("x-i18n"), dict):
            node["x-i18n"] = {k: {kk: vv for kk, vv in v.items() if kk != "enumNames"}
                              for k, v in node["x-i18n"].items() if isinstance(v, dict)}
        return node
    return fs.derived(("disc", id(pschema), locale, tuple(choice.labels)), make)
