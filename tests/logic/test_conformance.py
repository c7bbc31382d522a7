"""Every case of the shared JsonLogic conformance suites (tests/logic/compat)."""

import json
from pathlib import Path

import pytest

from service.logic import RuleError, compile_rule
from service.logic.values import json_equal

COMPAT = Path(__file__).parent / "compat"


def load_cases():
    cases = []
    for name in json.loads((COMPAT / "index.json").read_text()):
        for index, case in enumerate(json.loads((COMPAT / name).read_text(encoding="utf-8"))):
            if isinstance(case, dict):
                cases.append(pytest.param(case, id=f"{name}#{index}"))
    return cases


CASES = load_cases()


def test_all_cases_are_collected():
    assert len(CASES) == 1138


@pytest.mark.parametrize("case", CASES)
def test_case(case):
    def run():
        return compile_rule(case["rule"])(case.get("data"))

    if "error" in case:
        with pytest.raises(RuleError) as info:
            run()
        assert info.value.type == case["error"]["type"], info.value.message
    else:
        result = run()
        assert json_equal(result, case["result"]), f"{result!r} != {case['result']!r}"
        # Integral doubles come back as ints, so they print as JS does (1, not 1.0).
        assert json.dumps(result, ensure_ascii=False) == json.dumps(case["result"], ensure_ascii=False) or (
            isinstance(case["result"], float)
        )
