"""Running a pack's own tests (rules/tests/*.json)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .evaluate import RuleCache, applies, check_item
from .model import Pack, TestCase
from .problems import pointer_join


@dataclass
class TestFailure:
    """One unmet expectation of a test case; pointer is inside the test file."""

    __test__ = False  # a pack test, not a pytest class

    pointer: str
    message_zh: str
    message_en: str


@dataclass
class TestResult:
    """Outcome of one test case."""

    __test__ = False  # a pack test, not a pytest class

    file: str
    pointer: str
    name: str
    failures: list[TestFailure] = field(default_factory=list)
    checked: int = 0

    @property
    def passed(self) -> bool:
        """True when every expectation of the case held."""
        return not self.failures


def run_pack_tests(pack: Pack, cache: RuleCache | None = None) -> list[TestResult]:
    """Run every case of every pack test; one TestResult per case.

    Needs service.logic; raises evaluate.EngineMissing without it.
    """
    cache = cache or RuleCache()
    results = []
    for test in pack.tests:
        for case in test.cases:
            results.append(_run_case(pack, case, cache))
    return results


def _fail(result: TestResult, pointer: str, zh: str, en: str) -> None:
    result.failures.append(TestFailure(pointer_join(result.pointer, pointer), zh, en))


def _run_case(pack: Pack, case: TestCase, cache: RuleCache) -> TestResult:
    result = TestResult(case.file, case.pointer, case.name)
    today = case.today or None
    applicable_ids = set()
    wants_applicability = case.applicable or case.not_applicable or case.applicable_exactly is not None
    if (wants_applicability or case.expect) and case.unit is None:
        _fail(result, "", "用例需要给出单位画像 unit", "the case needs a unit profile")
        return result
    for item in pack.items if wants_applicability else ():
        try:
            if applies(item, case.unit, today=today, cache=cache):
                applicable_ids.add(item.id)
        except Exception as exc:  # a rule error is a test failure, not a crash
            _fail(result, "/unit", f"条目 {item.id} 的适用规则出错:{exc}",
                  f"applies_if of item {item.id} failed: {exc}")
    known = {item.id for item in pack.items}
    for key in ("applicable", "not_applicable"):
        wanted = key == "applicable"
        for index, item_id in enumerate(getattr(case, key)):
            pointer = pointer_join(key, index)
            result.checked += 1
            if item_id not in known:
                _fail(result, pointer, f"没有编号为 {item_id} 的条目", f"no item with id {item_id}")
            elif (item_id in applicable_ids) != wanted:
                _fail(result, pointer,
                      f"条目 {item_id} 应{'' if wanted else '不'}适用于该单位,实际{'不' if wanted else ''}适用",
                      f"item {item_id} should {'' if wanted else 'not '}apply to this unit but does"
                      f"{' not' if wanted else ''}")
    if case.applicable_exactly is not None:
        result.checked += 1
        expected = set(case.applicable_exactly)
        if expected != applicable_ids:
            missing, extra = sorted(expected - applicable_ids), sorted(applicable_ids - expected)
            _fail(result, "/applicable_exactly",
                  f"适用条目不一致:缺少 {missing},多出 {extra}",
                  f"applicable items differ: missing {missing}, extra {extra}")
    for item_id, expected in case.expect.items():
        pointer = pointer_join("expect", item_id)
        result.checked += 1
        item = pack.item(item_id)
        if item is None:
            _fail(result, pointer, f"没有编号为 {item_id} 的条目", f"no item with id {item_id}")
            continue
        if not case.period:
            _fail(result, "/period", "有 expect 的用例必须给出 period", "a case with expect needs a period")
            break
        records = case.records.get(item.form, [])
        try:
            met = check_item(item, records, case.period, case.unit, today=case.today, cache=cache)
        except Exception as exc:
            _fail(result, pointer, f"检查规则出错:{exc}", f"check rule failed: {exc}")
            continue
        if met != expected:
            _fail(result, pointer,
                  f"条目 {item_id} 的检查结果应为{'达标' if expected else '未达标'},实际为{'达标' if met else '未达标'}",
                  f"item {item_id} check should be {'met' if expected else 'not met'} but is "
                  f"{'met' if met else 'not met'}")
    for index, score in enumerate(case.scores):
        pointer = pointer_join("scores", index)
        result.checked += 1
        rule = pack.scoring.rule(score.get("rule")) if pack.scoring else None
        if rule is None:
            _fail(result, pointer + "/rule", f"没有评分规则 {score.get('rule')}", f"no scoring rule {score.get('rule')}")
            continue
        try:
            value = cache.get(rule.rule)(score.get("data"), {"today": case.today} if case.today else {})
        except Exception as exc:
            _fail(result, pointer, f"评分规则出错:{exc}", f"scoring rule failed: {exc}")
            continue
        if not _same(value, score.get("expect")):
            _fail(result, pointer + "/expect", f"评分结果应为 {score.get('expect')!r},实际为 {value!r}",
                  f"score should be {score.get('expect')!r} but is {value!r}")
    return result


def _same(actual, expected) -> bool:
    # Scores are computed in floating point; compare numbers with a tolerance.
    numbers = (int, float)
    if isinstance(actual, numbers) and isinstance(expected, numbers) \
            and not isinstance(actual, bool) and not isinstance(expected, bool):
        return abs(actual - expected) < 1e-6
    return actual == expected
