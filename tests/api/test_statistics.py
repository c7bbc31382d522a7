"""/api/v1/statistics: every figure equals the total of the list it links to,
for staff and for a unit, over a period and a set of units."""
from __future__ import annotations

import datetime as dt

import pytest

from service import audit
from service.accountability import cases, register, states
from tests.accountability.conftest import store_file


@pytest.fixture
def loop(app, people, units):
    """Findings of both units: closed, open, overdue, a draft; talks, suggestions, a rule made."""
    inspector, admin = people["inspector"], people["admin"]
    today = dt.date.today()
    made = {}
    with audit.acting_as(inspector.id, inspector.username):
        for key, unit, clerk, found, status in (
                ("closed", units["street"], people["clerk"], today - dt.timedelta(days=40), "closed"),
                ("open", units["street"], people["clerk"], today - dt.timedelta(days=10), "confirmed"),
                ("overdue", units["bureau"], people["other"], today - dt.timedelta(days=30), "confirmed"),
                ("draft", units["bureau"], people["other"], today - dt.timedelta(days=3), "draft"),
                ("old", units["bureau"], people["other"], dt.date(2019, 5, 1), "confirmed")):
            finding = register.create({"unit": unit, "title": f"问题-{key}", "channel": "daily", "found_on": found,
                                       "due_on": found + dt.timedelta(days=20)}, inspector)
            if status != "draft":
                states.move(finding, "confirm", inspector)
            if status == "closed":
                states.move(finding, "submit_plan", clerk, measures="m", due_on=today)
                states.move(finding, "file_evidence", clerk, evidence_text="e", files=[store_file(app, unit, clerk)])
                states.move(finding, "close", admin)
            made[key] = finding
        for key, kind in (("closed", "talk"), ("open", "talk"), ("overdue", "suggestion"), ("overdue", "rule-making"),
                          ("old", "talk")):
            day = made[key].found_on + dt.timedelta(days=1)
            cases.add_disposition(made[key], inspector, kind=kind, decided_on=day, decided_by="区纪委监委") \
                if made[key].status != "closed" else None
    return made


def _check_every_figure(client, url):
    body = client.get(url).get_json()
    for figure in body["figures"]:
        listed = client.get(figure["list"])
        assert listed.status_code == 200, figure
        assert listed.get_json()["total"] == figure["value"], figure
    return {f["key"]: f["value"] for f in body["figures"]}, body


def test_each_figure_equals_the_total_of_its_list(api, loop, units):
    today = dt.date.today()
    start = (today - dt.timedelta(days=60)).isoformat()
    staff = api("inspector")
    values, body = _check_every_figure(staff, f"/api/v1/statistics?from={start}&to={today.isoformat()}")
    assert values["problems_found"] == 3  # the draft and the 2019 finding are not in it
    assert values["problems_closed"] == 1 and values["closed_in_period"] == 1 and values["open_now"] == 2
    assert values["overdue_now"] == 1
    assert (values["integrity_talks"], values["work_suggestions"], values["systems_established"]) == (1, 1, 1)
    derived = {d["key"]: d["value"] for d in body["derived"]}
    assert derived["rectification_rate"] == pytest.approx(33.3)
    values, body = _check_every_figure(staff, f"/api/v1/statistics?from={start}&units={units['bureau'].id}")
    assert values["problems_found"] == 1 and values["integrity_talks"] == 0 and body["units"] == [units["bureau"].id]
    values, _ = _check_every_figure(staff, "/api/v1/statistics?from=2019-01-01&to=2019-12-31")
    assert values["problems_found"] == 1 and values["integrity_talks"] == 1


def test_a_units_figures_are_its_own(api, loop, units):
    clerk = api("clerk")
    values, body = _check_every_figure(clerk, f"/api/v1/statistics?from=2000-01-01&units={units['bureau'].id}")
    assert body["units"] == [units["street"].id]
    assert values["problems_found"] == 2 and values["work_suggestions"] == 0


def test_a_period_that_ends_before_it_starts_is_refused(api, loop):
    response = api("inspector").get("/api/v1/statistics?from=2023-05-01&to=2023-01-01")
    assert response.status_code == 422 and response.get_json()["errors"][0]["pointer"] == "/to"
