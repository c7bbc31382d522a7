"""Fixtures for who records what: the street's 派驻纪检监察组, a 组织部 for both units,
another group for the bureau only, and an account of each."""
from __future__ import annotations

import pytest

from service import audit
from service.holders.admin import set_scope
from service.holders.models import HolderBody
from tests.api.conftest import TALK, people, plans_published  # noqa: F401  (fixtures)
from tests.define.conftest import units, version  # noqa: F401  (fixtures)

INSPECTION = {"date": "2022-05-20", "area": "党风廉政建设", "target_unit": "临江街道", "matter": "年底一检查",
              "findings": "履责记录本记录完整"}


@pytest.fixture
def bodies(app, units, plans_published):  # noqa: F811
    """group: 第一派驻纪检监察组 (the street); organization: 区委组织部 (street and bureau);
    bureau_group: 第二派驻纪检监察组 (the bureau only)."""
    with audit.acting_as(None, "test"):
        group = audit.create(HolderBody, name="区纪委监委第一派驻纪检监察组", kind="supervising-body")
        set_scope(group, [units["street"].id])
        organization = audit.create(HolderBody, name="区委组织部", kind="department", department="organization")
        set_scope(organization, [units["street"].id, units["bureau"].id])
        bureau_group = audit.create(HolderBody, name="区纪委监委第二派驻纪检监察组", kind="supervising-body")
        set_scope(bureau_group, [units["bureau"].id])
    return {"group": group, "organization": organization, "bureau_group": bureau_group}


@pytest.fixture
def holders(make_user, bodies, people):  # noqa: F811
    """paizhu (the street's group), zuzhibu (组织部), paizhu2 (the bureau's group)."""
    return {"paizhu": make_user("paizhu", "holder", holder_body=bodies["group"]),
            "zuzhibu": make_user("zuzhibu", "holder", holder_body=bodies["organization"]),
            "paizhu2": make_user("paizhu2", "holder", holder_body=bodies["bureau_group"])}


def item_of(plan, item_id):
    """The plan item of pack item ``item_id``."""
    return next(i for i in plan.ordered_items() if i.item_id == item_id)
