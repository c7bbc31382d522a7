"""Who records what: holder bodies (派驻纪检监察组, 组织部 …), the units each is responsible
for, and the holder accounts' body (``user.holder_body_id``)."""
import peewee
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate


def upgrade(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db

    class Unit(Base):
        class Meta:
            table_name = "unit"

    class HolderBody(Base):
        name = peewee.CharField(max_length=200, unique=True)
        kind = peewee.CharField(max_length=20)
        department = peewee.CharField(max_length=40, default="")
        active = peewee.BooleanField(default=True)
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "holder_body"

    class HolderBodyUnit(Base):
        body = peewee.ForeignKeyField(HolderBody, on_delete="CASCADE")
        unit = peewee.ForeignKeyField(Unit, on_delete="CASCADE")

        class Meta:
            table_name = "holder_body_unit"
            indexes = ((("body", "unit"), True),)

    db.create_tables([HolderBody, HolderBodyUnit])
    migrator = PostgresqlMigrator(db) if isinstance(db, peewee.PostgresqlDatabase) else SqliteMigrator(db)
    migrate(migrator.add_column("user", "holder_body_id",
                                peewee.ForeignKeyField(HolderBody, null=True, on_delete="RESTRICT",
                                                       field=HolderBody.id)))
