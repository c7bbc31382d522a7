"""Check runs in one process: the engine's answers stored whole, reproducible, never overwritten,
compared with reasons, resumed chunk by chunk; the calendar's runs."""
from __future__ import annotations

import datetime as dt

import pytest

from service import audit
from service.define import plans
from service.perform import status
from service.supervise import runs
from service.supervise.models import CheckResult, CheckRun
from service.tasks import jobs
from service.tasks.models import Job

D = dt.date.fromisoformat


def _run(period="2022", kind="year-end", as_of=None, **kwargs) -> CheckRun:
    with audit.acting_as(None, "test"):
        run = runs.create_run(period, kind, D(as_of) if as_of else None, queue=False, **kwargs)
        return runs.run_here(run)


def test_a_year_end_run_stores_exactly_what_the_engine_says_with_pack_version_and_rule_hash(
        unit_plans, units, record):
    record("street", "inspection", "2022-04-01")
    record("street", "talk", "2022-02-10", target_roles=["年轻干部"])
    run = _run()
    assert run.state == "done" and run.as_of == D("2023-01-01") and run.all_units
    engine = status.statuses(run.unit_ids, "2022", D("2023-01-01"), include_disabled=True, published_only=True)
    stored = list(runs.results(run))
    assert [r.data for r in stored if r.unit_id == units["street"].id] == \
        [s.as_dict() for s in engine[units["street"].id]]
    assert len(stored) == sum(len(v) for v in engine.values()) > 0
    assert run.job.result == runs.summarise(run)
    assert run.job.result["units_without_plan"] == 1  # the plain unit has no plan
    young = next(r for r in stored if r.unit_id == units["street"].id and r.item_id == "fr-talk-young")
    assert (young.status, young.count, young.target) == ("partial", 1, 4) and "还差 3 次" in young.explanation
    version = unit_plans["street"].pack_version
    assert young.pack_version_id == version.id
    assert young.rule_sha256 == runs.rule_sha256(version.pack().item("fr-talk-young").check)
    assert len({r.rule_sha256 for r in stored}) > 5  # one hash per rule, not one per run


def test_a_rerun_is_a_new_run_with_identical_results(unit_plans, record):
    record("bureau", "inspection", "2022-05-01")
    first, second = _run(), _run()
    assert first.id != second.id
    assert [runs.comparable(r) for r in runs.results(first)] == [runs.comparable(r) for r in runs.results(second)]
    assert runs.compare(first, second) == []
    assert CheckResult.select().where(CheckResult.run == first.id).count() == \
        CheckResult.select().where(CheckResult.run == second.id).count()


def test_compare_names_the_items_that_changed_and_why(unit_plans, units, record):
    first = _run("2022Q2", "quarterly", "2022-06-30", units=["J02"])
    new = record("street", "inspection", "2022-06-01")
    second = _run("2022Q2", "quarterly", "2022-06-30", units=["J02"])
    changes = runs.compare(first, second)
    quarterly = [c for c in changes if c.item_id == "fr-check-quarterly"]
    assert len(quarterly) == 1
    change = quarterly[0]
    assert (change.before["status"], change.after["status"]) == ("not_due", "done")
    assert change.reasons == [f"新计入记录 #{new.id}"]
    assert change.unit_code == "J02" and change.as_dict()["after"]["result_id"]
    # A later as-of date is a reason too (a talk due 30 June is overdue on 1 July).
    third = _run("2022Q2", "quarterly", "2022-07-01", units=["J02"])
    later = {c.item_id: c for c in runs.compare(second, third)}
    assert "fr-check-quarterly" not in later  # still done
    talk = later["fr-talk-young"]
    assert (talk.before["status"], talk.after["status"]) == ("not_due", "missing")
    assert talk.reasons == ["截至日期不同（2022-06-30 → 2022-07-01）"]
    # The first run stays as it was: never overwritten.
    assert [r.status for r in runs.results(first) if r.item_id == "fr-check-quarterly"] == ["not_due"]


