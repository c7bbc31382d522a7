"""Rules in words (service.logic.words): sentences for the shapes packs use, English,
a fallback for what the renderer does not know, and no error for any valid rule."""
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from service.logic import RuleCompileError, compile_rule
from service.logic.operators import OPERATORS
from service.logic.words import Vocabulary, applicability, check, condition, pretty_json, value
from service.packs import load_pack
from service.packs import words as pack_words

PROFILE = {"type": "object", "properties": {
    "type": {"type": "string", "title": "单位类型", "x-i18n": {"en": {"title": "Unit type"}}},
    "tags": {"type": "array", "title": "重点工作标签", "items": {"type": "string"}},
    "subordinate_units": {"type": "integer", "title": "下属单位数", "x-unit": "个",
                          "x-i18n": {"en": {"title": "Subordinate units"}}},
    "law_enforcement": {"type": "boolean", "title": "执法单位"},
}}
TALK = {"title": "谈心谈话记录", "x-i18n": {"en": {"title": "Talk record"}}, "type": "object", "properties": {
    "date": {"type": "string", "format": "date", "title": "谈话日期"},
    "target_name": {"type": "string", "title": "谈话对象", "x-i18n": {"en": {"title": "Person talked to"}}},
    "target_roles": {"type": "array", "title": "谈话对象身份", "x-i18n": {"en": {"title": "Roles"}},
                     "items": {"type": "string", "enum": ["班子成员", "年轻干部"]}},
    "follow_up": {"type": "string", "title": "跟踪回访情况"},
    "filed": {"type": "boolean", "title": "已报备"},
    "group": {"type": "string", "enum": ["commission"], "x-enum-labels": {"commission": "区纪委监委"}},
}}
COUNT_ALL = {">=": [{"count_if": [{"var": "records"}]}, {"var": "target"}]}


def talk_vocab(locale="zh", **kw):
    return Vocabulary.for_check(TALK, PROFILE, locale, **kw)


def test_the_issue_examples():
    assert applicability({">=": [{"var": "subordinate_units"}, 1]}, Vocabulary.for_profile(PROFILE)) == \
        "下属单位数不少于 1 个的单位"
    assert check(COUNT_ALL, talk_vocab(frequency="quarterly", target=1)) == "本季度谈心谈话记录不少于 1 次"


def test_english_uses_english_titles_and_no_full_width_punctuation():
    text = check(COUNT_ALL, talk_vocab("en", frequency="quarterly", target=1))
    assert text == "The number of Talk records this quarter is at least 1"
    assert applicability({">=": [{"var": "subordinate_units"}, 1]}, Vocabulary.for_profile(PROFILE, "en")) == \
        "Units where Subordinate units is at least 1"
    assert applicability(None, Vocabulary.for_profile(PROFILE, "en")) == "All units"
    rule = {"if": [{"<": [{"var": "score"}, 60]}, "差", "好"]}
    assert not re.search(r"[，。；：（）]", value(rule, Vocabulary(locale="en")))


def test_conditions_inside_records_read_the_form_fields_and_enum_labels():
    rule = {">=": [{"count_distinct": [{"filter": [{"var": "records"}, {"in": ["班子成员", {"var": "target_roles"}]}]},
                                       {"var": "target_name"}]}, {"var": "target"}]}
    assert check(rule, talk_vocab(frequency="yearly", target=4)) == \
        "本年度谈话对象身份包含“班子成员”的谈心谈话记录涉及的不同谈话对象不少于 4 个"
    prohibition = {"==": [{"count_if": [{"var": "records"}, {"and": [{"===": [{"var": "group"}, "commission"]},
                                                                    {"!": {"var": "follow_up"}}]}]}, 0]}
    assert check(prohibition, talk_vocab(frequency="yearly")) == \
        "本年度没有group为“区纪委监委”且未填写跟踪回访情况的谈心谈话记录"


def test_without_a_known_target_it_names_the_target():
    assert check(COUNT_ALL, talk_vocab()) == "谈心谈话记录不少于目标次数"


def test_booleans_lists_and_mixed_and_or():
    vocab = Vocabulary.for_profile(PROFILE)
    rule = {"or": [{"in": [{"var": "type"}, ["街道", "镇"]]},
                   {"and": [{"===": [{"var": "law_enforcement"}, True]}, {">": [{"var": "subordinate_units"}, 5]}]}]}
    assert applicability(rule, vocab) == \
        "单位类型为“街道”、“镇”之一或（执法单位为是且下属单位数多于 5 个）的单位"


