"""Schema migrations from an empty database, on each backend."""
from service.migrations import applied, available, upgrade
from service.db import open_database


def test_upgrade_from_empty_builds_every_table(tmp_path):
    db = open_database(f"sqlite:///{tmp_path}/fresh.sqlite3")
    assert applied(db) == []
    assert upgrade(db) == available()
    assert {"user", "unit", "audit_entry", "login_attempt"} <= set(db.get_tables())
    assert upgrade(db) == []  # idempotent
    assert applied(db) == available()


def test_migrated_test_database_is_current(db):
    assert applied(db.obj) == available()


def test_data_survives_a_repeated_upgrade(app, db, make_user):
    make_user("admin", "admin")
    upgrade(db.obj)
    from service.auth.models import User
    assert User.select().count() == 1


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    db = open_database(f"sqlite:///{tmp_path}/x.sqlite3")
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migration_numbers_have_no_gaps():
    numbers = [int(name[1:5]) for name in available()]
    assert numbers == list(range(1, len(numbers) + 1))


def test_an_instance_that_applied_a_renamed_migration_does_not_apply_it_again(tmp_path):
    db = open_database(f"sqlite:///{tmp_path}/old.sqlite3")
    upgrade(db)
    # An instance upgraded before m0004_records_drafts_files became m0003.
    db.execute_sql("UPDATE schema_migration SET name = 'm0004_records_drafts_files' "
                   "WHERE name = 'm0003_records_drafts_files'")
    assert upgrade(db) == []
    assert applied(db) == available()