def test_a_selection_checks_only_those_units_and_bad_parameters_are_refused(unit_plans, units):
    run = _run("2022H1", "half-year", units=["Q08", "G01"])
    assert not run.all_units and run.unit_ids == sorted([units["bureau"].id, units["soe"].id])
    assert {r.unit_id for r in runs.results(run)} == set(run.unit_ids)
    for period, kind, as_of, units_, field in [
            ("2022", "quarterly", None, None, "period"), ("2022Q5", "quarterly", None, None, "period"),
            ("2022", "monthly", None, None, "kind"), ("2022", "year-end", "2020-01-01", None, "as_of"),
            ("2022", "year-end", None, ["NOPE"], "units")]:
        with pytest.raises(runs.RunError) as caught:
            runs.create_run(period, kind, D(as_of) if as_of else None, units=units_, queue=False)
        assert caught.value.field == field and caught.value.message
    assert CheckRun.select().count() == 1


def test_results_of_an_unfinished_run_are_refused(unit_plans):
    with audit.acting_as(None, "test"):
        run = runs.create_run("2022", "year-end", queue=False)
    assert run.state == "queued"
    with pytest.raises(runs.NotFinished):
        runs.results(run)


def test_a_run_interrupted_between_chunks_resumes_after_the_last_whole_chunk(unit_plans, units, monkeypatch):
    monkeypatch.setattr(runs, "CHUNK", 1)
    calls = []
    real = status.statuses

    def flaky(unit_ids, *args, **kwargs):
        calls.append(list(unit_ids))
        if len(calls) == 2:
            raise jobs.JobLost("the consumer stopped here")  # as a kill between chunks looks
        return real(unit_ids, *args, **kwargs)
    monkeypatch.setattr(status, "statuses", flaky)
    with audit.acting_as(None, "test"):
        run = runs.create_run("2022", "year-end", queue=False)
    jobs.run_job(run.job_id)
    job = Job.get_by_id(run.job_id)
    assert job.state == "running" and job.done == 1 and job.total == 4
    with pytest.raises(runs.NotFinished):
        runs.results(CheckRun.get_by_id(run.id))
    # The consumer is gone: recovery queues it again and it continues at unit 2.
    Job.update(owner="elsewhere:1:x", heartbeat_at=dt.datetime(2000, 1, 1)).where(Job.id == job.id).execute()
    assert jobs.recover_abandoned_jobs()["resumed"] == 1
    jobs.run_job(job.id)
    done = CheckRun.get_by_id(run.id)
    assert done.state == "done" and done.job.attempts == 2
    assert calls[2][0] == run.unit_ids[1]  # not started over
    reference = _run()
    assert [runs.comparable(r) for r in runs.results(done)] == [runs.comparable(r) for r in runs.results(reference)]


def test_the_calendar_starts_each_due_run_once(unit_plans):
    assert runs.due_runs(D("2022-05-31")) == []
    assert runs.due_runs(D("2022-03-31")) == [("quarterly", "2022Q1", D("2022-04-01"))]
    assert [k for k, _p, _d in runs.due_runs(D("2022-06-30"))] == ["quarterly", "half-year"]
    assert runs.due_runs(D("2022-12-31"))[1:] == [("year-end", "2022", D("2023-01-01"))]
    with audit.acting_as(None, "test"):
        first = runs.start_due_runs(D("2023-01-02"))
        again = runs.start_due_runs(D("2023-01-03"))
    assert sorted(r.schedule_key for r in first) == ["quarterly:2022Q4", "year-end:2022"]
    assert again == [] and CheckRun.select().count() == 2
    assert all(r.source == "schedule" and r.as_of == D("2023-01-01") for r in first)
    assert runs.start_due_runs(D("2023-02-15")) == []  # nothing ended in the week before


def test_cli_check_run_runs_in_process_with_a_progress_bar(app, unit_plans, units):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["check", "run", "--period", "2022", "--kind", "year-end", "--units", "J02,Q08"])
    assert result.exit_code == 0, result.output
    assert "checking units" in result.output and "done: " in result.output and "未完成" in result.output
    run = CheckRun.select().order_by(CheckRun.id.desc()).get()
    assert run.state == "done" and run.source == "cli"
    assert run.unit_ids == sorted([units["street"].id, units["bureau"].id])
    bad = runner.invoke(args=["check", "run", "--period", "2022Q2", "--kind", "year-end"])
    assert bad.exit_code != 0 and "年底检查的期间须为全年" in bad.output
    bad = runner.invoke(args=["check", "run", "--period", "2022", "--kind", "year-end", "--as-of", "31/12/2022"])
    assert bad.exit_code != 0 and "not a date" in bad.output
    assert CheckRun.select().count() == 1
