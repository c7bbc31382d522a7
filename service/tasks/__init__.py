"""Background work: the Huey task queue, jobs with stored progress, periodic tasks run once.

- ``queue``: the Huey instance configured from the settings, ``task`` and
  ``periodic_task`` (thin wrappers that run plain functions inside the app);
- ``jobs``: long work with progress in the ``job`` table, its state moves, and
  recovery of jobs whose consumer died;
- ``consumer``: ``dutyloop worker``; ``serve``: ``dutyloop serve`` (gunicorn
  and a consumer together, what ``make run`` starts).
"""
from __future__ import annotations

from .queue import huey, periodic_task, task

__all__ = ["huey", "init_app", "periodic_task", "task"]

# Modules whose import registers tasks with ``huey``: every process (web
# server, consumer) imports them, so both know every task by name.
TASK_MODULES = ("service.tasks.jobs", "service.perform.tasks", "service.supervise.runs", "service.supervise.tasks")


def init_app(app) -> None:
    """Point the queue at the storage ``app``'s settings name and register every task."""
    import importlib
    huey.configure(app)
    for module in TASK_MODULES:
        importlib.import_module(module)
