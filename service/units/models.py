"""The unit registry model."""
from __future__ import annotations

import peewee

from ..db import BaseModel, JSONField, utcnow

UNIT_TYPES = ("区直单位", "街道", "镇", "国企")


class Unit(BaseModel):
    """A unit under the commission's supervision, with the profile rules read."""

    code = peewee.CharField(max_length=40, unique=True)
    name = peewee.CharField(max_length=200)
    type = peewee.CharField(max_length=20)
    parent = peewee.ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    tags = JSONField(default=list)
    risk_areas = JSONField(default=list)
    subordinate_units = peewee.IntegerField(default=0)
    law_enforcement = peewee.BooleanField(default=False)
    leader_name = peewee.CharField(max_length=100, default="")
    leader_title = peewee.CharField(max_length=100, default="")
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "unit"

    def profile(self) -> dict:
        """The unit profile that applicability rules evaluate (see docs/packs.md)."""
        return {
            "name": self.name,
            "type": self.type,
            "tags": list(self.tags or []),
            "risk_areas": list(self.risk_areas or []),
            "subordinate_units": int(self.subordinate_units or 0),
            "law_enforcement": bool(self.law_enforcement),
        }
