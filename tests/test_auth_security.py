"""Issue 8: the lockout race (W5), sessions that outlive a sign-out (W8), user names told by timing (W9)."""
from __future__ import annotations

import re
import threading

import pytest
import requests

from conftest import PASSWORD
from service.auth.models import LoginAttempt, User

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _login_burst(live_server: str, username: str, passwords: list[str]) -> list[int]:
    """Send every password at once, each from a browser session of its own."""
    sessions = []
    for _ in passwords:
        s = requests.Session()
        token = _CSRF.search(s.get(live_server + "/login", timeout=30).text).group(1)
        sessions.append((s, token))
    start = threading.Barrier(len(passwords))
    statuses: list[int] = [0] * len(passwords)

    def attempt(n: int) -> None:
        s, token = sessions[n]
        start.wait()
        response = s.post(live_server + "/login", data={"csrf_token": token, "username": username,
                                                        "password": passwords[n]},
                          allow_redirects=False, timeout=60)
        statuses[n] = response.status_code

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(len(passwords))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


@pytest.mark.slow
def test_parallel_attempts_cannot_pass_the_lockout(app, live_server, make_user):
    """30 wrong passwords at once: five are checked, the rest refused; then even the right one is refused."""
    make_user("unit08", "admin")
    statuses = _login_burst(live_server, "unit08", ["wrong-%d" % n for n in range(30)])
    assert sorted(set(statuses)) == [401, 429], statuses
    assert statuses.count(401) == app.config["LOGIN_MAX_FAILURES"]
    failures = LoginAttempt.select().where((LoginAttempt.username == "unit08") & (LoginAttempt.success == False))  # noqa: E712
    assert failures.count() == app.config["LOGIN_MAX_FAILURES"]
    assert _login_burst(live_server, "unit08", [PASSWORD]) == [429]


@pytest.mark.slow
def test_the_right_password_in_a_burst_gets_in_only_within_the_limit(app, live_server, make_user):
    make_user("unit09", "admin")
    passwords = ["wrong-%d" % n for n in range(11)] + [PASSWORD]
    statuses = _login_burst(live_server, "unit09", passwords)
    assert statuses[-1] in (302, 429)
    assert statuses.count(401) + statuses.count(302) == LoginAttempt.select().count()
    # In the order the attempts were reserved, failures since the last success never pass the
    # limit (a success, once its scrypt check is done, rightly opens a new window).
    run = 0
    for attempt in LoginAttempt.select().order_by(LoginAttempt.id):
        run = 0 if attempt.success else run + 1
        assert run <= app.config["LOGIN_MAX_FAILURES"]
    if statuses[-1] == 429:
        assert statuses.count(401) == app.config["LOGIN_MAX_FAILURES"]


def test_a_reserved_attempt_counts_before_its_password_is_checked(app):
    with app.app_context():
        attempts = [LoginAttempt.reserve("x", 3, 15) for _ in range(4)]
        assert [a is not None for a in attempts] == [True, True, True, False]
        attempts[0].succeeded()  # a success clears the earlier failures
        assert LoginAttempt.reserve("x", 3, 15) is not None


def test_a_cookie_copied_before_logout_opens_nothing_after(client, make_user, app):
    make_user("clerk", "admin")
    assert client.login("clerk").status_code == 302
    copied = client.raw.get_cookie("session").value
    other = app.test_client()  # a second session of the same account, elsewhere
    assert other.post("/login", data={"username": "clerk", "password": PASSWORD,
                                      "csrf_token": _CSRF.search(other.get("/login").get_data(as_text=True))
                                      .group(1)}).status_code == 302
    assert client.logout().status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert replay.get("/dashboard").status_code == 302  # to the login page
    assert other.get("/dashboard").status_code == 302   # signing out ends every session of the account
    assert User.get(User.username == "clerk").session_generation == 1
    assert client.login("clerk").status_code == 302 and client.get("/dashboard").status_code == 200


@pytest.fixture
def scrypt_calls(monkeypatch):
    """Count the password hash checks (werkzeug's scrypt) the login makes."""
    import service.auth.models as models
    calls = []
    real = models.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(models, "check_password_hash", counting)
    return calls


def test_a_missing_user_costs_the_same_password_check(client, make_user, scrypt_calls):
    make_user("admin", "admin")
    make_user("gone", "admin", active=False)
    method = User.hash_password("x").split("$", 1)[0]
    for username in ("admin", "nobody", "gone", "x" * 300):
        scrypt_calls.clear()
        assert client.login(username, "wrong-password").status_code == 401
        assert scrypt_calls == [method], username  # one check, with the same method and cost
