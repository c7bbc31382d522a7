"""Rule packs: the directory of JSON (rules/ + forms/) that defines duty lists,
their items, applicability and check rules, forms and scoring.

Public interface::

    load_pack(path) -> Pack          # raises PackError on unreadable/invalid files
    check_pack(path_or_pack) -> list[Problem]
    run_pack_tests(pack) -> list[TestResult]
    applicable_items(pack, unit) / check_item(item, records, period, unit, today=...)

See docs/packs.md for the file format.
"""
from .check import check_data_schema, check_pack
from .evaluate import EngineMissing, RuleCache, applicable_items, applies, check_data, check_item
from .loader import build_pack, load_pack, read_pack_files
from .model import (
    Category, DutyList, Form, Item, Manifest, Pack, PackTest, ScoringRule,
    ScoringRules, TestCase, canonical_json, content_hash,
)
from .problems import PackError, Problem
from .testing import TestFailure, TestResult, run_pack_tests
from .validation import kind_schemas, validate_files

__all__ = [
    "Category", "DutyList", "EngineMissing", "Form", "Item", "Manifest", "Pack", "PackError",
    "PackTest", "Problem", "RuleCache", "ScoringRule", "ScoringRules", "TestCase", "TestFailure",
    "TestResult", "applicable_items", "applies", "build_pack", "canonical_json", "check_data",
    "check_data_schema", "check_item", "check_pack", "content_hash", "load_pack",
    "kind_schemas", "read_pack_files", "run_pack_tests", "validate_files",
]
