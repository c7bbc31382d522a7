"""Anonymity that holds: with anonymous ballots, nothing links a score to an evaluator.

The test runs the same meeting twice on a fresh database, with the same
requests in the same order; only who gave which ballot is swapped (委员甲 gives
好 and a comment in one world, 差 and another comment in the other; 委员乙 the
opposite). If any page, export, audit entry, log line or database row told the
worlds apart (after removing what differs anyway: CSRF tokens, clock times and
random ballot ids), it would be telling who voted how. Every GET route of the
app is fetched as the admin, the ballot pages as each evaluator, every audit
entry's page, and every export.
"""
from __future__ import annotations

import io
import logging
import re
import shutil

import pytest
from openpyxl import load_workbook

from service import audit
from service.db import database
from service.evaluate import sessions
from service.evaluate.models import ReviewBallot
from service.packs import read_pack_files
from service.packs.store import publish, store_files
from tests.define.conftest import ROOT

from .conftest import build_session, join

pytestmark = pytest.mark.db

WORLDS = {
    "first": {"委员甲": ("好", "甲说：述职实在"), "委员乙": ("差", "乙说：问题不少")},
    "swapped": {"委员甲": ("差", "乙说：问题不少"), "委员乙": ("好", "甲说：述职实在")},
}
_NOISE = [
    (re.compile(r'<meta name="csrf-token" content="[^"]+"'), "<meta csrf>"),
    (re.compile(r'name="csrf_token" value="[^"]+"'), "csrf"),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), "csrf"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"), "<time>"),
    (re.compile(r"\b\d{2}-\d{2} \d{2}:\d{2}\b"), "<time>"),
    (re.compile(r"sha256:[0-9a-f]{12}"), "<password fingerprint>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<link hash>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
]


def _clean(text: str) -> str:
    for pattern, replacement in _NOISE:
        text = pattern.sub(replacement, text)
    return text


def _reset(app, request):
    """Empty the database as if new (ids start again at 1)."""
    url = app.config["DATABASE_URL"]
    database.close()
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[1]
        for suffix in ("-wal", "-shm"):
            shutil.rmtree(path + suffix, ignore_errors=True)
            try:
                import os
                os.remove(path + suffix)
            except FileNotFoundError:
                pass
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
    else:
        from tests.conftest import _truncate_all
        _truncate_all(url)
    database.connect(reuse_if_open=True)


def _rows() -> dict:
    """Every table's rows without timestamps and random ballot ids, in a content order."""
    dump = {}
    for table in database.get_tables():
        if table == "schema_migration":
            continue
        cursor = database.execute_sql(f'SELECT * FROM "{table}"')
        names = [c[0] for c in cursor.description]
        rows = []
        for row in cursor.fetchall():
            kept = {n: v for n, v in zip(names, row)
                    if not n.endswith("_at") and n not in ("at", "password_hash") and not (table == "review_ballot" and n == "id")}
            rows.append(_clean(repr(sorted(kept.items()))))
        dump[table] = sorted(rows)
    return dump


def _world(app, client_factory, make_user, world: dict, caplog) -> dict:
    seen: dict[str, str] = {}
    admin = make_user("admin", "admin", display_name="纪委监委管理员")
    units = (make_user.unit("Q08", "区综合行政执法局", leader_name="钟南屏", leader_title="党委书记、局长"),
             make_user.unit("J01", "江滨街道", type="街道", leader_name="蒋澄明", leader_title="党工委书记"))
    files, _problems = read_pack_files(ROOT)
    with audit.acting_as(None, "test"):
        version, _ = store_files(files, source="install")
        publish(version)
    session, leaders, people = build_session(
        admin, version, units, evaluators=(("委员甲", "commission"), ("委员乙", "commission"), ("代表丙", "others")))
    chair = client_factory()
    chair.login("admin")
    chair.post(f"/evaluate/sessions/{session.id}/move/open")
    phones = {}
    for person in people:
        phones[person.name] = client_factory()
        join(phones[person.name], person)
    for person in people:  # the same requests in the same order in both worlds
        grade, comment = world.get(person.name, ("较好", "丙说：一般"))
        for leader in leaders:
            phones[person.name].post(f"/evaluate/ballot/{leader.id}/field",
                                     {"overall": grade, "comment": comment, "__field": "overall"}, htmx=True)
            phones[person.name].post(f"/evaluate/ballot/{leader.id}",
                                     {"overall": grade, "comment": comment}, htmx=True)
        seen[f"tally after {person.name}"] = chair.get(f"/evaluate/sessions/{session.id}/tally",
                                                        headers={"HX-Request": "true"}).get_data(as_text=True)
    seen["session while open"] = chair.get(f"/evaluate/sessions/{session.id}").get_data(as_text=True)
    chair.post(f"/evaluate/sessions/{session.id}/move/close")
    for leader in leaders:
        chair.post(f"/leaders/{leader.id}/notes", {"kind": "question", "text": "如何加强对下属单位的监管？"})
    # Every GET route, with every id there is.
    values = {
        "session_id": [str(session.id)], "leader_id": [str(x.id) for x in leaders],
        "evaluator_id": [str(x.id) for x in people], "entry_id": [],
        "version_id": [str(version.id)], "unit_id": [str(u.id) for u in units],
    }
    from service.audit import AuditEntry
    values["entry_id"] = [str(e.id) for e in AuditEntry.select(AuditEntry.id)]
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        if not set(rule.arguments) <= set(values) or rule.endpoint == "home.favicon":
            continue
        combos = [{}]
        for arg in sorted(rule.arguments):
            combos = [dict(c, **{arg: v}) for c in combos for v in values[arg]]
        for combo in combos:
            url = rule.rule
            for arg, value in combo.items():
                url = re.sub(r"<(?:[a-z]+:)?" + arg + ">", value, url)
            for variant in ("", "?export=csv", "?export=xlsx", "?view=print"):
                response = chair.get(url + variant)
                if response.mimetype.endswith("sheet"):
                    sheet = load_workbook(io.BytesIO(response.data)).active
                    body = repr([[c.value for c in row] for row in sheet.iter_rows()])
                else:
                    body = response.get_data(as_text=True)
                seen[f"GET {url}{variant}"] = f"{response.status_code} {body}"
    for name, phone in phones.items():  # after closing, the evaluators see nothing of their ballots
        seen[f"{name} home"] = phone.get("/evaluate/ballot/").get_data(as_text=True)
        for leader in leaders:
            seen[f"{name} sheet {leader.id}"] = phone.get(f"/evaluate/ballot/{leader.id}").get_data(as_text=True)
    seen.update({f"table {k}": repr(v) for k, v in _rows().items()})
    seen["log"] = "\n".join(r.getMessage() for r in caplog.records)
    return {key: _clean(value) for key, value in seen.items()}


