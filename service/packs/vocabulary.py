"""The words a pack's applicability rules look for in a unit's list fields.

A unit's tags and risk areas are free text, but an item applies only when a
rule finds an exact word in them: a unit tagged 拆迁 gets none of the items
written for 征地拆迁. The unit form shows the words the published pack's rules
use and points out a word that resembles one of them without being it, so a
clerk's near miss is seen at once.

The words are found by reading the rules, not by running them. The shapes
recognised are the ones a rule author writes to test a list field:

    {"in": ["征地拆迁", {"var": "tags"}]}
    {"some": [{"var": "tags"}, {"in": [{"var": ""}, ["项目建设", "区域融合"]]}]}
    {"some": [{"var": "tags"}, {"===": [{"var": ""}, "项目建设"]}]}

A rule that builds its word another way (``cat``, a ``var`` default) is not
understood; its words are simply not listed, and nothing else changes.
"""
from __future__ import annotations

from typing import Any, Iterable

LIST_FIELDS = ("tags", "risk_areas")
_EQUALS = ("==", "===")
_QUANTIFIERS = ("some", "all", "none")


def rule_terms(rules: Iterable[Any], fields: Iterable[str] = LIST_FIELDS) -> dict[str, list[str]]:
    """For each list field, the words the ``rules`` test it for, in first-seen order."""
    found: dict[str, list[str]] = {name: [] for name in fields}
    for rule in rules:
        _walk(rule, found, depth=0)
    return found


def pack_terms(pack) -> dict[str, list[str]]:
    """The words the applicability rules of ``pack`` look for in the list fields."""
    return rule_terms(item.applies_if for item in pack.items if item.applies_if is not None)


def near_misses(values: Iterable[str], terms: list[str]) -> list[tuple[str, str]]:
    """(value, term) for each value that resembles a rule's word without being it.

    Rules match whole words only, so 拆迁 does nothing for a rule that looks
    for 征地拆迁. A value resembles a term when one contains the other or they
    share a run of two Chinese characters (four other characters). A value
    like nothing the rules use is left alone: tags and risk areas also
    describe units for people, and most such words are meant.
    """
    known = set(terms)
    found = []
    for value in values:
        if value in known:
            continue
        term = next((t for t in terms if _resembles(value, t)), None)
        if term is not None:
            found.append((value, term))
    return found


def _resembles(a: str, b: str) -> bool:
    if a in b or b in a:
        return True
    cjk = any("\u4e00" <= ch <= "\u9fff" for ch in a + b)
    return _longest_common_run(a.casefold(), b.casefold()) >= (2 if cjk else 4)


def _longest_common_run(a: str, b: str) -> int:
    best = 0
    previous = [0] * (len(b) + 1)
    for ch_a in a:
        current = [0] * (len(b) + 1)
        for j, ch_b in enumerate(b, start=1):
            if ch_a == ch_b:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def _var_name(node: Any) -> str | None:
    """The variable a plain ``{"var": name}`` reads, else None."""
    if isinstance(node, dict) and len(node) == 1 and "var" in node:
        arg = node["var"]
        if isinstance(arg, list):
            arg = arg[0] if arg else None
        return arg if isinstance(arg, str) else None
    return None


def _add(found: dict[str, list[str]], field: str, words: Iterable[Any]) -> None:
    bucket = found[field]
    for word in words:
        if isinstance(word, str) and word and word not in bucket:
            bucket.append(word)


def _element_words(predicate: Any) -> list[Any]:
    """Words a quantifier's predicate compares the current element (``{"var": ""}``) with."""
    if not isinstance(predicate, dict) or len(predicate) != 1:
        return []
    op, args = next(iter(predicate.items()))
    if not isinstance(args, list) or len(args) != 2:
        if op in ("or", "and") and isinstance(args, list):
            return [w for arg in args for w in _element_words(arg)]
        return []
    left, right = args
    if op == "in" and _var_name(left) == "" and isinstance(right, list):
        return list(right)
    if op in _EQUALS:
        if _var_name(left) == "":
            return [right]
        if _var_name(right) == "":
            return [left]
    if op in ("or", "and"):
        return [w for arg in args for w in _element_words(arg)]
    return []


def _walk(node: Any, found: dict[str, list[str]], depth: int) -> None:
    if depth > 200:  # rules are depth-limited when checked; this is only a guard
        return
    if isinstance(node, list):
        for child in node:
            _walk(child, found, depth + 1)
        return
    if not isinstance(node, dict) or len(node) != 1:
        return
    op, args = next(iter(node.items()))
    if isinstance(args, list) and len(args) == 2:
        first, second = args
        if op == "in" and _var_name(second) in found:
            _add(found, _var_name(second), [first])
        elif op in _QUANTIFIERS and _var_name(first) in found:
            _add(found, _var_name(first), _element_words(second))
    _walk(args, found, depth + 1)
