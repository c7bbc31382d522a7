"""Who records what: the pack's recorders and their fallback, holder scope, the holder's
to-do list, and the unit clerk refused the items of others' lists (pages and API)."""
from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from service import audit
from service.holders import recording, views as todo_views
from service.packs import Pack, load_pack
from service.packs.check import check_pack
from service.perform import records
from service.perform.models import Record
from tests.api.conftest import TALK, ApiClient
from tests.conftest import Client
from tests.define.conftest import ROOT
from tests.holders.conftest import item_of

from service.auth import tokens


# --------------------------------------------------------------------------- the pack

def test_the_default_pack_says_who_records_each_list():
    pack = load_pack(ROOT)
    assert {lst.id: lst.recorder for lst in pack.lists} == {
        "main-body": ("unit", ""), "first-responsible": ("unit", ""), "dual-duty": ("unit", ""),
        "supervision": ("supervising-body", ""), "functional-supervision": ("department", "organization")}


def test_a_version_without_recorded_by_falls_back_to_the_documented_default():
    files = load_pack(ROOT).to_files()
    for entry in files["rules/lists.json"]:
        entry.pop("recorded_by", None)
        entry.pop("department", None)
    files["rules/lists.json"].append({"id": "district-extra", "name": "本区增设清单", "holder": "某某"})
    pack = Pack.from_files(files)
    assert pack.recorder_of("supervision") == ("supervising-body", "")
    assert pack.recorder_of("functional-supervision") == ("department", "organization")
    assert pack.recorder_of("first-responsible") == ("unit", "")
    assert pack.recorder_of("district-extra") == ("unit", "")      # any other list: the unit's own
    assert pack.recorder_of("no-such-list") == ("unit", "")


def test_a_pack_can_give_a_list_to_another_department():
    files = load_pack(ROOT).to_files()
    entry = next(e for e in files["rules/lists.json"] if e["id"] == "dual-duty")
    entry.update(recorded_by="department", department="publicity")
    assert Pack.from_files(files).recorder_of("dual-duty") == ("department", "publicity")


def test_who_records_each_list_in_words():
    from service.perform.status import render
    pack = load_pack(ROOT)
    words = {lst.id: render(recording.recorder_words(lst)) for lst in pack.lists}
    assert words == {"main-body": "本单位记录", "first-responsible": "本单位记录", "dual-duty": "本单位记录",
                     "supervision": "由监督机构（派驻纪检监察组、纪工委）记录",
                     "functional-supervision": "由职能部门（组织部）记录"}
    files = pack.to_files()
    for entry in files["rules/lists.json"]:
        entry.pop("recorded_by", None)
        entry.pop("department", None)
    old = Pack.from_files(files)
    assert render(recording.recorder_words(old.duty_list("supervision"))) == \
        "由监督机构（派驻纪检监察组、纪工委）记录（规则包未写明，按默认）"
    assert render(recording.recorder_words(old.duty_list("main-body"))) == "本单位记录（规则包未写明，按默认）"


def test_the_pack_page_and_its_export_say_who_records_each_list(admin_client, version):
    page = admin_client.get(f"/define/packs/{version.id}").get_data(as_text=True)
    assert "由监督机构（派驻纪检监察组、纪工委）记录" in page and "由职能部门（组织部）记录" in page
    exported = admin_client.get(f"/define/packs/{version.id}?export=csv").get_data(as_text=True)
    assert "由谁记录" in exported.splitlines()[0] and "由职能部门（组织部）记录" in exported
    admin_client.post("/language/en")
    english = admin_client.get(f"/define/packs/{version.id}").get_data(as_text=True)
    assert "由职能部门" not in english and "Organisation department" in english


@pytest.mark.parametrize("change", [
    {"recorded_by": "department"},                              # which department?
    {"recorded_by": "unit", "department": "organization"},      # a department for the unit's own list
    {"recorded_by": "the-commission"},                          # not a recorder
    {"recorded_by": "department", "department": "组织部"},       # not a code
])
def test_pack_check_refuses_a_recorder_it_cannot_use(change):
    files = copy.deepcopy(load_pack(ROOT).to_files())
    entry = next(e for e in files["rules/lists.json"] if e["id"] == "main-body")
    entry.update(change)
    problems = check_pack(Pack.from_files(files))
    assert any(p.code == "schema-invalid" and p.file == "rules/lists.json" for p in problems), problems


# --------------------------------------------------------------------------- scope

