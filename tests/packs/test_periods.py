"""Period arithmetic and per-item targets and due dates."""
import pytest

from service.packs import load_pack, periods

from .helpers import ROOT


@pytest.mark.parametrize("period, start, end", [
    ("2022", "2022-01-01", "2022-12-31"),
    ("2022H2", "2022-07-01", "2022-12-31"),
    ("2024Q1", "2024-01-01", "2024-03-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
])
def test_period_bounds(period, start, end):
    assert periods.period_start(period) == start
    assert periods.period_end(period) == end
    assert periods.period_info(period)["start"] == start


def test_period_of_and_in_period():
    assert periods.period_of("2022-05-31", "quarter") == "2022Q2"
    assert periods.period_of("2022-07-01T08:00:00", "half") == "2022H2"
    assert periods.in_period("2022-06-30", "2022H1")
    assert not periods.in_period("2022-07-01", "2022H1")


@pytest.mark.parametrize("bad", ["2022H3", "22", "2022Q5", "2022-13", ""])
def test_bad_period_ids_are_rejected(bad):
    with pytest.raises(periods.PeriodError):
        periods.parse_period(bad)


@pytest.fixture(scope="module")
def pack():
    return load_pack(ROOT)


def test_target_scales_with_longer_periods_only(pack):
    quarterly = pack.item("fr-check-quarterly")
    assert quarterly.target_for("2022Q3") == 1
    assert quarterly.target_for("2022H1") == 2
    assert quarterly.target_for("2022") == 4
    assert quarterly.target_for("2022-05") == 1  # a monthly reminder still needs the quarterly minimum
    assert pack.item("fr-first-topic").target_for("2022") == 12
    assert pack.item("fr-annual-plan").target_for("2022") == 1  # "once"


def test_due_dates(pack):
    assert pack.item("fr-study-pfl").due_date("2022") == "2022-12-31"
    assert pack.item("fr-first-topic").due_date("2022-06") == "2022-06-28"
    assert pack.item("fr-check-quarterly").due_date("2022Q1") is None
    assert pack.item("fr-talk-young").period_for("2022-08-09") == "2022H2"


@pytest.mark.parametrize("period", ["2022", "2022H1", "2022H2", "2023Q4", "2024-02", "2021-12"])
def test_period_bounds_agree_with_the_engine(period):
    # packs filter records in Python; rules use the engine's operators: they must agree
    from service.logic import compile_rule

    bounds = compile_rule([{"period_start": {"var": "p"}}, {"period_end": {"var": "p"}}])({"p": period})
    assert bounds == [periods.period_start(period), periods.period_end(period)]
    inside = compile_rule({"in_period": [{"var": "d"}, {"var": "p"}]})
    for day in (periods.period_start(period), periods.period_end(period), "2022-07-01"):
        assert inside({"d": day, "p": period}) is periods.in_period(day, period)
