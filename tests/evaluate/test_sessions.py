"""Review sessions: the table of moves, setup locked once open, closing computes
results with the pack's rules, drafts follow-ups and seals anonymous ballots."""
import datetime as dt

import pytest

from service import audit
from service.audit import AuditEntry
from service.evaluate import ballots, sessions
from service.evaluate.models import ReviewBallot, ReviewFollowUp, ReviewLeader, ReviewVote
from service.evaluate.results import leader_scores

from .conftest import build_session, voter

pytestmark = pytest.mark.db


def signed_in(evaluator):
    """The evaluator's one sign-in (a second link would make them someone whose
    earlier ballots are out of reach)."""
    if not hasattr(evaluator, "_test_voter"):
        evaluator._test_voter = voter(evaluator)
    return evaluator._test_voter


def cast(evaluator, leader, grade, **more):
    return ballots.save_ballot(signed_in(evaluator), leader, {"overall": grade, **more})


def test_moves_are_one_table_and_nothing_else(review):
    session, _leaders, _people = review
    assert {m.name: (m.source, m.target) for m in sessions.MOVES.values()} == {
        "open": ("preparing", "open"), "close": ("open", "closed"), "publish": ("closed", "published")}
    for wrong in ("close", "publish", "reopen"):
        with pytest.raises(sessions.SessionError):
            sessions.move(session, wrong)
    for name, state in (("open", "open"), ("close", "closed"), ("publish", "published")):
        sessions.move(session, name)
        assert session.status == state
    with pytest.raises(sessions.SessionError):
        sessions.move(session, "open")
    moves = [(e.before["status"], e.after["status"]) for e in AuditEntry.select().where(
        (AuditEntry.object_type == "review_session") & (AuditEntry.action == "update")).order_by(AuditEntry.id)]
    assert moves == [("preparing", "open"), ("open", "closed"), ("closed", "published")]


def test_a_stale_object_cannot_move_twice(review):
    session, _leaders, _people = review
    other = type(session).get_by_id(session.id)
    sessions.move(session, "open")
    with pytest.raises(sessions.SessionError):
        sessions.move(other, "open")  # another chair's page, still showing 筹备


def test_opening_needs_leaders_and_evaluators(admin, version, two_units):
    empty, _l, _p = build_session(admin, version, [], evaluators=())
    with pytest.raises(sessions.SessionError, match="请先添加"):
        sessions.move(empty, "open")


def test_setup_is_locked_once_open(review, two_units):
    session, leaders, people = review
    sessions.move(session, "open")
    for change in (lambda: sessions.add_leader(session, unit=two_units[0], name="某", post=""),
                   lambda: sessions.remove_leader(leaders[0]),
                   lambda: sessions.add_evaluator(session, name="某", group="others"),
                   lambda: sessions.remove_evaluator(people[0]),
                   lambda: sessions.set_weights(session, {"commission": 0.5, "others": 0.5})):
        with pytest.raises(sessions.SessionError):
            change()


def test_weights_must_cover_the_groups_and_add_up_to_one(review):
    session, _l, _p = review
    for bad in ({"commission": 0.7}, {"commission": 0.7, "others": 0.4}, {"commission": 1.5, "others": -0.5},
                {"commission": 0.5, "others": 0.5, "guests": 0}):
        with pytest.raises(sessions.SessionError):
            sessions.set_weights(session, bad)
    assert sessions.set_weights(session, {"others": 0.3, "commission": 0.7}).weights == {"commission": 0.7, "others": 0.3}


def test_evaluators_belong_to_a_pack_group(review):
    session, _l, _p = review
    with pytest.raises(sessions.SessionError):
        sessions.add_evaluator(session, name="某", group="guests")


def test_closing_computes_ranks_grades_and_drafts_follow_ups(review):
    session, (bureau, street), (a, b, c) = review
    sessions.move(session, "open")
    cast(a, bureau, "好"), cast(b, bureau, "较好"), cast(c, bureau, "好")      # 0.6 × 85 + 0.4 × 100 = 91
    cast(a, street, "一般"), cast(b, street, "较好"), cast(c, street, "差")    # 0.6 × 50 + 0.4 × 0 = 30 …
    # … until the other group's only ballot becomes invalid: it no longer counts, commission alone 50
    ballots.save_ballot(signed_in(c), street, {"overall": "差", "questions": "x" * 5000})
    sessions.move(session, "close")
    bureau, street = ReviewLeader.get_by_id(bureau.id), ReviewLeader.get_by_id(street.id)
    assert (bureau.score, bureau.grade, bureau.rank, bureau.follow_up) == (91, "好", 1, False)
    assert (street.score, street.grade, street.rank, street.follow_up) == (50, "差", 2, True)
    assert street.result["incomplete"] == 1 and street.result["counted"] == 2
    drafted = {f.kind: f for f in ReviewFollowUp.select().where(ReviewFollowUp.leader == street)}
    assert set(drafted) == {"talk", "finding"}
    assert all(f.status == "draft" for f in drafted.values())
    assert "蒋澄明" in drafted["talk"].text and "50 分" in drafted["talk"].text and "70 分" in drafted["talk"].text
    assert drafted["finding"].action == "限期整改"
    assert drafted["finding"].due_on == session.held_on + dt.timedelta(days=30)   # rectification_days
    assert drafted["talk"].due_on == session.held_on + dt.timedelta(days=15)      # the follow-up's own due_days
    assert not ReviewFollowUp.select().where(ReviewFollowUp.leader == bureau).exists()


