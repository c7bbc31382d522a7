"""docs/rules.md stays true: every operator and limit is documented, every JSON example compiles."""

import json
import re
from dataclasses import fields
from pathlib import Path

import pytest

from service.logic import Limits, check_rule, compile_rule
from service.logic.operators import OPERATORS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("op", sorted(OPERATORS))
def test_every_operator_is_documented(op):
    assert f"`{op}`" in DOC


@pytest.mark.parametrize("field", [f.name for f in fields(Limits)])
def test_every_limit_is_documented(field):
    assert f"`{field}`" in DOC


JSON_BLOCKS = re.findall(r"```json\n(.*?)```", DOC, re.S)


@pytest.mark.parametrize("block", JSON_BLOCKS)
def test_json_examples_compile_and_pass_static_checks(block):
    rule = json.loads(block)
    compile_rule(rule)
    assert [p for p in check_rule(rule, True) if p.code != "unknown_path"] == []


def test_quarterly_inspection_example_from_the_docs():
    rule = json.loads(JSON_BLOCKS[1])
    data = {"records": [{"kind": "监督检查", "date": "2022-05-01"}, {"kind": "监督检查", "date": "2022-07-01"}],
            "period": {"id": "2022Q2", "start": "2022-04-01", "end": "2022-06-30"}, "target": 1}
    assert compile_rule(rule)(data) is True
    assert compile_rule(rule)(dict(data, target=2)) is False
