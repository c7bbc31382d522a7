"""Stored check runs and their results (督责).

A ``CheckRun`` is one evaluation of many units' plans for a period as of a
day; its life (queued, running, done, failed) is its ``Job``'s, so there is
one state table (``tasks.jobs.MOVES``) and one function that moves it. Runs
are never changed after they finish and never overwritten: a re-run is a new
run. A ``CheckResult`` is the status engine's answer for one (unit, plan
item) of a run, with the pack version and the sha256 of the check rule it was
computed under; a 问责 finding drafted from a failed item refers to it by id.
"""
from __future__ import annotations

import peewee

from ..auth.models import User
from ..db import BaseModel, JSONField, utcnow
from ..packs.store import PackVersion
from ..tasks.models import Job
from ..units.models import Unit


class CheckRun(BaseModel):
    """One check of the listed units for ``period`` as of ``as_of`` (see ``supervise.runs``)."""

    period = peewee.CharField(max_length=10)
    kind = peewee.CharField(max_length=20)           # quarterly / half-year / year-end
    as_of = peewee.DateField()
    all_units = peewee.BooleanField(default=True)
    unit_ids = JSONField()                          # the units checked, fixed when the run starts
    job = peewee.ForeignKeyField(Job, null=True, on_delete="RESTRICT")
    source = peewee.CharField(max_length=20, default="manual")  # manual / cli / schedule / api
    # "quarterly:2022Q2" for a run the calendar started: unique, so a period is
    # checked once by the schedule however many consumers run it.
    schedule_key = peewee.CharField(max_length=40, null=True, unique=True)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "check_run"

    @property
    def state(self) -> str:
        """queued / running / done / failed: the job's state."""
        return self.job.state if self.job_id else "queued"


class CheckResult(BaseModel):
    """The status of one plan item of one unit in one run, as the engine gave it."""

    run = peewee.ForeignKeyField(CheckRun, on_delete="CASCADE", backref="results")
    unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT")
    plan_item_id = peewee.IntegerField()
    item_id = peewee.CharField(max_length=100)
    list_id = peewee.CharField(max_length=100)
    category_id = peewee.CharField(max_length=100)
    text = peewee.TextField()
    status = peewee.CharField(max_length=20)
    colour = peewee.CharField(max_length=10, null=True)
    count = peewee.IntegerField()
    target = peewee.IntegerField()
    due = peewee.DateField(null=True)
    explanation = peewee.TextField()
    data = JSONField()                              # ItemStatus.as_dict(), whole
    pack_version = peewee.ForeignKeyField(PackVersion, null=True, on_delete="RESTRICT")
    rule_sha256 = peewee.CharField(max_length=64)

    class Meta:
        table_name = "check_result"
        indexes = ((("run", "unit", "plan_item_id"), True), (("run", "status"), False))


class IssuedDocument(BaseModel):
    """A portrait or analysis report as issued (出具): the filled document kept whole.

    Portraits and reports are computed from the data of the day; issuing one
    keeps exactly what was read out (title, sections, tables and the figures
    filled in) with the pack version whose wording it used, so the copy handed
    to the district's leaders can be shown and downloaded unchanged later, and
    成效统计 can count what was produced. Never changed after it is issued.
    """

    kind = peewee.CharField(max_length=20)          # portrait / unit-report / district-report
    unit = peewee.ForeignKeyField(Unit, null=True, on_delete="RESTRICT")   # null: the district's
    period = peewee.CharField(max_length=10)        # a year for portraits; 2022, 2022H1, 2022Q2 for reports
    title = peewee.CharField(max_length=300)
    content = JSONField()                           # {"title", "sections", "tables", "values"}
    sha256 = peewee.CharField(max_length=64)        # of the canonical JSON of ``content``
    pack_version = peewee.ForeignKeyField(PackVersion, null=True, on_delete="RESTRICT")
    note = peewee.TextField(default="")
    issued_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    issued_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "issued_document"
        indexes = ((("kind", "issued_at"), False), (("unit", "issued_at"), False))
