"""The words applicability rules look for in a unit's tags and risk areas."""
from service.packs.loader import load_pack
from service.packs.vocabulary import pack_terms, rule_terms, unused_terms

from tests.define.conftest import ROOT


def test_words_tested_with_in_are_found_per_field():
    rules = [{"in": ["征地拆迁", {"var": "tags"}]},
             {"or": [{"in": ["项目建设", {"var": "tags"}]}, {"in": ["工程建设", {"var": "risk_areas"}]}]},
             {"in": [{"var": "type"}, ["街道", "镇"]]},                  # a scalar field: not a list word
             {"in": ["征地拆迁", {"var": ["tags", []]}]}]                 # with a default: same field
    assert rule_terms(rules) == {"tags": ["征地拆迁", "项目建设"], "risk_areas": ["工程建设"]}


def test_words_inside_quantifiers_are_found():
    rules = [{"some": [{"var": "tags"}, {"in": [{"var": ""}, ["区域融合", "乡村振兴"]]}]},
             {"some": [{"var": "risk_areas"}, {"or": [{"===": [{"var": ""}, "行政执法"]},
                                                      {"==": ["投资经营", {"var": ""}]}]}]}]
    assert rule_terms(rules) == {"tags": ["区域融合", "乡村振兴"], "risk_areas": ["行政执法", "投资经营"]}


def test_words_built_at_run_time_are_not_guessed():
    rules = [{"in": [{"cat": ["征地", "拆迁"]}, {"var": "tags"}]}, {"in": [{"var": "tags"}, "征地拆迁"]},
             {"some": [{"var": "other"}, {"===": [{"var": ""}, "x"]}]}, "not a rule", None, 3]
    assert rule_terms(rules) == {"tags": [], "risk_areas": []}


def test_the_default_pack_names_the_tags_its_extra_items_need():
    terms = pack_terms(load_pack(ROOT))
    assert {"征地拆迁", "项目建设"} <= set(terms["tags"])
    assert terms["risk_areas"]


def test_unused_words_are_the_ones_no_rule_looks_for():
    assert unused_terms(["拆迁", "征地拆迁", "项目"], ["征地拆迁", "项目建设"]) == ["拆迁", "项目"]
