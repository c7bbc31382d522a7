"""The unit boundary through every API route, found by walking the URL map:
a unit's token never reads or writes another unit's records, files, plans or
profile (403 or 404, never the data), and a read token writes nothing.

A new route is walked the day it is added; a path argument this walk does not
know fails the test until someone says which object of the other unit it names.
"""
from __future__ import annotations

import io
import re

import pytest

from service import audit
from service.perform import records
from service.perform.models import Record, StoredFile
from tests.api.conftest import TALK

MARKERS = ("机密谈话对象", "bureau-secret.pdf")
PUBLIC = {"api-docs.openapi_json", "api_docs.docs"}


@pytest.fixture
def bureau_data(app, people, units, plans_published):
    """A record and an evidence file of the bureau, with text the street must never see."""
    bureau, clerk = units["bureau"], people["other"]
    stored = records.store_upload(unit=bureau, user=clerk, filename="bureau-secret.pdf", content_type="application/pdf",
                                  stream=io.BytesIO(b"%PDF-1.4 secret"), field_schema={},
                                  upload_folder=app.config["UPLOAD_FOLDER"])
    item = next(i for i in plans_published["bureau"].ordered_items() if i.form == "talk")
    record, errors = records.submit(user=clerk, unit=bureau, version=plans_published["bureau"].pack_version,
                                    form_id="talk", plan_item=item,
                                    data=dict(TALK, target_name=MARKERS[0], attachments=[stored.reference()]))
    assert not errors
    review = _bureau_review(people["admin"], bureau)
    run_id, other_id = _bureau_runs(bureau)
    finding = _bureau_finding(people["inspector"], bureau)
    from service.supervise import documents, portraits  # an issued portrait of the bureau's leader (staff only)
    with audit.acting_as(people["inspector"].id, "inspector"):
        document = documents.issue("portrait", documents.portrait_report(portraits.portrait(bureau.id, 2022,
                                                                                             finding.found_on)),
                                   unit=bureau, version=plans_published["bureau"].pack_version,
                                   issued_by=people["inspector"].id)
    return {"document_id": str(document.id), "run_id": str(run_id), "other_id": str(other_id), "unit_id": str(bureau.id), "record_id": str(record.id),
            "file_id": stored.id, "review_id": str(review.id), "finding_id": str(finding.id), "move": "submit_plan",
            "plan_id": str(plans_published["bureau"].id), "item": item.id, "file": stored,
            "version_id": str(plans_published["bureau"].pack_version_id), "form_id": "talk"}


def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.endpoint not in PUBLIC:
            yield rule


def _url(rule, values) -> str:
    url = rule.rule
    for arg in rule.arguments:
        assert arg in values, f"{rule.rule}: say which of the other unit's objects <{arg}> names in this test"
        url = re.sub(r"<(?:[a-z]+:)?" + arg + ">", str(values[arg]), url)
    return url


# Path arguments that name a unit's own data (the rest name shared things: versions, forms).
UNIT_SCOPED = {"unit_id", "record_id", "file_id", "plan_id", "review_id", "run_id", "other_id", "finding_id",
               "document_id"}


def _bureau_runs(bureau):
    """Two finished check runs of the bureau (staff business only)."""
    from service.supervise import runs
    with audit.acting_as(None, "test"):
        return [runs.run_here(runs.create_run("2022", "year-end", unit_ids=[bureau.id], queue=False)).id
                for _ in range(2)]


def _bureau_finding(user, bureau):
    """A confirmed finding of the bureau (its own and the commission's business)."""
    import datetime as dt
    from service.accountability import register, states
    with audit.acting_as(user.id, user.username):
        finding = register.create({"unit": bureau, "title": "机密谈话对象反映的问题", "channel": "petition",
                                   "found_on": dt.date(2023, 1, 5)}, user)
        states.move(finding, "confirm", user)
    return finding


def _bureau_review(user, bureau):
    """A review session in which the bureau's leader reports (staff business only)."""
    import datetime as dt
    from service.evaluate import sessions
    from service.packs.store import PackVersion
    with audit.acting_as(None, "test"):
        review = sessions.create_session(title="评议会", held_on=dt.date(2022, 12, 20), place="", anonymous=True,
                                         version=PackVersion.current(), scale=None, created_by=user)
        sessions.add_leader(review, unit=bureau, name="机密谈话对象", post="局长")
    return review


