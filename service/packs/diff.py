"""What changed between two versions of a pack, file by file, as JSON pointers.

Admins publish a version only after seeing what it changes against the one in
force; districts importing a pack want the same view. Versions are whole sets
of files (path → JSON), so the comparison is structural:

- objects are compared key by key (key order is not a change);
- arrays of objects that all carry a unique ``id`` (items, categories, lists,
  test cases) are matched by ``id``, so inserting an item near the top reports
  one added item rather than every later item as changed;
- other arrays are compared position by position when their lengths agree,
  and reported as one change otherwise (a rule's argument list is one thing);
- a subtree that appears or disappears is reported once, not leaf by leaf, and
  a rule (a JsonLogic operation: one key, an operator's name) that changes
  anywhere inside is one change, shown whole before and after.

Plain Python: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..logic.operators import OPERATORS

ADDED, REMOVED, CHANGED, REORDERED = "added", "removed", "changed", "reordered"


@dataclass(frozen=True)
class Change:
    """One difference: in ``file``, at ``pointer`` (RFC 6901), ``before`` → ``after``."""

    file: str
    pointer: str
    kind: str  # added | removed | changed | reordered (before/after: the ids in order)
    before: Any = None
    after: Any = None


def diff_files(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from the files ``old`` to the files ``new``, by file path, then pointer."""
    changes: list[Change] = []
    for path in sorted(set(old) | set(new)):
        if path not in old:
            changes.append(Change(path, "", ADDED, None, new[path]))
        elif path not in new:
            changes.append(Change(path, "", REMOVED, old[path], None))
        else:
            _diff(path, "", old[path], new[path], changes)
    return changes


def _escape(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _ids(values: list) -> list | None:
    """The ``id`` of every element when all are objects with distinct ids, else None."""
    if not values or not all(isinstance(v, dict) and isinstance(v.get("id"), (str, int)) for v in values):
        return None
    ids = [v["id"] for v in values]
    return ids if len(set(ids)) == len(ids) else None


def _is_rule(value: dict) -> bool:
    """Whether ``value`` is a JsonLogic operation: one key, an operator's name."""
    return len(value) == 1 and next(iter(value)) in OPERATORS


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"  # 1 and 1.0 are the same JSON number
    return type(value).__name__


def _same(a: Any, b: Any) -> bool:
    """JSON equality: unlike Python's ==, true is not 1."""
    if _kind(a) != _kind(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _diff(path: str, pointer: str, before: Any, after: Any, out: list[Change]) -> None:
    if _same(before, after):
        return
    if isinstance(before, dict) and isinstance(after, dict) and not (_is_rule(before) and _is_rule(after)):
        # (A rule is read whole: a change anywhere in {">=": [...]} shows the rule
        # before and after, not one argument deep inside it.)
        for key in list(before) + [k for k in after if k not in before]:
            child = f"{pointer}/{_escape(key)}"
            if key not in after:
                out.append(Change(path, child, REMOVED, before[key], None))
            elif key not in before:
                out.append(Change(path, child, ADDED, None, after[key]))
            else:
                _diff(path, child, before[key], after[key], out)
        return
    if isinstance(before, list) and isinstance(after, list):
        old_ids, new_ids = _ids(before), _ids(after)
        if old_ids is not None and new_ids is not None:
            old_at = {item_id: i for i, item_id in enumerate(old_ids)}
            new_at = {item_id: i for i, item_id in enumerate(new_ids)}
            for i, item_id in enumerate(old_ids):
                if item_id not in new_at:
                    out.append(Change(path, f"{pointer}/{i}", REMOVED, before[i], None))
            for i, item_id in enumerate(new_ids):
                if item_id not in old_at:
                    out.append(Change(path, f"{pointer}/{i}", ADDED, None, after[i]))
                else:
                    _diff(path, f"{pointer}/{i}", before[old_at[item_id]], after[i], out)
            kept_before = [i for i in old_ids if i in new_at]
            kept_after = [i for i in new_ids if i in old_at]
            if kept_before != kept_after:  # the order shows in lists and plans
                out.append(Change(path, pointer, REORDERED, kept_before, kept_after))
            return
        if len(before) == len(after):
            for i, (b, a) in enumerate(zip(before, after)):
                _diff(path, f"{pointer}/{i}", b, a, out)
            return
    out.append(Change(path, pointer, CHANGED, before, after))


def describe(files: dict[str, Any], change: Change) -> str:
    """A person's name for where ``change`` is: the item, form or list it sits in.

    Looks up the nearest enclosing object with an ``id`` or a ``title`` in the
    files the change belongs to (``after`` side for additions and changes, the
    old files for removals are the caller's choice).
    """
    node = files.get(change.file)
    best = ""
    if isinstance(node, dict) and isinstance(node.get("title"), str):
        best = node["title"]
    for part in [p for p in change.pointer.split("/")[1:]]:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            if not key.isdigit() or int(key) >= len(node):
                break
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            break
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                text = node.get("text") or node.get("name") or node.get("title") or ""
                best = f"{node['id']} {text}".strip()
            elif isinstance(node.get("title"), str) and not best:
                best = node["title"]
    return best
