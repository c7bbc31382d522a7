"""What 明责 and 督责 call: check data, period filtering, and the engine-missing path."""
import pytest

from service.packs import EngineMissing, check_data, check_item, check_pack, engine, load_pack

from .helpers import ROOT

UNIT = {"name": "区档案馆", "type": "区直单位", "tags": [], "risk_areas": [], "subordinate_units": 0,
        "law_enforcement": False}


@pytest.fixture(scope="module")
def pack():
    return load_pack(ROOT)


def test_check_data_has_the_documented_shape(pack):
    item = pack.item("fr-talk-young")
    records = [{"date": "2022-03-01", "target_roles": ["年轻干部"]},
               {"date": "2022-07-01T09:30:00", "target_roles": ["年轻干部"]},
               {"target_roles": ["年轻干部"]}]
    data = check_data(item, records, "2022H2", UNIT)
    assert data == {
        "records": [records[1]],  # only the record dated in the period; undated ones are dropped
        "period": {"id": "2022H2", "kind": "half", "start": "2022-07-01", "end": "2022-12-31"},
        "target": 2,
        "unit": UNIT,
    }


def test_check_item_counts_only_records_in_the_period(pack):
    item = pack.item("fr-talk-young")
    talk = {"target_roles": ["年轻干部"]}
    records = [dict(talk, date="2022-02-01"), dict(talk, date="2022-05-01"), dict(talk, date="2022-08-01")]
    assert check_item(item, records, "2022H1", UNIT, today="2022-06-30") is True
    assert check_item(item, records, "2022H2", UNIT, today="2022-12-31") is False


def test_check_reads_the_unit_profile(pack):
    item = pack.item("fr-check-subordinates")
    records = [{"date": "2022-04-01", "target_unit_kind": "下属单位", "target_unit": name} for name in ("一中队", "二中队")]
    assert check_item(item, records, "2022", dict(UNIT, subordinate_units=2), today="2022-12-31") is True
    assert check_item(item, records, "2022", dict(UNIT, subordinate_units=3), today="2022-12-31") is False


def test_without_the_engine_rules_are_not_guessed(monkeypatch, pack):
    monkeypatch.setattr(engine, "logic", lambda: None)
    problems = check_pack(ROOT)
    assert [p.code for p in problems] == ["engine-unavailable"]
    with pytest.raises(EngineMissing):
        check_item(pack.item("fr-talk-young"), [], "2022", UNIT, today="2022-12-31")


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), (None, False), (0, False), (2, True), ("", False), ("0", True),
    ([], False), ([0], True), ({}, True),
])
def test_jsonlogic_truthiness(value, expected):
    assert engine.truthy(value) is expected
