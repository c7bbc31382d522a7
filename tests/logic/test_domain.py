"""Domain operators: dates, periods and record aggregates used by duty rules."""

import pytest

from service.logic import RuleError, compile_rule

TODAY = {"today": "2022-06-15"}


def ev(rule, data=None, context=None):
    return compile_rule(rule)(data, context)


@pytest.mark.parametrize(
    "rule,expected",
    [
        ({"today": []}, "2022-06-15"),
        ({"date": "2022-06-01"}, "2022-06-01"),
        ({"date": "2022-6-1"}, "2022-06-01"),
        ({"date": "2022/06/01"}, "2022-06-01"),
        ({"date": "2022年6月1日"}, "2022-06-01"),
        ({"date": "2022-06-01T09:30:00+08:00"}, "2022-06-01"),
        ({"days_between": ["2022-06-01", "2022-06-30"]}, 29),
        ({"days_between": ["2022-06-30", "2022-06-01"]}, -29),
        ({"days_between": [{"today": []}, "2022-06-30"]}, 15),
        ({"add_days": ["2022-06-25", 10]}, "2022-07-05"),
        ({"add_days": ["2022-03-01", -1]}, "2022-02-28"),
        ({"add_months": ["2022-01-31", 1]}, "2022-02-28"),
        ({"add_months": ["2024-01-31", 1]}, "2024-02-29"),
        ({"add_months": ["2022-11-30", 3]}, "2023-02-28"),
        ({"add_months": ["2022-03-15", -3]}, "2021-12-15"),
        ({"year_of": "2022-06-15"}, 2022),
        ({"half_of": "2022-06-30"}, "2022H1"),
        ({"half_of": "2022-07-01"}, "2022H2"),
        ({"quarter_of": "2022-04-01"}, "2022Q2"),
        ({"quarter_of": "2022-12-31"}, "2022Q4"),
        ({"month_of": "2022-06-15"}, "2022-06"),
        ({"in_period": ["2022-06-30", "2022Q2"]}, True),
        ({"in_period": ["2022-07-01", "2022Q2"]}, False),
        ({"in_period": ["2022-12-31", "2022"]}, True),
        ({"in_period": ["2022-07-01", "2022H2"]}, True),
        ({"in_period": ["2022-06-01", "2022H2"]}, False),
        ({"in_period": ["2022-02-28", "2022-02"]}, True),
        ({"in_period": ["2022-03-01", "2022-02"]}, False),
        ({"in_period": ["2022-06-30T23:59:00", "2022Q2"]}, True),
        ({"in_period": ["2022/7/1", "2022Q2"]}, False),
        ({"in_period": ["2022年5月4日", {"preserve": {"start": "2022-05-01", "end": "2022-05-31"}}]}, True),
        ({"period_start": "2022Q3"}, "2022-07-01"),
        ({"period_end": "2022Q3"}, "2022-09-30"),
        ({"period_end": "2024-02"}, "2024-02-29"),
        ({"period_start": "2022H2"}, "2022-07-01"),
        ({"period_end": "2022H1"}, "2022-06-30"),
        ({"period_end": "2022"}, "2022-12-31"),
        ({"period_end": {"preserve": {"id": "2022Q2", "kind": "quarter"}}}, "2022-06-30"),
    ],
)
def test_date_operators(rule, expected):
    assert ev(rule, None, TODAY) == expected


def test_in_period_accepts_the_check_rule_period_object():
    data = {"date": "2022-05-20", "period": {"id": "2022Q2", "kind": "quarter", "start": "2022-04-01", "end": "2022-06-30"}}
    assert ev({"in_period": [{"var": "date"}, {"var": "period"}]}, data) is True
    data["date"] = "2022-07-01"
    assert ev({"in_period": [{"var": "date"}, {"var": "period"}]}, data) is False


def test_dates_compare_as_strings_after_normalising():
    rule = {"<=": [{"var": "period.start"}, {"date": {"var": "date"}}, {"var": "period.end"}]}
    data = {"date": "2022/5/3", "period": {"start": "2022-04-01", "end": "2022-06-30"}}
    assert ev(rule, data) is True


