"""Schema migrations from an empty database, on each backend."""
import json

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


def test_m0005_keeps_the_files_existing_records_refer_to(tmp_path, monkeypatch):
    """Files uploaded before the upload lifecycle existed: those in records are kept, the rest pending."""
    import service.migrations as migrations
    names = available()
    db = open_database(f"sqlite:///{tmp_path}/old.sqlite3")
    monkeypatch.setattr(migrations, "available", lambda: names[:4])
    upgrade(db)
    now = "2024-01-01 00:00:00"
    db.execute_sql("INSERT INTO unit (id, code, name, type, tags, risk_areas, subordinate_units, law_enforcement,"
                   " leader_name, leader_title, active, created_at, updated_at) VALUES"
                   " (1, 'U1', 'u', 't', '[]', '[]', 0, 0, 'l', 't', 1, ?, ?), (2, 'U2', 'v', 't', '[]', '[]', 0, 0,"
                   " 'l', 't', 1, ?, ?)", (now, now, now, now))
    db.execute_sql("INSERT INTO user (id, username, display_name, password_hash, role, active, created_at, updated_at)"
                   " VALUES (1, 'c', 'c', 'x', 'unit', 1, ?, ?)", (now, now))
    db.execute_sql("INSERT INTO pack_version (id, pack_id, name, version, content_hash, files, source, note,"
                   " created_at, created_by, published) VALUES (1, 'p', 'p', '1', 'h', '{}', 's', '', ?, 'x', 1)", (now,))
    ids = [f"0f0e0d0c-0000-4000-8000-00000000000{n}" for n in range(4)]
    for n, file_id in enumerate(ids):
        db.execute_sql("INSERT INTO stored_file (id, unit_id, uploaded_by_id, name, content_type, size, sha256, path,"
                       " created_at) VALUES (?, ?, 1, 'f', 't', 1, 'h', 'p', ?)", (file_id, 2 if n == 3 else 1, now))
    data = json.dumps({"attachments": [{"id": ids[0]}], "more": {"evidence": {"id": ids[1]}},
                       "other_unit": [{"id": ids[3]}]})
    db.execute_sql("INSERT INTO record (unit_id, pack_version_id, form_id, data, created_by_id, created_at, updated_at)"
                   " VALUES (1, 1, 'talk', ?, 1, ?, ?)", (data, now, now))
    monkeypatch.setattr(migrations, "available", lambda: names)
    assert "m0005_tasks_and_upload_lifecycle" in upgrade(db)
    kept = dict(db.execute_sql("SELECT id, kept FROM stored_file").fetchall())
    # ids[2] is in no record; ids[3] is named by a record of another unit: both pending.
    assert kept == {ids[0]: 1, ids[1]: 1, ids[2]: 0, ids[3]: 0}
    assert db.execute_sql("SELECT COUNT(*) FROM stored_file WHERE last_seen_at = created_at").fetchone()[0] == 4


def test_m0008_links_existing_records_to_their_items_and_keeps_them_as_revision_one(tmp_path, monkeypatch):
    """Records made before records counted for several items: the item they were filled for and
    every item of their form in the unit's plan of their year; each gets revision 1."""
    import service.migrations as migrations
    names = available()
    db = open_database(f"sqlite:///{tmp_path}/old.sqlite3")
    monkeypatch.setattr(migrations, "available", lambda: names[:7])
    upgrade(db)
    now = "2024-01-01 00:00:00"
    db.execute_sql("INSERT INTO unit (id, code, name, type, tags, risk_areas, subordinate_units, law_enforcement,"
                   " leader_name, leader_title, active, created_at, updated_at) VALUES"
                   " (1, 'U1', 'u', 't', '[]', '[]', 0, 0, 'l', 't', 1, ?, ?)", (now, now))
    db.execute_sql("INSERT INTO user (id, username, display_name, password_hash, role, active, created_at, updated_at)"
                   " VALUES (1, 'c', 'c', 'x', 'unit', 1, ?, ?)", (now, now))
    db.execute_sql("INSERT INTO pack_version (id, pack_id, name, version, content_hash, files, source, note,"
                   " created_at, created_by, published) VALUES (1, 'p', 'p', '1', 'h', '{}', 's', '', ?, 'x', 1)", (now,))
    for plan_id, year in ((1, 2022), (2, 2023)):
        db.execute_sql("INSERT INTO plan (id, unit_id, year, pack_version_id, status, revision, created_at, updated_at)"
                       " VALUES (?, 1, ?, 1, 'published', 1, ?, ?)", (plan_id, year, now, now))
    items = [(1, 1, "talk"), (2, 1, "talk"), (3, 1, "meeting"), (4, 2, "talk"), (5, 1, "")]
    for item_id, plan_id, form in items:
        db.execute_sql("INSERT INTO plan_item (id, plan_id, item_id, list_id, category_id, text, frequency, min_count,"
                       " form, weight, supervisor, custom, enabled, disabled_reason, position) VALUES"
                       " (?, ?, ?, 'l', 'c', 't', 'yearly', 1, ?, 1, '', 0, 1, '', 0)",
                       (item_id, plan_id, f"i{item_id}", form))
    db.execute_sql("INSERT INTO record (id, unit_id, pack_version_id, form_id, plan_item_id, record_date, data,"
                   " created_by_id, created_at, updated_at) VALUES (1, 1, 1, 'talk', 1, '2022-05-10', ?, 1, ?, ?),"
                   " (2, 1, 1, 'meeting', 5, '2022-06-01', ?, 1, ?, ?)",
                   (json.dumps({"date": "2022-05-10"}), now, now, json.dumps({"date": "2022-06-01"}), now, now))
    monkeypatch.setattr(migrations, "available", lambda: names)
    assert "m0008_record_links" in upgrade(db)
    links = sorted(db.execute_sql("SELECT record_id, plan_item_id FROM record_item").fetchall())
    assert links == [(1, 1), (1, 2), (2, 3), (2, 5)]  # 2023's talk item is not linked
    revisions = db.execute_sql("SELECT record_id, number, items, reason FROM record_revision ORDER BY record_id").fetchall()
    assert [(r[0], r[1], json.loads(r[2]), r[3]) for r in revisions] == [(1, 1, [1, 2], ""), (2, 1, [3, 5], "")]
    assert db.execute_sql("SELECT revision, deleted_at, deleted_reason FROM record").fetchall() == [(1, None, ""), (1, None, "")]


