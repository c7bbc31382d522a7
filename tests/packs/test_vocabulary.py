"""The words applicability rules look for in a unit's tags and risk areas."""
from service.packs.loader import load_pack
from service.packs.vocabulary import near_misses, pack_terms, rule_terms

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


def test_near_misses_are_words_like_a_rule_word_but_not_it():
    terms = ["征地拆迁", "项目建设", "工程建设", "law enforcement"]
    assert near_misses(["拆迁", "征地拆迁", "项目", "重大项目建设", "校园工程", "乡村振兴", "教辅征订"], terms) == [
        ("拆迁", "征地拆迁"), ("项目", "项目建设"), ("重大项目建设", "项目建设"), ("校园工程", "工程建设")]
    # Latin words need a longer shared run: two letters in common is chance.
    assert near_misses(["Law-Enforcement", "lawn", "enforce"], terms) == [
        ("Law-Enforcement", "law enforcement"), ("enforce", "law enforcement")]
