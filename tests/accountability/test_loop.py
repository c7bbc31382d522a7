"""The leader's loop page (履责闭环): one unit's year from 明责 to 问责, each stage read from its own
tables, staff for any unit and a unit for its own; the strip says which stages the year reached."""
from __future__ import annotations

import datetime as dt

from service import audit
from service.accountability import cases, loop, register, states
from service.define.models import PlanItem
from service.evaluate import sessions
from service.evaluate.models import ReviewLeader, ReviewSession
from service.supervise import runs
from service.units.models import Unit
from tests.accountability.conftest import store_file
from tests.supervise.conftest import record, unit_plans, units  # noqa: F401  (fixtures)
from tests.supervise.test_documents import _issue


def _published_score(version, unit, admin, score: float, held_on: dt.date) -> ReviewLeader:
    """A published review meeting with the unit's leader scored (the voting itself is 评责's tests)."""
    with audit.acting_as(admin.id, admin.username):
        review = sessions.create_session(title=f"{held_on.year}年度述责述廉评议会", held_on=held_on, place="区行政中心",
                                         version=version, anonymous=True, scale=None, created_by=admin)
        leader = sessions.add_leader(review, unit=unit, name=unit.leader_name or "一把手", post="书记")
    ReviewSession.update(status="published").where(ReviewSession.id == review.id).execute()
    ReviewLeader.update(score=score, grade="好", rank=1).where(ReviewLeader.id == leader.id).execute()
    return leader


def test_the_loop_of_a_year_shows_all_five_stages(app, admin_client, client, make_user, version, unit_plans, units,
                                                  record):
    street = units["street"]
    admin = make_user("boss", "admin")
    inspector, inspector2 = make_user("insp", "inspector"), make_user("insp2", "inspector")
    clerk = make_user("street-clerk", "unit", unit=street)
    record("street", "talk", "2022-03-10")
    record("street", "meeting", "2022-04-20")
    with audit.acting_as(None, "test"):
        run = runs.run_here(runs.create_run("2022", "year-end", dt.date(2023, 1, 1), units=[street.code], queue=False))
    _published_score(version, street, admin, 88.5, dt.date(2022, 12, 20))
    with audit.acting_as(inspector.id, inspector.username):
        finding = register.create({"unit": street, "title": "对年轻干部谈心谈话未经常性开展", "channel": "check",
                                   "found_on": dt.date(2022, 12, 28), "severity": "minor"}, inspector)
        states.move(finding, "confirm", inspector)
        cases.add_disposition(finding, inspector, kind="talk", decided_on="2023-01-05", decided_by="区纪委监委")
    _issue(admin_client, f"/supervise/portraits/{street.id}/issue", year="2022")

    data = loop.leader_loop(Unit.get_by_id(street.id), 2022, dt.date(2023, 2, 1), staff=True)
    assert data.plan.id == unit_plans["street"].id and data.records == 2
    enabled = PlanItem.select().where((PlanItem.plan == unit_plans["street"]) & PlanItem.enabled).count()
    assert sum(data.items_by_list.values()) == enabled > 0
    assert [line.run.id for line in data.runs] == [run.id]
    assert sum(data.runs[0].counts.values()) == runs.results(run).count()
    assert [s["score"] for s in data.scores] == [88.5] and [f.finding.id for f in data.findings] == [finding.id]
    assert data.stages == {"define": True, "perform": True, "supervise": True, "evaluate": True, "account": False}
    assert len(data.documents) == 1

    page = admin_client.get(f"/accountability/loop/{street.id}?year=2022")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for expected in ("年度责任清单", "全年履责记录 2 条", f"#{run.id} 年底检查", "88.5", "对年轻干部谈心谈话未经常性开展",
                     "廉政谈话/约谈", "一把手画像 #", f'/supervise/runs/{run.id}/units/{street.id}'):
        assert expected in text, expected
    assert text.count('class="reached"') == 4 and text.count('class="open"') == 1
    export = admin_client.get(f"/accountability/loop/{street.id}?year=2022&export=csv").get_data(as_text=True)
    assert "对年轻干部谈心谈话未经常性开展" in export and "88.5" in export and "年底检查" in export

    # The finding followed to its close (销号): the loop is closed.
    with audit.acting_as(clerk.id, clerk.username):
        states.move(finding, "submit_plan", clerk, measures="每月开展谈心谈话", due_on=dt.date(2023, 3, 1))
        states.move(finding, "file_evidence", clerk, evidence_text="已开展", files=[store_file(app, street, clerk)])
    with audit.acting_as(inspector2.id, inspector2.username):
        states.move(register.visible(inspector2).where(register.Finding.id == finding.id).first(), "close", inspector2)
    data = loop.leader_loop(Unit.get_by_id(street.id), 2022, dt.date(2023, 4, 1), staff=True)
    assert data.stages["account"] is True and data.closed_findings == 1

    # The unit's own clerk sees the loop without the commission's documents and run pages; others are refused.
    client.login("street-clerk")
    own = client.get(f"/accountability/loop/{street.id}?year=2022").get_data(as_text=True)
    assert "对年轻干部谈心谈话未经常性开展" in own and "88.5" in own
    assert "一把手画像 #" not in own and f"/supervise/runs/{run.id}" not in own
    assert client.get("/accountability/loop").headers["Location"].endswith(f"/accountability/loop/{street.id}?year={dt.date.today().year}")
    assert client.get(f"/accountability/loop/{units['bureau'].id}?year=2022").status_code in (403, 404)


def test_a_year_without_anything_and_bad_input(admin_client, unit_plans, units):
    plain = units["plain"]
    page = admin_client.get(f"/accountability/loop/{plain.id}?year=2022").get_data(as_text=True)
    assert "该年度尚未生成责任清单" in page and page.count('class="open"') == 5
    for year in ("abc", "1999", "99999999999999"):
        response = admin_client.get(f"/accountability/loop/{plain.id}?year={year}")
        assert response.status_code == 422 and 'id="e-year"' in response.get_data(as_text=True)
    assert admin_client.get("/accountability/loop/999999").status_code == 404
    listing = admin_client.get("/accountability/loop?year=2022").get_data(as_text=True)
    assert plain.name in listing and f"/accountability/loop/{plain.id}?year=2022" in listing
    assert admin_client.get(f"/accountability/loop?unit={plain.id}&year=2022").status_code == 302
