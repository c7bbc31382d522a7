"""Chinese full-text search over record contents (the 履责记录本's search box).

- ``record.search_text``: the record's form title and every text answer
  (attachment names included), flattened into one line; ``record.search_pairs``:
  every two-character piece of its words, as ``|谈话|会议|…|``, so a
  two-character query (谈话, 党建) is an index lookup too. Both are written by
  ``perform.search.index_values`` whenever a record's answers are written.
- SQLite: the FTS5 table ``record_search`` (``trigram`` tokenizer) over those
  two columns, with ``content='record'`` (external content: the text is kept
  once, in ``record``) and triggers on ``record`` that keep it in sync on every
  insert, update and delete.
- PostgreSQL: ``pg_trgm`` GIN indexes on both columns (``ILIKE`` uses them).

Existing records are backfilled here with a frozen copy of the flattening.
"""
import json

import peewee

_SQLITE = [
    """CREATE VIRTUAL TABLE record_search USING fts5(
           search_text, search_pairs, content='record', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER record_search_insert AFTER INSERT ON record BEGIN
           INSERT INTO record_search(rowid, search_text, search_pairs)
           VALUES (new.id, new.search_text, new.search_pairs);
       END""",
    """CREATE TRIGGER record_search_delete AFTER DELETE ON record BEGIN
           INSERT INTO record_search(record_search, rowid, search_text, search_pairs)
           VALUES ('delete', old.id, old.search_text, old.search_pairs);
       END""",
    """CREATE TRIGGER record_search_update AFTER UPDATE OF search_text, search_pairs ON record BEGIN
           INSERT INTO record_search(record_search, rowid, search_text, search_pairs)
           VALUES ('delete', old.id, old.search_text, old.search_pairs);
           INSERT INTO record_search(rowid, search_text, search_pairs)
           VALUES (new.id, new.search_text, new.search_pairs);
       END""",
]

# The operator class is named with the extension's schema: an instance whose
# search_path holds only its own schema still finds it (pg_trgm may live in public).
_POSTGRES = [
    "CREATE INDEX record_search_text_trgm ON record USING gin (search_text {schema}.gin_trgm_ops)",
    "CREATE INDEX record_search_pairs_trgm ON record USING gin (search_pairs {schema}.gin_trgm_ops)",
]


def _strings(value, out: list) -> None:
    if isinstance(value, str):
        text = " ".join(value.split())
        if text:
            out.append(text)
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key not in ("id", "type", "size"):  # a file reference: its name is what people search
                _strings(inner, out)
    elif isinstance(value, list):
        for inner in value:
            _strings(inner, out)


def _pairs(text: str) -> str:
    seen: dict[str, None] = {}
    word = ""
    for ch in text.lower() + " ":
        if ch.isalnum():
            word += ch
            continue
        for i in range(len(word) - 1):
            seen[word[i:i + 2]] = None
        word = ""
    return "|" + "|".join(seen) + "|" if seen else ""


def _form_titles(files) -> dict:
    titles = {}
    for path, content in (files or {}).items():
        if path.startswith("forms/") and isinstance(content, dict) and isinstance(content.get("title"), str):
            titles[path[len("forms/"):].rsplit(".", 1)[0]] = content["title"]
    return titles


def upgrade(db: peewee.Database) -> None:
    postgres = isinstance(db, peewee.PostgresqlDatabase)
    # Plain ALTER TABLE: peewee's SqliteMigrator makes a NOT NULL column by copying the
    # table, and dropping the old ``record`` would cascade to record_item and record_revision.
    for column in ("search_text", "search_pairs"):
        db.execute_sql(f"ALTER TABLE record ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    titles_by_version: dict[int, dict] = {}
    rows = db.execute_sql("SELECT id, pack_version_id, form_id, data FROM record ORDER BY id").fetchall()
    for record_id, version_id, form_id, data in rows:
        if version_id not in titles_by_version:
            files = db.execute_sql("SELECT files FROM pack_version WHERE id = %s" if postgres else
                                   "SELECT files FROM pack_version WHERE id = ?", (version_id,)).fetchone()
            titles_by_version[version_id] = _form_titles(json.loads(files[0]) if files and files[0] else {})
        parts = [titles_by_version[version_id].get(form_id, "完成情况说明" if form_id == "_note" else "")]
        _strings(json.loads(data) if data else {}, parts)
        text = " ".join(p for p in parts if p)
        db.execute_sql("UPDATE record SET search_text = %s, search_pairs = %s WHERE id = %s" if postgres else
                       "UPDATE record SET search_text = ?, search_pairs = ? WHERE id = ?",
                       (text, _pairs(text), record_id))

    # The index is made after the backfill: an FTS5 "delete" of a row it never indexed
    # (the update trigger on a backfilled row) would corrupt it.
    if postgres:
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema = db.execute_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                                " WHERE e.extname = 'pg_trgm'").fetchone()[0]
        for statement in _POSTGRES:
            db.execute_sql(statement.format(schema='"' + schema.replace('"', '""') + '"'))
    else:
        for statement in _SQLITE:
            db.execute_sql(statement)
        db.execute_sql("INSERT INTO record_search(record_search) VALUES ('rebuild')")
