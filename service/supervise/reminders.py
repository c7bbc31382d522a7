"""季度提醒: what a finished quarterly run tells each unit it checked. No Flask.

A quarterly run (kind ``quarterly``, 季度提醒) only reminds: it drafts no findings
(``drafts.DRAFTING_KINDS``). Once its job is done, every unit it checked (every unit with
results in it) has one notice listing the items the run found not done (未完成, 部分完成,
未到期 but not yet done), most urgent first, shown to the unit's users with the 履责
reminders (``perform.calendar``: the same list, the same bell, the same per-user read marks).

Like those reminders, a notice is not stored: it is read from the run's stored results
every time, under the key ``check:<run id>:<unit id>``; only a user's read mark is kept.
So a run resumed after its consumer died (whose chunks are written idempotently, and which
is read only once done) gives each unit exactly one notice, a half-year or year-end run
gives none, and a notice can never say something the stored results do not.

Which notices a unit sees: for each quarter, the newest finished quarterly run that checked
it (a re-run of the quarter replaces the earlier notice with its own, unread), among runs
finished in the last ``SHOWN_DAYS`` days.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..holders.recording import others_for_unit
from ..perform import status as engine
from ..tasks.models import Job
from .models import CheckResult, CheckRun

KIND = "quarterly"
#: The statuses a notice lists (everything not done that the unit still has to do).
UNFINISHED = ("missing", "partial", "not_due")
#: Notices of runs finished this many days before today are shown.
SHOWN_DAYS = 366
KEY_PREFIX = "check:"


@dataclass
class RunNotice:
    """One unit's notice from one finished quarterly run."""

    key: str
    run: CheckRun
    unit_id: int
    items: list[engine.ItemStatus] = field(default_factory=list)   # the unfinished items, most urgent first
    read: bool = False

    @property
    def overdue(self) -> int:
        """Items overdue (红) when the run checked them."""
        return sum(1 for s in self.items if s.colour == "red")

    @property
    def finished_at(self) -> dt.datetime | None:
        return self.run.job.finished_at if self.run.job_id else None


def notice_key(run_id: int, unit_id: int) -> str:
    """check:<run id>:<unit id> (a reminder's key names unit, item, window and colour instead)."""
    return f"{KEY_PREFIX}{run_id}:{unit_id}"


_ORDER = {"missing": 0, "partial": 1, "not_due": 2}
_COLOUR = {"red": 0, "yellow": 1, "blue": 2}


def _item(result_data: dict, explanation: str) -> engine.ItemStatus:
    """The stored status object as the engine made it (its explanation as stored)."""
    names = engine.ItemStatus.__dataclass_fields__
    item = engine.ItemStatus(**{k: v for k, v in result_data.items() if k in names})
    item.__dict__["explanation"] = explanation   # the cached property: the text the run stored
    return item


def unit_notices(unit_id: int, today: dt.date) -> list[RunNotice]:
    """The unit's quarterly-run notices (newest run first), read from the stored results."""
    since = dt.datetime.combine(today - dt.timedelta(days=SHOWN_DAYS), dt.time())
    candidates = (CheckRun.select(CheckRun, Job).join(Job)
                  .where((CheckRun.kind == KIND) & (Job.state == "done") & (Job.finished_at >= since))
                  .order_by(Job.finished_at.desc(), CheckRun.id.desc()))
    # Items another body records (监督责任, 职能监督责任) are not the unit's to finish (docs/perform.md).
    others = list(others_for_unit(unit_id))
    notices, periods_seen = [], set()
    for run in candidates:
        if run.period in periods_seen or unit_id not in (run.unit_ids or []):
            continue
        rows = list(CheckResult.select(CheckResult.id, CheckResult.status, CheckResult.explanation, CheckResult.data)
                    .where((CheckResult.run == run.id) & (CheckResult.unit == unit_id)
                           & CheckResult.status.in_(UNFINISHED) & CheckResult.list_id.not_in(others))
                    .order_by(CheckResult.id))
        if not rows and not CheckResult.select().where((CheckResult.run == run.id)
                                                       & (CheckResult.unit == unit_id)).exists():
            continue   # checked, but no published plan: nothing to say
        periods_seen.add(run.period)
        items = [_item(r.data, r.explanation) for r in rows]
        items.sort(key=lambda s: (_ORDER.get(s.status, 3), _COLOUR.get(s.colour, 3), s.due or "", s.plan_item_id))
        notices.append(RunNotice(notice_key(run.id, unit_id), run, unit_id, items))
    return notices


def notices_for(user, today: dt.date) -> list[RunNotice]:
    """A unit user's quarterly-run notices (staff: none); the calendar marks them read or not."""
    if getattr(user, "role", None) != "unit" or not user.unit_id:
        return []
    return unit_notices(user.unit_id, today)
