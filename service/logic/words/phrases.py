"""The words of each locale: one table per language, looked up by key.

``{a}``-style placeholders are filled by ``Phrases.say``. Chinese text uses
full-width punctuation; English uses ASCII punctuation and curly quotes for
values (the same quotes as Chinese, so a quoted value reads the same in both).
"""
from __future__ import annotations

ZH = {
    "quote": "“{v}”",
    "true": "是", "false": "否", "null": "空值",
    "and": "且", "or": "或", "list_sep": "、", "group": "（{x}）",
    "is": "{a}为{b}", "is_not": "{a}不为{b}",
    ">=": "{a}不少于{b}", ">": "{a}多于{b}", "<=": "{a}不多于{b}", "<": "{a}少于{b}",
    ">=date": "{a}不早于{b}", ">date": "{a}晚于{b}", "<=date": "{a}不晚于{b}", "<date": "{a}早于{b}",
    "between": "{x}在{a}至{b}之间",
    "number": " {v} ", "unit": "{unit}",
    "bool_true": "{a}为是", "bool_false": "{a}为否",
    "filled": "已填写{a}", "not_filled": "未填写{a}",
    "not": "并非{x}", "truthy": "{a}成立",
    "contains": "{a}包含{b}", "one_of": "{a}为{b}之一",
    "some": "{arr}中有{c}的项", "all": "{arr}中每一项都满足：{c}", "none": "{arr}中没有{c}的项",
    "missing": "{a}中有未填写的", "missing_value": "{a}中未填写的项",
    "missing_some": "{a}中填写的少于 {n} 项", "exists": "有{a}",
    "in_period": "{a}在{p}内",
    "count": "{coll}数", "count_cond": "{c}的",
    "count_zero": "{period}没有{cond}{coll}",
    "distinct": "{coll}涉及的不同{field}",
    "sum": "{coll}的{x}之和",
    "map": "{coll}各项的{x}",
    "reduce": "{coll}逐项累计（{x}，初始为{init}）", "reduce_current": "当前项", "reduce_acc": "累计值",
    "whole": "该项", "whole_top": "数据", "index": "序号",
    "of": "{a}的{b}", "default": "{a}（未填写时为{b}）", "computed_path": "按{a}读取的值",
    "target": "目标次数", "period_var": "本期",
    "if": "如果{c}，则{a}", "elif": "；否则如果{c}，则{a}", "else": "；否则{a}",
    "always": "总是成立", "never": "从不成立",
    "coalesce": "{a}（为空时取{b}）", "try": "{a}（出错时取{b}）", "throw": "报错{v}",
    "today": "今天", "days_between": "从{a}到{b}的天数", "add_days": "{a}之后 {n} 天",
    "add_months": "{a}之后 {n} 个月", "year_of": "{a}所在年份", "half_of": "{a}所在半年",
    "quarter_of": "{a}所在季度", "month_of": "{a}所在月份",
    "period_start": "{a}的第一天", "period_end": "{a}的最后一天", "date": "日期{a}",
    "min": "{a}中的最小值", "max": "{a}中的最大值",
    "+": " + ", "-": " − ", "*": " × ", "/": " ÷ ", "%": "{a}除以{b}的余数", "neg": "−{a}",
    "cat": "文字（{a}）", "substr": "{a}的一部分", "merge": "{a}合并成的列表",
    "fallback": "规则 {json}", "cut": "……",
    "records": "{form}", "records_plain": "记录", "record_suffix": "记录",
    "count_measure": "次", "items_measure": "项", "distinct_measure": "个",
    "applies": "{c}的单位", "applies_all": "所有单位",
    "period_monthly": "本月", "period_quarterly": "本季度", "period_half-yearly": "本半年",
    "period_yearly": "本年度", "period_once": "本年度",
    "unit_data": "本单位",
}

