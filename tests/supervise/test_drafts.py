"""Drafted findings: a year-end (or half-year) run drafts exactly its failed items, worded by the
pack's finding template, once per (period, unit, item); inspectors confirm or dismiss them on the
run page; units never see drafts."""
from __future__ import annotations

import datetime as dt

import pytest

from service import audit
from service.accountability import states
from service.accountability.models import Finding, FindingEvent
from service.supervise import drafts, runs
from service.supervise.models import CheckResult, CheckRun
from service.tasks.models import Job

D = dt.date.fromisoformat


@pytest.fixture
def inspector(make_user):
    return make_user("inspector", "inspector", display_name="监督员甲")


def _run(period="2022", kind="year-end", as_of=None, created_by=None, **kwargs) -> CheckRun:
    with audit.acting_as(getattr(created_by, "id", None), "test"):
        run = runs.create_run(period, kind, D(as_of) if as_of else None, queue=False, created_by=created_by,
                              **kwargs)
        return runs.run_here(run)


def _failed(run):
    return list(CheckResult.select().where((CheckResult.run == run.id) & CheckResult.status.in_(runs.FAILED))
                .order_by(CheckResult.id))


def test_a_year_end_run_drafts_exactly_the_failing_items_with_the_template_text(unit_plans, units, record,
                                                                                inspector):
    record("street", "talk", "2022-02-10", target_roles=["年轻干部"])
    run = _run(units=["J02", "Q08"], created_by=inspector)
    failed = _failed(run)
    found = list(drafts.drafted(run))
    assert len(found) == len(failed) > 0
    assert sorted(f.source_id for f in found) == [r.id for r in failed]
    assert run.job.result["drafted"] == len(found)
    by_item = {(f.unit_id, CheckResult.get_by_id(f.source_id).item_id): f for f in found}
    young = by_item[(units["street"].id, "fr-talk-young")]
    result = CheckResult.get_by_id(young.source_id)
    assert result.status == "partial"
    assert young.title == "对年轻干部谈心谈话未经常性开展"
    assert young.description == f"{result.text}。{result.explanation}" and "还差 3 次" in young.description
    assert (young.status, young.channel, young.source_kind, young.severity) == ("draft", "check", "check", "minor")
    assert young.found_on == run.as_of == D("2023-01-01")
    assert (young.list_id, young.category_id) == (result.list_id, result.category_id)
    assert young.pack_version_id == result.pack_version_id
    assert young.leader == units["street"].leader_name and young.created_by_id == inspector.id
    assert young.source_ref == f"年底检查 2022（检查 #{run.id}）"
    # Every pack item has a template: every title is one (no fallback used).
    pack = result.pack_version.pack()
    assert all(f.title == pack.item(CheckResult.get_by_id(f.source_id).item_id).finding for f in found)
    # Each draft starts its timeline, audited.
    assert FindingEvent.select().where(FindingEvent.finding.in_([f.id for f in found])
                                       & (FindingEvent.kind == "created")).count() == len(found)


def test_without_a_template_the_item_text_and_explanation_word_the_draft(unit_plans):
    result = CheckResult(text="每季度听取一次汇报。", explanation="应有 1 次，已有 0 次。")
    assert drafts.wording(result, "") == ("未落实：每季度听取一次汇报", "每季度听取一次汇报。应有 1 次，已有 0 次。")
    assert drafts.wording(result, "  听取汇报不经常 ")[0] == "听取汇报不经常"


def test_a_units_custom_item_is_worded_by_its_own_text(version, units, inspector):
    from service.define import plans
    with audit.acting_as(None, "test"):
        plan, _ = plans.generate_plan(units["plain"], 2022, version)
        category = next(c.id for c in version.pack().categories if c.list == "first-responsible")
        plans.add_custom_item(plan, list_id="first-responsible", category_id=category,
                              text="每季度走访困难群众", frequency="quarterly", min_count=1)
        plans.publish_plan(plan)
    run = _run(units=["Q10"], created_by=inspector)
    custom = [f for f in drafts.drafted(run) if f.title.startswith("未落实：")]
    assert [f.title for f in custom] == ["未落实：每季度走访困难群众"]
    assert custom[0].description.startswith("每季度走访困难群众。") and custom[0].list_id == "first-responsible"


