"""The default pack's review scoring through a session's ballots: group weights,
不了解 not counted, the grade bands and follow-up threshold, ties, a leader
with no ballots. Everything comes from rules/scoring.json; these tests pin
what the shipped pack says."""
import pytest

from service.evaluate.scoring import competition_ranks, leader_result, number_text
from service.packs import load_pack
from service.packs.scoring import ScoringError, review_config

from tests.define.conftest import ROOT

WEIGHTS = {"commission": 0.6, "others": 0.4}


@pytest.fixture(scope="module")
def pack():
    return load_pack(ROOT)


@pytest.fixture(scope="module")
def config(pack):
    return review_config(pack)


def result(pack, config, ballots, scale="grade", weights=WEIGHTS):
    return leader_result(pack, config, scale=scale, weights=weights,
                         ballots=[{"group": g, "grade": grade} for g, grade in ballots])


def test_the_pack_says_what_review_sessions_use(config):
    assert config.groups == {"commission": "区纪委监委班子成员和区纪委委员", "others": "其他评议人员"}
    assert config.scale_fields == {"grade": "overall", "satisfaction": "satisfaction"}
    assert config.threshold == 70 and config.decimals == 2
    assert [f["kind"] for f in config.follow_ups] == ["talk", "finding"]
    assert config.grades("satisfaction") == ["满意", "基本满意", "不满意", "不了解"]


def test_groups_are_averaged_then_weighted(pack, config):
    # commission (100 + 70) / 2 = 85, others (70 + 30) / 2 = 50 → 0.6 × 85 + 0.4 × 50 = 71
    out = result(pack, config, [("commission", "好"), ("commission", "较好"), ("others", "较好"), ("others", "一般")])
    assert out["score"] == 71 and out["grade"] == "一般" and out["follow_up"] is False
    assert out["groups"]["commission"] == {"ballots": 2, "counted": 2, "grades": {"好": 1, "较好": 1}}
    assert out["explanation"]["score"]["rule"] == "review-score"
    assert out["explanation"]["score"]["result"] == pytest.approx(71)


def test_session_weights_replace_the_packs(pack, config):
    ballots = [("commission", "好"), ("others", "差")]
    assert result(pack, config, ballots)["score"] == 60
    assert result(pack, config, ballots, weights={"commission": 0.5, "others": 0.5})["score"] == 50


def test_unknown_is_not_counted_on_the_satisfaction_scale(pack, config):
    ballots = [("commission", "满意"), ("commission", "不了解"), ("others", "基本满意"), ("others", "不了解")]
    out = result(pack, config, ballots, scale="satisfaction")
    # commission average stays 100 (不了解 is left out, not a zero); others 70
    assert out["score"] == 88 and out["grade"] == "较好"
    assert (out["counted"], out["not_counted"]) == (2, 2)
    assert out["groups"]["others"]["grades"] == {"基本满意": 1, "不了解": 1}


def test_only_unknown_gives_no_score_no_grade_no_follow_up(pack, config):
    out = result(pack, config, [("others", "不了解")], scale="satisfaction")
    assert (out["score"], out["grade"], out["follow_up"]) == (None, None, False)


def test_a_leader_with_no_ballots_has_no_result(pack, config):
    out = result(pack, config, [])
    assert (out["score"], out["grade"], out["follow_up"], out["ballots"]) == (None, None, False, 0)
    assert "follow_up" not in out["explanation"]  # nothing to compare with the threshold


def test_one_group_alone_counts_fully(pack, config):
    assert result(pack, config, [("others", "好"), ("others", "较好")])["score"] == 85


@pytest.mark.parametrize("ballots, score, grade, follow_up", [
    ([("commission", "好")], 100, "好", False),
    ([("commission", "较好")], 70, "一般", False),          # exactly the threshold: no follow-up
    ([("commission", "较好"), ("commission", "较好"), ("commission", "一般")], 56.67, "差", True),
    ([("commission", "好"), ("commission", "较好"), ("others", "好")], 91, "好", False),
    ([("commission", "好"), ("others", "一般")], 72, "一般", False),
    ([("commission", "较好"), ("others", "好")], 82, "较好", False),
    ([("commission", "差")], 0, "差", True),
])
def test_grade_bands_and_threshold(pack, config, ballots, score, grade, follow_up):
    out = result(pack, config, ballots)
    assert (out["score"], out["grade"], out["follow_up"]) == (score, grade, follow_up)


def test_rounding_happens_before_the_threshold(pack, config):
    # (70 + 70 + 70) / 3 is 70 in exact arithmetic; a float a hair under 70
    # must not trigger a follow-up, so the composite is rounded first.
    out = result(pack, config, [("commission", "较好")] * 3 + [("others", "较好")] * 7)
    assert out["score"] == 70 and out["follow_up"] is False


def test_ties_share_a_rank():
    assert competition_ranks([71, 85, 71, None, 60]) == [2, 1, 2, None, 4]
    assert competition_ranks([]) == []
    assert competition_ranks([None, None]) == [None, None]


def test_number_text():
    assert [number_text(v) for v in (71, 70.5, 56.666, 0, None)] == ["71", "70.5", "56.67", "0", ""]


def test_a_pack_without_review_section_is_refused(pack):
    import copy
    from service.packs.model import Pack
    files = copy.deepcopy(pack.to_files())
    del files["rules/scoring.json"]["review"]
    with pytest.raises(ScoringError):
        review_config(Pack.from_files(files))
