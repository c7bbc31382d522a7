"""Fixtures for 督责: three units with published 2022 plans, and records as clerks submit them."""
from __future__ import annotations

import pytest

from service import audit
from service.define import plans
from service.perform import records as perform_records
from tests.define.conftest import ROOT, units, version  # noqa: F401  (re-exported fixtures)
from tests.perform.test_status import FIRST_TOPIC, INSPECTION, MEETING, TALK


def publish_plans(version, units, year=2022, keys=("street", "bureau", "soe")):  # noqa: F811
    """Published plans of ``year`` for the named units ({key: plan})."""
    out = {}
    with audit.acting_as(None, "test"):
        for key in keys:
            plan, _ = plans.generate_plan(units[key], year, version)
            plans.publish_plan(plan)
            out[key] = plan
    return out


@pytest.fixture
def unit_plans(version, units):  # noqa: F811
    """The street's, the bureau's and the SOE's published 2022 plans (the plain unit has none)."""
    return publish_plans(version, units)


@pytest.fixture
def record(unit_plans, make_user, units):  # noqa: F811
    """``record(unit_key, form_id, date, **answers)``: a record submitted by that unit's clerk."""
    clerks = {}

    def make(key: str, form_id: str, date: str, **answers):
        if key not in clerks:
            clerks[key] = make_user(f"clerk-{key}", "unit", unit=units[key])
        base = {"talk": TALK, "inspection": INSPECTION, "first-topic": FIRST_TOPIC, "meeting": MEETING}[form_id]
        with audit.acting_as(clerks[key].id, "clerk"):
            rec, errors = perform_records.submit(user=clerks[key], unit=units[key],
                                                 version=unit_plans[key].pack_version, form_id=form_id,
                                                 plan_item=None, data=dict(base, date=date, **answers))
        assert not errors, errors
        return rec
    return make
