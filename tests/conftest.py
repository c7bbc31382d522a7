"""Shared fixtures: a fresh database per test on every configured backend,
the app and a CSRF-aware client, and a live server driven by real Chromium.

Tests that touch the database run once on SQLite and, when
``TEST_DATABASE_URL`` is set, once more on PostgreSQL. Each xdist worker gets
its own PostgreSQL schema, and each test starts from empty tables.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from pathlib import Path

import peewee
import pytest
from hypothesis import settings as hypothesis_settings

from service import create_app
from service.db import open_database
from service.migrations import upgrade

# CI runs every property test with a fixed seed, so a submission's result does
# not depend on luck; local runs keep exploring new examples (and a bug found
# that way gets its own regression test).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-9"


def pytest_collection_modifyitems(config, items):
    """Browser tests drive Chromium against SQLite only (set BROWSER_ON_ALL_BACKENDS=1
    for PostgreSQL too): what differs between the backends is below the pages and
    is walked on both by the client tests (hostile sweep, unit boundary, API contract);
    a second Chromium pass doubled the suite's longest tests for no new finding."""
    every_backend = os.environ.get("BROWSER_ON_ALL_BACKENDS") == "1"
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgresql = callspec is not None and callspec.params.get("database_url") == "postgresql"
        drop = on_postgresql and (("browser" in item.fixturenames and not every_backend)
                                  or not _wanted_on_postgresql(item, callspec))
        (dropped if drop else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _wanted_on_postgresql(item, callspec) -> bool:
    """``@pytest.mark.postgresql_with(name=[values])``: on PostgreSQL, only the cases whose
    parameter ``name`` is one of ``values`` (a walk repeated per role needs PostgreSQL's
    own hazards, types and text, found once, not once per role)."""
    marker = item.get_closest_marker("postgresql_with")
    if marker is None:
        return True
    return all(callspec.params.get(name) in values for name, values in marker.kwargs.items())


def many(examples: int) -> int:
    """``max_examples`` of a slow property test: all of them locally, a fifth in CI (whose
    runs are derandomised: the same first examples every time, so a fifth loses little)."""
    return max(20, examples // 5) if os.environ.get("CI") else examples


# --------------------------------------------------------------------------- database

@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    """A migrated empty SQLite file, copied for each test (faster than migrating)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = open_database(f"sqlite:///{path}")
    upgrade(db)
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture(scope="session")
def _pg_schema(worker_id) -> str:
    """A PostgreSQL schema of this worker's own, migrated once per session."""
    schema = f"dutyloop_test_{worker_id}".replace("-", "_")
    admin = open_database(TEST_DATABASE_URL)
    # One worker at a time: dropping a schema left by an earlier run while another worker's
    # migrations create objects using the same extensions and types can deadlock in the catalog.
    admin.execute_sql("SELECT pg_advisory_lock(%s)", (_SETUP_LOCK,))
    try:
        # Extensions where no worker's schema is: the migrations create pg_trgm in the first
        # schema on their search path, and dropping that worker's schema (a new run, a worker
        # restarted) would then drop every other worker's trigram indexes with it.
        admin.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        admin.execute_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.execute_sql(f'CREATE SCHEMA "{schema}"')
        db = open_database(_pg_url(schema))
        upgrade(db)
        db.close()
    finally:
        admin.execute_sql("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK,))
        admin.close()
    return schema


_SETUP_LOCK = 0x6475_7474  # "dutt": the test workers' schema setup (the migrations' own lock differs)


def _pg_url(schema: str) -> str:
    sep = "&" if "?" in TEST_DATABASE_URL else "?"
    return f"{TEST_DATABASE_URL}{sep}schema={schema}"


def _truncate_all(url: str) -> None:
    db = open_database(url)
    tables = [t for t in db.get_tables() if t != "schema_migration"]
    if tables:
        db.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    db.close()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """URL of an empty, migrated database for this test."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    url = _pg_url(request.getfixturevalue("_pg_schema"))
    _truncate_all(url)
    return url


@pytest.fixture
def app(database_url, tmp_path, monkeypatch):
    """The app on a fresh database, with its own instance folder."""
    monkeypatch.setenv("DUTYLOOP_INSTANCE", str(tmp_path / "instance"))
    application = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    })
    from service.db import database
    # No app context is pushed around the test: requests must each get their
    # own (and their own ``g``), exactly as in production.
    yield application
    if not database.is_closed():
        database.close()


@pytest.fixture
def db(app) -> peewee.Database:
    """The bound database of the test app."""
    from service.db import database
    return database


# --------------------------------------------------------------------------- clients

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Client:
    """A test client that sends the CSRF token the way the pages do."""

    def __init__(self, flask_client):
        self.raw = flask_client

    def get(self, url, **kwargs):
        return self.raw.get(url, **kwargs)

    def csrf_token(self) -> str:
        page = self.raw.get("/login", follow_redirects=True).get_data(as_text=True)
        return _CSRF_META.search(page).group(1)

    def post(self, url, data=None, *, htmx=False, csrf=True, headers=None, **kwargs):
        headers = dict(headers or {})
        data = dict(data or {}) if not isinstance(data, (list, tuple)) else list(data)
        if csrf:
            token = self.csrf_token()
            if htmx:
                headers["X-CSRFToken"] = token
            elif isinstance(data, list):
                data.append(("csrf_token", token))
            else:
                data.setdefault("csrf_token", token)
        if htmx:
            headers["HX-Request"] = "true"
        return self.raw.post(url, data=data, headers=headers, **kwargs)

    def login(self, username: str, password: str = PASSWORD):
        return self.post("/login", {"username": username, "password": password})

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def client(app) -> Client:
    """A CSRF-aware test client."""
    return Client(app.test_client())


@pytest.fixture
def make_user(app):
    """Create an account (and its unit for unit users); returns the User."""
    from service import audit
    from service.auth.models import User
    from service.units.models import Unit

    def factory(username: str, role: str = "admin", unit: Unit | None = None, **extra):
        if role == "unit" and unit is None:
            unit = make_unit(f"U-{username}", f"{username}的单位")
        return audit.create(User, username=username, display_name=extra.pop("display_name", username),
                            role=role, unit=unit, password_hash=User.hash_password(extra.pop("password", PASSWORD)),
                            **extra)

    def make_unit(code: str, name: str, **fields):
        fields.setdefault("type", "区直单位")
        return audit.create(Unit, code=code, name=name, **fields)

    factory.unit = make_unit
    return factory


@pytest.fixture
def admin_client(client, make_user) -> Client:
    """A client logged in as an admin."""
    make_user("admin", "admin")
    assert client.login("admin").status_code == 302
    return client


# --------------------------------------------------------------------------- browser

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(app):
    """The app served on a free loopback port in a background thread."""
    from werkzeug.serving import make_server
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-gpu", "--no-first-run", "--lang=zh-CN"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page (own cookies) pointed at the live server."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    context.close()


def browser_login(page, username: str, password: str = PASSWORD, *, expect_dashboard: bool = True) -> None:
    """Log in through the login page, as a person would."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if expect_dashboard:
        page.wait_for_url("**/dashboard")


@pytest.fixture
def login():
    """``login(page, username[, password])``: log a browser page in."""
    return browser_login


@pytest.fixture
def screenshot_dir() -> Path:
    """Where browser tests leave screenshots for people to look at."""
    path = Path(__file__).resolve().parent.parent / "screenshots"
    path.mkdir(exist_ok=True)
    return path
