"""评责 → 问责: an issued problem-list item sent to the register, and a
confirmed 限期整改 follow-up, become findings linked both ways."""
from __future__ import annotations

import pytest

from service.accountability import register, states
from service.accountability.models import Finding
from service.evaluate import sessions
from service.evaluate.models import ReviewFeedback, ReviewFollowUp
from tests.evaluate.conftest import admin, build_session, two_units  # noqa: F401  (fixtures)
from tests.evaluate.test_views import _closed


@pytest.fixture
def closed_review(admin, version, two_units):  # noqa: F811
    return _closed(build_session(admin, version, two_units))


def test_sending_issued_feedback_makes_a_draft_finding_once(admin_client, closed_review):
    session, bureau, street = closed_review
    admin_client.post(f"/evaluate/leaders/{street.id}/feedback", {"text": "村社资金拨付未及时公开"})
    item = ReviewFeedback.get(ReviewFeedback.text == "村社资金拨付未及时公开")
    # a draft item cannot be sent yet
    assert admin_client.post(f"/accountability/from-feedback/{item.id}").status_code == 409
    admin_client.post(f"/evaluate/leaders/{street.id}/feedback/issue")
    page = admin_client.get(f"/evaluate/leaders/{street.id}").get_data(as_text=True)
    assert "送问题台账" in page
    response = admin_client.post(f"/accountability/from-feedback/{item.id}")
    assert response.status_code == 302
    finding = Finding.get(Finding.source_kind == "review_feedback")
    item = ReviewFeedback.get_by_id(item.id)
    assert item.finding_id == finding.id and item.sent_at is not None
    assert (finding.source_id, finding.status, finding.channel, finding.unit_id, finding.leader) == \
        (item.id, "draft", "review", street.unit_id, street.name)
    assert finding.source_ref == session.title and finding.found_on == session.held_on
    assert admin_client.post(f"/accountability/from-feedback/{item.id}").status_code == 409
    assert Finding.select().count() == 1
    # both sides link to each other
    assert f"/accountability/findings/{finding.id}" in admin_client.get(f"/evaluate/leaders/{street.id}").get_data(
        as_text=True)
    assert f"/evaluate/leaders/{street.id}#feedback" in admin_client.get(
        f"/accountability/findings/{finding.id}").get_data(as_text=True)
    # an issued item that became a finding cannot be deleted
    with pytest.raises(sessions.SessionError):
        sessions.remove_feedback(item)


def test_confirming_a_rectification_follow_up_registers_a_confirmed_finding(admin_client, closed_review):
    session, bureau, street = closed_review
    follow_up = ReviewFollowUp.get((ReviewFollowUp.leader == street) & (ReviewFollowUp.kind == "finding"))
    talk = ReviewFollowUp.get((ReviewFollowUp.leader == street) & (ReviewFollowUp.kind == "talk"))
    assert admin_client.post(f"/evaluate/follow-ups/{talk.id}/confirm").status_code == 302
    assert Finding.select().count() == 0  # a talk is not a finding
    assert admin_client.post(f"/evaluate/follow-ups/{follow_up.id}/confirm").status_code == 302
    finding = Finding.get(Finding.source_kind == "review_follow_up")
    follow_up = ReviewFollowUp.get_by_id(follow_up.id)
    assert follow_up.finding_id == finding.id and finding.source_id == follow_up.id
    assert finding.status == "confirmed" and finding.due_on == follow_up.due_on
    assert finding.description == follow_up.text
    assert [e.move for e in finding.events.order_by(finding.events.model.id)] == ["", "confirm"]
    # the unit sees it among its findings
    page = admin_client.get(f"/evaluate/leaders/{street.id}").get_data(as_text=True)
    assert f"/accountability/findings/{finding.id}" in page
    with pytest.raises(states.FindingError):
        register.from_follow_up(follow_up, finding.created_by)


def test_a_dismissed_follow_up_makes_no_finding(admin_client, closed_review):
    session, bureau, street = closed_review
    follow_up = ReviewFollowUp.get((ReviewFollowUp.leader == street) & (ReviewFollowUp.kind == "finding"))
    assert admin_client.post(f"/evaluate/follow-ups/{follow_up.id}/dismiss").status_code == 302
    assert Finding.select().count() == 0
    assert admin_client.post(f"/accountability/from-follow-up/{follow_up.id}").status_code == 409
