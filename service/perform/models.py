"""履责 records, drafts in progress, and evidence files."""
from __future__ import annotations

import peewee

from ..auth.models import User
from ..db import BaseModel, JSONField, utcnow
from ..define.models import PlanItem
from ..packs.store import PackVersion
from ..units.models import Unit


class Record(BaseModel):
    """One filled form: evidence that a duty was done, under the pack version it was made with."""

    unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT", backref="records")
    pack_version = peewee.ForeignKeyField(PackVersion, on_delete="RESTRICT")
    form_id = peewee.CharField(max_length=100, index=True)
    plan_item = peewee.ForeignKeyField(PlanItem, null=True, on_delete="SET NULL")
    record_date = peewee.DateField(null=True, index=True)
    data = JSONField()
    created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    revision = peewee.IntegerField(default=1)
    # A soft delete: the record is kept (inspectors see it, with the reason) and never counted.
    deleted_at = peewee.DateTimeField(null=True)
    deleted_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT", column_name="deleted_by_id",
                                        backref="+")
    deleted_reason = peewee.TextField(default="")
    # Derived from the answers for the search index (perform.search; migration m0012).
    search_text = peewee.TextField(default="")
    search_pairs = peewee.TextField(default="")

    _audit_omit = ("search_text", "search_pairs")

    class Meta:
        table_name = "record"
        # A batch of units' records between two dates (the status engine): m0013.
        indexes = ((("unit", "record_date"), False),)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def form_schema(self) -> dict:
        """The form as it was in the record's own pack version (or the built-in completion note)."""
        from .records import NOTE_FORM_ID, NOTE_SCHEMA
        if self.form_id == NOTE_FORM_ID:
            return NOTE_SCHEMA
        return self.pack_version.pack().forms[self.form_id].schema


class RecordItem(BaseModel):
    """A plan item a record counts for (one record may count for several)."""

    record = peewee.ForeignKeyField(Record, on_delete="CASCADE", backref="links")
    plan_item = peewee.ForeignKeyField(PlanItem, on_delete="CASCADE", index=True, backref="record_links")

    class Meta:
        table_name = "record_item"
        indexes = ((("record", "plan_item"), True),)


class RecordRevision(BaseModel):
    """A record's answers and items as they stood after one change (number 1: as submitted)."""

    record = peewee.ForeignKeyField(Record, on_delete="CASCADE", backref="revisions")
    number = peewee.IntegerField()
    data = JSONField()
    record_date = peewee.DateField(null=True)
    items = JSONField()  # plan item ids the record counted for
    reason = peewee.TextField(default="")
    actor = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    actor_name = peewee.CharField(max_length=100)
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "record_revision"
        indexes = ((("record", "number"), True),)


class Draft(BaseModel):
    """A form in progress, autosaved as the user types; one per user, unit and form/duty."""

    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    unit = peewee.ForeignKeyField(Unit, on_delete="CASCADE")
    pack_version = peewee.ForeignKeyField(PackVersion, on_delete="RESTRICT")
    form_id = peewee.CharField(max_length=100)
    key = peewee.CharField(max_length=200)
    plan_item = peewee.ForeignKeyField(PlanItem, null=True, on_delete="SET NULL")
    data = JSONField()
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "draft"

    @staticmethod
    def key_for(form_id: str, plan_item_id: int | None) -> str:
        return f"{form_id}:{plan_item_id or ''}"


class StoredFile(BaseModel):
    """An uploaded evidence file, stored outside the web root, visible to its unit and staff."""

    id = peewee.CharField(max_length=36, primary_key=True)
    unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT")
    uploaded_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    name = peewee.CharField(max_length=255)
    content_type = peewee.CharField(max_length=100)
    size = peewee.IntegerField()
    sha256 = peewee.CharField(max_length=64)
    path = peewee.CharField(max_length=255)
    created_at = peewee.DateTimeField(default=utcnow)
    # A record refers to it: kept for good. Until then the file is pending and
    # is deleted once no draft has held it for UPLOAD_PENDING_HOURS (files.cleanup).
    kept = peewee.BooleanField(default=False)
    last_seen_at = peewee.DateTimeField(null=True, default=utcnow)

    class Meta:
        table_name = "stored_file"

    def reference(self) -> dict:
        """What a form's data keeps for this file (see docs/forms.md, file widget)."""
        return {"id": self.id, "name": self.name, "size": self.size, "type": self.content_type}