@pytest.mark.slow
def test_swapping_who_voted_how_changes_nothing_anyone_can_see(app, client, make_user, request, caplog):
    # What the service logs (INFO and up). peewee's DEBUG log prints every SQL
    # statement with its values and must stay off in production
    # (docs/evaluate.md says so).
    caplog.set_level(logging.INFO)
    client_type = type(client)

    def client_factory():
        return client_type(app.test_client())

    first = _world(app, client_factory, make_user, WORLDS["first"], caplog)
    # The meeting happened: the results must show both ballots' content.
    leader_page = next(v for k, v in first.items() if re.match(r"GET /evaluate/leaders/\d+$", k))
    assert "甲说：述职实在" in leader_page and "乙说：问题不少" in leader_page
    assert any("review_ballot" in k for k in first)
    _reset(app, request)
    caplog.clear()
    swapped = _world(app, client_factory, make_user, WORLDS["swapped"], caplog)
    assert first.keys() == swapped.keys()
    differ = [k for k in first if first[k] != swapped[k]]
    if differ:
        import difflib
        for key in differ[:4]:
            print(key)
            print("\n".join(list(difflib.unified_diff(first[key].splitlines(), swapped[key].splitlines(), lineterm=""))[:20]))
    assert not differ, f"these tell who voted how: {differ[:10]}"


def test_an_anonymous_ballot_has_no_column_that_could_name_or_order_its_evaluator(review):
    columns = {f.column_name for f in ReviewBallot._meta.sorted_fields}
    assert not {c for c in columns if c.endswith("_at") or c in ("created", "updated", "at")}
    assert ReviewBallot._meta.primary_key.field_type != "AUTO"
    session, (bureau, _street), (a, _b, _c) = review
    from service.evaluate import ballots
    from .conftest import voter
    sessions.move(session, "open")
    ballots.save_ballot(voter(a), bureau, {"overall": "好"})
    ballot = ReviewBallot.get()
    assert ballot.evaluator_id is None and ballot.ballot_key and a.name not in repr(ballot.data)
    if database.obj.__class__.__name__.startswith("Sqlite"):
        assert "WITHOUT ROWID" in database.execute_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'review_ballot'").fetchone()[0]


def test_no_audit_entry_names_an_anonymous_ballot(review):
    from service.audit import AuditEntry
    from service.evaluate import ballots
    from .conftest import voter
    session, (bureau, _street), (a, _b, _c) = review
    sessions.move(session, "open")
    ballots.save_ballot(voter(a), bureau, {"overall": "好", "comment": "独特的意见"})
    ballots.save_ballot(voter(a), _street, {"overall": "差"})
    assert not AuditEntry.select().where(AuditEntry.object_type == "review_ballot").exists()
    for entry in AuditEntry.select():
        assert "独特的意见" not in repr(entry.after) and "独特的意见" not in repr(entry.before)
    votes = [e.after for e in AuditEntry.select().where(AuditEntry.object_type == "review_vote")]
    assert votes and all(set(v) == {"session", "evaluator", "leader"} for v in votes)
