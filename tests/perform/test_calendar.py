"""履职月历: the month view with the status engine's colours (a hand-checked month), the
unit boundary, reminders derived from the status with read marks per user, and the
iCalendar feed behind a secret, revocable token."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from service.audit import AuditEntry
from service.perform import calendar, calendar_views, feeds
from service.perform.calendar_models import CalendarFeed, NotificationRead
from tests.conftest import Client
from tests.perform.test_status import clerk_user, item_of, record  # noqa: F401  (fixtures)

D = dt.date.fromisoformat


@pytest.fixture
def on_day(monkeypatch):
    """``on_day("2022-06-25")``: the app's today (the calendar's colours are as of today)."""
    def set_day(day: str):
        monkeypatch.setattr(calendar_views, "today", lambda: D(day))
    return set_day


@pytest.fixture
def street(unit_plan, record, clerk_user, client, on_day):  # noqa: F811
    """The street's 2022 plan with one inspection on 2022-04-01; its clerk signed in on 2022-06-25."""
    record("inspection", "2022-04-01", item=item_of(unit_plan, "fr-check-quarterly"))
    on_day("2022-06-25")
    assert client.login("clerk").status_code == 302
    return client


def _feed_url(response) -> str:
    match = re.search(r'value="(http://localhost/perform/calendar/\d+/dlc_[A-Za-z0-9_-]+\.ics)"',
                      response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:3000]
    return match.group(1).replace("http://localhost", "")


# --------------------------------------------------------------------------- the month view

def test_june_2022_shows_what_falls_due_with_the_engines_colours(street, unit_plan):
    """Hand-checked, as of 2022-06-25 (due_now_days 7: 黄 from 23 June for a 30 June due date):
    第一议题 (monthly, due the 28th) not yet recorded → 黄; the quarterly inspection done on
    1 April → 绿 on the 30th; the half-yearly talks with young cadres, none yet → 黄 on the 30th."""
    page = street.get("/perform/calendar?month=2022-06").get_data(as_text=True)
    assert "2022年6月" in page and "临江街道" in page
    cells = dict(re.findall(r'<td class="[^"]*">\s*<span class="day-no">(\d+)</span>(.*?)</td>', page, re.S))
    assert 'class="chip status-yellow" data-item="fr-first-topic"' in cells["28"]
    assert 'class="chip status-green" data-item="fr-check-quarterly"' in cells["30"]
    assert 'class="chip status-yellow" data-item="fr-talk-young"' in cells["30"]
    assert "fr-" not in cells["15"]
    # the list: status words, the engine's explanation, and the dashboard's 记录 button
    young = item_of(unit_plan, "fr-talk-young")
    assert f'href="/perform/fill/talk?item={young.id}"' in page
    explanation = next(s for s in calendar.due_in_month(unit_plan.unit_id, 2022, 6, D("2022-06-25"))
                       if s.item_id == "fr-talk-young").explanation
    assert explanation in page and "截止日期 2022-06-30，还有 5 天" in explanation
    # the same items in May: 第一议题 was due on 28 May and is overdue
    may = street.get("/perform/calendar?month=2022-05").get_data(as_text=True)
    assert 'class="chip status-red" data-item="fr-first-topic"' in may
    assert "fr-check-quarterly" not in may  # due in June, not in May


def test_month_navigation_and_a_bad_month(street):
    page = street.get("/perform/calendar?month=2022-01").get_data(as_text=True)
    assert 'href="/perform/calendar?month=2021-12" rel="prev"' in page
    assert 'href="/perform/calendar?month=2022-02" rel="next"' in page
    default = street.get("/perform/calendar").get_data(as_text=True)
    assert "2022年6月" in default  # the month of today
    bad = street.get("/perform/calendar?month=2022-13")
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "月份格式应为 2022-05" in text and 'id="e-month"' in text and "2022年6月" in text


