"""Personal API tokens: stored as a sha256 of the secret, never the secret itself."""
import peewee


def upgrade(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "user"

    class ApiToken(Base):
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        name = peewee.CharField(max_length=100)
        scope = peewee.CharField(max_length=10)
        token_hash = peewee.CharField(max_length=64, unique=True)
        hint = peewee.CharField(max_length=16)
        created_at = peewee.DateTimeField()
        expires_at = peewee.DateTimeField()
        last_used_at = peewee.DateTimeField(null=True)
        revoked_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "api_token"

    db.create_tables([ApiToken])
