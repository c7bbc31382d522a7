"""Submitted controls become the JSON instance."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from service.forms import parse_submission, render_form

from .browser import submit
from .helpers import load


def form(props, required=(), **extra):
    return {"type": "object", "properties": props, "required": list(required), **extra}


def test_types_are_restored():
    schema = form({"i": {"type": "integer"}, "n": {"type": "number"}, "b": {"type": "boolean"},
                   "s": {"type": "string"}, "e": {"enum": [1, "1", True, None]}}, ["b"])
    got = parse_submission(schema, MultiDict([("i", "3"), ("n", "2.50"), ("b", "true"), ("s", "3"), ("e", "true")]))
    assert got == {"i": 3, "n": 2.5, "b": True, "s": "3", "e": True}
    assert parse_submission(schema, [("e", '"1"')]) == {"b": False, "e": "1"}
    assert parse_submission(schema, [("e", "null")]) == {"b": False, "e": None}
    assert parse_submission(schema, {"i": "1.0", "n": "7"}) == {"i": 1, "n": 7, "b": False}


def test_empty_optional_inputs_are_left_out_required_become_missing():
    schema = form({"a": {"type": "string"}, "b": {"type": "integer"}, "c": {"enum": ["x"]},
                   "d": {"type": "boolean"}, "r": {"type": "string"}}, ["r"])
    assert parse_submission(schema, [("a", ""), ("b", " "), ("c", ""), ("d", ""), ("r", "")]) == {}


def test_unparseable_numbers_are_kept_as_text_for_validation_to_flag():
    schema = form({"i": {"type": "integer"}, "n": {"type": "number"}})
    assert parse_submission(schema, [("i", "1.5"), ("n", "abc")]) == {"i": 1.5, "n": "abc"}
    assert parse_submission(schema, [("n", "Infinity")]) == {"n": "Infinity"}


def test_arrays_in_order_and_nested():
    schema, _ = load("inspection_feedback")
    fields = [("round", "R1"), ("feedback_date", "2022-05-20"), ("problems/__len", "2"),
              ("problems/0/problem", "P0"), ("problems/0/status", "整改中"), ("problems/0/measures/__len", "2"),
              ("problems/0/measures/0/measure", "M0"), ("problems/0/measures/0/deadline", "2022-06-01"),
              ("problems/0/measures/1/measure", "M1"), ("problems/0/measures/1/deadline", "2022-07-01"),
              ("problems/0/measures/1/done", "true"),
              ("problems/1/problem", "P1"), ("problems/1/status", "已完成"), ("problems/1/measures/__len", "0")]
    got = parse_submission(schema, fields)
    assert [p["problem"] for p in got["problems"]] == ["P0", "P1"]
    assert got["problems"][0]["measures"][1] == {"measure": "M1", "deadline": "2022-07-01", "done": True}
    assert "done" not in got["problems"][0]["measures"][0]     # optional yes/no left unanswered
    assert got["problems"][1]["measures"] == []


def test_arrays_without_length_marker_use_the_indices_present():
    schema = form({"a": {"type": "array", "items": {"type": "string"}}})
    assert parse_submission(schema, [("a/1", "y"), ("a/0", "x")]) == {"a": ["x", "y"]}
    assert parse_submission(schema, [("a/__len", "0")]) == {}


def test_checkbox_group_and_hidden_marker():
    schema = form({"t": {"type": "array", "uniqueItems": True, "items": {"enum": ["甲", "乙", "丙"]}}}, ["t"])
    html = render_form(schema, {"t": ["丙", "甲"]})
    assert parse_submission(schema, submit(html)) == {"t": ["甲", "丙"]}
    assert parse_submission(schema, [("t/__len", "0")]) == {"t": []}


def test_const_comes_from_the_schema_not_the_browser():
    schema = form({"v": {"const": "2022.1"}}, ["v"])
    assert parse_submission(schema, [("v", "tampered")]) == {"v": "2022.1"}


def test_files_references_are_kept():
    schema, _ = load("talk_record")
    ref = {"id": "f1", "name": "记录.pdf", "size": 10, "type": "application/pdf"}
    html = render_form(schema, {"attachments": [ref]})
    got = parse_submission(schema, submit(html))
    assert got["attachments"] == [ref]
    assert parse_submission(schema, [("attachments/__file", "not json"), ("attachments/__len", "1")]) == {"person": {}}


def test_uploaded_file_objects_in_the_fields_are_ignored():
    class Upload:
        filename = "x.pdf"
    schema = form({"a": {"type": "string"}})
    assert parse_submission(schema, MultiDict([("a", "1"), ("f", Upload())])) == {"a": "1"}


def test_an_item_left_blank_is_kept_so_its_errors_show():
    schema = form({"a": {"type": "array", "items": {"type": "integer"}},
                   "o": {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "string"}}}}})
    assert parse_submission(schema, [("a/__len", "2"), ("a/0", "1"), ("a/1", ""),
                                     ("o/__len", "1"), ("o/0/x", "")]) == {"a": [1, None], "o": [{}]}


def test_nested_alternatives_of_one_field_have_their_own_selectors():
    """A oneOf directly inside another oneOf's alternative (found by the fuzz test):
    each level gets its own ``__alt`` control, so the value survives the round trip."""
    from .browser import submit
    schema = {"type": "object", "properties": {"a": {"oneOf": [
        {"enum": [None]}, {"oneOf": [{"type": ["string", "integer"]}, {"type": "string"}]}]}}}
    for data in ({"a": 0}, {"a": 5}, {"a": None}):
        fields = submit(render_form(schema, data))
        assert len([n for n, _ in fields if n.startswith("a/__alt")]) == (2 if data["a"] is not None else 1)
        assert parse_submission(schema, fields) == data


def test_read_only_values_come_from_the_server_not_the_browser():
    from service.forms import restore_read_only
    schema = {"type": "object", "properties": {
        "unit": {"type": "string", "readOnly": True, "default": "临江街道"},
        "serial": {"type": "string", "readOnly": True},
        "note": {"type": "string"},
        "rows": {"type": "array", "items": {"type": "object", "properties": {
            "checked_by": {"type": "string", "readOnly": True}, "text": {"type": "string"}}}}}}
    forged = {"unit": "别的单位", "serial": "X-1", "note": "ok", "rows": [{"checked_by": "某某", "text": "a"}]}
    assert restore_read_only(schema, forged) == {"unit": "临江街道", "note": "ok", "rows": [{"text": "a"}]}
    stored = {"unit": "临江街道", "serial": "S-7", "rows": [{"checked_by": "检查组", "text": "old"}]}
    assert restore_read_only(schema, forged, stored) == {
        "unit": "临江街道", "serial": "S-7", "note": "ok", "rows": [{"checked_by": "检查组", "text": "a"}]}
