"""Times are stored in UTC and shown in the instance's time zone (setting TIMEZONE)."""
import datetime as dt
import re
from pathlib import Path

import pytest

from service import create_app
from service.audit.log import AuditEntry
from service.define import plans
from service.define.models import PlanRevision
from service.perform.models import Record
from tests.define.conftest import units, version  # noqa: F401  (fixtures)

TEMPLATES = Path(__file__).resolve().parent.parent / "service" / "web" / "templates"
SOURCES = Path(__file__).resolve().parent.parent / "service"


def test_the_default_zone_is_shanghai(app):
    assert app.config["TIMEZONE"] == "Asia/Shanghai"


def test_an_unknown_zone_stops_the_app_at_start_up(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYLOOP_INSTANCE", str(tmp_path / "instance"))
    with pytest.raises(ValueError, match="TIMEZONE"):
        create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x", "TIMEZONE": "Mars/Olympus"})


def test_no_page_or_export_labels_times_utc():
    """One filter formats every time: no template formats one itself or says UTC."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "UTC" not in text, path
        assert "strftime" not in text, path
    for path in SOURCES.rglob("*.py"):
        if "api" in path.parts or "migrations" in path.parts:
            continue  # the API speaks ISO 8601 with Z, on purpose
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\(UTC\)|\bUTC\)", text), path


def test_pages_and_exports_show_the_instance_zone(admin_client, version, units):  # noqa: F811
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    stored = dt.datetime(2022, 6, 1, 2, 5, 9)       # UTC
    PlanRevision.update(at=stored).where(PlanRevision.plan == plan).execute()
    page = admin_client.get(f"/define/plans/{plan.id}/revisions").get_data(as_text=True)
    assert "2022-06-01 10:05" in page and "02:05" not in page and "UTC" not in page
    rows = admin_client.get(f"/define/plans/{plan.id}/revisions?export=csv").data.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("修订,时间,") and "2022-06-01T10:05:09+08:00" in rows[1]


def test_another_zone_shows_other_times(app, admin_client, version, units):  # noqa: F811
    app.config["TIMEZONE"] = "Europe/London"
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    PlanRevision.update(at=dt.datetime(2022, 1, 10, 2, 5)).where(PlanRevision.plan == plan).execute()
    page = admin_client.get(f"/define/plans/{plan.id}/revisions").get_data(as_text=True)
    assert "2022-01-10 02:05" in page


def test_the_audit_day_filter_reads_days_in_the_instance_zone(admin_client):
    # 2022-03-01 23:30 UTC is 2022-03-02 07:30 in Shanghai
    AuditEntry.insert(at=dt.datetime(2022, 3, 1, 23, 30), actor_name="清晨的人", action="create",
                      object_type="unit", object_id="1").execute()
    page = admin_client.get("/admin/audit/?since=2022-03-02&until=2022-03-02").get_data(as_text=True)
    assert "清晨的人" in page and "2022-03-02 07:30" in page
    earlier = admin_client.get("/admin/audit/?since=2022-03-01&until=2022-03-01").get_data(as_text=True)
    assert "清晨的人" not in earlier


def test_the_autosave_note_reads_local_time(app, client, make_user, version, units):  # noqa: F811
    plan, _ = plans.generate_plan(units["street"], 2022, version)
    plans.publish_plan(plan)
    make_user("clerk", "unit", unit=units["street"])
    client.login("clerk")
    text = client.post("/perform/fill/talk/refresh", {"date": "2022-05-10"}, htmx=True).get_data(as_text=True)
    note = text[text.index('id="draft-status"'):]
    shown = re.search(r"已自动保存草稿 (\d\d):(\d\d):(\d\d)", note)
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    assert shown and "UTC" not in note
    assert abs(int(shown.group(1)) * 60 + int(shown.group(2)) - (now.hour * 60 + now.minute)) % 1440 <= 2
    assert Record.select().count() == 0
