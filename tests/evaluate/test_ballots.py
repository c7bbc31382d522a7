"""Personal links and ballots on phones: signing in, revoking, expiry, the
ballot-only session, autosave until closed, named ballots audited."""
import datetime as dt

import pytest

from service.audit import AuditEntry
from service.db import utcnow
from service.evaluate import ballots, sessions
from service.evaluate.models import ReviewBallot, ReviewEvaluator, ReviewVote

from .conftest import SECRET, build_session, join, link_token

pytestmark = pytest.mark.db


def test_a_link_signs_in_once_issued_and_stops_when_reissued_or_revoked(review):
    _session, _leaders, (a, _b, _c) = review
    old = link_token(a)
    assert ballots.sign_in(old, secret_key=SECRET).evaluator.id == a.id
    new = link_token(a)
    with pytest.raises(ballots.LinkError):
        ballots.sign_in(old, secret_key=SECRET)
    assert ballots.sign_in(new, secret_key=SECRET).evaluator.id == a.id
    ballots.revoke_link(ReviewEvaluator.get_by_id(a.id))
    with pytest.raises(ballots.LinkError):
        ballots.sign_in(new, secret_key=SECRET)


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "W1sx"])
def test_garbage_tokens_are_refused(review, token):
    with pytest.raises(ballots.LinkError):
        ballots.sign_in(token, secret_key=SECRET)


def test_a_token_signed_with_another_key_is_refused(review):
    _session, _leaders, (a, _b, _c) = review
    token = ballots.issue_link(a, secret_key="other-key", valid_hours=1)
    with pytest.raises(ballots.LinkError):
        ballots.sign_in(token, secret_key=SECRET)


def test_links_expire(review):
    _session, _leaders, (a, _b, _c) = review
    token = link_token(a)
    ReviewEvaluator.update(link_expires_at=utcnow() - dt.timedelta(seconds=1)).where(
        ReviewEvaluator.id == a.id).execute()
    with pytest.raises(ballots.LinkError, match="过期"):
        ballots.sign_in(token, secret_key=SECRET)


def test_the_link_expires_after_the_meeting_day(review):
    session, _leaders, (a, _b, _c) = review
    ballots.issue_link(a, secret_key=SECRET, valid_hours=24)
    expires = ReviewEvaluator.get_by_id(a.id).link_expires_at
    assert expires == dt.datetime.combine(session.held_on, dt.time(23, 59, 59)) + dt.timedelta(hours=24)


def test_links_stop_when_the_session_closes(review):
    session, (bureau, _street), (a, _b, _c) = review
    token = link_token(a)
    sessions.move(session, "open")
    sessions.move(session, "close")
    with pytest.raises(ballots.LinkError, match="结束"):
        ballots.sign_in(token, secret_key=SECRET)
    with pytest.raises(sessions.SessionError):
        link_token(a)


def test_joining_in_the_browser_opens_only_ballot_pages(client, review):
    session, (bureau, _street), (a, _b, _c) = review
    assert client.get("/evaluate/ballot/").status_code == 403
    response = join(client, a)
    assert response.status_code == 302 and response.location.endswith("/evaluate/ballot/")
    page = client.get("/evaluate/ballot/").get_data(as_text=True)
    assert "委员甲" in page and "钟南屏" in page and "评议尚未开始" in page
    # A ballot session is not a login: staff pages stay closed.
    assert client.get(f"/evaluate/sessions/{session.id}").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_a_pasted_whole_link_works_and_a_bad_one_says_why(client, review):
    _session, _leaders, (a, _b, _c) = review
    whole = "http://localhost/evaluate/join#" + link_token(a)
    assert client.post("/evaluate/join", {"token": whole}).status_code == 302
    bad = client.post("/evaluate/join", {"token": "nonsense"})
    assert bad.status_code == 403 and "评议链接无效" in bad.get_data(as_text=True)


def test_the_join_page_keeps_the_token_out_of_requests(client):
    page = client.get("/evaluate/join").get_data(as_text=True)
    assert "join.js" in page and "<script>" not in page and "onclick" not in page