def test_m0012_backfills_the_search_columns_and_the_fts_index_of_existing_records(tmp_path, monkeypatch):
    """Records made before search: their form title and answers are searchable after the upgrade,
    two-character words included, and later writes keep the FTS table in sync (triggers)."""
    import service.migrations as migrations
    names = available()
    db = open_database(f"sqlite:///{tmp_path}/old.sqlite3")
    monkeypatch.setattr(migrations, "available", lambda: [n for n in names if n < "m0012"])
    upgrade(db)
    now = "2024-01-01 00:00:00"
    db.execute_sql("INSERT INTO unit (id, code, name, type, tags, risk_areas, subordinate_units, law_enforcement,"
                   " leader_name, leader_title, active, created_at, updated_at) VALUES"
                   " (1, 'U1', 'u', 't', '[]', '[]', 0, 0, 'l', 't', 1, ?, ?)", (now, now))
    db.execute_sql("INSERT INTO user (id, username, display_name, password_hash, role, active, created_at, updated_at)"
                   " VALUES (1, 'c', 'c', 'x', 'unit', 1, ?, ?)", (now, now))
    db.execute_sql("INSERT INTO pack_version (id, pack_id, name, version, content_hash, files, source, note,"
                   " created_at, created_by, published) VALUES (1, 'p', 'p', '1', 'h', ?, 's', '', ?, 'x', 1)",
                   (json.dumps({"forms/talk.json": {"title": "谈心谈话记录"}}, ensure_ascii=False), now))
    data = {"date": "2022-05-10", "content": {"problems": "指出党风廉政建设短板"},
            "attachments": [{"id": "abc", "name": "会议纪要.pdf", "size": 3, "type": "application/pdf"}]}
    db.execute_sql("INSERT INTO record (id, unit_id, pack_version_id, form_id, record_date, data, created_by_id,"
                   " created_at, updated_at, revision, deleted_reason)"
                   " VALUES (1, 1, 1, 'talk', '2022-05-10', ?, 1, ?, ?, 1, '')",
                   (json.dumps(data, ensure_ascii=False), now, now))
    monkeypatch.setattr(migrations, "available", lambda: names)
    assert "m0012_record_search" in upgrade(db)
    text, pairs = db.execute_sql("SELECT search_text, search_pairs FROM record").fetchone()
    assert text == "谈心谈话记录 2022-05-10 指出党风廉政建设短板 会议纪要.pdf" and "|党风|" in pairs

    def hits(expression):
        return [r[0] for r in db.execute_sql("SELECT rowid FROM record_search WHERE record_search MATCH ?",
                                             (expression,))]
    assert hits('search_text : "廉政建设"') == [1] and hits('search_pairs : "|党风|"') == [1]
    assert hits('search_text : "会议纪要"') == [1]
    db.execute_sql("UPDATE record SET search_text = 'x', search_pairs = '' WHERE id = 1")
    assert hits('search_text : "廉政建设"') == []
