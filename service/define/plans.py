"""Generating and tuning annual duty plans. Plain functions, no Flask.

Every change to a plan goes through this module: it writes the change, its
audit entries and a new ``PlanRevision`` (the whole plan as it now stands) in
one transaction, so any past state of a plan can be shown and compared.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections import OrderedDict
from typing import Iterator

import peewee

from .. import audit
from ..db import database, utcnow
from ..packs.evaluate import ItemRuleError, RuleCache, applicable_items
from ..packs.store import PackVersion
from ..units.models import Unit
from .models import FREQUENCIES, Plan, PlanItem, PlanRevision


class PlanError(ValueError):
    """A plan change that cannot be made.

    Carries its messages as (msgid, params) so the web layer can show them in
    the user's language; ``str()`` is the Chinese text for the CLI and logs.
    """

    def __init__(self, *messages: tuple[str, dict], fields: list[str] | None = None):
        self.messages = list(messages)
        # The form field each message is about ("" when it concerns none), so a
        # page shows each refusal next to the field the user changed.
        self.fields = list(fields or [""] * len(self.messages))
        super().__init__("；".join(msgid % params for msgid, params in self.messages))

    def translated(self, gettext) -> str:
        """The messages through ``gettext`` (e.g. Flask-Babel's), joined."""
        return gettext("；").join(gettext(msgid, **params) for msgid, params in self.messages)

    def by_field(self, gettext) -> dict[str, str]:
        """Translated messages keyed by the field they are about."""
        out: dict[str, list[str]] = {}
        for field, (msgid, params) in zip(self.fields, self.messages):
            out.setdefault(field, []).append(gettext(msgid, **params))
        return {field: gettext("；").join(texts) for field, texts in out.items()}


def _msg(msgid: str, **params) -> tuple[str, dict]:
    """A message for PlanError (``_msg`` is an extraction keyword in tools/i18n.py)."""
    return msgid, params


def _snapshot(plan: Plan) -> list[dict]:
    return [item.as_dict() for item in plan.ordered_items()]


@contextlib.contextmanager
def _plan_change(plan_id: int) -> Iterator[None]:
    """One change to one plan, in one transaction, serialised with every other
    change to that plan. The first statement writes the plan's row, so a second
    change waits until the first commits (a row lock on PostgreSQL, the write
    lock on SQLite) and then reads what the first wrote: revision numbers follow
    one another instead of colliding, even across app servers. Read the objects
    being changed again inside the block (``_fresh``)."""
    with database.atomic():
        Plan.update(revision=Plan.revision).where(Plan.id == plan_id).execute()
        yield


def _fresh(obj):
    """``obj`` reloaded in place with what the database has now (inside
    ``_plan_change``), so the caller's object shows the change made."""
    fresh = type(obj).get_by_id(obj.id)
    obj.__data__ = dict(fresh.__data__)
    obj.__rel__ = {}
    obj._dirty.clear()
    return obj


def _new_revision(plan: Plan, summary: str) -> PlanRevision:
    """Bump the plan's revision and store its state (call inside a transaction)."""
    _, actor = audit.current_actor()
    number = (PlanRevision.select(peewee.fn.MAX(PlanRevision.number))
              .where(PlanRevision.plan == plan).scalar() or 0) + 1
    revision = PlanRevision.create(plan=plan, number=number, actor_name=actor,
                                   summary=summary, snapshot=_snapshot(plan))
    audit.update(plan, revision=number)
    return revision


def generate_plan(unit: Unit, year: int, version: PackVersion) -> tuple[Plan, bool]:
    """The unit's plan for ``year`` from ``version``'s applicability rules; (plan, created).

    An existing plan for that unit and year is returned untouched: plans are
    tuned by hand afterwards and regeneration must never wipe that work. A
    rule that fails (it threw, or hit an engine limit) is a ``PlanError``.
    """
    existing = Plan.get_or_none((Plan.unit == unit) & (Plan.year == year))
    if existing:
        return existing, False
    pack = version.pack()
    try:
        items = applicable_items(pack, unit.profile(), today=f"{year}-01-01", cache=rule_cache(version))
    except ItemRuleError as exc:
        raise PlanError(_msg("条目 %(item)s 的适用规则无法计算，未能为%(unit)s生成清单：%(reason)s",
                             item=exc.item_id, unit=unit.name, reason=exc.reason_zh)) from exc
    with database.atomic():
        plan = audit.create(Plan, unit=unit, year=year, pack_version=version, status="draft", revision=0)
        audit.create_many(PlanItem, [
            {"plan": plan.id, "item_id": item.id, "list_id": item.list, "category_id": item.category,
             "text": item.text, "frequency": item.frequency, "min_count": item.min_count, "due": item.due,
             "due_date": None, "form": item.form, "weight": item.weight, "supervisor": item.supervisor,
             "custom": False, "enabled": True, "disabled_reason": "", "position": position}
            for position, item in enumerate(items)], key="item_id", where=PlanItem.plan == plan)
        _new_revision(plan, f"依据规则包 {version.label} 生成，共 {len(items)} 项")
    return plan, True


_caches: dict[int, RuleCache] = {}


def rule_cache(version: PackVersion) -> RuleCache:
    """The compiled rules of ``version``: compiled once per process, since versions never change."""
    return _caches.setdefault(version.id, RuleCache())


def generate_plans(year: int, version: PackVersion, units=None) -> dict[str, int]:
    """Generate plans for every active unit (or ``units``); counts created and kept."""
    units = list(units if units is not None else Unit.select().where(Unit.active == True).order_by(Unit.code))  # noqa: E712
    created = kept = 0
    for unit in units:
        _, made = generate_plan(unit, year, version)
        created += made
        kept += not made
    return {"created": created, "kept": kept}


def _item_label(item: PlanItem) -> str:
    text = item.text if len(item.text) <= 24 else item.text[:24] + "…"
    return f"「{text}」"


def set_enabled(item: PlanItem, enabled: bool, reason: str = "", *, because: str = "") -> PlanItem:
    """Switch an item on, or off with a reason (required)."""
    reason = (reason or "").strip()
    if not enabled and not reason:
        raise PlanError(_msg("停用事项须填写原因"))
    with _plan_change(item.plan_id):
        item = _fresh(item)
        if item.enabled == enabled:
            return item
        audit.update(item, enabled=enabled, disabled_reason="" if enabled else reason)
        summary = (f"恢复事项 {_item_label(item)}" if enabled
                   else f"停用事项 {_item_label(item)}，原因：{reason}")
        _new_revision(item.plan, summary + because)
    return item


def set_target(item: PlanItem, min_count, *, because: str = "") -> PlanItem:
    """Change how many times per period the duty must be done (0–366).

    0 is kept for duties whose check rule judges quality rather than a count
    (e.g. "every 三重一大 decision is reviewed"): the pack ships some of those.
    """
    try:
        value = int(str(min_count).strip())
    except ValueError:
        raise PlanError(_msg("目标次数应为整数")) from None
    if not 0 <= value <= 366:
        raise PlanError(_msg("目标次数应在 0 到 366 之间；不需要的事项请停用"))
    with _plan_change(item.plan_id):
        item = _fresh(item)
        if value == item.min_count:
            return item
        old = item.min_count
        audit.update(item, min_count=value)
        _new_revision(item.plan, f"事项 {_item_label(item)} 目标次数 {old} → {value}{because}")
    return item


def set_due_date(item: PlanItem, value: str | None) -> PlanItem:
    """Give the item a fixed due date within the plan year (empty: back to the pack's rule)."""
    value = (value or "").strip()
    if value:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise PlanError(_msg("日期格式应为 年-月-日，例如 2022-06-30")) from None
        if day.year != item.plan.year:
            raise PlanError(_msg("截止日期应在 %(year)s 年内", year=item.plan.year))
    else:
        day = None
    with _plan_change(item.plan_id):
        item = _fresh(item)
        current = item.due_date if isinstance(item.due_date, dt.date) or item.due_date is None \
            else dt.date.fromisoformat(str(item.due_date))
        if day == current:
            return item
        audit.update(item, due_date=day)
        _new_revision(item.plan, f"事项 {_item_label(item)} 截止日期改为 {value or '按规则包'}")
    return item


def add_custom_item(plan: Plan, *, list_id: str, category_id: str, text: str, frequency: str,
                    min_count, due_date: str | None = None, form: str = "", because: str = "") -> PlanItem:
    """Add a duty that the pack does not have, for this unit only."""
    pack = plan.pack_version.pack()
    errors = []
    text = (text or "").strip()
    if not text:
        errors.append(("text", _msg("请填写事项内容")))
    if not any(c.id == category_id and c.list == list_id for c in pack.categories):
        errors.append(("category", _msg("请选择所属清单和类别")))
    if frequency not in FREQUENCIES:
        errors.append(("frequency", _msg("请选择频次")))
    if form and form not in pack.forms:
        errors.append(("form", _msg("所选表单不在本规则包中")))
    try:
        count = int(str(min_count).strip())
        if not 1 <= count <= 366:
            raise ValueError
    except ValueError:
        errors.append(("min_count", _msg("目标次数应为 1 到 366 之间的整数")))
        count = 1
    day = None
    if due_date:
        try:
            day = dt.date.fromisoformat(due_date.strip())
            if day.year != plan.year:
                errors.append(("due_date", _msg("截止日期应在 %(year)s 年内", year=plan.year)))
        except ValueError:
            errors.append(("due_date", _msg("日期格式应为 年-月-日，例如 2022-06-30")))
    if errors:
        raise PlanError(*(m for _f, m in errors), fields=[f for f, _m in errors])
    with _plan_change(plan.id):
        plan = _fresh(plan)
        number = PlanItem.select().where((PlanItem.plan == plan) & (PlanItem.custom == True)).count() + 1  # noqa: E712
        position = (PlanItem.select(peewee.fn.MAX(PlanItem.position)).where(PlanItem.plan == plan).scalar() or 0) + 1
        item = audit.create(PlanItem, plan=plan, item_id=f"custom-{number}", list_id=list_id,
                            category_id=category_id, text=text, frequency=frequency, min_count=count,
                            due=None, due_date=day, form=form, weight=1, custom=True, position=position)
        _new_revision(plan, f"新增自定事项 {_item_label(item)}{because}")
    return item


def publish_plan(plan: Plan) -> Plan:
    """Make the plan visible to its unit."""
    with _plan_change(plan.id):
        plan = _fresh(plan)
        if plan.is_published:
            return plan
        audit.update(plan, status="published", published_at=utcnow())
        _new_revision(plan, "发布清单，单位可见")
    return plan


def grouped(plan: Plan, *, include_disabled: bool) -> "tuple[OrderedDict, dict, dict]":
    """list → category → items, in the pack's order, with names from the plan's own version."""
    pack = plan.pack_version.pack()
    list_names = {l.id: l.name for l in pack.lists}
    categories = {c.id: c for c in pack.categories}
    tree: OrderedDict = OrderedDict((l.id, OrderedDict()) for l in pack.lists)
    for item in plan.ordered_items():
        if not item.enabled and not include_disabled:
            continue
        tree.setdefault(item.list_id, OrderedDict()).setdefault(item.category_id, []).append(item)
    for list_id in list(tree):
        if not tree[list_id]:
            del tree[list_id]
        else:
            tree[list_id] = OrderedDict(sorted(tree[list_id].items(),
                                               key=lambda kv: categories[kv[0]].order if kv[0] in categories else 999))
    return tree, list_names, {cid: c.name for cid, c in categories.items()}