def test_a_holder_account_sees_the_units_of_its_bodys_scope_only(holders, units, bodies):
    paizhu, zuzhibu = holders["paizhu"], holders["zuzhibu"]
    assert paizhu.can_see_unit(units["street"].id) and not paizhu.can_see_unit(units["bureau"].id)
    assert zuzhibu.can_see_unit(units["street"].id) and zuzhibu.can_see_unit(units["bureau"].id)
    assert not zuzhibu.can_see_unit(units["plain"].id)
    assert not paizhu.is_staff
    with audit.acting_as(None, "test"):
        audit.update(bodies["group"], active=False)
    from service.auth.models import User
    assert not User.get_by_id(paizhu.id).can_see_unit(units["street"].id)  # a switched-off body sees nothing


def test_who_may_record_which_item(holders, people, plans_published):
    street = plans_published["street"]
    sv, fs, fr = (item_of(street, i) for i in ("sv-quarterly-reminder", "fs-young-cadres", "fr-talk-young"))
    assert [recording.may_record(people["clerk"], i) for i in (sv, fs, fr)] == [False, False, True]
    assert [recording.may_record(holders["paizhu"], i) for i in (sv, fs, fr)] == [True, False, False]
    assert [recording.may_record(holders["zuzhibu"], i) for i in (sv, fs, fr)] == [False, True, False]
    assert not recording.may_record(holders["paizhu2"], sv)             # the bureau's group, not the street's
    assert not recording.may_record(people["other"], fr)                # another unit's clerk
    assert not recording.may_record(people["inspector"], fr)


# --------------------------------------------------------------------------- the holder's to-do list

def test_the_to_do_list_holds_only_its_units_and_lists(app, holders, units, plans_published, monkeypatch):
    monkeypatch.setattr(todo_views, "today", lambda: dt.date(2022, 11, 15))
    web = Client(app.test_client())
    web.login("zuzhibu")
    page = web.get("/perform/todo/").get_data(as_text=True)
    rows = [line for line in page.splitlines() if "data-todo=" in line]
    assert rows and all('data-todo="fs-' in row for row in rows)            # only 职能监督责任 items
    assert {row.split('data-unit="')[1][:3] for row in rows} == {"J02", "Q08"}  # both units of its scope
    web.logout()
    web.login("paizhu")
    page = web.get("/perform/todo/").get_data(as_text=True)
    rows = [line for line in page.splitlines() if "data-todo=" in line]
    assert rows and all('data-todo="sv-' in row and 'data-unit="J02"' in row for row in rows)
    assert "记录</a>" in page
    # Overdue first: every 红 before the first that is not.
    colours = [row.split('data-colour="')[1].split('"')[0] for row in page.splitlines() if "data-todo=" in row]
    first_other = next((n for n, c in enumerate(colours) if c != "red"), len(colours))
    assert "red" not in colours[first_other:]
    csv = web.get("/perform/todo/?export=csv").get_data(as_text=True)
    assert "临江街道" in csv and "季度一提醒" in csv and "区综合行政执法局" not in csv


