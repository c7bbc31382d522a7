"""A session generation per account: signing out ends every session of the account, on every server.

The session cookie's fingerprint (``User.session_fingerprint``) covers this number;
``logout`` increments it, so a cookie copied before the sign-out no longer opens anything.
One plain ``ALTER TABLE`` on both backends: SQLite adds a NOT NULL column with a
default in place (peewee's migrator would rebuild the table, which other tables
reference).
"""
import peewee


def upgrade(db: peewee.Database) -> None:
    db.execute_sql('ALTER TABLE "user" ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0')
