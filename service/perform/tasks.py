"""Background tasks of 履责 (thin wrappers; the work is in ``files``)."""
from __future__ import annotations

from flask import current_app
from huey import crontab

from ..tasks import periodic_task
from . import files


@periodic_task(crontab(minute="17"))
def cleanup_uploads() -> str:
    """Every hour: delete pending uploads that no record or draft refers to any more."""
    report = files.cleanup(current_app.config["UPLOAD_FOLDER"], current_app.config["UPLOAD_PENDING_HOURS"])
    current_app.logger.info("upload cleanup: %s", report.line())
    return report.line()
