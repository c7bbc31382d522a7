"""Differences between two versions of a pack, as file + JSON pointer."""
import copy

from service.packs.diff import ADDED, CHANGED, REMOVED, REORDERED, Change, describe, diff_files
from service.packs.loader import read_pack_files

from tests.define.conftest import ROOT

ITEMS = "rules/items/first-responsible.json"


def _files():
    files, problems = read_pack_files(ROOT)
    assert not problems
    return files


def test_identical_versions_have_no_changes():
    assert diff_files(_files(), _files()) == []


def test_a_changed_check_rule_is_one_change_at_its_pointer():
    old = _files()
    new = copy.deepcopy(old)
    new[ITEMS]["items"][0]["check"] = {">=": [{"var": "target"}, 2]}
    [change] = diff_files(old, new)
    assert (change.file, change.pointer, change.kind) == (ITEMS, "/items/0/check", CHANGED)
    assert change.after == {">=": [{"var": "target"}, 2]}
    assert describe(new, change).startswith("fr-first-topic 落实“第一议题”制度")


def test_items_are_matched_by_id_so_an_insert_is_one_addition():
    old = _files()
    new = copy.deepcopy(old)
    added = dict(new[ITEMS]["items"][0], id="fr-new", text="新增事项")
    new[ITEMS]["items"].insert(0, added)
    del new[ITEMS]["items"][5]
    removed_id = old[ITEMS]["items"][4]["id"]
    changes = diff_files(old, new)
    assert [(c.kind, c.pointer) for c in changes] == [(REMOVED, "/items/4"), (ADDED, "/items/0")]
    assert changes[0].before["id"] == removed_id and changes[1].after["id"] == "fr-new"


def test_a_reorder_is_reported_with_the_ids_in_both_orders():
    old = {"a.json": {"items": [{"id": "x"}, {"id": "y"}]}}
    new = {"a.json": {"items": [{"id": "y"}, {"id": "x"}]}}
    assert diff_files(old, new) == [Change("a.json", "/items", REORDERED, ["x", "y"], ["y", "x"])]


def test_files_keys_and_plain_arrays():
    old = {"a.json": {"k": 1, "gone": True, "list": [1, 2], "rule": {"in": [1, [1, 2]]}}, "old.json": {}}
    new = {"a.json": {"k": 2, "new/key": None, "list": [1, 2, 3], "rule": {"in": [1, [1, 3]]}}, "b.json": []}
    changes = diff_files(old, new)
    assert [(c.file, c.pointer, c.kind) for c in changes] == [
        ("a.json", "/k", CHANGED), ("a.json", "/gone", REMOVED), ("a.json", "/list", CHANGED),
        ("a.json", "/rule", CHANGED), ("a.json", "/new~1key", ADDED),  # a rule is one change
        ("b.json", "", ADDED), ("old.json", "", REMOVED)]
    assert diff_files({"a": {"x": 1}}, {"a": {"x": True}}) == [Change("a", "/x", CHANGED, 1, True)]
