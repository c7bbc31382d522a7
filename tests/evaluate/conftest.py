"""Fixtures for 评责: the default pack published, units, a session ready to open,
and evaluators signed in through their personal links."""
from __future__ import annotations

import datetime as dt

import pytest

from service import audit
from service.auth.models import User
from service.evaluate import ballots, sessions
from tests.define.conftest import version  # noqa: F401  (re-exported fixture)

SECRET = "test-secret"  # the app fixture's SECRET_KEY


@pytest.fixture
def admin(make_user) -> User:
    """The admin account (the one ``admin_client`` logs in as, when that came first)."""
    return User.get_or_none(User.username == "admin") or make_user("admin", "admin", display_name="纪委监委管理员")


@pytest.fixture
def two_units(make_user):
    return (make_user.unit("Q08", "区综合行政执法局", leader_name="钟南屏", leader_title="党委书记、局长"),
            make_user.unit("J01", "江滨街道", type="街道", leader_name="蒋澄明", leader_title="党工委书记"))


def build_session(admin, version, units, *, anonymous=True,  # noqa: F811
                  evaluators=(("委员甲", "commission"), ("委员乙", "commission"), ("代表丙", "others")),
                  title="2022年度述责述廉评议会"):
    """A session in 筹备 with one leader per unit and the given evaluators."""
    with audit.acting_as(admin.id, admin.username):
        review = sessions.create_session(title=title, held_on=dt.date.today(), place="区行政中心",
                                         version=version, anonymous=anonymous, scale=None, created_by=admin)
        leaders = [sessions.add_leader(review, unit=u, name=u.leader_name, post=u.leader_title) for u in units]
        people = [sessions.add_evaluator(review, name=n, group=g) for n, g in evaluators]
    return review, leaders, people


@pytest.fixture
def review(admin, version, two_units):  # noqa: F811
    return build_session(admin, version, two_units)


def link_token(evaluator) -> str:
    return ballots.issue_link(evaluator, secret_key=SECRET, valid_hours=24)


def voter(evaluator) -> ballots.Voter:
    """The evaluator signed in (as the join page does), without a browser."""
    return ballots.sign_in(link_token(evaluator), secret_key=SECRET)


def join(client, evaluator):
    """Sign ``client`` in as the evaluator through the join form; returns the response."""
    return client.post("/evaluate/join", {"token": link_token(evaluator)})

