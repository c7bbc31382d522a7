"""明责: installed pack versions and each unit's annual duty plan with revisions."""
import peewee

from ..db import JSONField


def upgrade(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db

    class Unit(Base):
        class Meta:
            table_name = "unit"

    class PackVersion(Base):
        pack_id = peewee.CharField(max_length=100, index=True)
        name = peewee.CharField(max_length=200)
        version = peewee.CharField(max_length=50)
        content_hash = peewee.CharField(max_length=64)
        files = JSONField()
        parent = peewee.ForeignKeyField("self", null=True, on_delete="RESTRICT")
        source = peewee.CharField(max_length=20)
        note = peewee.TextField(default="")
        created_at = peewee.DateTimeField()
        created_by = peewee.CharField(max_length=100)
        published = peewee.BooleanField(default=False)
        published_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "pack_version"
            indexes = ((("pack_id", "content_hash"), True),)

    class Plan(Base):
        unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT")
        year = peewee.IntegerField()
        pack_version = peewee.ForeignKeyField(PackVersion, on_delete="RESTRICT")
        status = peewee.CharField(max_length=20)
        revision = peewee.IntegerField(default=1)
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()
        published_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "plan"
            indexes = ((("unit", "year"), True),)

    class PlanItem(Base):
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
            indexes = ((("plan", "item_id"), True),)

    class PlanRevision(Base):
        plan = peewee.ForeignKeyField(Plan, on_delete="CASCADE", backref="revisions")
        number = peewee.IntegerField()
        at = peewee.DateTimeField()
        actor_name = peewee.CharField(max_length=100)
        summary = peewee.TextField()
        snapshot = JSONField()

        class Meta:
            table_name = "plan_revision"
            indexes = ((("plan", "number"), True),)

    db.create_tables([PackVersion, Plan, PlanItem, PlanRevision])
    # At most one published version at any time, whatever the number of servers.
    db.execute_sql("CREATE UNIQUE INDEX pack_version_one_published ON pack_version (published) WHERE published")