def test_autosave_then_change_until_closed(client, review):
    session, (bureau, street), (a, _b, _c) = review
    sessions.move(session, "open")
    join(client, a)
    saved = client.post(f"/evaluate/ballot/{bureau.id}/field", {"overall": "好", "__field": "overall"}, htmx=True)
    assert saved.status_code == 200 and "本票有效" in saved.get_data(as_text=True)
    client.post(f"/evaluate/ballot/{bureau.id}/field", {"overall": "一般", "__field": "overall"}, htmx=True)
    (only,) = list(ReviewBallot.select())
    assert (only.grade, only.complete, only.evaluator_id) == ("一般", True, None)
    assert only.data["session"] == session.title and only.data["evaluator_group"] == "commission"
    sheet = client.get(f"/evaluate/ballot/{bureau.id}").get_data(as_text=True)
    assert 'value="一般" checked' in sheet
    assert "评议会" not in sheet.split('class="dl-form"')[1].split("</form>")[0]  # filled by the session, not asked
    home = client.get("/evaluate/ballot/").get_data(as_text=True)
    assert home.count("已评") >= 1 and "未评" in home
    sessions.move(session, "close")
    refused = client.post(f"/evaluate/ballot/{bureau.id}/field", {"overall": "好", "__field": "overall"}, htmx=True)
    assert refused.status_code in (403, 409) and "本次评议已结束" in refused.get_data(as_text=True)
    assert ReviewBallot.get().grade == "一般"


def test_the_session_cannot_fill_in_what_the_evaluator_is_not_asked(client, review):
    session, (bureau, _street), (a, _b, _c) = review
    sessions.move(session, "open")
    join(client, a)
    client.post(f"/evaluate/ballot/{bureau.id}", {"overall": "好", "evaluator_group": "others",
                                                   "session": "伪造", "evaluated_post": "伪造"})
    ballot = ReviewBallot.get()
    assert ballot.group == "commission" and ballot.data["evaluator_group"] == "commission"
    assert ballot.data["session"] == session.title and ballot.data["evaluated_post"] == bureau.post


def test_an_incomplete_sheet_is_kept_but_does_not_count(client, review):
    session, (bureau, _street), (a, _b, _c) = review
    sessions.move(session, "open")
    join(client, a)
    response = client.post(f"/evaluate/ballot/{bureau.id}", {"questions": "如何加强对下属单位的监管？"})
    assert response.status_code == 422 and "综合评价" in response.get_data(as_text=True)
    ballot = ReviewBallot.get()
    assert ballot.complete is False and ballot.data["questions"] == "如何加强对下属单位的监管？"


def test_another_sessions_leader_is_not_found(client, review, admin, version, two_units):
    session, _leaders, (a, _b, _c) = review
    _other, (foreign, _x), _p = build_session(admin, version, two_units, title="另一场")
    sessions.move(session, "open")
    join(client, a)
    assert client.get(f"/evaluate/ballot/{foreign.id}").status_code == 404


def test_a_reissued_link_cannot_vote_twice_in_an_anonymous_session(review):
    session, (bureau, _street), (a, _b, _c) = review
    sessions.move(session, "open")
    first = ballots.sign_in(link_token(a), secret_key=SECRET)
    ballots.save_ballot(first, bureau, {"overall": "好"})
    second = ballots.sign_in(link_token(a), secret_key=SECRET)
    with pytest.raises(sessions.SessionError, match="不能重复评分"):
        ballots.save_ballot(second, bureau, {"overall": "差"})
    assert ReviewBallot.select().count() == 1


def test_named_ballots_keep_the_evaluator_and_are_audited(admin, version, two_units):
    session, (bureau, _street), (a, _b, _c) = build_session(admin, version, two_units, anonymous=False)
    sessions.move(session, "open")
    first = ballots.sign_in(link_token(a), secret_key=SECRET)
    ballots.save_ballot(first, bureau, {"overall": "好"})
    again = ballots.sign_in(link_token(a), secret_key=SECRET)  # a named ballot is found again with a new link
    ballots.save_ballot(again, bureau, {"overall": "较好"})
    ballot = ReviewBallot.get()
    assert (ballot.evaluator_id, ballot.grade, ballot.ballot_key) == (a.id, "较好", None)
    entries = AuditEntry.select().where(AuditEntry.object_type == "review_ballot").order_by(AuditEntry.id)
    assert [(e.action, e.actor_name) for e in entries] == [("create", "委员甲"), ("update", "委员甲")]
    sessions.move(session, "close")
    assert ReviewBallot.get().evaluator_id == a.id  # named ballots are not sealed


def test_who_has_voted_is_kept_apart(review):
    session, (bureau, street), (a, b, _c) = review
    sessions.move(session, "open")
    ballots.save_ballot(ballots.sign_in(link_token(a), secret_key=SECRET), bureau, {"overall": "好"})
    ballots.save_ballot(ballots.sign_in(link_token(b), secret_key=SECRET), street, {"overall": "差"})
    assert {(v.evaluator_id, v.leader_id) for v in ReviewVote.select()} == {(a.id, bureau.id), (b.id, street.id)}
    counts = ballots.tally(session)
    assert [(leader.id, done) for leader, done, _started in counts["leaders"]] == [(bureau.id, 1), (street.id, 1)]
