"""Personal API tokens: made once, stored hashed, scoped, refused when expired,
revoked or their user is disabled; the CLI prints one for scripts."""
import datetime as dt

import pytest

from service import audit
from service.auth import tokens
from service.auth.models import ApiToken, User
from service.db import utcnow


def test_the_cli_prints_a_token_that_reads_units(app, people):
    result = app.test_cli_runner().invoke(args=["token", "create", "admin", "--scope", "read", "--name", "x"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert result.output == secret + "\n" and secret.startswith("dlt_") and len(secret) > 40
    response = app.test_client().get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.get_json()["total"] == 4


def test_the_cli_refuses_unknown_users_and_bad_days(app, people):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["token", "create", "nobody", "--scope", "read", "--name", "x"]).exit_code != 0
    assert runner.invoke(args=["token", "create", "admin", "--scope", "read", "--name", "x", "--days", "0"]).exit_code != 0
    assert ApiToken.select().count() == 0


def test_only_a_hash_is_stored_and_the_creation_is_audited(app, people):
    token, secret = tokens.issue(people["clerk"], name="OA", scope="write", days=30)
    stored = ApiToken.get_by_id(token.id)
    assert secret not in (stored.token_hash, stored.hint) and stored.token_hash == tokens.digest(secret)
    assert stored.hint == secret[:8]
    entry = audit.AuditEntry.select().where(audit.AuditEntry.object_type == "api_token").get()
    assert secret not in str(entry.after) and stored.token_hash not in str(entry.after)
    assert (stored.expires_at - stored.created_at).days == 30


def test_a_read_token_cannot_write(api):
    reader = api("admin", "read")
    response = reader.post("/api/v1/units", json={"code": "N1", "name": "新", "type": "镇"})
    assert response.status_code == 403 and response.content_type == "application/problem+json"
    assert response.get_json()["type"] == "urn:dutyloop:problem:insufficient_scope"
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]
    assert api("admin", "write").post("/api/v1/units", json={"code": "N1", "name": "新", "type": "镇"}).status_code == 201


@pytest.mark.parametrize("how", ["expired", "revoked", "disabled user", "unknown", "malformed"])
def test_dead_tokens_are_refused(app, people, how):
    token, secret = tokens.issue(people["clerk"], name="OA", scope="read")
    if how == "expired":
        ApiToken.update(expires_at=utcnow() - dt.timedelta(seconds=1)).where(ApiToken.id == token.id).execute()
    elif how == "revoked":
        tokens.revoke(token)
    elif how == "disabled user":
        audit.update(User.get_by_id(people["clerk"].id), active=False)
    elif how == "unknown":
        secret = secret[:-2] + "xx"
    else:
        secret = "not-a-token"
    response = app.test_client().get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401 and response.content_type == "application/problem+json"
    assert response.get_json()["type"] == "urn:dutyloop:problem:invalid_token"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_last_use_is_recorded_without_a_write_per_call(app, people):
    token, secret = tokens.issue(people["clerk"], name="OA", scope="read")
    client = app.test_client()
    assert ApiToken.get_by_id(token.id).last_used_at is None
    client.get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"})
    first = ApiToken.get_by_id(token.id).last_used_at
    assert first is not None
    client.get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"})
    assert ApiToken.get_by_id(token.id).last_used_at == first  # within the minute: not written again


def test_tokens_open_only_the_api_and_never_set_a_session(app, people):
    _token, secret = tokens.issue(people["admin"], name="OA", scope="write")
    client = app.test_client()
    page = client.get("/admin/users/", headers={"Authorization": f"Bearer {secret}"})
    assert page.status_code == 302 and "/login" in page.headers["Location"]  # pages need a login
    response = client.get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_a_bearer_request_is_judged_by_its_token_not_by_the_cookie(app, people, client):
    assert client.login("admin").status_code == 302
    assert client.get("/api/v1/units").status_code == 200  # the session works on the API
    response = client.get("/api/v1/units", headers={"Authorization": "Bearer dlt_wrong"})
    assert response.status_code == 401


def test_bearer_writes_need_no_csrf_but_cookie_writes_do(app, people, client, api):
    assert client.login("admin").status_code == 302
    body = {"code": "N2", "name": "新单位", "type": "镇"}
    refused = client.raw.post("/api/v1/units", json=body)
    assert refused.status_code == 400 and refused.get_json()["type"] == "urn:dutyloop:problem:csrf"
    accepted = client.raw.post("/api/v1/units", json=body, headers={"X-CSRFToken": client.csrf_token()})
    assert accepted.status_code == 201
    assert api("admin").post("/api/v1/units", json=dict(body, code="N3")).status_code == 201


def test_writes_through_a_token_are_audited_with_its_user(api, people):
    response = api("admin").post("/api/v1/units", json={"code": "N4", "name": "新单位", "type": "镇"})
    entry = (audit.AuditEntry.select().where((audit.AuditEntry.object_type == "unit")
                                             & (audit.AuditEntry.object_id == str(response.get_json()["id"]))).get())
    assert entry.actor_id == people["admin"].id and entry.actor_name == "admin"