def test_a_leader_without_ballots_closes_without_a_score(review):
    session, (bureau, street), (a, _b, _c) = review
    sessions.move(session, "open")
    cast(a, bureau, "好")
    sessions.move(session, "close")
    street = ReviewLeader.get_by_id(street.id)
    assert (street.score, street.grade, street.rank, street.follow_up) == (None, None, None, False)
    assert ReviewLeader.get_by_id(bureau.id).rank == 1


def test_equal_composites_share_a_rank(review):
    session, (bureau, street), (a, _b, _c) = review
    sessions.move(session, "open")
    cast(a, bureau, "较好"), cast(a, street, "较好")
    sessions.move(session, "close")
    assert [ReviewLeader.get_by_id(x.id).rank for x in (bureau, street)] == [1, 1]


def test_closing_seals_anonymous_ballots(review):
    session, (bureau, _street), (a, b, _c) = review
    sessions.move(session, "open")
    first, _ = cast(a, bureau, "好")
    cast(b, bureau, "差")
    before = {x.id for x in ReviewBallot.select()}
    assert all(x.ballot_key for x in ReviewBallot.select()) and first.id in before
    sessions.move(session, "close")
    after = list(ReviewBallot.select())
    assert len(after) == 2 and not before & {x.id for x in after}
    assert all(x.ballot_key is None and x.evaluator_id is None for x in after)
    assert ReviewVote.select().count() == 2  # who has voted stays


def test_a_ballot_is_refused_once_the_session_closed(review):
    session, (bureau, _street), (a, _b, _c) = review
    sessions.move(session, "open")
    someone = signed_in(a)
    ballots.save_ballot(someone, bureau, {"overall": "好"})
    sessions.move(session, "close")
    with pytest.raises(sessions.SessionError):
        ballots.save_ballot(someone, bureau, {"overall": "差"})


def test_a_session_keeps_its_pack_version(review, admin):
    from service.packs.store import PackVersion, publish, store_files
    session, (bureau, _street), (a, _b, _c) = review
    files = dict(session.pack_version.files)
    scoring = dict(files["rules/scoring.json"], threshold=dict(files["rules/scoring.json"]["threshold"], score=95))
    files["rules/scoring.json"] = scoring
    files["rules/pack.json"] = dict(files["rules/pack.json"], version="1.0.1")
    with audit.acting_as(None, "test"):
        newer, _ = store_files(files, source="install")
        publish(newer)
    assert PackVersion.current().id == newer.id != session.pack_version_id
    sessions.move(session, "open")
    cast(a, bureau, "好"), cast(a, _street, "较好")
    sessions.move(session, "close")
    # Under the session's own version 91 and 70 are above its threshold of 70.
    assert not ReviewFollowUp.select().exists()


def test_recording_a_response_on_an_object_read_before_closing_keeps_the_result(review):
    session, (bureau, _street), (a, _b, _c) = review
    sessions.move(session, "open")
    cast(a, bureau, "差")
    sessions.move(session, "close")
    sessions.record_response(bureau, text="接受评议，立即整改。", on=None)  # ``bureau`` was read before closing
    stored = ReviewLeader.get_by_id(bureau.id)
    assert (stored.score, stored.follow_up, stored.response) == (0, True, "接受评议，立即整改。")


def test_follow_ups_are_decided_once(review, admin):
    session, (bureau, _street), (a, _b, _c) = review
    sessions.move(session, "open")
    cast(a, bureau, "差")
    sessions.move(session, "close")
    talk = ReviewFollowUp.get(ReviewFollowUp.kind == "talk")
    decided = sessions.decide_follow_up(talk, "confirm", admin)
    assert decided.status == "confirmed" and decided.decided_by_id == admin.id
    with pytest.raises(sessions.SessionError):
        sessions.decide_follow_up(talk, "dismiss", admin)


def test_leader_scores_reads_results_over_time(admin, version, two_units):
    for title, grade in (("2021年度评议会", "好"), ("2022年度评议会", "差")):
        session, (bureau, street), (a, _b, _c) = build_session(admin, version, two_units, title=title)
        sessions.move(session, "open")
        cast(a, bureau, grade)
        sessions.move(session, "close")
    history = leader_scores(two_units[0])
    assert [(h["title"], h["score"], h["grade"]) for h in history] == [
        ("2021年度评议会", 100, "好"), ("2022年度评议会", 0, "差")]
    assert leader_scores(two_units[0], "别人") == []
    assert leader_scores(two_units[0], published_only=True) == []
    assert [h["score"] for h in leader_scores(two_units[1])] == [None, None]