def test_redrafting_is_idempotent_and_a_rerun_drafts_only_what_is_new(unit_plans, units, record, inspector):
    first = _run(units=["J02"], created_by=inspector)
    count = Finding.select().count()
    assert count == len(_failed(first)) > 0
    assert drafts.draft_findings(first) == 0  # again: nothing
    assert Finding.select().count() == count
    # An inspector dismisses one draft; a re-run of the same period drafts it again no more,
    # and an item failing only now (none here) would be the only new draft.
    one = drafts.drafted(first).first()
    states.move(one, "dismiss", inspector, reason="本单位年度内已整改")
    second = _run(units=["J02"], created_by=inspector)
    assert second.job.result["drafted"] == 0 and Finding.select().count() == count
    # A unit not checked before gets its drafts in the second run.
    third = _run(units=["J02", "Q08"], created_by=inspector)
    new = list(drafts.drafted(third))
    assert new and {f.unit_id for f in new} == {units["bureau"].id}


def test_quarterly_runs_draft_nothing_and_a_half_year_run_drafts(unit_plans, inspector):
    assert _run("2022Q2", "quarterly", units=["J02"], created_by=inspector).job.result["drafted"] == 0
    assert Finding.select().count() == 0
    half = _run("2022H1", "half-year", units=["J02"], created_by=inspector)
    assert half.job.result["drafted"] == len(_failed(half)) > 0


def test_a_run_the_calendar_or_cli_started_records_its_drafts_under_the_oldest_admin(unit_plans, make_user):
    admin = make_user("admin", "admin")
    run = _run(units=["J02"])
    assert run.created_by_id is None
    assert {f.created_by_id for f in drafts.drafted(run)} == {admin.id}


