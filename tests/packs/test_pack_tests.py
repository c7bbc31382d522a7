"""The pack's own tests: they pass, exercise every check rule both ways, and
would catch a rule that is replaced by a constant."""
import pytest

from service.packs import RuleCache, check_item, load_pack, run_pack_tests
from service.packs.model import TestCase

from .helpers import ROOT


@pytest.fixture(scope="module")
def pack():
    return load_pack(ROOT)


def test_all_pack_tests_pass(pack):
    results = run_pack_tests(pack)
    failures = [f"{r.file}{f.pointer}: {f.message_en}" for r in results for f in r.failures]
    assert failures == []
    assert sum(r.checked for r in results) > 2 * len(pack.items)


def expectations(pack):
    """item id → list of (case, expected) over all pack tests."""
    found = {}
    for test in pack.tests:
        for case in test.cases:
            for item_id, expected in case.expect.items():
                found.setdefault(item_id, []).append((case, expected))
    return found


def test_every_check_rule_is_expected_met_and_not_met(pack):
    found = expectations(pack)
    one_way = [i.id for i in pack.items if {e for _, e in found.get(i.id, [])} != {True, False}]
    assert one_way == []


def _outcomes(pack, item, cases, cache):
    return [check_item(item, case.records.get(item.form, []), case.period, case.unit, today=case.today, cache=cache)
            for case in cases]


def test_pack_tests_catch_a_rule_replaced_by_a_constant(pack):
    """For every item, `true` and `false` in place of its check rule each
    break at least one expectation: no rule is tested only on one side."""
    cache = RuleCache()
    found = expectations(pack)
    undetected = []
    for item in pack.items:
        cases = [case for case, _ in found[item.id]]
        wanted = [expected for _, expected in found[item.id]]
        assert _outcomes(pack, item, cases, cache) == wanted, item.id
        original = item.check
        try:
            for constant in (True, False):
                item.check = constant
                if _outcomes(pack, item, cases, cache) == wanted:
                    undetected.append((item.id, constant))
        finally:
            item.check = original
    assert undetected == []


def test_a_case_without_unit_cannot_expect_checks(pack):
    case = TestCase(name="no unit", period="2022", expect={"fr-study-pfl": True}, file="rules/tests/x.json",
                    pointer="/cases/0")
    pack.tests[0].cases.append(case)
    try:
        result = [r for r in run_pack_tests(pack) if r.name == "no unit"][0]
    finally:
        pack.tests[0].cases.pop()
    assert not result.passed and result.failures[0].message_en == "the case needs a unit profile"
