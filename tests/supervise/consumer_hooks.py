"""Imported by the test consumers of tests/supervise (``DUTYLOOP_TEST_IMPORTS``).

- Check runs go one unit per step, and each step waits ``DUTYLOOP_TEST_ENGINE_PAUSE``
  seconds before calling the status engine, so a test can kill the consumer midway.
- ``tick_schedule``: every minute, start the runs due as of ``DUTYLOOP_TEST_TODAY``
  (what the daily ``start_scheduled_runs`` does for the real date), logging each call.
"""
from __future__ import annotations

import datetime as dt
import os
import time

from huey import crontab

from service.perform import status
from service.supervise import runs
from service.tasks import periodic_task
from service.tasks.queue import current_slot

runs.CHUNK = 1
_real_statuses = status.statuses


def _slow_statuses(*args, **kwargs):
    time.sleep(float(os.environ.get("DUTYLOOP_TEST_ENGINE_PAUSE", "0")))
    return _real_statuses(*args, **kwargs)


status.statuses = _slow_statuses


@periodic_task(crontab())
def tick_schedule() -> None:
    started = runs.start_due_runs(dt.date.fromisoformat(os.environ["DUTYLOOP_TEST_TODAY"]))
    with open(os.environ["DUTYLOOP_TEST_SCHEDULE_LOG"], "a") as fh:
        fh.write(f"{current_slot.get()} {os.getpid()} {len(started)}\n")
