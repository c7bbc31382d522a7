"""Jobs in one process: the state table, progress, failures, recovery of abandoned jobs."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

import tests.tasks.kinds  # noqa: F401  (test job kinds)
from service.audit import AuditEntry
from service.db import utcnow
from service.tasks import huey, jobs
from service.tasks.models import Job
from service.tasks.queue import OWNER


def _queued(kind="test.steps", steps=3, log="/dev/null", **fields) -> Job:
    fields.setdefault("heartbeat_at", utcnow())
    return Job.create(kind=kind, params={"steps": steps, "pause": 0, "log": log}, **fields)


def test_every_move_outside_the_table_is_refused(app):
    job = _queued()
    for target in ("done", "queued"):
        with pytest.raises(jobs.InvalidMove):
            jobs.move(job, target)
    assert set(jobs.STATES) == {state for move in jobs.MOVES for state in move}
    assert not any(source in ("done", "failed") for source, _target in jobs.MOVES)  # finished is final


def test_a_move_is_conditional_on_the_state_the_caller_saw(app):
    job = _queued()
    stale = Job.get_by_id(job.id)
    assert jobs.move(job, "running", owner="a:1:x")
    assert not jobs.move(stale, "running", owner="b:2:y")  # somebody else took it first
    assert Job.get_by_id(job.id).owner == "a:1:x"


def test_run_job_records_progress_result_and_audits_each_move(app, tmp_path):
    log = tmp_path / "steps.log"
    job = _queued(steps=4, log=str(log))
    jobs.run_job(job.id)
    done = Job.get_by_id(job.id)
    assert (done.state, done.done, done.total, done.result, done.attempts) == ("done", 4, 4, {"steps": 4}, 1)
    assert done.started_at <= done.finished_at and done.owner == OWNER
    assert len(log.read_text().splitlines()) == 4
    moves = [(e.before["state"], e.after["state"]) for e in
             AuditEntry.select().where(AuditEntry.object_type == "job").order_by(AuditEntry.id)]
    assert moves == [("queued", "running"), ("running", "done")]
    assert done.percent == 100


def test_a_job_that_raises_is_failed_with_its_error_and_no_result(app):
    job = _queued(kind="test.boom")
    jobs.run_job(job.id)
    failed = Job.get_by_id(job.id)
    assert failed.state == "failed" and failed.error == "ValueError: boom at step 2"
    assert failed.result is None and failed.done == 1 and failed.total == 3 and failed.finished_at


def test_a_duplicate_message_does_not_run_a_job_twice(app, tmp_path):
    log = tmp_path / "steps.log"
    job = _queued(steps=2, log=str(log))
    jobs.run_job(job.id)
    jobs.run_job(job.id)
    assert len(log.read_text().splitlines()) == 2


def test_an_unknown_kind_fails_instead_of_waiting_forever(app):
    job = _queued(kind="no.such.kind")
    jobs.run_job(job.id)
    assert Job.get_by_id(job.id).state == "failed"


def test_start_job_stores_and_queues_it_and_runs_inline_in_immediate_mode(app, tmp_path, monkeypatch):
    log = tmp_path / "steps.log"
    job = jobs.start_job("test.steps", {"steps": 2, "pause": 0, "log": str(log)})
    assert job.state == "queued" and huey.pending_count() == 1  # waits for a consumer
    jobs.run_job(job.id)
    monkeypatch.setattr(huey, "_immediate", True)
    monkeypatch.setattr(huey, "storage", huey.get_immediate_storage())
    inline = jobs.start_job("test.steps", {"steps": 2, "pause": 0, "log": str(log)})
    assert inline.state == "done"
    with pytest.raises(ValueError):
        jobs.start_job("no.such.kind")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _running(kind: str, owner: str, heartbeat: dt.datetime, **fields) -> Job:
    job = _queued(kind=kind, steps=5)
    Job.update(state="running", owner=owner, heartbeat_at=heartbeat, started_at=heartbeat, done=2, total=5,
               attempts=1, **fields).where(Job.id == job.id).execute()
    return Job.get_by_id(job.id)


def test_recovery_requeues_resumable_and_fails_other_jobs_of_a_dead_consumer_on_this_host(app):
    host = OWNER.rsplit(":", 2)[0]
    dead = f"{host}:{_dead_pid()}:feedbeef"
    now = utcnow()
    resumable = _running("test.steps", dead, now)
    once = _running("test.steps_once", dead, now)
    alive = _running("test.steps_once", f"{host}:{os.getppid()}:cafe0000", now)  # a live process: left alone
    elsewhere = _running("test.steps_once", "other-host:123:abcd0000", now)   # fresh heartbeat: left alone
    counts = jobs.recover_abandoned_jobs()
    assert counts == {"resumed": 1, "failed": 1, "requeued": 0}
    assert Job.get_by_id(resumable.id).state == "queued" and Job.get_by_id(resumable.id).owner is None
    assert huey.pending_count() == 1
    assert (Job.get_by_id(once.id).state, Job.get_by_id(once.id).error) == ("failed", jobs.INTERRUPTED)
    assert Job.get_by_id(alive.id).state == "running" and Job.get_by_id(elsewhere.id).state == "running"
    jobs.run_job(resumable.id)  # the resumed job continues from its progress and completes
    assert Job.get_by_id(resumable.id).state == "done" and Job.get_by_id(resumable.id).attempts == 2


def test_recovery_takes_over_a_silent_consumer_elsewhere_and_my_own_previous_life(app):
    old = utcnow() - dt.timedelta(seconds=jobs.STALE_AFTER_SECONDS + 5)
    host = OWNER.rsplit(":", 2)[0]
    silent = _running("test.steps_once", "other-host:123:abcd0000", old)
    previous_me = _running("test.steps_once", f"{host}:{os.getpid()}:00000000", utcnow())
    jobs.recover_abandoned_jobs()
    assert Job.get_by_id(silent.id).state == "failed" and Job.get_by_id(previous_me.id).state == "failed"


def test_a_job_interrupted_too_often_fails_instead_of_looping(app):
    host = OWNER.rsplit(":", 2)[0]
    job = _running("test.steps", f"{host}:{_dead_pid()}:feedbeef", utcnow())
    Job.update(attempts=jobs.MAX_ATTEMPTS).where(Job.id == job.id).execute()
    jobs.recover_abandoned_jobs()
    assert Job.get_by_id(job.id).state == "failed"


def test_a_queued_job_whose_message_was_lost_is_queued_again(app):
    job = _queued(heartbeat_at=utcnow() - dt.timedelta(seconds=jobs.STALE_AFTER_SECONDS + 5))
    fresh = _queued()
    assert jobs.recover_abandoned_jobs()["requeued"] == 1 and huey.pending_count() == 1
    assert jobs.recover_abandoned_jobs()["requeued"] == 0  # not again at once
    assert Job.get_by_id(job.id).state == Job.get_by_id(fresh.id).state == "queued"


def test_a_consumer_that_lost_its_job_stops_writing_progress(app):
    job = _queued(steps=3)
    assert jobs.move(job, "running", owner=OWNER, heartbeat_at=utcnow())
    progress = jobs.JobProgress(job)
    progress.advance()
    Job.update(owner="someone-else:1:x").where(Job.id == job.id).execute()  # recovered by another
    with pytest.raises(jobs.JobLost):
        progress.advance()
    assert Job.get_by_id(job.id).done == 1


def test_shutdown_hands_on_this_consumers_jobs(app):
    resumable = _running("test.steps", OWNER, utcnow())
    once = _running("test.steps_once", OWNER, utcnow())
    assert jobs.release_own_jobs() == {"resumed": 1, "failed": 1}
    assert Job.get_by_id(resumable.id).state == "queued" and Job.get_by_id(once.id).state == "failed"


def test_heartbeat_touches_only_this_consumers_running_jobs(app):
    old = utcnow() - dt.timedelta(minutes=3)
    mine = _running("test.steps", OWNER, old)
    theirs = _running("test.steps", "other-host:1:x", old)
    assert jobs.heartbeat() == 1
    assert Job.get_by_id(mine.id).heartbeat_at > old and Job.get_by_id(theirs.id).heartbeat_at == old
