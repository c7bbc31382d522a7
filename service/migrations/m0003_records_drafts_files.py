"""履责: records made from forms, drafts in progress, and stored evidence files."""
import peewee

from ..db import JSONField


def upgrade(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db

    class Unit(Base):
        class Meta:
            table_name = "unit"

    class User(Base):
        class Meta:
            table_name = "user"

    class PackVersion(Base):
        class Meta:
            table_name = "pack_version"

    class PlanItem(Base):
        class Meta:
            table_name = "plan_item"

    class Record(Base):
        unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT")
        pack_version = peewee.ForeignKeyField(PackVersion, on_delete="RESTRICT")
        form_id = peewee.CharField(max_length=100, index=True)
        plan_item = peewee.ForeignKeyField(PlanItem, null=True, on_delete="SET NULL")
        record_date = peewee.DateField(null=True, index=True)
        data = JSONField()
        created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "record"

    class Draft(Base):
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        unit = peewee.ForeignKeyField(Unit, on_delete="CASCADE")
        pack_version = peewee.ForeignKeyField(PackVersion, on_delete="RESTRICT")
        form_id = peewee.CharField(max_length=100)
        key = peewee.CharField(max_length=200)
        plan_item = peewee.ForeignKeyField(PlanItem, null=True, on_delete="SET NULL")
        data = JSONField()
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "draft"
            indexes = ((("user", "unit", "key"), True),)

    class StoredFile(Base):
        id = peewee.CharField(max_length=36, primary_key=True)
        unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT")
        uploaded_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
        name = peewee.CharField(max_length=255)
        content_type = peewee.CharField(max_length=100)
        size = peewee.IntegerField()
        sha256 = peewee.CharField(max_length=64)
        path = peewee.CharField(max_length=255)
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "stored_file"

    db.create_tables([Record, Draft, StoredFile])
