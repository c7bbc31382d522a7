"""Background tasks of 督责 (thin wrappers; the work is in ``runs``)."""
from __future__ import annotations

from flask import current_app
from huey import crontab

from ..db import utcnow
from ..tasks import periodic_task
from . import runs


@periodic_task(crontab(hour="0", minute="20"))
def start_scheduled_runs() -> str:
    """Every day: start the check runs the calendar made due (quarter ends, 30 June, 31 December).

    Runs once per day however many consumers enqueue it (``periodic_claim``),
    and each scheduled run has a unique key, so a period is never checked twice by the schedule.
    """
    started = runs.start_due_runs(utcnow().date())
    line = ", ".join(f"{r.kind} {r.period} (run {r.id})" for r in started) or "nothing due"
    current_app.logger.info("scheduled check runs: %s", line)
    return line
