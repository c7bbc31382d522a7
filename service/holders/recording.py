"""Who records what (no Flask).

Each list of a pack says who records its items (``DutyList.recorder``): the unit itself,
the body supervising it (派驻纪检监察组, 纪工委) or a functional department (组织部 …).
A holder body records the items of the lists of its kind (and department code) for the
units in its scope; a unit's clerk records only the unit's own lists. Records always
belong to the unit; ``created_by`` says who made them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..define.models import Plan, PlanItem
from ..i18n import N_
from ..packs.model import RECORDED_BY, Pack
from ..units.models import Unit
from .models import DEPARTMENTS, HolderBody, HolderBodyUnit

UNIT = ("unit", "")


def item_recorder(item: PlanItem, pack: Pack | None = None) -> tuple[str, str]:
    """(kind, department) of who records ``item``, from its plan's own pack version."""
    pack = pack or item.plan.pack_version.pack()
    return pack.recorder_of(item.list_id)


def unit_records(item: PlanItem, pack: Pack | None = None) -> bool:
    """Whether the unit's own clerk records ``item``."""
    return item_recorder(item, pack)[0] == "unit"


def bodies_of(unit_id: int) -> list[HolderBody]:
    """The active bodies that have the unit in their scope, by name."""
    return list(HolderBody.select().join(HolderBodyUnit)
                .where((HolderBodyUnit.unit == unit_id) & (HolderBody.active == True))  # noqa: E712
                .order_by(HolderBody.name))


def recorder_name(pack: Pack, list_id: str, bodies: list[HolderBody]) -> str:
    """Who records the list for a unit, as the clerk reads it: the names of the bodies set
    for the unit (each that records it, by name: a unit may have two 派驻组 of the kind), else
    the pack's ``supervisor`` text of the list (else its ``holder``)."""
    kind, department = pack.recorder_of(list_id)
    names = [b.name for b in bodies if b.records(kind, department)]
    if names:
        return "、".join(names)
    found = pack.duty_list(list_id)
    return (found.supervisor or found.holder) if found else ""


def recorder_words(duty_list) -> tuple[str, dict]:
    """Who records a pack's list, in words (a message: msgid, params), saying when the pack
    does not say and the documented default applies (``DutyList.recorder``)."""
    kind, department = duty_list.recorder
    if kind == "unit":
        words = (N_("本单位记录"), {})
    elif kind == "department":
        name = (DEPARTMENTS[department], {}) if department in DEPARTMENTS else department or "—"
        words = (N_("由职能部门（%(department)s）记录"), {"department": name})
    else:
        words = (N_("由监督机构（派驻纪检监察组、纪工委）记录"), {})
    if duty_list.recorded_by not in RECORDED_BY:
        return (N_("%(words)s（规则包未写明，按默认）"), {"words": words})
    return words


def others_lists(pack: Pack, unit_id: int) -> dict[str, str]:
    """List id → who records it, for the lists of ``pack`` that the unit does not record."""
    bodies = bodies_of(unit_id)
    return {lst.id: recorder_name(pack, lst.id, bodies) for lst in pack.lists if lst.recorder[0] != "unit"}


def others_for_unit(unit_id: int) -> dict[str, str]:
    """``others_lists`` under the unit's newest published plan's pack version ({} without one)."""
    plan = (Plan.select().where((Plan.unit == unit_id) & (Plan.status == "published"))
            .order_by(Plan.year.desc()).first())
    return others_lists(plan.pack_version.pack(), unit_id) if plan else {}


def may_record(user, item: PlanItem, pack: Pack | None = None) -> bool:
    """Whether ``user`` may record (and change the records of) plan item ``item``: a unit's
    clerk the unit's own items, a holder account its body's items of units in its scope."""
    if user.role == "unit":
        return item.plan.unit_id == user.unit_id and unit_records(item, pack)
    if user.role == "holder" and user.holder_body_id and item.plan.unit_id in user.holder_scope():
        return user.holder_body.records(*item_recorder(item, pack))
    return False


def recordable(user, items: list[PlanItem]) -> list[PlanItem]:
    """The items of ``items`` that ``user`` may record (one pack load per version)."""
    packs: dict[int, Pack] = {}
    out = []
    for item in items:
        version = item.plan.pack_version_id
        pack = packs.get(version) or packs.setdefault(version, item.plan.pack_version.pack())
        if may_record(user, item, pack):
            out.append(item)
    return out


def may_change(user, record) -> bool:
    """Whether ``user`` may change or delete ``record``. A unit's clerk: the unit's own
    records, not those a holder account made or those proving an item of another's list.
    A holder account: records of its units made for its lists, or by its body's accounts."""
    if user.role == "unit":
        if record.unit_id != user.unit_id or record.created_by.role == "holder":
            return False
        return record.plan_item is None or unit_records(record.plan_item)
    if user.role == "holder" and record.unit_id in user.holder_scope():
        if record.created_by.role == "holder" and record.created_by.holder_body_id == user.holder_body_id:
            return True
        return record.plan_item is not None and may_record(user, record.plan_item)
    return False


@dataclass
class TodoEntry:
    """One item of a holder's to-do list: the unit, the plan item and its status."""

    unit: Unit
    item: PlanItem
    status: object  # perform.status.ItemStatus


def todo(body: HolderBody, as_of: dt.date, *, include_done: bool = False) -> list[TodoEntry]:
    """The items ``body`` records across the units in its scope, for the month of
    ``as_of`` (each item over its own window containing it, as on the unit's dashboard),
    with the status engine's status: overdue first (红, 黄, 蓝, the rest), then by due date."""
    from ..perform import status as engine
    unit_ids = sorted(body.unit_ids())
    if not unit_ids or not body.active:
        return []
    year = as_of.year
    plans = {p.unit_id: p for p in Plan.select().where(Plan.unit.in_(unit_ids) & (Plan.year == year)
                                                       & (Plan.status == "published"))}
    wanted: set[int] = set()
    packs: dict[int, Pack] = {}
    for plan in plans.values():
        pack = packs.get(plan.pack_version_id) or packs.setdefault(plan.pack_version_id, plan.pack_version.pack())
        lists = {lst.id for lst in pack.lists if body.records(*lst.recorder)}
        wanted.update(row[0] for row in PlanItem.select(PlanItem.id)
                      .where((PlanItem.plan == plan.id) & (PlanItem.enabled == True)  # noqa: E712
                             & PlanItem.list_id.in_(sorted(lists) or [""])).tuples())
    if not wanted:
        return []
    found = engine.statuses(sorted(plans), f"{year}-{as_of.month:02d}", as_of, include_disabled=False)
    units = {u.id: u for u in Unit.select().where(Unit.id.in_(sorted(plans)))}
    items = {i.id: i for i in PlanItem.select().where(PlanItem.id.in_(sorted(wanted)))}
    order = {"red": 0, "yellow": 1, "blue": 2}
    entries = [TodoEntry(units[s.unit_id], items[s.plan_item_id], s)
               for unit_statuses in found.values() for s in unit_statuses
               if s.plan_item_id in wanted and (include_done or s.status not in ("done", "not_applicable"))]
    entries.sort(key=lambda e: (order.get(e.status.colour, 3), e.status.due or "", e.unit.code, e.item.position))
    return entries
