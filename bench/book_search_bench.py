"""Times the record book's search over N records (SQLite): the FTS5 trigram index against a
LIKE over every row, for a three-character and a two-character word.

    .venv/bin/python bench/book_search_bench.py [N]
"""
from __future__ import annotations

import random
import sys
import tempfile
import time

from service.db import database, open_database
from service.migrations import upgrade
from service.perform import search

WORDS = ("谈心谈话 年轻干部 党风廉政建设 巡察整改 专题会议 意识形态 民主生活会 警示教育 廉政风险 "
         "征地拆迁 三重一大 第一议题 监督检查 社区服务中心 主要负责人 班子成员 按期整改").split()


def main(n: int) -> None:
    path = tempfile.mktemp(suffix=".sqlite3")
    db = open_database(f"sqlite:///{path}")
    database.initialize(db)
    upgrade(db)
    now = "2024-01-01 00:00:00"
    db.execute_sql("INSERT INTO unit (id, code, name, type, tags, risk_areas, subordinate_units, law_enforcement,"
                   " leader_name, leader_title, active, created_at, updated_at) VALUES"
                   " (1, 'U1', 'u', 't', '[]', '[]', 0, 0, 'l', 't', 1, ?, ?)", (now, now))
    db.execute_sql("INSERT INTO user (id, username, display_name, password_hash, role, active, created_at, updated_at)"
                   " VALUES (1, 'c', 'c', 'x', 'unit', 1, ?, ?)", (now, now))
    db.execute_sql("INSERT INTO pack_version (id, pack_id, name, version, content_hash, files, source, note,"
                   " created_at, created_by, published) VALUES (1, 'p', 'p', '1', 'h', '{}', 's', '', ?, 'x', 1)", (now,))
    rng = random.Random(7)
    with db.atomic():
        for i in range(1, n + 1):
            # a person talked to: two or three characters drawn from 400, so any one name is rare
            name = "".join(chr(0x4E00 + rng.randrange(400)) for _ in range(rng.choice((2, 3))))
            text = "谈心谈话记录 " + "，".join(rng.sample(WORDS[1:], 6)) + f" 谈话对象{name}"
            values = {"search_text": text, "search_pairs": search.pairs_of(text)}
            db.execute_sql("INSERT INTO record (id, unit_id, pack_version_id, form_id, record_date, data, created_by_id,"
                           " created_at, updated_at, revision, deleted_reason, search_text, search_pairs)"
                           " VALUES (?, 1, 1, 'talk', '2022-05-10', '{}', 1, ?, ?, 1, '', ?, ?)",
                           (i, now, now, values["search_text"], values["search_pairs"]))
    common = ("巡察整改", "党风")
    rare = ("".join(chr(0x4E00 + k) for k in (1, 2, 3)), chr(0x4E00 + 5) + chr(0x4E00 + 6))
    for label, word in (("3+ characters, common", common[0]), ("2 characters, common", common[1]),
                        ("3 characters, rare", rare[0]), ("2 characters, rare", rare[1])):
        column = "search_text" if len(word) >= 3 else "search_pairs"
        needle = word if len(word) >= 3 else f"|{word}|"
        fts, like = [], []
        for _ in range(5):
            start = time.perf_counter()
            db.execute_sql("SELECT count(*) FROM record WHERE id IN (SELECT rowid FROM record_search"
                           " WHERE record_search MATCH ?)", (f'{column} : "{needle}"',)).fetchone()
            fts.append(time.perf_counter() - start)
            start = time.perf_counter()
            db.execute_sql("SELECT count(*) FROM record WHERE search_text LIKE ?", (f"%{word}%",)).fetchone()
            like.append(time.perf_counter() - start)
        rows = db.execute_sql("SELECT count(*) FROM record_search WHERE record_search MATCH ?",
                              (f'{column} : "{needle}"',)).fetchone()[0]
        print(f"{label} ({word}): {rows} of {n} records match; FTS5 {min(fts) * 1000:.1f} ms,"
              f" LIKE over every row {min(like) * 1000:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
