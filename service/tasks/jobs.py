"""Long work with stored progress: job kinds, the job state table, running and recovering jobs.

A job is a row (``Job``) made by ``start_job`` and run by ``run_job`` in a
consumer (the Huey task ``run_job_task`` is a thin wrapper). The work itself
is a plain function registered with ``job_kind``; it gets a ``JobProgress``
that writes ``done``/``total`` to the row as it goes, so any app server can
show a progress bar.

A consumer can die midway (SIGKILL, power loss). Its running jobs are found
by ``recover_abandoned_jobs``, which every consumer runs when it starts and
every minute after: a job whose consumer is gone is queued again when its
kind can resume (the function continues from ``progress.done``) and marked
failed otherwise; it is never left "running", and only ``run_job`` marks a
job done, after the function returned.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from typing import Any, Callable

from .. import audit
from ..db import database, utcnow
from .models import Job
from .queue import OWNER, task

logger = logging.getLogger(__name__)

# The job's life: one table of the moves allowed, each with why it happens.
MOVES: dict[tuple[str, str], str] = {
    ("queued", "running"): "a consumer takes the job",
    ("running", "done"): "the work returned",
    ("running", "failed"): "the work raised, or its consumer died and the kind cannot resume",
    ("running", "queued"): "its consumer died and the kind resumes: it waits for another consumer",
    ("queued", "failed"): "its kind is unknown to the consumer, or it was interrupted too often",
}
STATES = ("queued", "running", "done", "failed")

HEARTBEAT_SECONDS = 30      # a consumer marks its running jobs alive this often
STALE_AFTER_SECONDS = 300   # a running job unheard of this long has lost its consumer
MAX_ATTEMPTS = 3            # a resumable job interrupted this often fails instead
INTERRUPTED = "interrupted: the consumer running this job stopped before it finished"


class InvalidMove(ValueError):
    """A state change that ``MOVES`` does not allow."""


class JobLost(RuntimeError):
    """The job is no longer this consumer's (recovered by another after a stall)."""


@dataclass(frozen=True)
class JobKind:
    """A registered kind of job: its function, and whether it can continue after an interruption."""

    name: str
    function: Callable[["JobProgress"], Any]
    resumable: bool


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, resumable: bool) -> Callable:
    """Register ``function(progress)`` as the work of jobs of kind ``name``.

    A resumable function must be idempotent per step: after an interruption it
    runs again with ``progress.done`` steps already counted and continues there.
    """
    def decorator(function):
        KINDS[name] = JobKind(name, function, resumable)
        return function
    return decorator


def move(job: Job, to: str, **fields) -> bool:
    """Move ``job`` to state ``to`` and audit it, if nobody moved it first.

    The update is conditional on the state (and, from ``running``, on the
    owner) the caller saw, so two consumers racing on one job cannot both win.
    Returns whether this call made the move; ``job`` is refreshed when it did.
    """
    if (job.state, to) not in MOVES:
        raise InvalidMove(f"job {job.id}: {job.state} -> {to} is not allowed")
    condition = (Job.id == job.id) & (Job.state == job.state)
    if job.state == "running":
        condition &= Job.owner == job.owner
    with database.atomic():
        before = audit.snapshot(job)
        if not Job.update(**fields, state=to).where(condition).execute():
            return False
        fresh = Job.get_by_id(job.id)
        audit.record("update", "job", job.id, before, audit.snapshot(fresh))
    job.__data__.update(fresh.__data__)
    return True


def start_job(kind: str, params: dict | None = None, *, created_by=None) -> Job:
    """Store a new job of ``kind`` and queue it for a consumer.

    Call it outside a transaction: the queue may live elsewhere (a SQLite
    file, Redis), and a consumer must find the job's row when it takes the
    message. (If it does not, the job waits for ``recover_abandoned_jobs``.)
    """
    if kind not in KINDS:
        raise ValueError(f"unknown job kind: {kind!r}")
    job = audit.create(Job, kind=kind, params=params or {}, created_by=created_by, heartbeat_at=utcnow())
    run_job_task(job.id)
    return Job.get_by_id(job.id)


class JobProgress:
    """What a job's function sees: its parameters, progress so far, and how to report more."""

    def __init__(self, job: Job):
        self.job = job

    @property
    def params(self) -> dict:
        return self.job.params or {}

    @property
    def done(self) -> int:
        return self.job.done

    @property
    def total(self) -> int | None:
        return self.job.total

    def _write(self, **changes) -> None:
        changes["heartbeat_at"] = utcnow()
        mine = (Job.id == self.job.id) & (Job.state == "running") & (Job.owner == self.job.owner)
        if not Job.update(**changes).where(mine).execute():
            raise JobLost(f"job {self.job.id} is no longer run by {self.job.owner}")

    def set_total(self, total: int) -> None:
        """How many steps the work has (shown as the bar's end)."""
        self._write(total=total)
        self.job.total = total

    def advance(self, steps: int = 1) -> None:
        """Count ``steps`` more as done (call after each step's writes are committed)."""
        self._write(done=Job.done + steps)
        self.job.done += steps


