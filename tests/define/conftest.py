"""Fixtures for 明责: the repository's default pack installed and published."""
from pathlib import Path

import pytest

from service import audit
from service.packs import read_pack_files
from service.packs.store import publish, store_files

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def version(app):
    """The default pack (repository root) stored and published.

    Stored without re-running `pack check` (tests/packs covers that) to keep
    these tests quick.
    """
    files, problems = read_pack_files(ROOT)
    assert not problems
    with audit.acting_as(None, "test"):
        stored, _created = store_files(files, source="install")
        publish(stored)
    return stored


@pytest.fixture
def units(make_user):
    """Four units whose profiles should get visibly different plans."""
    return {
        "plain": make_user.unit("Q10", "区民政局", type="区直单位"),
        "bureau": make_user.unit("Q08", "区综合行政执法局", type="区直单位", law_enforcement=True, subordinate_units=5),
        "street": make_user.unit("J02", "临江街道", type="街道", tags=["征地拆迁"], subordinate_units=9),
        "soe": make_user.unit("G01", "区城投集团", type="国企", tags=["项目建设"]),
    }