@pytest.mark.parametrize(
    "rule",
    [
        {"date": "2022-02-30"},
        {"date": "not a date"},
        {"date": 20220101},
        {"date": None},
        {"days_between": ["2022-01-01"]},
        {"add_days": ["2022-13-01", 1]},
        {"add_days": ["2022-01-01", 1.5]},
        {"year_of": ""},
        {"in_period": ["2022-01-01", "2022Q5"]},
        {"in_period": ["2022-02-30", "2022Q1"]},
        {"in_period": [{"var": "nothing"}, "2022Q1"]},
        {"in_period": ["2022-01-01", "22Q1"]},
        {"period_start": "2022-13"},
        {"period_end": None},
    ],
)
def test_invalid_dates_and_periods_are_invalid_arguments(rule):
    with pytest.raises(RuleError) as info:
        ev(rule)
    assert info.value.type == "Invalid Arguments"


def test_today_without_context_is_a_clear_error():
    with pytest.raises(RuleError) as info:
        ev({"today": []})
    assert info.value.type == "Invalid Arguments"
    assert "context" in info.value.message


def test_today_comes_only_from_context():
    assert ev({"today": []}, None, {"today": "2023-01-02"}) == "2023-01-02"
    with pytest.raises(RuleError):
        ev({"today": []}, None, {"today": "yesterday"})


RECORDS = [
    {"date": "2022-04-10", "kind": "监督检查", "issues": 2, "unit": "区财政局"},
    {"date": "2022-05-12", "kind": "谈心谈话", "issues": 0, "unit": "区财政局"},
    {"date": "2022-06-30", "kind": "监督检查", "issues": 1, "unit": "区教育局"},
    {"date": "2022-07-01", "kind": "监督检查", "issues": 5, "unit": "区教育局"},
]
CHECK_DATA = {
    "records": RECORDS,
    "period": {"id": "2022Q2", "kind": "quarter", "start": "2022-04-01", "end": "2022-06-30"},
    "target": 1,
    "unit": {"name": "区财政局", "type": "区直单位", "tags": ["征地拆迁"], "risk_areas": [], "subordinate_units": 3, "law_enforcement": False},
}


def test_count_if_counts_matching_records():
    rule = {"count_if": [{"var": "records"}, {"==": [{"var": "kind"}, "监督检查"]}]}
    assert ev(rule, CHECK_DATA) == 3


def test_count_if_without_condition_counts_all():
    assert ev({"count_if": [{"var": "records"}]}, CHECK_DATA) == 4


def test_count_if_of_missing_records_is_zero():
    assert ev({"count_if": [{"var": "records"}, True]}, {}) == 0


def test_count_if_rejects_a_non_array():
    with pytest.raises(RuleError) as info:
        ev({"count_if": [{"var": "target"}, True]}, CHECK_DATA)
    assert info.value.type == "Invalid Arguments"


def test_quarterly_inspection_duty_each_quarter_at_least_once():
    """每季度至少开展一次监督检查."""
    rule = {
        ">=": [
            {"count_if": [{"var": "records"}, {"and": [
                {"==": [{"var": "kind"}, "监督检查"]},
                {"in_period": [{"var": "date"}, {"val": [[2], "period"]}]},
            ]}]},
            {"var": "target"},
        ]
    }
    assert ev(rule, CHECK_DATA) is True
    assert ev(rule, dict(CHECK_DATA, target=3)) is False


def test_sum_of_with_and_without_condition():
    assert ev({"sum_of": [{"var": "records"}, {"var": "issues"}]}, CHECK_DATA) == 8
    cond = {"in_period": [{"var": "date"}, "2022Q2"]}
    assert ev({"sum_of": [{"var": "records"}, {"var": "issues"}, cond]}, CHECK_DATA) == 3


def test_sum_of_non_numbers_is_nan():
    with pytest.raises(RuleError) as info:
        ev({"sum_of": [{"var": "records"}, {"var": "kind"}]}, CHECK_DATA)
    assert info.value.type == "NaN"


def test_count_distinct_ignores_nulls():
    assert ev({"count_distinct": [{"var": "records"}, {"var": "unit"}]}, CHECK_DATA) == 2
    assert ev({"count_distinct": [{"var": "records"}, {"month_of": {"var": "date"}}]}, CHECK_DATA) == 4
    assert ev({"count_distinct": [{"var": "records"}, {"var": "nothing"}]}, CHECK_DATA) == 0
    assert ev({"count_distinct": [[1, 1.0, True, "1", [1], [1]], {"val": []}]}) == 4


def test_applicability_rule_over_a_unit_profile():
    rule = {"or": [{"in": ["征地拆迁", {"var": "tags"}]}, {"and": [{"==": [{"var": "type"}, "国企"]}, {">": [{"var": "subordinate_units"}, 5]}]}]}
    assert ev(rule, CHECK_DATA["unit"]) is True
    assert ev(rule, dict(CHECK_DATA["unit"], tags=[])) is False
