"""Annual duty plans (年度任务清单): one per unit and year, with revisions."""
from __future__ import annotations

import peewee

from ..db import BaseModel, JSONField, utcnow
from ..i18n import N_
from ..packs.store import PackVersion
from ..units.models import Unit

PLAN_STATUSES = {"draft": N_("草稿"), "published": N_("已发布")}
FREQUENCIES = {"monthly": N_("每月"), "quarterly": N_("每季度"), "half-yearly": N_("每半年"),
               "yearly": N_("每年"), "once": N_("一次性")}


class Plan(BaseModel):
    """A unit's duty plan for one year, generated from one pack version."""

    unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT", backref="plans")
    year = peewee.IntegerField()
    pack_version = peewee.ForeignKeyField(PackVersion, on_delete="RESTRICT")
    status = peewee.CharField(max_length=20, default="draft")
    revision = peewee.IntegerField(default=1)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    published_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "plan"

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    def ordered_items(self) -> list["PlanItem"]:
        """The plan's items in display order."""
        return list(self.items.order_by(PlanItem.position, PlanItem.id))


class PlanItem(BaseModel):
    """One duty of a plan: a copy of the pack item, tuned for this unit."""

    plan = peewee.ForeignKeyField(Plan, on_delete="CASCADE", backref="items")
    item_id = peewee.CharField(max_length=100)
    list_id = peewee.CharField(max_length=100)
    category_id = peewee.CharField(max_length=100)
    text = peewee.TextField()
    frequency = peewee.CharField(max_length=20)
    min_count = peewee.IntegerField()
    due = JSONField(null=True)
    due_date = peewee.DateField(null=True)
    form = peewee.CharField(max_length=100, default="")
    weight = peewee.FloatField(default=1)
    supervisor = peewee.CharField(max_length=200, default="")
    custom = peewee.BooleanField(default=False)
    enabled = peewee.BooleanField(default=True)
    disabled_reason = peewee.TextField(default="")
    position = peewee.IntegerField(default=0)

    class Meta:
        table_name = "plan_item"

    def as_dict(self) -> dict:
        """The item's tunable state, as kept in revision snapshots."""
        return {"item_id": self.item_id, "list_id": self.list_id, "category_id": self.category_id,
                "text": self.text, "frequency": self.frequency, "min_count": self.min_count,
                "due": self.due, "due_date": self.due_date.isoformat() if self.due_date else None,
                "form": self.form, "weight": self.weight, "supervisor": self.supervisor,
                "custom": self.custom, "enabled": self.enabled, "disabled_reason": self.disabled_reason}


class PlanRevision(BaseModel):
    """The whole plan as it stood after one change, with who made it and why."""

    plan = peewee.ForeignKeyField(Plan, on_delete="CASCADE", backref="revisions")
    number = peewee.IntegerField()
    at = peewee.DateTimeField(default=utcnow)
    actor_name = peewee.CharField(max_length=100)
    summary = peewee.TextField()
    snapshot = JSONField()

    class Meta:
        table_name = "plan_revision"
