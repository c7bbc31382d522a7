"""Fixtures for 履责: a unit with a published plan from the default pack."""
import pytest

from service.define import plans
from tests.define.conftest import ROOT, units, version  # noqa: F401  (re-exported fixtures)


@pytest.fixture
def unit_plan(version, units):  # noqa: F811
    """The street's published 2022 plan."""
    plan, _ = plans.generate_plan(units["street"], 2022, version)
    plans.publish_plan(plan)
    return plan


@pytest.fixture
def clerk(client, make_user, units, unit_plan):  # noqa: F811
    """A client logged in as the street's clerk."""
    make_user("clerk", "unit", unit=units["street"])
    assert client.login("clerk").status_code == 302
    return client
