"""The consumer: Huey's, with job recovery at start, a heartbeat, and hand-over at shutdown.

``dutyloop worker`` runs ``run_consumer``. Worker threads take tasks from the
queue the settings name; the scheduler thread enqueues periodic tasks (each
runs once per slot whatever the number of consumers, see ``queue.periodic_task``).
"""
from __future__ import annotations

import logging
import threading

from . import jobs
from .queue import OWNER, connected, huey

logger = logging.getLogger(__name__)

RECOVER_EVERY_SECONDS = 60


def _beat_until(stop: threading.Event, app) -> None:
    """Keep this consumer's running jobs alive and look for others' abandoned ones."""
    beats = 0
    while not stop.wait(jobs.HEARTBEAT_SECONDS):
        beats += 1
        try:
            with app.app_context(), connected():
                jobs.heartbeat()
                if beats * jobs.HEARTBEAT_SECONDS >= RECOVER_EVERY_SECONDS:
                    beats = 0
                    jobs.recover_abandoned_jobs()
        except Exception:  # the database may be away for a moment; try again next beat
            logger.exception("job heartbeat failed")


def run_consumer(app, *, workers: int = 2, periodic: bool = True) -> None:
    """Run a Huey consumer for ``app`` until SIGINT (graceful) or SIGTERM."""
    if huey.immediate:
        raise RuntimeError("HUEY_IMMEDIATE is on: tasks run where they are started; no consumer is needed")
    logger.info("consumer %s: %s queue %r, %d worker thread(s)", OWNER, huey.backend, huey.name, workers)
    with app.app_context(), connected():
        jobs.recover_abandoned_jobs()
    stop = threading.Event()
    beat = threading.Thread(target=_beat_until, args=(stop, app), name="job-heartbeat", daemon=True)
    beat.start()
    # Threads, not processes: a task's database connection and the app stay in
    # this process. A short idle poll (max_delay) keeps a started job from
    # waiting long on the SQL storages, which Huey polls.
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=periodic,
                                    max_delay=2.0, scheduler_interval=1, shutdown_timeout=10)
    try:
        consumer.run()
    finally:
        stop.set()
        with app.app_context(), connected():
            released = jobs.release_own_jobs()
        if any(released.values()):
            logger.warning("handed on unfinished jobs at shutdown: %s", released)