def _leaks(response) -> bool:
    text = response.get_data(as_text=True)
    return any(marker in text for marker in MARKERS)


def test_a_unit_token_never_reaches_another_units_data(app, api, bureau_data, units):
    street = api("clerk", "write")
    staff = api("inspector", "read")
    bureau_id = int(bureau_data["unit_id"])
    before = (Record.select().count(), StoredFile.select().count())
    failures = []
    walked = 0
    for rule in _api_rules(app):
        url = _url(rule, bureau_data)
        scoped = bool(set(rule.arguments) & UNIT_SCOPED)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            walked += 1
            if method == "GET":
                # Every list plain, and with filters naming the other unit's things.
                for query in ({"per_page": 200}, {"unit": bureau_id, "item": bureau_data["item"]}):
                    response = street.get(url, query_string=query)
                    if scoped and response.status_code not in (403, 404):
                        failures.append(f"GET {url} -> {response.status_code}")
                    body = response.get_json(silent=True) if response.is_json else None
                    items = body.get("items", []) if isinstance(body, dict) else []
                    if any(isinstance(i, dict) and bureau_id in (i.get("unit_id"), i.get("id") if "code" in i else None)
                           for i in items):
                        failures.append(f"GET {url} lists the other unit's objects")
                    if _leaks(response):
                        failures.append(f"GET {url} shows the other unit's data")
                # Positive control: staff reach the same object, so the walk names real ones.
                if scoped and staff.get(url).status_code != 200:
                    failures.append(f"GET {url} as staff -> not 200: the walk does not name a real object")
                continue
            bodies = [
                {"json": {"form_id": "talk", "plan_item_id": bureau_data["item"], "data": TALK}},
                {"json": {"form_id": "talk", "data": dict(TALK, attachments=[bureau_data["file"].reference()])}},
                {"data": {"form_id": "talk", "field": "/attachments", "plan_item_id": str(bureau_data["item"]),
                          "file": (io.BytesIO(b"%PDF-1.4 x"), "x.pdf", "application/pdf")}},
                {"json": {"name": "改名"}, "headers": {"If-Match": "*"}},
            ]
            for body in bodies:
                response = street.open(method, url, **body)
                if scoped and response.status_code not in (403, 404, 405):
                    failures.append(f"{method} {url} -> {response.status_code}")
                if _leaks(response):
                    failures.append(f"{method} {url} shows the other unit's data")
    assert walked >= 15
    assert not failures, "\n".join(failures)
    # Nothing was made under the other unit, and no record of the street names its file.
    assert Record.select().where(Record.unit == bureau_id).count() == 1
    assert StoredFile.select().where(StoredFile.unit == bureau_id).count() == 1
    street_records = Record.select().where(Record.unit == units["street"].id)
    assert not any(bureau_data["file_id"] in str(r.data) for r in street_records)
    assert Record.select().count() - before[0] == street_records.count()


def test_a_read_token_writes_nothing_through_any_route(app, api, bureau_data):
    reader = api("admin", "read")
    entries = audit.AuditEntry.select().count()
    for rule in _api_rules(app):
        url = _url(rule, bureau_data)
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            response = reader.open(method, url, json={}, headers={"If-Match": "*"})
            assert response.status_code == 403, (method, url, response.status_code)
            assert response.get_json()["type"] == "urn:dutyloop:problem:insufficient_scope"
    assert audit.AuditEntry.select().count() == entries


def test_the_other_units_file_bytes_are_never_served(api, bureau_data):
    street = api("clerk")
    response = street.get(f"/api/v1/files/{bureau_data['file_id']}/content")
    assert response.status_code == 403 and b"secret" not in response.data
    staff = api("inspector", "read").get(f"/api/v1/files/{bureau_data['file_id']}/content")
    assert staff.status_code == 200 and staff.data == b"%PDF-1.4 secret"
    assert "attachment" in staff.headers["Content-Disposition"]