def test_the_holders_bell_counts_its_items_due_now_or_overdue(app, holders, bodies, plans_published, monkeypatch):
    day = dt.date(2022, 12, 28)
    monkeypatch.setattr(todo_views, "today", lambda: day)
    urgent = [e for e in recording.todo(bodies["group"], day) if e.status.colour in ("red", "yellow")]
    assert urgent                                                  # the fixture's December has some
    web = Client(app.test_client())
    web.login("paizhu")
    page = web.get("/perform/todo/").get_data(as_text=True)
    assert 'hx-get="/perform/todo/bell"' in page                  # the page does not wait for the count
    bell = web.get("/perform/todo/bell", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'<span class="bell-count">{len(urgent)}</span>' in bell and 'href="/perform/todo/"' in bell
    web.logout()
    web.login("clerk")                                             # a unit's clerk has the reminders bell
    assert 'hx-get="/perform/todo/bell"' not in web.get("/dashboard").get_data(as_text=True)
    assert web.get("/perform/todo/bell").status_code == 403


def test_the_to_do_order_is_the_status_engines(holders, bodies, plans_published):
    from service.perform import status as engine
    as_of = dt.date(2022, 12, 28)
    entries = recording.todo(bodies["group"], as_of)
    order = {"red": 0, "yellow": 1, "blue": 2}
    keys = [(order.get(e.status.colour, 3), e.status.due or "") for e in entries]
    assert keys == sorted(keys) and entries[0].status.colour == "yellow"
    assert all(e.item.list_id == "supervision" for e in entries)
    # The same figures as the engine gives the unit (no second engine).
    mine = {s.plan_item_id: (s.status, s.colour, s.count) for s in engine.unit_status(
        plans_published["street"].unit_id, "2022-12", as_of, include_disabled=False)}
    assert all(mine[e.item.id] == (e.status.status, e.status.colour, e.status.count) for e in entries)


# --------------------------------------------------------------------------- recording

def _post_talk(web, item_id):
    token = web.csrf_token()
    data = {"csrf_token": token, "date": TALK["date"], "talk_type": TALK["talk_type"],
            "initiator_role": TALK["initiator_role"], "target_name": "一把手", "target_roles": "班子成员",
            "reason": TALK["reason"], "content/problems": "提醒履责", "content/requirements": "按期整改",
            "response": "诚恳接受"}
    return web.raw.post(f"/perform/fill/talk?item={item_id}", data=data)


def test_a_holder_records_its_item_for_the_unit(app, holders, people, plans_published):
    street = plans_published["street"]
    sv = item_of(street, "sv-quarterly-reminder")
    web = Client(app.test_client())
    web.login("paizhu")
    assert web.get(f"/perform/fill/talk?item={sv.id}").status_code == 200
    response = _post_talk(web, sv.id)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    record = Record.select().order_by(Record.id.desc()).first()
    assert record.unit_id == street.unit_id and record.created_by_id == holders["paizhu"].id
    assert records.linked_items(record) == [sv.id]            # not the unit's own talk items
    assert web.get(f"/perform/records/{record.id}").status_code == 200
    # Not its lists, not its units, not the other pages.
    fr = item_of(street, "fr-talk-young")
    assert web.get(f"/perform/fill/talk?item={fr.id}").status_code == 403
    bureau_sv = item_of(plans_published["bureau"], "sv-quarterly-reminder")
    assert web.get(f"/perform/fill/talk?item={bureau_sv.id}").status_code == 404
    assert web.get("/perform/fill/talk").status_code == 404                       # which unit?
    for url in ("/perform/", "/admin/users/", "/admin/holders/", "/define/", "/units/",
                "/perform/overview", f"/perform/units/{street.unit_id}"):
        assert web.get(url).status_code == 403, url
    assert web.get("/dashboard").headers["Location"].endswith("/perform/todo/")


def _book_rows(page: str) -> set[int]:
    import re
    return {int(n) for n in re.findall(r'href="/perform/records/(\d+)"', page)}


def test_a_holder_reads_the_books_of_its_units_only(app, holders, people, plans_published, units):
    street, bureau = plans_published["street"], plans_published["bureau"]
    made = {}
    for key, plan, clerk in (("street", street, people["clerk"]), ("bureau", bureau, people["other"]),
                             ("gone", street, people["clerk"])):
        item = item_of(plan, "fr-talk-young")
        with audit.acting_as(clerk.id, clerk.username):
            made[key], errors = records.submit(user=clerk, unit=plan.unit, version=plan.pack_version,
                                               form_id="talk", plan_item=item, data=dict(TALK))
        assert not errors, errors
    with audit.acting_as(people["clerk"].id, "clerk"):
        records.delete_record(made["gone"], user=people["clerk"], reason="录错了")
    web = Client(app.test_client())
    web.login("paizhu")                                  # the street's 派驻组
    page = web.get("/perform/records").get_data(as_text=True)
    assert _book_rows(page) == {made["street"].id}       # not the bureau's, not the deleted one
    assert f'<option value="{units["bureau"].id}"' not in page and f'<option value="{units["street"].id}"' in page
    assert 'href="/perform/records"' in page and "履责记录本" in page      # in the holder's top bar
    assert _book_rows(web.get(f"/perform/records?unit={units['street'].id}").get_data(as_text=True)) \
        == {made["street"].id}
    assert web.get(f"/perform/records?unit={units['bureau'].id}").status_code == 403
    csv = web.get("/perform/records?export=csv").get_data(as_text=True)
    assert f"\n{made['street'].id}," in csv and f"\n{made['bureau'].id}," not in csv
    assert web.get(f"/perform/records?unit={units['street'].id}&view=print").status_code == 200
    assert web.get(f"/perform/records?unit={units['bureau'].id}&view=print").status_code == 403
    assert web.get(f"/perform/records/{made['bureau'].id}").status_code in (403, 404)
    web.logout()
    web.login("zuzhibu")                                 # 组织部: both units
    assert _book_rows(web.get("/perform/records").get_data(as_text=True)) == {made["street"].id, made["bureau"].id}


def test_a_holder_reads_the_calendars_of_its_units_only(app, holders, plans_published, units, monkeypatch):
    from service.perform import calendar_views
    monkeypatch.setattr(calendar_views, "today", lambda: dt.date(2022, 12, 10))
    street, bureau = units["street"], units["bureau"]
    web = Client(app.test_client())
    web.login("paizhu")                                   # the street's 派驻组
    page = web.get("/perform/calendar").get_data(as_text=True)
    assert street.name in page and "季度一提醒" in page          # its only unit, by default
    assert f'<option value="{bureau.id}"' not in page and "/perform/fill/" not in page   # read-only
    assert 'id="feed"' not in page and 'href="/perform/calendar"' in page
    assert web.get(f"/perform/calendar?unit={street.id}&month=2022-11").status_code == 200
    assert web.get(f"/perform/calendar?unit={bureau.id}").status_code == 403
    csv = web.get(f"/perform/calendar?unit={street.id}&month=2022-12&export=csv").get_data(as_text=True)
    assert "季度一提醒" in csv
    web.logout()
    web.login("zuzhibu")                                  # 组织部: both units to choose from
    page = web.get(f"/perform/calendar?unit={bureau.id}").get_data(as_text=True)
    assert f'<option value="{street.id}"' in page and f'<option value="{bureau.id}" selected' in page


def test_the_clerk_sees_others_items_read_only_and_is_refused_them(app, holders, people, plans_published):
    street = plans_published["street"]
    sv, fr = item_of(street, "sv-quarterly-reminder"), item_of(street, "fr-talk-young")
    paizhu = Client(app.test_client())
    paizhu.login("paizhu")
    assert _post_talk(paizhu, sv.id).status_code == 302
    theirs = Record.select().order_by(Record.id.desc()).first()
    clerk = Client(app.test_client())
    clerk.login("clerk")
    page = clerk.get("/perform/").get_data(as_text=True)
    assert "由区纪委监委第一派驻纪检监察组记录" in page and "由区委组织部记录" in page
    row = next(line for line in page.splitlines() if 'data-item="sv-quarterly-reminder"' in line)
    block = page[page.index(row):page.index("</tr>", page.index(row))]
    assert "perform/fill" not in block and "由区纪委监委第一派驻纪检监察组记录" in block and "status-" in block
    assert f"/perform/fill/talk?item={fr.id}" in page
    refused = clerk.get(f"/perform/fill/talk?item={sv.id}")
    assert refused.status_code == 403 and "此事项由区纪委监委第一派驻纪检监察组记录" in refused.get_data(as_text=True)
    assert _post_talk(clerk, sv.id).status_code == 403
    # The holder's record: shown, not changeable.
    shown = clerk.get(f"/perform/records/{theirs.id}").get_data(as_text=True)
    assert "由区纪委监委第一派驻纪检监察组记录" in shown and f"/perform/records/{theirs.id}/edit" not in shown
    token = clerk.csrf_token()
    assert clerk.raw.get(f"/perform/records/{theirs.id}/edit").status_code == 403
    assert clerk.raw.post(f"/perform/records/{theirs.id}/delete",
                          data={"csrf_token": token, "__reason": "x", "__revision": "1"}).status_code == 403
    # A talk the clerk records without an item does not count for the group's item.
    assert _post_talk(clerk, fr.id).status_code == 302
    own = Record.select().order_by(Record.id.desc()).first()
    assert sv.id not in records.linked_items(own) and fr.id in records.linked_items(own)
    # Without a group set, the pack's supervisor text says who records it.
    from service.holders.models import HolderBody
    with audit.acting_as(None, "test"):
        audit.update(HolderBody.get(HolderBody.name == "区纪委监委第一派驻纪检监察组"), active=False)
    assert "由区纪委监委记录" in clerk.get("/perform/").get_data(as_text=True)


def _api(app, user):
    _token, secret = tokens.issue(user, name="t", scope="write")
    return ApiClient(app.test_client(), secret)


def test_the_api_refuses_the_clerk_others_items_and_lets_the_holder_record(app, holders, people, plans_published):
    street = plans_published["street"]
    sv = item_of(street, "sv-quarterly-reminder")
    clerk = _api(app, people["clerk"])
    refused = clerk.post("/api/v1/records", json={"form_id": "talk", "plan_item_id": sv.id, "data": TALK})
    assert refused.status_code == 403 and "派驻纪检监察组记录" in refused.get_json()["detail"]
    linked = clerk.post("/api/v1/records", json={"form_id": "talk", "data": TALK, "plan_item_ids": [sv.id]})
    assert linked.status_code == 422 and linked.get_json()["errors"][0]["pointer"] == "/plan_item_ids"
    holder = _api(app, holders["paizhu"])
    made = holder.post("/api/v1/records", json={"form_id": "talk", "plan_item_id": sv.id, "data": TALK})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["unit_id"] == street.unit_id and body["plan_item_ids"] == [sv.id]
    assert holder.post("/api/v1/records", json={"form_id": "talk", "data": TALK}).status_code == 422
    fr = item_of(street, "fr-talk-young")
    assert holder.post("/api/v1/records", json={"form_id": "talk", "plan_item_id": fr.id,
                                                "data": TALK}).status_code == 403
    etag = clerk.get(f"/api/v1/records/{body['id']}").headers["ETag"]
    change = clerk.open("PUT", f"/api/v1/records/{body['id']}", headers={"If-Match": etag},
                        json={"reason": "越权修改", "data": dict(TALK, target_name="改")})
    assert change.status_code == 403 and "只能查看" in change.get_json()["detail"]
    gone = clerk.open("DELETE", f"/api/v1/records/{body['id']}", headers={"If-Match": etag}, json={"reason": "x"})
    assert gone.status_code == 403
    edit = holder.open("PUT", f"/api/v1/records/{body['id']}", headers={"If-Match": etag},
                       json={"reason": "补充内容", "data": dict(TALK, target_name="一把手")})
    assert edit.status_code == 200 and edit.get_json()["revision"] == 2
    # The holder lists its units' records only; other API resources are closed to it.
    listed = holder.get("/api/v1/records").get_json()
    assert listed["total"] >= 1 and {r["unit_id"] for r in listed["items"]} == {street.unit_id}
    assert holder.get("/api/v1/units").status_code == 403
    assert holder.get(f"/api/v1/units/{plans_published['bureau'].unit_id}/status").status_code == 403


# --------------------------------------------------------------------------- admin

def test_admin_creates_a_body_with_its_units_audited_and_exported(app, admin_client, units):
    from service.audit.log import AuditEntry
    from service.holders.models import HolderBody
    token = admin_client.csrf_token()
    bad = admin_client.raw.post("/admin/holders/", data={"csrf_token": token, "name": "区委宣传部", "kind": "department"})
    assert bad.status_code == 422 and "部门代码" in bad.get_data(as_text=True)
    made = admin_client.raw.post("/admin/holders/", data={
        "csrf_token": token, "name": "区委宣传部", "kind": "department", "department": "publicity",
        "units": [str(units["street"].id), str(units["soe"].id)]})
    assert made.status_code == 302
    body = HolderBody.get(HolderBody.name == "区委宣传部")
    assert body.unit_ids() == {units["street"].id, units["soe"].id}
    changed = admin_client.raw.post(f"/admin/holders/{body.id}", data={
        "csrf_token": token, "name": "区委宣传部", "kind": "department", "department": "publicity", "active": "1",
        "units": [str(units["street"].id)]})
    assert changed.status_code == 302 and body.unit_ids() == {units["street"].id}
    entries = list(AuditEntry.select().where(AuditEntry.object_type == "holder_body").order_by(AuditEntry.id))
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert json.loads(json.dumps(entries[-1].after))["units"] == ["J02"]
    csv = admin_client.get("/admin/holders/?export=csv").get_data(as_text=True)
    assert "区委宣传部" in csv and "临江街道" in csv
    # An account of the body.
    user = admin_client.raw.post("/admin/users/", data={"csrf_token": token, "username": "xcb", "display_name": "宣传部",
                                                        "role": "holder", "password": "long-enough-1"})
    assert user.status_code == 422 and "所属监督单位" in user.get_data(as_text=True)
    user = admin_client.raw.post("/admin/users/", data={"csrf_token": token, "username": "xcb", "display_name": "宣传部",
                                                        "role": "holder", "holder_body": str(body.id),
                                                        "password": "long-enough-1"})
    assert user.status_code == 302
    from service.auth.models import User
    assert User.get(User.username == "xcb").can_see_unit(units["street"].id)


def test_the_clerk_reads_every_body_that_records_a_list_for_the_unit(bodies, units, version):
    from service.holders.admin import set_scope
    from service.holders.models import HolderBody
    with audit.acting_as(None, "test"):
        set_scope(bodies["bureau_group"], [units["bureau"].id, units["street"].id])
    others = recording.others_lists(version.pack(), units["street"].id)
    assert others["supervision"] == "区纪委监委第一派驻纪检监察组、区纪委监委第二派驻纪检监察组"
    assert others["functional-supervision"] == "区委组织部"
    with audit.acting_as(None, "test"):
        audit.update(HolderBody.get_by_id(bodies["group"].id), active=False)
    assert recording.others_lists(version.pack(), units["street"].id)["supervision"] == "区纪委监委第二派驻纪检监察组"
