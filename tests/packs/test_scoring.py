"""评责/问责 scoring through the default pack's scoring.json."""
import pytest

from service.packs import load_pack
from service.packs.scoring import (
    ScoringError, annual_total, case_deduction, grade_value, needs_follow_up, review_score,
)

from .helpers import ROOT


@pytest.fixture(scope="module")
def pack():
    return load_pack(ROOT)


def test_grades_map_through_the_scales(pack):
    assert [grade_value(pack, g) for g in ("好", "较好", "一般", "差")] == [100, 70, 30, 0]
    assert grade_value(pack, "不了解", "satisfaction") is None
    with pytest.raises(ScoringError):
        grade_value(pack, "优秀")


def test_review_score_weights_commission_and_others(pack):
    sheets = [{"group": "commission", "grade": "好"}, {"group": "commission", "grade": "较好"},
              {"group": "others", "grade": "较好"}, {"group": "others", "grade": "一般"}]
    # commission 85, others 50 → 0.6 × 85 + 0.4 × 50
    assert review_score(pack, sheets) == pytest.approx(71)
    assert needs_follow_up(pack, 71) is False


def test_grade_zero_counts_and_unknown_does_not(pack):
    sheets = [{"group": "commission", "grade": "不满意"}, {"group": "commission", "grade": "不了解"},
              {"group": "others", "grade": "满意"}]
    # commission average is 0 (不满意), not raised by 不了解; others 100
    assert review_score(pack, sheets, "satisfaction") == pytest.approx(40)
    assert needs_follow_up(pack, 40) is True


def test_no_counted_grade_gives_no_score(pack):
    assert review_score(pack, [{"group": "others", "grade": "不了解"}], "satisfaction") is None
    assert needs_follow_up(pack, None) is False


def test_case_deductions(pack):
    assert case_deduction(pack, "通报") == 2
    assert case_deduction(pack, "轻处分", team_member=True) == 12
    assert case_deduction(pack, "诫勉", self_reported=True) == 1.5
    assert case_deduction(pack, "刑事", handled_early=True) == 0
    with pytest.raises(ScoringError):
        case_deduction(pack, "罚款")


def test_annual_total(pack):
    sections = {"define": 15, "perform": 52, "supervise": 4, "account": 20}
    assert annual_total(pack, sections, 6) == 85
    assert annual_total(pack, sections, 30) == 71
