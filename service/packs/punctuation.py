"""Lint: half-width punctuation in a pack's Chinese text.

Chinese text takes full-width punctuation (制度，每月（党组）), not the ASCII
marks (制度,每月 (党组)) that slip in when text is typed on an English
keyboard. ``half_width_problems(files)`` reports each text field of the pack
(item texts and findings, list and category names, form titles, descriptions
and option labels, scoring descriptions and follow-up texts) where a half-width
``, ; : ( )`` stands in Chinese text; ``full_width(text)`` is the fix. Option
*values* (``enum``), ids, rules and the English ``x-i18n`` are never touched:
records and rules match those exactly.

These are warnings: ``dutyloop pack check`` prints them and fails on them only
with ``--strict``; installing and saving a pack do not depend on them.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from .problems import Problem, pointer_join

CODE = "text-half-width"
TEXT_KEYS = {"text", "finding", "holder", "supervisor", "description", "title", "name", "district",
             "x-placeholder"}
SKIP_KEYS = {"x-i18n", "enum", "const", "default", "examples", "check", "applies_if", "rule",
             "x-visible-if", "x-required-if", "id", "$id", "$schema", "values", "deductions"}
FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’]")
_MARK = re.compile(r"[,;:()]")
MAX_PROBLEMS = 500


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _half_width_at(text: str) -> list[int]:
    """Positions of half-width marks in Chinese text (not between two ASCII words: 10,000, 12:30, x-record: false)."""
    if not _CJK.search(text):
        return []
    out = []
    for match in _MARK.finditer(text):
        i = match.start()
        before = text[:i].rstrip()[-1:]
        after = text[i + 1:].lstrip()[:1]
        if not (_ascii_word(before) and _ascii_word(after)):   # x-record: false, 10,000 stay
            out.append(i)
    return out


def full_width(text: str) -> str:
    """The text with its half-width marks made full-width (spaces around them dropped)."""
    spots = set(_half_width_at(text))
    if not spots:
        return text
    out = "".join(FULL[c] if i in spots else c for i, c in enumerate(text))
    return re.sub(r" *([，；：（）]) *", r"\1", out)


def _texts(value: Any, pointer: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    if depth > 64:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            if not isinstance(key, str) or key in SKIP_KEYS:
                continue
            here = pointer_join(pointer, key)
            if key == "x-enum-labels" and isinstance(child, dict):
                for label_key, label in child.items():
                    if isinstance(label, str):
                        yield pointer_join(here, label_key), label
            elif key in TEXT_KEYS and isinstance(child, str):
                yield here, child
            elif isinstance(child, (dict, list)):
                yield from _texts(child, here, depth + 1)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            if isinstance(child, (dict, list)):
                yield from _texts(child, pointer_join(pointer, index), depth + 1)


def half_width_problems(files: dict[str, Any]) -> list[Problem]:
    """A warning per text field with half-width punctuation in Chinese text (pack tests are skipped)."""
    problems: list[Problem] = []
    for file in sorted(files):
        if file.startswith("rules/tests/"):
            continue
        for pointer, text in _texts(files[file], ""):
            if _half_width_at(text) and len(problems) < MAX_PROBLEMS:
                fixed = full_width(text)
                problems.append(Problem(file, pointer, CODE,
                                        f"中文文字中有半角标点，应改为全角：{fixed}",
                                        f"half-width punctuation in Chinese text; full-width: {fixed}"))
    return problems
