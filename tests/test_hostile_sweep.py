"""Every route of the app, hostile input, three kinds of user: never a 500.

The standard is that bad input gets a clear message and never a server error.
Instead of trusting each view's own tests to have thought of everything, this
sweep walks the app's URL map: each path argument is given a real value and
hostile ones, each request carries every field name the templates use (and
the names the views read) set to each hostile value in turn, plain or through
htmx. NUL characters are among them: PostgreSQL refuses them in text, SQLite
does not, so the sweep runs on both backends. A new route is swept the day it is added.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.auth.models import User
from service.holders.models import HolderBody
from tests.demo_cache import DEMO_PASSWORD, load_demo_into
from service.define.models import Plan, PlanItem
from service.packs.store import PackVersion

pytestmark = pytest.mark.slow

HOSTILE = ["", "-1", "99999999999999999999999999", "1e309", "abc", "１２", "<script>x</script>",
           "\x00", "a" * 5000, "2022-13-45", "null", "{\"var\": \"__class__\"}", "[", "../../etc/passwd",
           "2022Q9"]
# Field names read by the views besides those in the templates.
EXTRA_FIELDS = ["__op", "__field", "page", "export", "format", "id", "value", "json", "rule", "data",
                "schema", "profile", "item", "period", "target", "due", "custom_text", "list_id",
                "category_id", "weight", "supervisor", "code", "name", "tags", "risk_areas",
                "subordinate_units", "leader_name", "leader_title", "display_name", "new_password"]
NEVER = {"auth.logout", "static", "units.static", "evaluate.static", "accountability.static"}   # ending the sweep's own session is not a finding
PASSWORD = DEMO_PASSWORD
TEMPLATES = Path(__file__).resolve().parent.parent / "service" / "web" / "templates"


def _field_names() -> list[str]:
    names = set(EXTRA_FIELDS)
    for path in TEMPLATES.rglob("*.html"):
        names.update(re.findall(r'name="([a-z_]+)"', path.read_text(encoding="utf-8")))
    names.discard("csrf_token")
    return sorted(names)


def _path_values(app, admin_id: int) -> dict[str, list[str]]:
    version = PackVersion.current()
    pack = version.pack()
    plan = Plan.select().first()
    item = PlanItem.select().where(PlanItem.plan == plan).first()
    other_user = User.select().where(User.id != admin_id).first()
    return {
        "entry_id": ["1", "0", str(10**30)],
        "user_id": [str(other_user.id), "0", str(10**30)],
        "version_id": [str(version.id), "0", str(10**30)],
        "plan_id": [str(plan.id), "0"],
        "item_pk": [str(item.id), "0"],
        "unit_id": [str(plan.unit_id), "0"],
        "record_id": ["1", "0"],
        "draft_id": ["1", "0"],
        "form_id": [next(iter(pack.forms)), "__proto__", "a" * 300, "%00"],
        "item_id": [pack.items[0].id, "__class__", "x" * 300],
        "file_id": ["00000000-0000-0000-0000-000000000000", "..", "x" * 300],
        "token": ["A" * 32, "..", "x" * 100],
        "feed_token": ["dlc_" + "A" * 43, "..", "x" * 300],
        "field": ["tags", "code", "nope"],
        "code": ["en", "zh_CN", "xx"],
        "token_id": ["1", "0"],
        "body_id": [str(HolderBody.select().order_by(HolderBody.id).first().id), "0"],
        "kind": ["unit", "__class__", "x" * 300],
        **_review_values(),
        **_run_values(),
        **_finding_values(),
        **_document_values(admin_id),
    }


def _document_values(admin_id: int) -> dict[str, list[str]]:
    """An issued portrait of a demo unit (出具)."""
    import datetime as dt
    from service import audit
    from service.supervise import documents, portraits
    from service.units.models import Unit
    unit = Unit.select().order_by(Unit.code).first()
    year = dt.date.today().year - 1
    with audit.acting_as(admin_id, "admin"):
        document = documents.issue("portrait", documents.portrait_report(portraits.portrait(unit.id, year, dt.date.today())),
                                   unit=unit, version=portraits.version_for(unit.id, year), issued_by=admin_id)
    return {"document_id": [str(document.id), "0", str(10**30)]}


def _run_values() -> dict[str, list[str]]:
    """A finished check run of two demo units, and one still queued (督责)."""
    import datetime as dt
    from service import audit
    from service.supervise import runs
    from service.units.models import Unit
    codes = [u.code for u in Unit.select().order_by(Unit.code).limit(2)]
    with audit.acting_as(None, "test"):
        done = runs.run_here(runs.create_run(str(dt.date.today().year - 1), "year-end", units=codes, queue=False))
        queued = runs.create_run(str(dt.date.today().year - 1), "year-end", units=codes, queue=False)
        # a finished quarterly run: its units' users have a 季度提醒 notice on their reminders page
        runs.run_here(runs.create_run(f"{dt.date.today().year - 1}Q4", "quarterly", units=codes, queue=False))
    return {"run_id": [str(done.id), str(queued.id), "0"], "other_id": [str(done.id), str(queued.id)]}


def _finding_values() -> dict[str, list[str]]:
    """The demo's findings in different states (closed, verifying with a case, overdue) and the moves."""
    from service.accountability.models import Finding
    return {"finding_id": [str(f.id) for f in Finding.select().order_by(Finding.id).limit(3)] + ["0"],
            "name": ["confirm", "file_evidence", "close", "x"],
            "move": ["submit_plan", "close", "x"]}


