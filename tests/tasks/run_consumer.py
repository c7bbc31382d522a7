"""A real consumer process for tests: `dutyloop worker` plus the test job kinds.

Run as ``python tests/tasks/run_consumer.py`` with the instance's environment
(DATABASE_URL, DUTYLOOP_INSTANCE, DUTYLOOP_HUEY_URL, DUTYLOOP_HUEY_NAME);
``DUTYLOOP_TEST_IMPORTS`` names more modules to import (comma-separated).
``DUTYLOOP_TEST_PERIODIC_SECONDS`` makes the scheduler look for due periodic
tasks that often instead of once a minute, so two consumers enqueue the same
slot's task many times within a short test.
"""
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from huey.consumer import Scheduler  # noqa: E402

from service import create_app  # noqa: E402
from service.tasks.consumer import run_consumer  # noqa: E402
import tests.tasks.kinds  # noqa: E402,F401  (registers the test kinds and the tick)

# More test modules to import (comma-separated), for other packages' consumer tests.
for _module in filter(None, os.environ.get("DUTYLOOP_TEST_IMPORTS", "").split(",")):
    __import__(_module)

if os.environ.get("DUTYLOOP_TEST_PERIODIC_SECONDS"):
    Scheduler.periodic_task_seconds = int(os.environ["DUTYLOOP_TEST_PERIODIC_SECONDS"])

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
run_consumer(create_app(), workers=int(os.environ.get("DUTYLOOP_TEST_WORKERS", "2")),
             periodic=bool(os.environ.get("DUTYLOOP_TEST_PERIODIC_SECONDS")))
