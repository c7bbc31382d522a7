"""/api/v1/checks: start a run, follow it, read its results with filters, compare two runs."""
from __future__ import annotations

from service.supervise.models import CheckRun
from service.tasks import jobs
from tests.api.conftest import api, people, plans_published  # noqa: F401  (fixtures)


def _start(client, **body):
    body.setdefault("period", "2022")
    body.setdefault("kind", "year-end")
    return client.post("/api/v1/checks", json=body)


def test_start_follow_and_read_a_run(api, units):  # noqa: F811
    inspector = api("inspector")
    response = _start(inspector, units=["J02", "Q08"])
    assert response.status_code == 201, response.get_json()
    run = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/checks/{run['id']}")
    assert (run["state"], run["as_of"], run["source"], run["summary"]) == ("queued", "2023-01-01", "api", None)
    # Results of an unfinished run: a 409 problem, never a partial list.
    early = inspector.get(f"/api/v1/checks/{run['id']}/results")
    assert early.status_code == 409 and early.content_type.startswith("application/problem+json")

    jobs.run_job(CheckRun.get_by_id(run["id"]).job_id)  # what a consumer does
    followed = inspector.get(f"/api/v1/checks/{run['id']}").get_json()
    assert followed["state"] == "done" and followed["done"] == followed["total"] == 2 and followed["percent"] == 100
    assert followed["summary"]["units"] == 2 and followed["summary"]["results"] > 0

    page = inspector.get(f"/api/v1/checks/{run['id']}/results?per_page=5").get_json()
    assert page["total"] == followed["summary"]["results"] and len(page["items"]) == 5
    first = page["items"][0]
    assert first["unit_code"] in ("J02", "Q08") and len(first["rule_sha256"]) == 64
    assert first["status"]["explanation"] and first["status"]["period"] == "2022"
    missing = inspector.get(f"/api/v1/checks/{run['id']}/results?status=missing&unit={units['street'].id}").get_json()
    assert missing["total"] > 0
    assert {i["status"]["status"] for i in missing["items"]} == {"missing"}
    assert {i["unit_code"] for i in missing["items"]} == {"J02"}
    assert inspector.get(f"/api/v1/checks?kind=year-end").get_json()["total"] == 1

    again = _start(inspector, units=["J02", "Q08"]).get_json()
    jobs.run_job(CheckRun.get_by_id(again["id"]).job_id)
    same = inspector.get(f"/api/v1/checks/{run['id']}/compare/{again['id']}").get_json()
    assert same["total"] == 0


def test_bad_starts_are_422_problems_pointing_at_the_field(api):  # noqa: F811
    admin = api("admin")
    for body, pointer in [({"period": "2022Q2"}, "/period"), ({"kind": "weekly"}, "/kind"),
                          ({"units": ["NOPE"]}, "/units"), ({"as_of": "2019-01-01"}, "/as_of"),
                          ({"period": "2022Q9"}, "/period")]:
        response = _start(admin, **body)
        assert response.status_code == 422, (body, response.get_json())
        assert pointer in [e["pointer"] for e in response.get_json()["errors"]], response.get_json()
    assert CheckRun.select().count() == 0


def test_units_cannot_start_or_read_runs(api):  # noqa: F811
    clerk = api("clerk")
    assert _start(clerk).status_code == 403
    assert clerk.get("/api/v1/checks").status_code == 403
    assert api("inspector", "read").post("/api/v1/checks", json={"period": "2022", "kind": "year-end"}).status_code == 403
    assert CheckRun.select().count() == 0
