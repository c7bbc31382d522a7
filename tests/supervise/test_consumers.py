"""Check runs in real consumer processes: a run whose consumer is killed midway is resumed by the
next one and ends with the same results as an uninterrupted run; the calendar's runs start once
with two consumers."""
from __future__ import annotations

import collections
import datetime as dt
import signal

import pytest

from service import audit
from service.auth.models import User  # noqa: F401
from service.define import plans
from service.packs import read_pack_files
from service.packs.store import publish, store_files
from service.supervise import runs
from service.supervise.models import CheckRun
from service.tasks.models import Job, PeriodicClaim
from service.units.models import Unit
from tests.define.conftest import ROOT
from tests.tasks.conftest import consumers, queue_app, wait_for  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

HOOKS = "tests.supervise.consumer_hooks"


def _setup_units(count: int = 4) -> list[Unit]:
    files, problems = read_pack_files(ROOT)
    assert not problems
    with audit.acting_as(None, "test"):
        version, _ = store_files(files, source="install")
        publish(version)
        units = [audit.create(Unit, code=f"J{n:02d}", name=f"街道{n}", type="街道") for n in range(count)]
        for unit in units:
            plan, _ = plans.generate_plan(unit, 2022, version)
            plans.publish_plan(plan)
    return units


def test_a_run_killed_midway_is_resumed_and_never_marked_complete_with_partial_results(queue_app, consumers):  # noqa: F811
    with queue_app.app_context():
        _setup_units(4)
        with audit.acting_as(None, "test"):
            run = runs.create_run("2022", "year-end")
    first = consumers(queue_app, DUTYLOOP_TEST_IMPORTS=HOOKS, DUTYLOOP_TEST_ENGINE_PAUSE=1.5)
    wait_for(lambda: Job.get_by_id(run.job_id).done >= 1, what="the first unit checked")
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    with queue_app.app_context():
        killed = CheckRun.get_by_id(run.id)
        assert killed.state == "running" and 1 <= killed.job.done < 4 and killed.job.result is None
        with pytest.raises(runs.NotFinished):
            runs.results(killed)

    second = consumers(queue_app, DUTYLOOP_TEST_IMPORTS=HOOKS, DUTYLOOP_TEST_ENGINE_PAUSE=0)
    wait_for(lambda: Job.get_by_id(run.job_id).state in ("done", "failed"), what="the run to finish")
    with queue_app.app_context():
        done = CheckRun.get_by_id(run.id)
        assert done.state == "done" and done.job.attempts == 2 and done.job.done == done.job.total == 4
        assert done.job.owner.split(":")[1] == str(second.pid)
        with audit.acting_as(None, "test"):
            reference = runs.run_here(runs.create_run("2022", "year-end", queue=False))
        assert [runs.comparable(r) for r in runs.results(done)] == \
            [runs.comparable(r) for r in runs.results(reference)]
        assert done.job.result == reference.job.result


def test_the_calendar_starts_each_due_run_once_with_two_consumers(queue_app, consumers, tmp_path):  # noqa: F811
    with queue_app.app_context():
        _setup_units(2)
    ticks = tmp_path / "ticks.log"
    env = {"DUTYLOOP_TEST_IMPORTS": HOOKS, "DUTYLOOP_TEST_PERIODIC_SECONDS": 1, "DUTYLOOP_TEST_SCHEDULE_LOG": ticks,
           "DUTYLOOP_TEST_TODAY": "2022-07-01", "DUTYLOOP_TEST_ENGINE_PAUSE": 0}
    first, second = consumers(queue_app, **env), consumers(queue_app, **env)

    def enqueued(proc) -> int:
        with open(proc.log_path) as fh:
            return fh.read().count("Enqueueing periodic task tests.supervise.consumer_hooks.tick_schedule")

    wait_for(lambda: enqueued(first) >= 3 and enqueued(second) >= 3, timeout=90,
             what="both consumers to enqueue the schedule several times")
    wait_for(lambda: ticks.exists() and ticks.read_text(), what="a tick to run")
    with queue_app.app_context():
        wait_for(lambda: CheckRun.select().count() == 2 and all(r.state == "done" for r in CheckRun.select()),
                 what="the two due runs to finish")
    for proc in (first, second):
        proc.send_signal(signal.SIGINT)
        proc.wait(30)

    lines = [line.split() for line in ticks.read_text().splitlines()]
    per_slot = collections.Counter(slot for slot, _pid, _n in lines)
    assert per_slot and set(per_slot.values()) == {1}, per_slot
    assert sum(int(n) for _slot, _pid, n in lines) == 2  # started by the first tick only
    with queue_app.app_context():
        assert sorted(r.schedule_key for r in CheckRun.select()) == ["half-year:2022H1", "quarterly:2022Q2"]
        assert all(r.as_of == dt.date(2022, 7, 1) and r.source == "schedule" for r in CheckRun.select())
        if queue_app.queue_backend != "redis":
            claims = PeriodicClaim.select().where(PeriodicClaim.task == "tests.supervise.consumer_hooks.tick_schedule")
            assert {c.slot for c in claims} == set(per_slot)
