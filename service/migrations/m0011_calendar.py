"""履职月历: read marks of derived reminders, and the units' secret iCalendar feed tokens."""
import peewee


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

    class NotificationRead(Base):
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        key = peewee.CharField(max_length=200)
        read_at = peewee.DateTimeField()

        class Meta:
            table_name = "notification_read"
            indexes = ((("user", "key"), True),)

    class CalendarFeed(Base):
        unit = peewee.ForeignKeyField(Unit, on_delete="CASCADE")
        token_hash = peewee.CharField(max_length=64, unique=True)
        hint = peewee.CharField(max_length=16)
        created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
        created_at = peewee.DateTimeField()
        revoked_at = peewee.DateTimeField(null=True)
        revoked_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT", column_name="revoked_by_id")

        class Meta:
            table_name = "calendar_feed"

    db.create_tables([NotificationRead, CalendarFeed])
    # One live feed per unit, on both backends (partial indexes: SQLite 3.8+, PostgreSQL).
    db.execute_sql("CREATE UNIQUE INDEX calendar_feed_one_live ON calendar_feed (unit_id) WHERE revoked_at IS NULL")
