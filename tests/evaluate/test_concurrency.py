"""Phones saving ballots while the chair closes the session, and two chairs
closing at once, through the real pages on SQLite and PostgreSQL: no 500,
exactly one close, and the result counts exactly the ballots stored."""
import threading
import time

import pytest

from service.evaluate.models import ReviewBallot, ReviewLeader, ReviewSession

from .conftest import build_session, join

pytestmark = pytest.mark.slow


def test_ballots_racing_the_close_are_counted_or_refused(app, make_user, admin, version, two_units):
    from tests.conftest import Client
    names = [(f"委员{n}", "commission") for n in range(4)]
    session, (bureau, street), people = build_session(admin, version, two_units, evaluators=names)
    chairs = []
    for _ in range(2):
        chair = Client(app.test_client())
        assert chair.login("admin").status_code == 302
        chairs.append((chair, chair.csrf_token()))
    chairs[0][0].post(f"/evaluate/sessions/{session.id}/move/open")
    phones = []
    for person in people:
        phone = Client(app.test_client())
        assert join(phone, person).status_code == 302
        phones.append((phone, phone.csrf_token()))

    start = threading.Barrier(len(phones) + len(chairs))
    statuses: dict[str, list[int]] = {"ballot": [], "close": []}

    def score(n: int):
        phone, token = phones[n]
        start.wait()
        for r in range(6):
            for leader in (bureau, street):
                response = phone.raw.post(f"/evaluate/ballot/{leader.id}/field",
                                          data={"overall": ("好", "较好", "差")[(n + r) % 3], "__field": "overall"},
                                          headers={"HX-Request": "true", "X-CSRFToken": token})
                statuses["ballot"].append(response.status_code)

    def close(n: int):
        chair, token = chairs[n]
        start.wait()
        while len(statuses["ballot"]) < 6:  # close in the middle of the phones' saves
            time.sleep(0.005)
        response = chair.raw.post(f"/evaluate/sessions/{session.id}/move/close", data={"csrf_token": token})
        statuses["close"].append(response.status_code)

    threads = [threading.Thread(target=score, args=(n,)) for n in range(len(phones))]
    threads += [threading.Thread(target=close, args=(n,)) for n in range(len(chairs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(statuses["close"]) == [302, 409], statuses["close"]
    # Saved, or refused: 409 while the session closes, 403 once it is closed (the link no longer works).
    assert 200 in statuses["ballot"] and set(statuses["ballot"]) <= {200, 403, 409}, statuses["ballot"]
    assert ReviewSession.get_by_id(session.id).status == "closed"
    for leader in (bureau, street):
        stored = ReviewBallot.select().where((ReviewBallot.leader == leader) & (ReviewBallot.complete == True))  # noqa: E712
        result = ReviewLeader.get_by_id(leader.id).result
        assert result["counted"] == stored.count()
        grades = {}
        for ballot in stored:
            grades[ballot.grade] = grades.get(ballot.grade, 0) + 1
        assert result["groups"]["commission"]["grades"] == {g: n for g, n in grades.items()} or \
            dict(sorted(result["groups"]["commission"]["grades"].items())) == dict(sorted(grades.items()))
