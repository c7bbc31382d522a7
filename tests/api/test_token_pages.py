"""Tokens on the account page (made, shown once, revoked by their user) and
in the users admin (revoked by an admin)."""
import re

from service.auth import tokens
from service.auth.models import ApiToken


def test_a_user_makes_a_token_on_the_account_page_and_sees_it_once(client, people, app):
    assert client.login("clerk").status_code == 302
    response = client.post("/account/tokens", {"name": "本单位OA", "scope": "write", "days": "30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 201
    secret = re.search(r'data-testid="new-token">(dlt_[^<]+)<', page).group(1)
    assert "本单位OA" in page and "读写" in page
    assert app.test_client().get("/api/v1/records", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    again = client.get("/password").get_data(as_text=True)
    assert secret not in again and secret[:8] in again  # only the first characters, ever after
    assert "Set-Cookie" not in response.headers or secret not in response.headers.get("Set-Cookie", "")


def test_bad_token_requests_are_shown_by_their_fields(client, people):
    assert client.login("clerk").status_code == 302
    response = client.post("/account/tokens", {"name": "", "scope": "admin", "days": "9999"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写令牌名称" in page and "请选择权限范围" in page and "有效期须为 1 到 366 天" in page
    assert ApiToken.select().count() == 0


def test_a_user_revokes_their_own_token_but_not_someone_elses(client, people, app):
    mine, secret = tokens.issue(people["clerk"], name="mine", scope="read")
    theirs, _ = tokens.issue(people["other"], name="theirs", scope="read")
    assert client.login("clerk").status_code == 302
    assert client.post(f"/account/tokens/{theirs.id}/revoke").status_code == 404
    assert client.post(f"/account/tokens/{mine.id}/revoke").status_code == 302
    assert ApiToken.get_by_id(mine.id).revoked_at is not None and ApiToken.get_by_id(theirs.id).revoked_at is None
    assert app.test_client().get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "已撤销" in client.get("/password").get_data(as_text=True)


def test_an_admin_revokes_anyones_token_from_the_users_admin(client, people):
    admin_client = client
    assert client.login("admin").status_code == 302
    token, _secret = tokens.issue(people["clerk"], name="leaked", scope="write")
    assert f"/admin/users/{people['clerk'].id}/tokens" in admin_client.get("/admin/users/").get_data(as_text=True)
    listing = admin_client.get(f"/admin/users/{people['clerk'].id}/tokens").get_data(as_text=True)
    assert "leaked" in listing
    response = admin_client.post(f"/admin/users/{people['clerk'].id}/tokens/{token.id}/revoke")
    assert response.status_code == 302 and ApiToken.get_by_id(token.id).revoked_at is not None


def test_only_admins_see_other_users_tokens(client, people):
    assert client.login("inspector").status_code == 302
    assert client.get(f"/admin/users/{people['clerk'].id}/tokens").status_code == 403