EN = {
    "quote": "“{v}”",
    "true": "yes", "false": "no", "null": "empty",
    "and": " and ", "or": " or ", "list_sep": ", ", "group": "({x})",
    "is": "{a} is {b}", "is_not": "{a} is not {b}",
    ">=": "{a} is at least{b}", ">": "{a} is more than{b}", "<=": "{a} is at most{b}", "<": "{a} is less than{b}",
    ">=date": "{a} is on or after{b}", ">date": "{a} is after{b}", "<=date": "{a} is on or before{b}",
    "<date": "{a} is before{b}",
    "between": "{x} is between{a} and{b}",
    "number": " {v}", "unit": " {unit}",
    "bool_true": "{a} is yes", "bool_false": "{a} is no",
    "filled": "{a} is filled in", "not_filled": "{a} is not filled in",
    "not": "not {x}", "truthy": "{a} holds",
    "contains": "{a} includes {b}", "one_of": "{a} is one of {b}",
    "some": "some of {arr} have {c}", "all": "all of {arr} have {c}", "none": "none of {arr} have {c}",
    "missing": "any of {a} is missing", "missing_value": "the missing ones of {a}",
    "missing_some": "fewer than {n} of {a} are filled in", "exists": "{a} exists",
    "in_period": "{a} is within {p}",
    "count": "the number of {coll}", "count_cond": " where {c}",
    "count_zero": "there are no {coll}",
    "distinct": "the number of different {field} in {coll}",
    "sum": "the sum of {x} over {coll}",
    "map": "the {x} of each of {coll}",
    "reduce": "{coll} accumulated by ({x}) from {init}", "reduce_current": "the current item",
    "reduce_acc": "the running total",
    "whole": "the item", "whole_top": "the data", "index": "the position",
    "of": "{b} of {a}", "default": "{a} ({b} when not filled in)", "computed_path": "the value at {a}",
    "target": "the target", "period_var": "the period",
    "if": "if {c}, then {a}", "elif": "; else if {c}, then {a}", "else": "; otherwise {a}",
    "always": "always true", "never": "never true",
    "coalesce": "{a} (or {b} when empty)", "try": "{a} (or {b} on error)", "throw": "an error {v}",
    "today": "today", "days_between": "the days from {a} to {b}", "add_days": "{n} days after {a}",
    "add_months": "{n} months after {a}", "year_of": "the year of {a}", "half_of": "the half-year of {a}",
    "quarter_of": "the quarter of {a}", "month_of": "the month of {a}",
    "period_start": "the first day of {a}", "period_end": "the last day of {a}", "date": "the date {a}",
    "min": "the smallest of {a}", "max": "the largest of {a}",
    "+": " + ", "-": " − ", "*": " × ", "/": " ÷ ", "%": "the remainder of {a} divided by {b}", "neg": "−{a}",
    "cat": "the text ({a})", "substr": "part of {a}", "merge": "{a} merged into one list",
    "fallback": "the rule {json}", "cut": "…",
    "records": "{form}", "records_plain": "records", "record_suffix": " records",
    "count_measure": "", "items_measure": "", "distinct_measure": "",
    "applies": "units where {c}", "applies_all": "All units",
    "period_monthly": " this month", "period_quarterly": " this quarter", "period_half-yearly": " this half-year",
    "period_yearly": " this year", "period_once": " this year",
    "unit_data": "the unit",
}

TABLES = {"zh": ZH, "en": EN}


def locale_key(locale: str | None) -> str:
    """'en' for any English locale, else 'zh' (the product's first language)."""
    return "en" if str(locale or "").lower().startswith("en") else "zh"


class Phrases:
    """The phrase table of one locale."""

    def __init__(self, locale: str | None):
        self.locale = locale_key(locale)
        self.table = TABLES[self.locale]

    def __getitem__(self, key: str) -> str:
        return self.table[key]

    def say(self, key: str, **parts: str) -> str:
        return self.table[key].format(**parts)

    def join(self, parts: list[str], key: str = "list_sep") -> str:
        return self.table[key].join(parts)
