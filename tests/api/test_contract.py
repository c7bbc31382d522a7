"""Contract test: schemathesis against the generated OpenAPI document.

The app runs on the demo data (``service.demo``), on each backend, and every
operation is called with examples generated from the document, as a unit user
and as an admin (write tokens, so writes are tried too). A response fails the
test when it is a 5xx, breaks its declared schema or content type, or has a
status the document does not list. Examples per operation are bounded so the
whole run stays within a couple of minutes on two cores.
"""
from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_headers_conformance, response_schema_conformance,
                                               status_code_conformance)

from service import create_app
from service.auth import tokens
from service.auth.models import User
from service.db import open_database
from service.demo import load_demo
from tests.conftest import BACKENDS, TEST_DATABASE_URL, _pg_url

MAX_EXAMPLES = 12
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("contract")]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, negative_data_rejection]


@pytest.fixture(scope="module", params=BACKENDS)
def contract_app(request, tmp_path_factory, worker_id):
    """The app with the demo loaded, once per backend, on a database of its own."""
    folder = tmp_path_factory.mktemp("contract")
    if request.param == "sqlite":
        path = folder / "contract.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        schema = f"dutyloop_contract_{worker_id}".replace("-", "_")
        admin = open_database(TEST_DATABASE_URL)
        admin.execute_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.execute_sql(f'CREATE SCHEMA "{schema}"')
        admin.close()
        url = _pg_url(schema)
        from service.migrations import upgrade
        db = open_database(url)
        upgrade(db)
        db.close()
    mp = pytest.MonkeyPatch()
    mp.setenv("DUTYLOOP_INSTANCE", str(folder / "instance"))
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "contract",
                      "UPLOAD_FOLDER": str(folder / "uploads")})
    with app.app_context():
        load_demo("contract-pass-1")
        secrets = {name: tokens.issue(User.get(User.username == name), name="contract", scope="write")[1]
                   for name in ("unit01", "admin")}
    yield app, secrets
    mp.undo()
    from service.db import database
    if not database.is_closed():
        database.close()


def _operations(app):
    return [result.ok() for result in schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).get_all_operations()]


def _run(contract_app, user: str) -> None:
    """Every operation, valid and invalid examples, as ``user``; all failures reported together."""
    app, secrets = contract_app
    from service.db import bind
    bind(app.config["DATABASE_URL"])  # other tests of this worker may have bound the proxy elsewhere
    headers = {"Authorization": f"Bearer {secrets[user]}"}
    failures = []
    operations = _operations(app)
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
            @SETTINGS
            def check(case):
                case.call_and_validate(checks=CHECKS)
            try:
                check()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # an operation with nothing to get wrong (GET by any id)
            except Exception as exc:  # noqa: BLE001  (collected, then reported together)
                failures.append(f"{operation.method.upper()} {operation.path} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)


SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def test_the_api_keeps_its_contract_for_a_unit(contract_app):
    _run(contract_app, "unit01")


def test_the_api_keeps_its_contract_for_an_admin(contract_app):
    _run(contract_app, "admin")
