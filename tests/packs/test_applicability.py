"""Applicability really varies by unit profile."""
import pytest

from service.packs import applicable_items, load_pack

from .helpers import ROOT


@pytest.fixture(scope="module")
def pack():
    return load_pack(ROOT)


def profile(name, type_, tags=(), risks=(), subs=0, law=False):
    return {"name": name, "type": type_, "tags": list(tags), "risk_areas": list(risks),
            "subordinate_units": subs, "law_enforcement": law}


PLAIN = profile("区档案馆", "区直单位")
BUREAU = profile("区综合行政执法局", "区直单位", risks=["行政执法"], subs=5, law=True)
STREET = profile("示例街道", "街道", tags=["征地拆迁"])
SOE = profile("区城建投资集团", "国企", tags=["项目建设"], subs=4)


def ids(pack, unit):
    return {item.id for item in applicable_items(pack, unit)}


def test_plain_unit_gets_only_items_without_conditions(pack):
    assert ids(pack, PLAIN) == {i.id for i in pack.items if i.applies_if is None}


def test_law_enforcement_bureau_with_five_subordinates(pack):
    extra = ids(pack, BUREAU) - ids(pack, PLAIN)
    assert extra == {"fr-subordinate-duty", "fr-talk-subordinate-heads", "fr-check-enforcement",
                     "fr-enforcement-conduct", "fr-check-subordinates"}


def test_bureau_below_the_subordinate_threshold_has_no_full_coverage_item(pack):
    small = dict(BUREAU, subordinate_units=2)
    assert "fr-check-subordinates" not in ids(pack, small)
    assert "fr-check-enforcement" in ids(pack, small)


def test_street_tagged_demolition(pack):
    extra = ids(pack, STREET) - ids(pack, PLAIN)
    assert extra == {"fr-demolition-plan", "fr-check-demolition-funds", "fr-check-village-power",
                     "fr-grassroots-conduct", "fr-warning-village", "mb-village-affairs"}


def test_town_gets_village_items_too(pack):
    town = profile("示例镇", "镇")
    assert {"fr-check-village-power", "mb-village-affairs"} <= ids(pack, town)
    assert "fr-demolition-plan" not in ids(pack, town)


def test_state_owned_company_tagged_project_construction(pack):
    extra = ids(pack, SOE) - ids(pack, PLAIN)
    assert extra == {"fr-project-clean", "fr-check-project", "fr-risk-project", "fr-board-decision",
                     "fr-risk-soe", "mb-clean-soe", "fr-subordinate-duty", "fr-talk-subordinate-heads"}


def test_four_profiles_get_four_different_lists(pack):
    sets = [frozenset(ids(pack, unit)) for unit in (PLAIN, BUREAU, STREET, SOE)]
    assert len(set(sets)) == 4
    # the 国企-only decision item is in no other profile's list
    assert [("fr-board-decision" in s) for s in sets] == [False, False, False, True]
