"""The unit boundary through every page of the URL map: a unit's clerk, and a holder account
(派驻纪检监察组) whose body is responsible for other units, given another unit's ids in every
path (records, files, plans, items, drafts, units…), get 403 or 404 and never the other unit's
data; nothing of the other unit changes. The API has its own walk
(tests/api/test_access.py). A new route is walked the day it is added; a path argument this
walk does not know fails the test until someone says which object it names."""
from __future__ import annotations

import io
import re

import pytest

from service import audit
from service.perform import records
from service.perform.models import Draft, Record, RecordRevision
from tests.api.conftest import TALK, people, plans_published  # noqa: F401  (fixtures)
from tests.conftest import Client
from tests.define.conftest import units, version  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

MARKERS = ("机密谈话对象", "bureau-secret.pdf")
NEVER = {"auth.logout", "static", "units.static", "evaluate.static", "i18n.set_language", "home.favicon",
         "accountability.static"}
# Path arguments that name one unit's own data.
UNIT_SCOPED = {"unit_id", "feed_token", "record_id", "file_id", "plan_id", "item_pk", "draft_id", "run_id", "other_id",
               "finding_id", "entry_id", "document_id"}


@pytest.fixture
def bureau(app, people, units, plans_published):  # noqa: F811
    unit, clerk = units["bureau"], people["other"]
    stored = records.store_upload(unit=unit, user=clerk, filename="bureau-secret.pdf", content_type="application/pdf",
                                  stream=io.BytesIO(b"%PDF-1.4 secret"), field_schema={},
                                  upload_folder=app.config["UPLOAD_FOLDER"])
    plan = plans_published["bureau"]
    item = next(i for i in plan.ordered_items() if i.form == "talk")
    with audit.acting_as(clerk.id, "other"):
        record, errors = records.submit(user=clerk, unit=unit, version=plan.pack_version, form_id="talk",
                                        plan_item=item, data=dict(TALK, target_name=MARKERS[0],
                                                                  attachments=[stored.reference()]))
        assert not errors
        draft = records.save_draft(user=clerk, unit=unit, version=plan.pack_version, form_id="talk", plan_item=item,
                                   data={"target_name": MARKERS[0]})
    from service.supervise import runs  # a finished check run of the bureau (staff business only)
    with audit.acting_as(None, "test"):
        run = runs.run_here(runs.create_run("2022", "year-end", unit_ids=[unit.id], queue=False))
    from service.accountability import cases, register, states  # a finding of the bureau with its 一案双查 entry
    inspector = people["inspector"]
    with audit.acting_as(inspector.id, inspector.username):
        finding = register.create({"unit": unit, "title": MARKERS[0], "channel": "daily", "severity": "minor",
                                   "found_on": run.as_of}, inspector)
        states.move(finding, "confirm", inspector)
        entry, = cases.open_case(finding, inspector, [{"responsibility": "direct", "person": MARKERS[0]}])
    from service.supervise import documents, portraits  # an issued portrait of the bureau's leader (staff only)
    with audit.acting_as(inspector.id, inspector.username):
        document = documents.issue("portrait", documents.portrait_report(portraits.portrait(unit.id, 2022, run.as_of)),
                                   unit=unit, version=plan.pack_version, issued_by=inspector.id)
    from service.perform import feeds  # the clerk's own feed secret must not open the bureau's feed
    with audit.acting_as(people["clerk"].id, "clerk"):
        _feed, own_secret = feeds.regenerate(units["street"], people["clerk"])
    return {"feed_token": own_secret, "run_id": run.id, "other_id": run.id, "finding_id": finding.id, "entry_id": entry.id,
            "document_id": document.id,
            "unit_id": unit.id, "record_id": record.id, "file_id": stored.id, "plan_id": plan.id,
            "item_pk": item.id, "draft_id": draft.id, "version_id": plan.pack_version_id, "form_id": "talk",
            "item_id": item.item_id, "kind": "unit"}


# Arguments that name shared or the caller's own things, with a harmless value.
SHARED = {"body_id": "1", "code": "zh_CN", "field": "name", "name": "submit_plan", "token": "A" * 32, "action": "open", "decision": "confirm",
          "filename": "app.css", "user_id": "1", "token_id": "1", "session_id": "1",
          "leader_id": "1", "evaluator_id": "1", "feedback_id": "1", "follow_up_id": "1"}


@pytest.fixture
def street_group(make_user, units):  # noqa: F811
    """A 派驻纪检监察组 responsible for the street only, with its account."""
    from service.holders.admin import set_scope
    from service.holders.models import HolderBody
    with audit.acting_as(None, "test"):
        body = audit.create(HolderBody, name="第一派驻纪检监察组", kind="supervising-body")
        set_scope(body, [units["street"].id])
    return make_user("paizhu", "holder", holder_body=body)


@pytest.mark.parametrize("who", ["clerk", "paizhu"])
def test_a_clerk_never_reaches_another_units_pages(app, people, bureau, street_group, who):
    clerk = Client(app.test_client())
    assert clerk.login(who).status_code == 302
    token = clerk.csrf_token()
    before = (Record.select().count(), RecordRevision.select().count(), Draft.select().count())
    failures, walked = [], 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint in NEVER:
            continue
        url = rule.rule
        for arg in rule.arguments:
            value = bureau.get(arg, SHARED.get(arg))
            assert value is not None, f"{rule.rule}: say which of the other unit's objects <{arg}> names"
            url = re.sub(r"<(?:[a-z]+:)?" + arg + ">", str(value), url)
        scoped = bool(set(rule.arguments) & UNIT_SCOPED)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            walked += 1
            query = {"item": bureau["item_pk"], "unit": bureau["unit_id"]}
            if method == "GET":
                response = clerk.raw.get(url, query_string=query)
            else:
                response = clerk.raw.post(url, query_string=query, headers={"X-CSRFToken": token}, data={
                    "csrf_token": token, "__reason": "越权", "__revision": "1", "target_name": "x"})
            try:
                text = response.get_data(as_text=True)
            except UnicodeDecodeError:
                raise AssertionError(f"{method} {url} {response.content_type}")
            if any(marker in text for marker in MARKERS):
                failures.append(f"{method} {url} shows the other unit's data")
            if scoped and response.status_code not in (403, 404, 405):
                failures.append(f"{method} {url} -> {response.status_code}")
    assert walked > 60
    assert not failures, "\n".join(failures)
    assert (Record.select().count(), RecordRevision.select().count(), Draft.select().count()) == before
    fresh = Record.get_by_id(bureau["record_id"])
    assert not fresh.is_deleted and fresh.revision == 1
