"""Fixtures for 问责: the default pack published, two units with their users,
two inspectors, and a helper that makes a finding in any state."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from service import audit
from service.accountability import register, states
from service.auth.models import User
from tests.define.conftest import version  # noqa: F401  (re-exported fixture)


@pytest.fixture
def people(make_user):
    """Two units (each with a unit user), two inspectors and an admin."""
    q08 = make_user.unit("Q08", "区综合行政执法局", leader_name="钟南屏", leader_title="党委书记、局长")
    j01 = make_user.unit("J01", "江滨街道", type="街道", leader_name="蒋澄明", leader_title="党工委书记")
    return {
        "q08": q08, "j01": j01,
        "unit": make_user("unit01", "unit", unit=q08, display_name="执法局联络员"),
        "other_unit": make_user("unit02", "unit", unit=j01, display_name="街道联络员"),
        "inspector": make_user("inspector", "inspector", display_name="监督员甲"),
        "inspector2": make_user("inspector2", "inspector", display_name="监督员乙"),
        "admin": User.get_or_none(User.username == "admin") or make_user("admin", "admin"),
    }


def store_file(app, unit, user, name="整改报告.pdf", content=b"%PDF-1.4 evidence"):
    """An evidence file stored for ``unit`` as an upload would be; its reference."""
    from service.perform import records
    stored = records.store_upload(unit=unit, user=user, filename=name, content_type="application/pdf",
                                  stream=io.BytesIO(content), field_schema=None,
                                  upload_folder=app.config["UPLOAD_FOLDER"])
    return stored.reference()


@pytest.fixture
def make_finding(app, people, version):  # noqa: F811
    """``make_finding(status="draft", unit=None, **facts)``: a finding moved to ``status`` the legal way."""

    def factory(status: str = "draft", unit=None, **facts):
        unit = unit or people["q08"]
        inspector = people["inspector"]
        values = {"unit": unit, "title": "执法案卷归档不及时", "channel": "daily",
                  "found_on": dt.date.today() - dt.timedelta(days=10), "severity": "minor"}
        values.update(facts)
        with audit.acting_as(inspector.id, inspector.username):
            finding = register.create(values, inspector)
            path = {"draft": [], "confirmed": ["confirm"], "rectifying": ["confirm", "submit_plan"],
                    "verifying": ["confirm", "submit_plan", "file_evidence"],
                    "closed": ["confirm", "submit_plan", "file_evidence", "close"],
                    "dismissed": ["dismiss"]}[status]
            for name in path:
                user = inspector
                kwargs = {}
                if name == "submit_plan":
                    user = people["unit"] if unit.id == people["q08"].id else people["other_unit"]
                    kwargs = {"measures": "建立案卷归档台账，每周核对", "due_on": dt.date.today() + dt.timedelta(days=30)}
                elif name == "file_evidence":
                    user = people["unit"] if unit.id == people["q08"].id else people["other_unit"]
                    kwargs = {"evidence_text": "已完成全部案卷归档", "files": [store_file(app, unit, user)]}
                elif name == "close":
                    user = people["inspector2"]
                elif name == "dismiss":
                    kwargs = {"reason": "经核实不属实"}
                states.move(finding, name, user, **kwargs)
        return finding

    return factory
