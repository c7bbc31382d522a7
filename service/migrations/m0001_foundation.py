"""Foundation: users, login attempts, the append-only audit log, units."""
import peewee

from ..db import JSONField


def upgrade(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db

    class Unit(Base):
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
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "unit"

    class User(Base):
        username = peewee.CharField(max_length=80, unique=True)
        display_name = peewee.CharField(max_length=100)
        password_hash = peewee.CharField(max_length=256)
        role = peewee.CharField(max_length=20)
        unit = peewee.ForeignKeyField(Unit, null=True, backref="users", on_delete="RESTRICT")
        active = peewee.BooleanField(default=True)
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "user"

    class LoginAttempt(Base):
        username = peewee.CharField(max_length=80, index=True)
        at = peewee.DateTimeField(index=True)
        success = peewee.BooleanField()
        remote_addr = peewee.CharField(max_length=64, default="")

        class Meta:
            table_name = "login_attempt"

    class AuditEntry(Base):
        at = peewee.DateTimeField(index=True)
        actor_id = peewee.IntegerField(null=True, index=True)
        actor_name = peewee.CharField(max_length=100)
        action = peewee.CharField(max_length=20, index=True)
        object_type = peewee.CharField(max_length=50, index=True)
        object_id = peewee.CharField(max_length=100, index=True)
        before = JSONField(null=True)
        after = JSONField(null=True)

        class Meta:
            table_name = "audit_entry"

    db.create_tables([Unit, User, LoginAttempt, AuditEntry])
    _forbid_audit_changes(db)


def _forbid_audit_changes(db: peewee.Database) -> None:
    """The database itself refuses UPDATE and DELETE on the audit log."""
    if isinstance(db, peewee.PostgresqlDatabase):
        db.execute_sql("""
            CREATE OR REPLACE FUNCTION audit_entry_is_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END; $$ LANGUAGE plpgsql""")
        db.execute_sql("""
            CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
            FOR EACH ROW EXECUTE FUNCTION audit_entry_is_append_only()""")
    else:
        for event in ("UPDATE", "DELETE"):
            db.execute_sql(f"""
                CREATE TRIGGER audit_entry_no_{event.lower()} BEFORE {event} ON audit_entry
                BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END""")
