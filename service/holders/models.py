"""Holder bodies (派驻纪检监察组, 纪工委, 组织部 …) and the units each one is responsible for."""
from __future__ import annotations

import peewee

from ..db import BaseModel, utcnow
from ..i18n import N_
from ..units.models import Unit

#: The kinds of body, as a pack's ``recorded_by`` names them (rules/lists.json).
KINDS = {
    "supervising-body": N_("监督机构（派驻纪检监察组、纪工委）"),
    "department": N_("职能部门"),
}

#: Department codes a pack may name (``department``), with their usual names. A pack may
#: use another slug; a body of that code then records its lists all the same.
DEPARTMENTS = {
    "organization": N_("组织部"),
    "publicity": N_("宣传部"),
    "united-front": N_("统战部"),
    "political-legal": N_("政法委"),
}


class HolderBody(BaseModel):
    """A body that records the items of the lists it holds, for the units in its scope."""

    name = peewee.CharField(max_length=200, unique=True)
    kind = peewee.CharField(max_length=20)
    department = peewee.CharField(max_length=40, default="")  # the code, for a department
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "holder_body"

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def unit_ids(self) -> set[int]:
        """The ids of the units in the body's scope."""
        return {row[0] for row in HolderBodyUnit.select(HolderBodyUnit.unit)
                .where(HolderBodyUnit.body == self.id).tuples()}

    def records(self, kind: str, department: str) -> bool:
        """Whether this body records lists whose recorder is ``(kind, department)``."""
        if kind != self.kind:
            return False
        return kind != "department" or department == self.department


class HolderBodyUnit(BaseModel):
    """One unit in a body's scope."""

    body = peewee.ForeignKeyField(HolderBody, on_delete="CASCADE", backref="scope")
    unit = peewee.ForeignKeyField(Unit, on_delete="CASCADE", backref="holder_bodies")

    class Meta:
        table_name = "holder_body_unit"
        indexes = ((("body", "unit"), True),)
