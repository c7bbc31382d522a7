"""Job kinds and a periodic task for the consumer-process tests (imported by both sides)."""
from __future__ import annotations

import os
import time

from huey import crontab

from service.tasks import periodic_task
from service.tasks.jobs import job_kind
from service.tasks.queue import current_slot


def _steps(progress):
    """Count to params["steps"], one step per pause, logging each step to params["log"]."""
    total = progress.params["steps"]
    progress.set_total(total)
    for step in range(progress.done, total):
        time.sleep(progress.params.get("pause", 0.2))
        with open(progress.params["log"], "a") as fh:
            fh.write(f"{os.getpid()} {step}\n")
        progress.advance()
    return {"steps": total}


job_kind("test.steps", resumable=True)(_steps)
job_kind("test.steps_once", resumable=False)(_steps)


@job_kind("test.boom", resumable=False)
def _boom(progress):
    progress.set_total(3)
    progress.advance()
    raise ValueError("boom at step 2")


@periodic_task(crontab())  # every minute: the consumers below check every second
def tick() -> None:
    """Log which consumer ran the tick of which minute."""
    path = os.environ.get("DUTYLOOP_TEST_TICK_LOG")
    if path:
        with open(path, "a") as fh:  # one short O_APPEND write per line: lines never interleave
            fh.write(f"{current_slot.get()} {os.getpid()}\n")
