"""Issued portraits and analysis reports (出具的画像与分析报告), kept whole as issued."""
import peewee

from ..db import JSONField


def upgrade(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "user"

    class Unit(Base):
        class Meta:
            table_name = "unit"

    class PackVersion(Base):
        class Meta:
            table_name = "pack_version"

    class IssuedDocument(Base):
        kind = peewee.CharField(max_length=20)
        unit = peewee.ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
        period = peewee.CharField(max_length=10)
        title = peewee.CharField(max_length=300)
        content = JSONField()
        sha256 = peewee.CharField(max_length=64)
        pack_version = peewee.ForeignKeyField(PackVersion, null=True, on_delete="RESTRICT")
        note = peewee.TextField(default="")
        issued_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
        issued_at = peewee.DateTimeField()

        class Meta:
            table_name = "issued_document"
            indexes = ((("kind", "issued_at"), False), (("unit", "issued_at"), False))

    db.create_tables([IssuedDocument])
