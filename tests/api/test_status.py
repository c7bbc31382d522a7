"""/api/v1/units/{id}/status and `dutyloop status`: the engine's objects, the same in both."""
from __future__ import annotations

import json

from service import audit
from service.define import plans
from tests.api.conftest import TALK


def _inspection(api, date="2022-04-02"):
    response = api.post("/api/v1/records", json={"form_id": "inspection", "data": {
        "date": date, "area": "资金使用", "target_unit": "办公室", "target_unit_kind": "内设科室", "matter": "报销",
        "problems": []}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_unit_reads_its_status_with_the_records_that_counted(api, units):
    clerk = api("clerk")
    record_id = _inspection(clerk)
    response = clerk.get(f"/api/v1/units/{units['street'].id}/status",
                         query_string={"period": "2022Q2", "as_of": "2022-06-15", "per_page": 200})
    assert response.status_code == 200, response.get_json()
    assert response.headers.get("ETag")
    body = response.get_json()
    by_item = {s["item_id"]: s for s in body["items"]}
    assert body["total"] == len(body["items"]) > 20
    quarterly = by_item["fr-check-quarterly"]
    assert {k: quarterly[k] for k in ("status", "colour", "count", "target", "due", "window")} == \
        {"status": "done", "colour": "green", "count": 1, "target": 1, "due": "2022-06-30", "window": "2022Q2"}
    assert quarterly["records"] == [{"id": record_id, "form_id": "inspection", "date": "2022-04-02"}]
    assert "完成" in quarterly["explanation"]
    young = by_item["fr-talk-young"]
    assert (young["status"], young["colour"], young["count"], young["target"]) == ("not_due", "blue", 0, 2)


def test_the_api_and_the_cli_give_the_same_objects(app, api, units):
    clerk = api("clerk")
    _inspection(clerk)
    clerk.post("/api/v1/records", json={"form_id": "talk", "data": dict(TALK, target_roles=["年轻干部"])})
    staff = api("inspector", "read")
    api_items = staff.get(f"/api/v1/units/{units['street'].id}/status",
                          query_string={"period": "2022H1", "as_of": "2022-06-15", "per_page": 200}).get_json()["items"]
    result = app.test_cli_runner().invoke(args=["status", "J02", "--period", "2022H1", "--as-of", "2022-06-15", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == api_items
    text = app.test_cli_runner().invoke(args=["status", "J02", "--period", "2022H1", "--as-of", "2022-06-15"])
    assert text.exit_code == 0 and "临江街道" in text.output and "fr-talk-young" in text.output
    assert "2022年上半年" in text.output and "部分完成" in text.output


def test_the_cli_refuses_bad_input_with_a_message(app, api, units):
    runner = app.test_cli_runner()
    for args, message in ((["status", "NOPE", "--period", "2022"], "no unit"),
                          (["status", "J02", "--period", "2022Q5"], "not a period"),
                          (["status", "J02", "--period", "2022", "--as-of", "2022-13-01"], "not a date")):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, result.output


def test_disabled_items_are_shown_to_staff_only(api, units, plans_published):
    item = next(i for i in plans_published["street"].ordered_items() if i.item_id == "fr-check-quarterly")
    with audit.acting_as(None, "test"):
        plans.set_enabled(item, False, "不适用")
    url = f"/api/v1/units/{units['street'].id}/status"
    query = {"period": "2022", "as_of": "2022-06-15", "per_page": 200}
    unit_ids = {s["item_id"] for s in api("clerk").get(url, query_string=query).get_json()["items"]}
    staff = {s["item_id"]: s for s in api("admin").get(url, query_string=query).get_json()["items"]}
    assert "fr-check-quarterly" not in unit_ids
    assert staff["fr-check-quarterly"]["status"] == "not_applicable" and staff["fr-check-quarterly"]["colour"] is None


def test_bad_periods_and_dates_are_problems_at_their_query_pointers(api, units):
    url = f"/api/v1/units/{units['street'].id}/status"
    for query, pointer in (({"period": "2022Q5"}, "/period"), ({"period": ""}, "/period"),
                           ({"period": "1999"}, "/period"), ({"period": "2022", "as_of": "2022-02-30"}, "/as_of"),
                           ({"as_of": "1900-01-01"}, "/as_of"), ({"perod": "2022"}, "/perod")):
        response = api("clerk").get(url, query_string=query)
        assert response.status_code == 422, (query, response.status_code)
        problem = response.get_json()
        assert problem["type"] == "urn:dutyloop:problem:invalid"
        assert [(e["pointer"], e["in"]) for e in problem["errors"]] == [(pointer, "query")]


def test_the_period_defaults_to_the_quarter_of_the_as_of_date(api, units):
    body = api("clerk").get(f"/api/v1/units/{units['street'].id}/status",
                            query_string={"as_of": "2022-05-03", "per_page": 200}).get_json()
    assert body["items"] and {s["period"] for s in body["items"]} == {"2022Q2"}


def test_another_units_status_is_refused_before_its_arguments_are_read(api, units):
    for query in ({"period": "2022"}, {"period": "bad"}, {"nonsense": "1"}):
        response = api("clerk").get(f"/api/v1/units/{units['bureau'].id}/status", query_string=query)
        assert response.status_code == 403, query
    assert api("clerk").get("/api/v1/units/999999/status", query_string={"period": "2022"}).status_code in (403, 404)


def test_a_year_without_a_published_plan_is_an_empty_list(api, units):
    body = api("clerk").get(f"/api/v1/units/{units['street'].id}/status", query_string={"period": "2023"}).get_json()
    assert body["items"] == [] and body["total"] == 0


def test_the_calendar_lists_the_months_due_items_like_the_page(api, client, units):
    from service.perform import calendar
    import datetime as dt
    clerk = api("clerk")
    _inspection(clerk)
    street = units["street"]
    body = clerk.get(f"/api/v1/units/{street.id}/calendar", query_string={"month": "2022-06", "per_page": 200}).get_json()
    expected = [s.as_dict() for s in calendar.due_in_month(street.id, 2022, 6, dt.date.today())]
    keys = ("item_id", "plan_item_id", "status", "colour", "count", "target", "due", "window", "explanation")
    assert body["total"] == len(expected) > 0
    assert [{k: s[k] for k in keys} for s in body["items"]] == [{k: s[k] for k in keys} for s in expected]
    assert all(s["due"].startswith("2022-06") for s in body["items"])
    quarterly = next(s for s in body["items"] if s["item_id"] == "fr-check-quarterly")
    assert (quarterly["status"], quarterly["colour"]) == ("done", "green")
    assert clerk.get(f"/api/v1/units/{street.id}/calendar", query_string={"month": "2022-13"}).status_code == 422
    assert clerk.get(f"/api/v1/units/{units['bureau'].id}/calendar").status_code in (403, 404)


def test_records_are_searched_like_the_record_book(api, units):
    clerk = api("clerk")
    first = clerk.post("/api/v1/records", json={"form_id": "inspection", "data": {
        "date": "2022-04-02", "area": "资金使用", "target_unit": "办公室", "target_unit_kind": "内设科室",
        "matter": "差旅费报销抽查", "problems": []}}).get_json()["id"]
    clerk.post("/api/v1/records", json={"form_id": "inspection", "data": {
        "date": "2022-05-02", "area": "资金使用", "target_unit": "财务科", "target_unit_kind": "内设科室",
        "matter": "公务接待", "problems": []}})
    found = clerk.get("/api/v1/records", query_string={"q": "差旅费 抽查"}).get_json()
    assert [r["id"] for r in found["items"]] == [first] and found["total"] == 1
    assert clerk.get("/api/v1/records", query_string={"q": "报销"}).get_json()["total"] == 1   # two characters
    assert clerk.get("/api/v1/records", query_string={"q": "不存在的词"}).get_json()["total"] == 0
    refused = clerk.get("/api/v1/records", query_string={"q": "差 旅"})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["pointer"] == "/q"