def run_job(job_id: int) -> Job | None:
    """Run the queued job ``job_id`` here; it ends done or failed (or lost to another consumer)."""
    job = Job.get_or_none(Job.id == job_id)
    if job is None or job.state != "queued":
        return job  # already taken (a duplicate message) or finished
    kind = KINDS.get(job.kind)
    if kind is None:
        move(job, "failed", error=f"unknown job kind: {job.kind}", finished_at=utcnow())
        return job
    now = utcnow()
    if not move(job, "running", owner=OWNER, attempts=job.attempts + 1, heartbeat_at=now,
                started_at=job.started_at or now):
        return Job.get_or_none(Job.id == job_id)
    try:
        result = kind.function(JobProgress(job))
    except JobLost:
        logger.warning("job %s was taken over by another consumer", job.id)
        return Job.get_or_none(Job.id == job_id)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.id, job.kind)
        move(job, "failed", error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=utcnow())
        return job
    final = {"result": result, "finished_at": utcnow()}
    fresh = Job.get_by_id(job.id)
    if fresh.total is not None and fresh.done < fresh.total:
        final["done"] = fresh.total
    if not move(job, "done", **final):
        logger.warning("job %s finished but was taken over meanwhile", job.id)
    return job


@task()
def run_job_task(job_id: int) -> None:
    """Huey task: run one stored job."""
    run_job(job_id)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet is a zombie: dead all the same
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _owner_is_gone(owner: str | None, me: str) -> bool:
    """Whether the consumer named ``owner`` is known to be dead (same host only)."""
    if not owner or owner == me:
        return False
    parts, mine = owner.rsplit(":", 2), me.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != mine[0] or not parts[1].isdigit():
        return False  # another host's consumer: only its heartbeat tells
    pid = int(parts[1])
    if pid == os.getpid():
        return True  # my pid with another token: my previous life
    return not _process_alive(pid)


def recover_abandoned_jobs(now: dt.datetime | None = None, me: str = OWNER) -> dict[str, int]:
    """Requeue or fail jobs whose consumer died; requeue messages that were lost.

    A running job is abandoned when its owner was a process on this host that
    is gone, or when its heartbeat is older than ``STALE_AFTER_SECONDS`` (a
    consumer on another host). Safe to run from several consumers at once.
    """
    now = now or utcnow()
    stale = now - dt.timedelta(seconds=STALE_AFTER_SECONDS)
    counts = {"resumed": 0, "failed": 0, "requeued": 0}
    for job in Job.select().where(Job.state == "running"):
        if not (_owner_is_gone(job.owner, me) or (job.heartbeat_at or job.started_at or now) < stale):
            continue
        kind = KINDS.get(job.kind)
        if kind is not None and kind.resumable and job.attempts < MAX_ATTEMPTS:
            if move(job, "queued", owner=None, heartbeat_at=now):
                run_job_task(job.id)
                counts["resumed"] += 1
        elif move(job, "failed", error=INTERRUPTED, finished_at=now):
            counts["failed"] += 1
    # A queued job's message can be lost (a consumer killed between taking the
    # message and the job, a Redis restart): queue it again now and then. A
    # duplicate message is harmless, since only one consumer can take the job.
    for job in Job.select().where((Job.state == "queued") & (Job.heartbeat_at < stale)):
        if Job.update(heartbeat_at=now).where((Job.id == job.id) & (Job.state == "queued")
                                              & (Job.heartbeat_at == job.heartbeat_at)).execute():
            run_job_task(job.id)
            counts["requeued"] += 1
    if any(counts.values()):
        logger.warning("recovered jobs: %s", counts)
    return counts


def release_own_jobs(me: str = OWNER) -> dict[str, int]:
    """On a consumer's shutdown: hand its unfinished jobs on at once (resume or fail)."""
    counts = {"resumed": 0, "failed": 0}
    now = utcnow()
    for job in Job.select().where((Job.state == "running") & (Job.owner == me)):
        kind = KINDS.get(job.kind)
        if kind is not None and kind.resumable and job.attempts < MAX_ATTEMPTS:
            if move(job, "queued", owner=None, heartbeat_at=now):
                run_job_task(job.id)
                counts["resumed"] += 1
        elif move(job, "failed", error=INTERRUPTED, finished_at=now):
            counts["failed"] += 1
    return counts


def heartbeat(me: str = OWNER) -> int:
    """Mark this consumer's running jobs alive; returns how many."""
    return Job.update(heartbeat_at=utcnow()).where((Job.state == "running") & (Job.owner == me)).execute()
