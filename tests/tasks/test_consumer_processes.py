"""Real consumer processes: a job killed with SIGKILL midway, periodic tasks with two consumers."""
from __future__ import annotations

import collections
import signal

import pytest

import tests.tasks.kinds  # noqa: F401  (the test job kinds, as the consumers know them)
from service.tasks import jobs
from service.tasks.models import Job, PeriodicClaim

from .conftest import wait_for

pytestmark = pytest.mark.slow


def _job(job_id: int) -> Job:
    return Job.get_by_id(job_id)


def test_a_job_killed_midway_is_resumed_or_failed_by_the_next_consumer_never_left_running(
        queue_app, consumers, tmp_path):
    log = tmp_path / "steps.log"
    with queue_app.app_context():
        resumable = jobs.start_job("test.steps", {"steps": 8, "pause": 0.5, "log": str(log)})
        once = jobs.start_job("test.steps_once", {"steps": 8, "pause": 0.5, "log": str(log)})
    first = consumers(queue_app)
    wait_for(lambda: _job(resumable.id).done >= 2 and _job(once.id).done >= 1, what="both jobs under way")
    first.send_signal(signal.SIGKILL)
    first.wait(10)

    # Killed: both rows still say running, half done; nothing claims to be complete.
    for job_id in (resumable.id, once.id):
        job = _job(job_id)
        assert job.state == "running" and job.done < job.total == 8 and job.result is None

    second = consumers(queue_app)
    finished = wait_for(lambda: _job(resumable.id).state == "done" and _job(once.id).state == "failed"
                        and _job(resumable.id), what="the resumed job to finish")
    assert finished.done == finished.total == 8 and finished.result == {"steps": 8}
    assert finished.attempts == 2 and finished.owner.split(":")[1] == str(second.pid)
    failed = _job(once.id)
    assert failed.error == jobs.INTERRUPTED and failed.result is None and failed.done < 8
    assert failed.finished_at is not None

    # The resumed job went on from its stored progress: every step ran, none
    # from before the kill was started over (a step cut off by the kill may repeat).
    lines = [line.split() for line in log.read_text().splitlines()]
    resumed_steps = [int(step) for pid, step in lines if pid == str(second.pid)]
    assert sorted(set(resumed_steps)) == list(range(min(resumed_steps), 8))
    assert min(resumed_steps) >= 2


def test_a_periodic_task_runs_once_per_slot_with_two_consumers(queue_app, consumers, tmp_path):
    ticks = tmp_path / "ticks.log"
    # Each consumer looks for due periodic tasks every second instead of every
    # minute, so each enqueues the every-minute tick several times per slot.
    env = {"DUTYLOOP_TEST_PERIODIC_SECONDS": 1, "DUTYLOOP_TEST_TICK_LOG": ticks}
    first, second = consumers(queue_app, **env), consumers(queue_app, **env)

    def enqueued(proc) -> int:
        with open(proc.log_path) as fh:
            return fh.read().count("Enqueueing periodic task tests.tasks.kinds.tick")

    wait_for(lambda: enqueued(first) >= 3 and enqueued(second) >= 3, timeout=90,
             what="both consumers to enqueue the tick several times")
    wait_for(lambda: ticks.exists() and ticks.read_text(), what="a tick to run")
    for proc in (first, second):
        proc.send_signal(signal.SIGINT)
        proc.wait(30)

    runs = [line.split() for line in ticks.read_text().splitlines()]
    per_slot = collections.Counter(slot for slot, _pid in runs)
    assert per_slot and set(per_slot.values()) == {1}, per_slot
    if queue_app.queue_backend != "redis":  # the claims live in the database
        with queue_app.app_context():
            claims = {c.slot: c for c in PeriodicClaim.select().where(PeriodicClaim.task == "tests.tasks.kinds.tick")}
        assert set(claims) == set(per_slot)
        assert all(c.finished_at is not None and c.error is None for c in claims.values())