def test_the_dashboard_links_to_the_calendar(street):
    page = street.get("/perform/").get_data(as_text=True)
    assert 'href="/perform/calendar"' in page and 'href="/perform/notifications"' in page


def test_the_month_exports(street):
    response = street.get("/perform/calendar?month=2022-06&export=csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "fr-" not in text
    assert "每季度至少对1个责任部门开展监督检查" in text and "2022-06-30" in text and "绿" in text


def test_staff_open_any_units_calendar_read_only(app, unit_plan, units, make_user, on_day, record):  # noqa: F811
    on_day("2022-06-25")
    make_user("inspector", "inspector")
    make_user("admin", "admin")
    inspector = Client(app.test_client())
    inspector.login("inspector")
    page = inspector.get(f"/perform/calendar?unit={units['street'].id}&month=2022-06").get_data(as_text=True)
    assert "临江街道" in page and "fr-check-quarterly" in page and 'name="unit"' in page
    assert "/perform/fill/" not in page and "生成订阅地址" not in page  # read-only: no 记录, no feed
    assert inspector.post(f"/perform/calendar/{units['street'].id}/feed").status_code == 403
    assert inspector.get("/perform/calendar?unit=999999").status_code == 404
    assert inspector.get("/perform/notifications").status_code == 403  # reminders are the units'
    admin = Client(app.test_client())
    admin.login("admin")
    page = admin.get(f"/perform/calendar?unit={units['street'].id}").get_data(as_text=True)
    assert "生成订阅地址" in page and "/perform/fill/" not in page
    assert admin.post(f"/perform/calendar/{units['street'].id}/feed").status_code == 200
    assert feeds.live_feed(units["street"].id).created_by.username == "admin"


def test_a_clerk_never_sees_another_units_calendar_or_feed(street, units, make_user, app):
    other = units["bureau"]
    assert street.get(f"/perform/calendar?unit={other.id}").status_code == 403
    assert street.get(f"/perform/calendar?unit={units['street'].id}").status_code == 200
    assert street.post(f"/perform/calendar/{other.id}/feed").status_code == 403
    assert street.post(f"/perform/calendar/{other.id}/feed/revoke").status_code == 403
    assert CalendarFeed.select().count() == 0
    # the clerk's own secret does not open another unit's feed
    own = _feed_url(street.post(f"/perform/calendar/{units['street'].id}/feed"))
    assert street.get(own).status_code == 200
    assert street.get(own.replace(f"/calendar/{units['street'].id}/", f"/calendar/{other.id}/")).status_code == 404


# --------------------------------------------------------------------------- reminders

def test_reminders_derive_from_the_status_and_read_marks_persist_per_user(street, unit_plan, units, make_user,
                                                                         on_day, app, record):  # noqa: F811
    from service.auth.models import User
    clerk = User.get(User.username == "clerk")
    found = calendar.notices(clerk, D("2022-06-25"))
    by_item = {n.status.item_id: n for n in found}
    # exactly the 黄/红 items of the engine for this month's windows and last month's, nothing else
    # of the lists the unit records itself (监督责任 and 职能监督责任 items are others' work, read-only)
    from service.holders.recording import others_for_unit
    others = others_for_unit(unit_plan.unit_id)
    assert set(others) == {"supervision", "functional-supervision"}
    alerts = [s for month in ("2022-06", "2022-05") for s in calendar.engine.unit_status(
        unit_plan.unit_id, month, D("2022-06-25"), include_disabled=False) if s.colour in ("yellow", "red")]
    engine = [s for s in alerts if s.list_id not in others]
    assert len(engine) < len(alerts)  # some of others' items are due: not the clerk's reminders
    assert sorted(n.key for n in found) == sorted({calendar.notice_key(s) for s in engine})
    assert {n.key for n in found if n.status.item_id == "fr-first-topic"} == {
        f"{unit_plan.unit_id}:{item_of(unit_plan, 'fr-first-topic').id}:2022-06:yellow",
        f"{unit_plan.unit_id}:{item_of(unit_plan, 'fr-first-topic').id}:2022-05:red"}
    assert "fr-check-quarterly" not in by_item  # done: 绿, no reminder
    young = by_item["fr-talk-young"]
    assert young.colour == "yellow" and not young.read
    assert young.key == f"{unit_plan.unit_id}:{young.status.plan_item_id}:2022H1:yellow"
    page = street.get("/perform/notifications").get_data(as_text=True)
    assert f'<span class="bell-count">{len(found)}</span>' in page
    assert young.status.text in page and young.status.explanation in page
    # mark one read (htmx): the list and the bell answer with one fewer unread
    response = street.post("/perform/notifications/read", {"key": young.key}, htmx=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="notices"' in text and 'hx-swap-oob="true"' in text
    assert f'<span class="bell-count">{len(found) - 1}</span>' in text
    assert NotificationRead.select().where(NotificationRead.user == clerk.id).count() == 1
    assert AuditEntry.select().where(AuditEntry.object_type == "notification_read").count() == 1
    # another clerk of the same unit has read nothing
    make_user("clerk2", "unit", unit=units["street"])
    second = Client(app.test_client())
    second.login("clerk2")
    assert f'<span class="bell-count">{len(found)}</span>' in second.get("/perform/notifications/bell").get_data(as_text=True)
    # a key that is not one of the user's reminders is not stored
    street.post("/perform/notifications/read", {"key": "999:1:2022:red"})
    assert NotificationRead.select().count() == 1
    # recording the talks makes the reminder go away (derived, nothing to clean up)
    record("talk", "2022-06-20", item=young_item(unit_plan), target_roles=["年轻干部"])
    record("talk", "2022-06-21", item=young_item(unit_plan), target_roles=["年轻干部"])
    assert "fr-talk-young" not in {n.status.item_id for n in calendar.notices(clerk, D("2022-06-25"))}
    # on 1 July the first half-year is over: its items still undone are now 红 (last month's windows),
    # new and unread reminders
    on_day("2022-07-01")
    july = {n.status.item_id: n for n in calendar.notices(clerk, D("2022-07-01"))}
    assert july["fr-ideology"].colour == "red" and not july["fr-ideology"].read
    assert july["fr-ideology"].key.endswith(":2022H1:red")
    # mark all read: nothing unread, the marks stay with this user
    street.post("/perform/notifications/read", {"all": "1"})
    assert calendar.unread_count(clerk, D("2022-07-01")) == 0
    assert calendar.unread_count(User.get(User.username == "clerk2"), D("2022-07-01")) == len(july)


def young_item(plan):
    return item_of(plan, "fr-talk-young")


def test_reminders_export_and_bad_marks(street):
    text = street.get("/perform/notifications?export=csv").get_data(as_text=True)
    assert "经常性与年轻干部开展谈心谈话" in text and "黄" in text
    assert street.post("/perform/notifications/read", {}).status_code == 422


# --------------------------------------------------------------------------- the feed

def test_the_feed_parses_and_lists_the_due_items(street, unit_plan, units):
    response = street.post(f"/perform/calendar/{units['street'].id}/feed", htmx=True)
    assert response.status_code == 200 and "只显示这一次" in response.get_data(as_text=True)
    url = _feed_url(response)
    secret = url.rsplit("/", 1)[1][:-4]
    stored = CalendarFeed.get()
    assert stored.token_hash == feeds.digest(secret) and secret not in str(stored.__data__)
    feed = Client(street.raw.application.test_client())  # a calendar app: no session
    answer = feed.get(url)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    cal = Calendar.from_ical(answer.data)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    expected = calendar.due_in_months(unit_plan.unit_id, [(2022, m) for m in range(1, 13)], D("2022-06-25"))
    assert len(events) == len(expected) > 20
    check = next(s for s in expected if s.item_id == "fr-check-quarterly" and s.window == "2022Q2")
    event = events[f"dutyloop-{check.plan_item_id}-2022Q2@localhost"]
    assert str(event["summary"]) == check.text and str(event["description"]) == check.explanation
    assert event.decoded("dtstart") == D("2022-06-30") and event.decoded("dtend") == D("2022-07-01")
    assert "完成" in str(event["description"])
    # monthly items appear once a month, each with its own UID
    topics = [e for e in events.values() if str(e["summary"]).startswith("落实“第一议题”制度")]
    assert sorted(e.decoded("dtstart").month for e in topics) == list(range(1, 13))
    # the same feed again: the same UIDs (calendar apps update, not duplicate)
    again = Calendar.from_ical(feed.get(url).data)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(events)


def test_a_revoked_or_regenerated_token_gives_404_and_both_are_audited(street, units):
    unit_id = units["street"].id
    first_page = street.post(f"/perform/calendar/{unit_id}/feed")  # without htmx: the whole page
    assert "fr-check-quarterly" in first_page.get_data(as_text=True)
    first = _feed_url(first_page)
    second = _feed_url(street.post(f"/perform/calendar/{unit_id}/feed"))
    assert street.get(first).status_code == 404 and street.get(second).status_code == 200
    page = street.post(f"/perform/calendar/{unit_id}/feed/revoke", htmx=True).get_data(as_text=True)
    assert "尚未开通订阅，或订阅地址已撤销" in page
    assert street.get(second).status_code == 404
    assert street.get(second.replace("dlc_", "dlc_x")).status_code == 404
    third = _feed_url(street.post(f"/perform/calendar/{unit_id}/feed"))
    assert street.get(third).status_code == 200
    units["street"].__class__.update(active=False).where(units["street"].__class__.id == unit_id).execute()
    assert street.get(third).status_code == 404  # a deactivated unit's feed is closed too
    actions = [(e.action, sorted(e.changed_fields()) if e.action == "update" else None) for e in
               AuditEntry.select().where(AuditEntry.object_type == "calendar_feed").order_by(AuditEntry.id)]
    assert [a for a, _ in actions] == ["create", "update", "create", "update", "create"]
    assert all(fields == ["revoked_at", "revoked_by"] for a, fields in actions if a == "update")


def test_one_live_feed_per_unit_is_held_by_the_database(street, units, db):
    import peewee
    from service.auth.models import User
    clerk = User.get(User.username == "clerk")
    feeds.regenerate(units["street"], clerk)
    with pytest.raises(peewee.IntegrityError), db.atomic():
        CalendarFeed.create(unit=units["street"].id, token_hash="x" * 64, hint="dlc_x", created_by=clerk.id)


def test_a_failing_reminder_computation_does_not_take_the_pages_down(street, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a pack that cannot load")
    monkeypatch.setattr(calendar, "unread_count", broken)
    page = street.get("/perform/")
    assert page.status_code == 200 and 'id="bell"' in page.get_data(as_text=True)
    bell = street.get("/perform/notifications/bell", headers={"HX-Request": "true"})
    assert bell.status_code == 200 and 'id="bell"' in bell.get_data(as_text=True)
    assert "bell-count" not in bell.get_data(as_text=True)


def test_pages_do_not_wait_for_the_bell(street, monkeypatch):
    """The top bar asks for the count once the page has loaded: no page computes reminders."""
    def counted(*args, **kwargs):
        raise AssertionError("a page computed the reminders")
    original = calendar.unread_count
    monkeypatch.setattr(calendar, "unread_count", counted)
    page = street.get("/perform/calendar").get_data(as_text=True)
    assert re.search(r'<a id="bell" [^>]*hx-get="/perform/notifications/bell"\s+hx-trigger="load"', page)
    monkeypatch.setattr(calendar, "unread_count", original)
    bell = street.get("/perform/notifications/bell").get_data(as_text=True)
    assert 'class="bell-count"' in bell and "hx-get" not in bell
    assert Client(street.raw.application.test_client()).get("/perform/notifications/bell").status_code == 302
