"""A required mark (*) on a form of the default pack means the server enforces it
(issue 14, point 5): for every field of every form, leaving that one field empty in
an otherwise valid record, submitting the form as a browser would and validating it
gives an error at that field exactly when the field carries the mark."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from service.forms import parse_submission, render_form, validate
from service.forms.names import field_id, pointer_to_name
from service.packs import load_pack
from tests.forms.browser import submit

ROOT = Path(__file__).resolve().parents[2]
PACK = load_pack(ROOT)


# The evaluation sheet is not a duty record, so the pack tests have none of it.
SHEET = {"session": "2022年度述责述廉评议会", "evaluated_post": "局长", "evaluator_group": "commission", "overall": "好"}


def _valid_record(form_id: str, schema: dict) -> dict | None:
    if form_id == "evaluation-sheet" and not validate(schema, SHEET):
        return SHEET
    for test in PACK.tests:
        for case in test.cases:
            for record in case.records.get(form_id, []):
                if isinstance(record, dict) and not validate(schema, record):
                    return record
    return None


def _pointers(schema: dict, data: dict, base: str = ""):
    """Pointers of the fields the record shows: properties, nested objects, the first array item."""
    props = schema.get("properties") or {}
    for name, prop in props.items():
        pointer = f"{base}/{name}"
        yield pointer
        value = data.get(name)
        if isinstance(prop, dict) and prop.get("type") == "object" and isinstance(value, dict):
            yield from _pointers(prop, value, pointer)
        items = prop.get("items") if isinstance(prop, dict) else None
        if isinstance(items, dict) and items.get("type") == "object" and isinstance(value, list) and value \
                and isinstance(value[0], dict):
            yield from _pointers(items, value[0], f"{pointer}/0")


def _without(data: dict, pointer: str) -> dict:
    out = copy.deepcopy(data)
    parts = pointer.strip("/").split("/")
    node = out
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.get(part)
        if node is None:
            return out
    if isinstance(node, dict):
        node.pop(parts[-1], None)
    return out


def _marked(html: str, pointer: str) -> bool | None:
    """Whether the field's own label or legend carries the mark; None when it is not on the form."""
    wrap = f'id="{field_id("dl-form", pointer_to_name(pointer))}-wrap"'
    start = html.find(wrap)
    if start < 0:
        return None
    end = min(i for i in (html.find("</label>", start), html.find("</legend>", start), len(html)) if i >= 0)
    return 'class="dl-req"' in html[start:end]


def _enforced(schema: dict, data: dict, pointer: str) -> bool:
    posted = parse_submission(schema, submit(render_form(schema, _without(data, pointer))))
    return any(e.path == pointer or e.path.startswith(pointer + "/") for e in validate(schema, posted))


@pytest.mark.parametrize("form_id", sorted(PACK.forms))
def test_a_required_mark_means_the_server_enforces_it(form_id):
    schema = PACK.forms[form_id].schema
    record = _valid_record(form_id, schema)
    assert record is not None, f"the pack tests have no valid {form_id} record to start from"
    html = render_form(schema, record)
    wrong = []
    for pointer in _pointers(schema, record):
        marked = _marked(html, pointer)
        if marked is None:
            continue
        if marked != _enforced(schema, record, pointer):
            wrong.append((pointer, "marked but not enforced" if marked else "enforced but not marked"))
    assert not wrong, wrong


def test_the_default_pack_marks_and_enforces_what_it_meant_as_required():
    talk, decision = PACK.forms["talk"].schema, PACK.forms["decision"].schema
    for schema, pointer in ((talk, "/target_roles"), (decision, "/opinions"), (decision, "/votes"),
                            (decision, "/leader_spoke_last")):
        record = _valid_record(schema.get("$id", "").rsplit(":", 1)[-1], schema)
        assert _marked(render_form(schema, record), pointer) and _enforced(schema, record, pointer), pointer
    unticked = parse_submission(decision, submit(render_form(decision, _without(_valid_record("decision", decision),
                                                                                   "/leader_spoke_last"))))
    assert [e.message for e in validate(decision, unticked) if e.path == "/leader_spoke_last"] == ["请勾选此项"]


def test_a_required_yes_no_box_has_no_mark_and_a_must_tick_box_has_one():
    schema = {"type": "object", "required": ["a", "b"], "properties": {
        "a": {"type": "boolean", "title": "甲"}, "b": {"type": "boolean", "const": True, "title": "乙"},
        "c": {"type": "array", "items": {"enum": ["x", "y"]}, "uniqueItems": True, "title": "丙"}}}
    html = render_form(schema, {})
    assert not _marked(html, "/a") and _marked(html, "/b") and not _marked(html, "/c")
    assert 'type="checkbox"' in html[html.find(field_id("dl-form", "b")):]