def _review_values() -> dict[str, list[str]]:
    """Ids of the demo's review meeting (published) and of the one in preparation."""
    from service.evaluate.models import (ReviewEvaluator, ReviewFeedback, ReviewFollowUp, ReviewLeader,
                                         ReviewSession)
    ids = [str(s.id) for s in ReviewSession.select().order_by(ReviewSession.id)]
    return {  # real ids only (a 0 meets the same 404 as everywhere else): the sweep stays quick
        "session_id": ids,
        "review_id": ids,
        "leader_id": [str(ReviewLeader.select().first().id)],
        "evaluator_id": [str(ReviewEvaluator.select().order_by(ReviewEvaluator.id.desc()).first().id)],
        "feedback_id": [str(ReviewFeedback.select().first().id)],
        "follow_up_id": [str(ReviewFollowUp.select().first().id)],
        "action": ["open", "close", "x"],
        "decision": ["confirm", "x"],
    }


def _urls(app, values) -> list[tuple[str, str, str, bool]]:
    """(endpoint, method, url, first) for every route and every path-argument
    value; ``first`` marks each route's first combination (real objects only)."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NEVER:
            continue
        args = sorted(rule.arguments)
        combos = [{}]
        for arg in args:
            combos = [dict(c, **{arg: v}) for c in combos for v in values[arg]]
        for index, combo in enumerate(combos):
            url = rule.rule
            for arg, value in combo.items():
                url = re.sub(r"<(?:[a-z]+:)?" + arg + ">", value, url)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                out.append((rule.endpoint, method, url, index == 0))
    return out


@pytest.fixture
def demo(app):
    load_demo_into(app)


@pytest.mark.parametrize("username", ["unit01", "inspector", "admin", "paizhu1"])
@pytest.mark.postgresql_with(username=["unit01", "admin"])   # the most routes, and a unit's scope
def test_no_route_answers_hostile_input_with_a_500(app, demo, client, username):
    signed_in = type(client)(app.test_client())  # the suite's CSRF-aware client
    assert signed_in.login(username, PASSWORD).status_code == 302
    token = signed_in.csrf_token()
    admin = User.get(User.username == "admin")
    values = _path_values(app, admin.id)
    fields = _field_names()
    failures = []
    for n, (endpoint, method, url, first) in enumerate(_urls(app, values)):
        # Every hostile value meets every route with real objects in its path,
        # half of them through htmx; the route's other path values (other
        # objects, other moves, missing ids) meet a third of them in turn, so
        # the sweep stays minutes, not a quarter of an hour (the cartesian
        # product of path values made it ~20,000 requests a role).
        chosen = HOSTILE if first else HOSTILE[n % 3::3]
        for k, value in enumerate(chosen):
            htmx = (n + k) % 2 == 1
            headers = {"HX-Request": "true", "X-CSRFToken": token} if htmx else {}
            if method == "GET":
                response = signed_in.raw.get(url, query_string={f: value for f in fields}, headers=headers)
            else:
                form = dict({f: value for f in fields}, csrf_token=token)
                response = signed_in.raw.post(url, data=form, headers=headers)
            if response.status_code >= 500:
                failures.append(f"{username} {method} {url} [{value[:20]!r}, htmx={htmx}] -> {response.status_code}")
    assert not failures, "\n".join(failures[:40])