def test_dates_compare_as_earlier_and_later():
    rule = {"<=": ["2022-04-01", {"var": "date"}, "2022-06-30"]}
    assert condition(rule, Vocabulary.for_data(TALK)) == "谈话日期在“2022-04-01”至“2022-06-30”之间"
    assert condition({"<": [{"var": "date"}, "2022-06-30"]}, Vocabulary.for_data(TALK)) == "谈话日期早于“2022-06-30”"


def test_unknown_operators_and_shapes_fall_back_to_readable_json():
    text = condition({"frobnicate": [{">": [{"var": "x"}, 1]}]}, Vocabulary())
    assert '{"frobnicate":[{">":[{"var":"x"},1]}]}' in text
    assert "\\u003e" not in text and "u003e" not in text
    assert condition({"a": 1, "b": 2}, Vocabulary())        # several keys: a literal, still told
    assert value({"var": {"weird": []}}, Vocabulary())


def test_deep_and_huge_rules_are_cut_not_crashed():
    deep = 1
    for _ in range(5000):
        deep = {"!": deep}
    assert condition(deep, Vocabulary())
    wide = {"and": [{"==": [{"var": f"f{i}"}, i]} for i in range(3000)]}
    assert len(condition(wide, Vocabulary())) < 5000


def test_pretty_json_keeps_chinese_and_operators_readable():
    text = pretty_json({">=": [{"var": "谈话"}, 1]})
    assert '">="' in text and "谈话" in text and "\\u" not in text
    rule = {"and": [{"===": [{"var": "law_enforcement"}, True]}, {">=": [{"var": "subordinate_units"}, 3]}]}
    assert json.loads(pretty_json(rule)) == rule and all(len(line) <= 48 for line in pretty_json(rule).splitlines())
    deep = 1
    for _ in range(5000):
        deep = {"!": deep}
    assert pretty_json(deep)


def test_every_rule_of_the_default_pack_reads_as_words_in_both_languages():
    pack = load_pack(".")
    for locale in ("zh", "en"):
        for item in pack.items:
            for told in (pack_words.check(pack, item, locale), pack_words.applicability(pack, item, locale)):
                assert told.text and "{" not in told.text, (item.id, told.text)
        for rule in pack.scoring.rules:
            told = pack_words.scoring_rule(pack, rule.id, locale)
            assert told.text and "{" not in told.text, (rule.id, told.text)


def test_form_conditions_of_the_default_pack():
    pack = load_pack(".")
    talk = pack_words.form_conditions(pack.forms["talk"].schema, "zh")
    assert [(c.field, c.kind, c.told.text) for c in talk] == [
        ("已向派驻纪检监察组报备", "visible", "谈话类型为“提醒”、“诫勉”、“约谈”之一")]


# -- any valid rule renders ---------------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                    st.text(max_size=6), st.sampled_from(["2022-06-30", "2022Q2", "records", "target", "a.b"]))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)), max_leaves=8)
rules = st.recursive(
    json_values,
    lambda inner: st.one_of(
        st.builds(lambda op, args: {op: args}, st.sampled_from(sorted(OPERATORS)), st.lists(inner, max_size=4)),
        st.builds(lambda op, arg: {op: arg}, st.sampled_from(sorted(OPERATORS)), inner),
        st.builds(lambda path: {"var": path}, st.sampled_from(["records", "target", "target_roles", "unit.type", ""])),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(rules, st.sampled_from(["zh", "en"]))
def test_any_valid_rule_renders_without_error(rule, locale):
    try:
        compile_rule(rule)
    except RuleCompileError:
        pass  # invalid rules must not crash either, but valid ones are the promise
    vocabularies = [talk_vocab(locale, frequency="quarterly", target=2), Vocabulary.for_profile(PROFILE, locale),
                    Vocabulary(locale=locale)]
    for vocab in vocabularies:
        for fn in (condition, value, check, applicability):
            text = fn(rule, vocab)
            assert isinstance(text, str) and text
            assert "\\u003" not in text   # never the HTML-safe escapes of < > &
            json.dumps(text)
    assert isinstance(pretty_json(rule), str)
