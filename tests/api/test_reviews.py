"""/api/v1/reviews: staff read sessions and results; units get nothing; no ballot ever."""
import datetime as dt

import pytest

from service import audit
from service.evaluate import ballots, sessions
from service.packs.store import PackVersion

pytestmark = pytest.mark.db


@pytest.fixture
def closed_review(people, units):
    with audit.acting_as(None, "test"):
        review = sessions.create_session(title="2022年度评议会", held_on=dt.date(2022, 12, 20), place="区行政中心",
                                         anonymous=True, version=PackVersion.current(), scale=None,
                                         created_by=people["admin"])
        bureau = sessions.add_leader(review, unit=units["bureau"], name="钟南屏", post="局长")
        street = sessions.add_leader(review, unit=units["street"], name="蒋澄明", post="党工委书记")
        person = sessions.add_evaluator(review, name="委员甲", group="commission")
        sessions.move(review, "open")
        voter = ballots.Voter(person, "secret-of-the-link")
        ballots.save_ballot(voter, bureau, {"overall": "好", "comment": "唯一的点评"})
        ballots.save_ballot(voter, street, {"overall": "差"})
    return review


def test_staff_read_sessions_and_results_without_ballots(api, closed_review):
    staff = api("inspector", "read")
    open_detail = staff.get(f"/api/v1/reviews/{closed_review.id}").get_json()
    assert open_detail["status"] == "open" and all(x["score"] is None for x in open_detail["leaders"])
    sessions.move(closed_review, "close")
    listing = staff.get("/api/v1/reviews?status=closed")
    assert listing.status_code == 200 and [r["id"] for r in listing.get_json()["items"]] == [closed_review.id]
    assert staff.get("/api/v1/reviews?status=open").get_json()["items"] == []
    detail = staff.get(f"/api/v1/reviews/{closed_review.id}")
    body = detail.get_json()
    assert detail.headers.get("ETag")
    assert [(x["position"], x["name"], x["score"], x["grade"], x["rank"], x["follow_up"], x["ballots"])
            for x in body["leaders"]] == [(1, "钟南屏", 100, "好", 1, False, 1), (2, "蒋澄明", 0, "差", 2, True, 1)]
    assert body["weights"] == {"commission": 0.6, "others": 0.4} and body["closed_at"].endswith("Z")
    assert "唯一的点评" not in detail.get_data(as_text=True) and "委员甲" not in detail.get_data(as_text=True)


def test_units_get_no_reviews_and_unknown_ids_a_problem(api, closed_review):
    clerk = api("clerk", "read")
    assert clerk.get("/api/v1/reviews").status_code == 403
    assert clerk.get(f"/api/v1/reviews/{closed_review.id}").status_code == 403
    missing = api("admin", "read", language="en").get("/api/v1/reviews/999")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    bad = api("admin", "read").get("/api/v1/reviews?status=done")
    assert bad.status_code == 422
