"""Chinese full-text search over record contents. No Flask.

Every record keeps two derived columns, written with its answers
(``index_values``): ``search_text``, the form's title and every text answer
flattened into one line, and ``search_pairs``, each two-character piece of its
words as ``|谈话|会议|…|``. The database indexes both (migration m0012):

- SQLite: the FTS5 table ``record_search`` with the ``trigram`` tokenizer over
  the two columns (external content, kept in sync by triggers on ``record``);
- PostgreSQL: ``pg_trgm`` GIN indexes on the two columns.

A query term of three or more characters is a substring of ``search_text``
(trigram lookup); a two-character term (谈话, 党建: most Chinese words are two
characters long) is looked up as the piece ``|谈话|`` of ``search_pairs``, four
characters the same trigram index finds. A one-character term is refused
(``TooShort``): it would match most of the book. Either way the database answers
from its index, never by reading every record (tests/perform/test_book.py
checks the query plans).
"""
from __future__ import annotations

import peewee

from ..db import database

MIN_TERM = 2
MAX_TERMS = 5
MAX_QUERY = 100


class TooShort(ValueError):
    """A search term shorter than ``MIN_TERM`` characters."""


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


def text_of(data, title: str = "") -> str:
    """The searchable line of a record: its form's title and every text answer, in order."""
    parts = [title] if title else []
    _strings(data or {}, parts)
    return " ".join(parts)


def pairs_of(text: str) -> str:
    """Every distinct two-character piece of the words (letters and digits) of ``text``,
    lower-cased, as ``|ab|bc|…|`` ("" for none)."""
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


def index_values(data, title: str) -> dict:
    """The derived columns to write with a record's answers: ``{"search_text", "search_pairs"}``."""
    text = text_of(data, title)
    return {"search_text": text, "search_pairs": pairs_of(text)}


def terms(query: str) -> list[str]:
    """The terms of a query (split on spaces, at most ``MAX_TERMS``); ``TooShort`` for a one-character term."""
    words = list(dict.fromkeys((query or "")[:MAX_QUERY].split()))[:MAX_TERMS]
    if any(len(w) < MIN_TERM for w in words):
        raise TooShort(query)
    return words


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def matching(record_id_field: peewee.Field, words: list[str]) -> peewee.Expression:
    """A condition on ``record_id_field`` (``Record.id``) that holds for records whose
    contents contain every word, answered from the search index of the bound database."""
    from .models import Record
    db = database.obj
    if isinstance(db, peewee.PostgresqlDatabase):
        condition = None
        for word in words:
            if len(word) >= 3:
                part = Record.search_text ** _like(word)  # ILIKE: pg_trgm's GIN index
            else:
                part = Record.search_pairs ** _like(f"|{word.lower()}|")
            condition = part if condition is None else condition & part
        # OFFSET 0 keeps the planner from folding the search into the outer query: the
        # matches come from the trigram index first (as on SQLite), whatever else is filtered.
        ids = Record.select(Record.id).where(condition).offset(0)
    else:
        expression = " AND ".join(
            f"search_text : {_fts_phrase(w)}" if len(w) >= 3 else f"search_pairs : {_fts_phrase('|' + w.lower() + '|')}"
            for w in words)
        ids = peewee.SQL("(SELECT rowid FROM record_search WHERE record_search MATCH ?)", (expression,))
    return record_id_field.in_(ids)


def reindex(record_ids=None) -> int:
    """Rewrite the derived columns of some records (all when None) from their answers; the
    number rewritten. For bulk loads that bypass ``records.submit`` (the demo)."""
    from . import records
    from .models import Record
    query = Record.select()
    if record_ids is not None:
        query = query.where(Record.id.in_(list(record_ids) or [0]))
    done = 0
    with database.atomic():
        for record in query.iterator():
            form = records.form_of(record.pack_version, record.form_id)
            Record.update(**index_values(record.data, form.schema.get("title", "") if form else "")).where(
                Record.id == record.id).execute()
            done += 1
    return done