def test_a_run_killed_while_drafting_drafts_everything_once_on_resume(unit_plans, inspector, monkeypatch):
    """Drafting raises halfway (a consumer dying): nothing of it is kept, the job is not done; the
    resumed job drafts every item once."""
    from service.tasks import jobs
    with audit.acting_as(inspector.id, "test"):
        run = runs.create_run("2022", "year-end", None, units=["J02"], queue=False, created_by=inspector)
    real = drafts._timeline

    def dies(findings, run_, now):
        real(findings[: len(findings) // 2], run_, now)
        raise SystemExit("killed")
    monkeypatch.setattr(drafts, "_timeline", dies)
    with pytest.raises(SystemExit):
        jobs.run_job(run.job_id)
    assert Finding.select().count() == 0 and FindingEvent.select().count() == 0
    job = Job.get_by_id(run.job_id)
    assert job.state == "running" and job.done == job.total  # every chunk stored, not done
    monkeypatch.setattr(drafts, "_timeline", real)
    jobs.move(job, "queued", owner=None)
    run = runs.run_here(run)
    assert run.state == "done"
    assert Finding.select().count() == len(_failed(run)) == run.job.result["drafted"]


# --------------------------------------------------------------------------- pages

def _done_run(client, units_codes="J02"):
    response = client.post("/supervise/runs", data={"kind": "year-end", "period": "2022", "units": units_codes})
    assert response.status_code == 303
    run = CheckRun.select().order_by(CheckRun.id.desc()).get()
    from service.tasks import jobs
    jobs.run_job(run.job_id)
    return CheckRun.get_by_id(run.id)


def test_the_run_page_lists_the_drafts_and_an_inspector_confirms_and_dismisses_them(client, unit_plans, units,
                                                                                    inspector):
    client.login("inspector")
    run = _done_run(client)
    found = list(drafts.drafted(run))
    page = client.get(f"/supervise/runs/{run.id}").get_data(as_text=True)
    assert "待确认的问题" in page and found[0].title in page and f'id="draft-{found[0].id}"' in page
    assert f"/supervise/runs/{run.id}/findings/{found[0].id}/confirm" in page
    # Confirm with htmx: the item comes back confirmed, without its buttons.
    first, second = found[0], found[1]
    answer = client.post(f"/supervise/runs/{run.id}/findings/{first.id}/confirm", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert "<html" not in text and "已确认" in text and "/confirm" not in text
    assert Finding.get_by_id(first.id).status == "confirmed"
    # Dismissing needs a reason: refused next to the field (422), nothing changed.
    refused = client.post(f"/supervise/runs/{run.id}/findings/{second.id}/dismiss", data={"reason": " "},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "请填写理由" in refused.get_data(as_text=True)
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    assert Finding.get_by_id(second.id).status == "draft"
    # Without JavaScript: a plain form post, then the run's list.
    done = client.post(f"/supervise/runs/{run.id}/findings/{second.id}/dismiss", data={"reason": "已在年内整改到位"})
    assert done.status_code == 303 and Finding.get_by_id(second.id).status == "dismissed"
    # A move on a finding no longer a draft is refused; another run's finding is a 404.
    again = client.post(f"/supervise/runs/{run.id}/findings/{first.id}/confirm", headers={"HX-Request": "true"})
    assert again.status_code == 422 and "当前状态下不能进行此操作" in again.get_data(as_text=True)
    assert client.post(f"/supervise/runs/{run.id}/findings/999999/confirm").status_code == 404
    assert client.post(f"/supervise/runs/{run.id}/findings/{first.id}/close").status_code == 404
    # The list page filters by state and exports.
    listing = client.get(f"/supervise/runs/{run.id}/findings?status=dismissed").get_data(as_text=True)
    assert second.title in listing and f'id="draft-{first.id}"' not in listing
    csv = client.get(f"/supervise/runs/{run.id}/findings?export=csv").get_data(as_text=True)
    assert csv.count("\n") == len(found) + 1 and first.title in csv
    # The finding's page links back to the check result and shows the engine's explanation.
    result = CheckResult.get_by_id(first.source_id)
    finding_page = client.get(f"/accountability/findings/{first.id}").get_data(as_text=True)
    assert f"/supervise/runs/{run.id}/units/{result.unit_id}#result-{result.id}" in finding_page
    assert "检查结论" in finding_page and result.text in finding_page


def test_units_never_see_drafts_nor_the_run_pages(client, unit_plans, units, inspector, make_user):
    clerk = make_user("clerk", "unit", unit=units["street"])
    client.login("inspector")
    run = _done_run(client)
    draft, confirmed = list(drafts.drafted(run))[:2]
    states.move(confirmed, "confirm", inspector)
    client.post("/logout")
    client.login("clerk")
    assert client.get(f"/accountability/findings/{draft.id}").status_code == 404
    assert client.get(f"/accountability/findings/{confirmed.id}").status_code == 200
    assert client.get(f"/supervise/runs/{run.id}/findings").status_code in (302, 403)
    assert client.post(f"/supervise/runs/{run.id}/findings/{draft.id}/confirm").status_code in (302, 403)
    assert Finding.get_by_id(draft.id).status == "draft"
    register_page = client.get("/accountability/").get_data(as_text=True)
    assert f"/accountability/findings/{confirmed.id}\"" in register_page
    assert f"/accountability/findings/{draft.id}\"" not in register_page
    assert clerk.unit_id == units["street"].id


# --------------------------------------------------------------------------- API

def test_the_api_gives_a_runs_drafted_findings(app, unit_plans, units, inspector, make_user):
    from tests.api.conftest import ApiClient
    from service.auth import tokens
    run = _run(units=["J02", "Q08"], created_by=inspector)
    clerk = make_user("clerk", "unit", unit=units["street"])

    def api(user):
        token = tokens.issue(user, name="t", scope="read")[1]
        return ApiClient(app.test_client(), token)
    staff = api(inspector)
    page = staff.get(f"/api/v1/checks/{run.id}/findings?per_page=100").get_json()
    assert page["total"] == len(_failed(run)) == staff.get(f"/api/v1/checks/{run.id}").get_json()["summary"]["drafted"]
    one = page["items"][0]
    assert (one["source_kind"], one["status"], one["channel"]) == ("check", "draft", "check")
    assert one["source_id"] in {r.id for r in _failed(run)} and "confirm" in one["moves"]
    only = staff.get(f"/api/v1/checks/{run.id}/findings?unit={units['bureau'].id}&status=draft").get_json()
    assert only["total"] > 0 and {i["unit_id"] for i in only["items"]} == {units["bureau"].id}
    assert staff.get(f"/api/v1/checks/{run.id}/findings?status=nonsense").status_code == 422
    assert api(clerk).get(f"/api/v1/checks/{run.id}/findings").status_code == 403
