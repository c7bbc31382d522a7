"""Fixtures for the JSON API: two units with published plans, their clerks,
staff, and tokens for each; a helper that calls the API with a token."""
from __future__ import annotations

import pytest

from service.auth import tokens
from service.define import plans
from tests.define.conftest import ROOT, units, version  # noqa: F401  (re-exported fixtures)

TALK = {"date": "2022-05-10", "talk_type": "日常", "initiator_role": "主要负责人", "target_name": "班子成员甲",
        "target_roles": ["班子成员"], "reason": "岗位变动",
        "content": {"problems": "指出推进不够有力", "requirements": "按期整改"}, "response": "诚恳接受"}


class ApiClient:
    """Calls the API with ``Authorization: Bearer <token>`` (and an Accept-Language)."""

    def __init__(self, flask_client, token: str | None, language: str | None = None):
        self.raw, self.token, self.language = flask_client, token, language

    def headers(self, extra=None) -> dict:
        headers = {}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.language:
            headers["Accept-Language"] = self.language
        headers.update(extra or {})
        return headers

    def open(self, method: str, url: str, headers=None, **kwargs):
        return self.raw.open(url, method=method, headers=self.headers(headers), **kwargs)

    def get(self, url, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.open("POST", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.open("PATCH", url, **kwargs)


@pytest.fixture
def plans_published(version, units):  # noqa: F811
    """Published 2022 plans for the street and the bureau."""
    out = {}
    for key in ("street", "bureau"):
        plan, _ = plans.generate_plan(units[key], 2022, version)
        plans.publish_plan(plan)
        out[key] = plan
    return out


@pytest.fixture
def people(make_user, units, plans_published):  # noqa: F811
    """A clerk of the street, a clerk of the bureau, an inspector and an admin."""
    return {"clerk": make_user("clerk", "unit", unit=units["street"]),
            "other": make_user("other", "unit", unit=units["bureau"]),
            "inspector": make_user("inspector", "inspector"),
            "admin": make_user("admin", "admin")}


@pytest.fixture
def api(app, people):
    """``api(username, scope="write")``: an ApiClient with a fresh token of that user."""
    def make(username: str, scope: str = "write", language: str | None = None) -> ApiClient:
        _token, secret = tokens.issue(people[username], name=f"{username}-{scope}", scope=scope)
        return ApiClient(app.test_client(), secret, language)
    return make
