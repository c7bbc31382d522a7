"""The district overview (units × categories) and a unit's read-only dashboard for staff:
counts and colours against a hand-computed case, sorting, the unit-type filter, export,
bad input, and the unit boundary."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from service import audit
from service.define import plans
from service.define.models import PlanItem
from service.perform import overview, records
from service.perform.models import RecordItem

D = dt.date.fromisoformat
TALK = {"talk_type": "日常", "initiator_role": "主要负责人", "target_name": "甲", "target_roles": ["班子成员"],
        "reason": "岗位变动", "content": {"problems": "无", "requirements": "按期整改"}}


@pytest.fixture
def case(unit_plan, units, make_user):
    """The street's 2022 plan cut down to four items in two categories, as of 2022-06-27 over 2022Q2:

    category A: a1 quarterly, due 06-30, one record in May → done, 绿;
                a2 quarterly, due 06-30, no record → 3 days left → 黄.
    category B: b1 quarterly, due 06-20, no record → overdue → 红;
                b2 yearly, due 12-31, no record → 187 days left → no colour (not due).
    So A is 1/2 黄, B is 0/2 红 with one 红 item; the row is 1/4 with one 红.
    """
    by_category: dict[str, list[PlanItem]] = {}
    for item in unit_plan.ordered_items():
        by_category.setdefault(item.category_id, []).append(item)
    (cat_a, (a1, a2, *_)), (cat_b, (b1, b2, *_)) = [(c, l) for c, l in by_category.items() if len(l) >= 2][:2]
    PlanItem.update(enabled=False).where(PlanItem.plan == unit_plan).execute()
    for item, frequency, due in ((a1, "quarterly", "2022-06-30"), (a2, "quarterly", "2022-06-30"),
                                 (b1, "quarterly", "2022-06-20"), (b2, "yearly", "2022-12-31")):
        # Custom items are checked by their count alone, so the case does not depend on the pack's rules.
        PlanItem.update(enabled=True, custom=True, frequency=frequency, min_count=1, due=None,
                        due_date=D(due)).where(PlanItem.id == item.id).execute()
    clerk = make_user("clerk", "unit", unit=units["street"])
    with audit.acting_as(clerk.id, "clerk"):
        rec, errors = records.submit(user=clerk, unit=units["street"], version=unit_plan.pack_version,
                                     form_id="talk", plan_item=None, data=dict(TALK, date="2022-05-10"),
                                     today=D("2022-06-27"))
    assert not errors, errors
    RecordItem.delete().where(RecordItem.record == rec).execute()
    RecordItem.create(record=rec, plan_item=a1)
    return {"a": cat_a, "b": cat_b, "items": (a1, a2, b1, b2), "plan": unit_plan}


def _grid(units_list, period="2022Q2", as_of="2022-06-27"):
    return overview.district_overview(units_list, period, D(as_of))


def test_cells_count_done_of_total_with_the_worst_colour(case, units):
    grid = _grid([units["street"], units["bureau"]])
    street, bureau = grid.rows
    a, b = street.cells[case["a"]], street.cells[case["b"]]
    assert (a.done, a.total, a.colour, a.red) == (1, 2, "yellow", 0)
    assert (b.done, b.total, b.colour, b.red) == (0, 2, "red", 1)
    assert set(street.cells) == {case["a"], case["b"]}  # disabled items are not counted anywhere
    assert (street.done, street.total, street.red, street.has_plan) == (1, 4, 1, True)
    assert not bureau.has_plan and bureau.cells == {}
    # The columns are the pack's categories, in its order, whether or not a unit uses them.
    ids = [c.category_id for c in grid.columns]
    pack = case["plan"].pack_version.pack()
    assert set(ids) == {c.id for c in pack.categories} and ids.index(case["a"]) < ids.index(case["b"])
    assert sum(n for _, n in grid.list_spans()) == len(ids)


def test_the_colour_follows_the_as_of_date(case, units):
    early = _grid([units["street"]], as_of="2022-04-10").rows[0]
    assert early.cells[case["a"]].colour is None and early.cells[case["b"]].colour is None  # due later: no colour
    assert early.red == 0
    done_all = _grid([units["street"]], period="2022-05", as_of="2022-05-31").rows[0]
    # May alone: a1 is counted over its quarter (done), so category A is green only when a2 is done too.
    assert done_all.cells[case["a"]].done == 1


def test_a_cell_is_green_only_when_every_item_is_done():
    from service.perform.status import ItemStatus
    cell = overview.Cell("c")
    base = dict(unit_id=1, plan_item_id=1, item_id="i", list_id="l", category_id="c", text="", custom=False,
                period="2022Q2", window="2022Q2", window_start="", window_end="", as_of="", count=0, target=1,
                due=None, days_left=None)
    cell.add(ItemStatus(**base, status="done", colour="green"))
    assert cell.colour == "green"
    cell.add(ItemStatus(**base, status="not_due", colour=None))
    assert cell.colour is None
    cell.add(ItemStatus(**base, status="not_due", colour="blue"))
    cell.add(ItemStatus(**base, status="missing", colour="red"))
    cell.add(ItemStatus(**base, status="partial", colour="yellow"))
    assert (cell.colour, cell.done, cell.total, cell.red) == ("red", 1, 5, 1)


def test_sorting_by_code_name_and_red():
    rows = [overview.Row(1, "B2", "乙", "镇", red=0), overview.Row(2, "A1", "丙", "镇", red=3),
            overview.Row(3, "C3", "甲", "镇", red=3)]
    assert [r.code for r in overview.sort_rows(rows, "code", False)] == ["A1", "B2", "C3"]
    assert [r.code for r in overview.sort_rows(rows, "code", True)] == ["C3", "B2", "A1"]
    assert [r.name for r in overview.sort_rows(rows, "name", False)] == sorted(["乙", "丙", "甲"])
    assert [r.code for r in overview.sort_rows(rows, "red", True)] == ["A1", "C3", "B2"]  # ties by code
    assert [r.code for r in overview.sort_rows(rows, "red", False)] == ["B2", "A1", "C3"]


@pytest.fixture
def inspector(client, make_user):
    make_user("insp", "inspector")
    assert client.login("insp").status_code == 302
    return client


def _codes(html: str) -> list[str]:
    import re
    return re.findall(r'<tr data-unit="([^"]+)"', html)


def test_the_page_shows_the_grid_and_sorts_on_the_server(case, units, inspector):
    page = inspector.get("/perform/overview?period=2022Q2&as_of=2022-06-27")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert _codes(html) == ["G01", "J02", "Q08", "Q10"]  # by code
    assert f'data-category="{case["a"]}"><a class="cell status-yellow" data-colour="yellow"' in html
    assert ">1/2 黄</a>" in html and ">0/2 红</a>" in html and html.count("没有已发布的年度清单") == 3
    link = f'/perform/units/{units["street"].id}?category={case["b"]}&amp;period=2022Q2&amp;as_of=2022-06-27'
    assert link in html
    by_red = inspector.get("/perform/overview?period=2022Q2&as_of=2022-06-27&sort=red", headers={"HX-Request": "true"})
    fragment = by_red.get_data(as_text=True)
    assert "<html" not in fragment and _codes(fragment)[0] == "J02"  # the one unit with a 红 item first
    by_name = inspector.get("/perform/overview?period=2022Q2&as_of=2022-06-27&sort=name&order=desc")
    names = {"G01": "区城投集团", "J02": "临江街道", "Q08": "区综合行政执法局", "Q10": "区民政局"}
    assert _codes(by_name.get_data(as_text=True)) == sorted(names, key=names.get, reverse=True)


def test_the_unit_type_filter(case, inspector):
    html = inspector.get("/perform/overview?period=2022Q2&as_of=2022-06-27&type=街道").get_data(as_text=True)
    assert _codes(html) == ["J02"]


def test_the_grid_exports_as_csv_and_xlsx(case, inspector):
    response = inspector.get("/perform/overview?period=2022Q2&as_of=2022-06-27&sort=red&export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, first = rows[0], rows[1]
    assert header[:3] == ["单位编码", "单位", "单位类型"] and header[-2:] == ["完成/事项", "逾期（红）"]
    assert first[:3] == ["J02", "临江街道", "街道"] and first[-2:] == ["1/4", "1"]
    assert "1/2 黄" in first and "0/2 红" in first
    xlsx = inspector.get("/perform/overview?period=2022Q2&as_of=2022-06-27&export=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_bad_input_is_told_next_to_the_field(inspector):
    page = inspector.get("/perform/overview?period=2022Q9&as_of=2022-02-30")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="e-period"' in html and "期间格式不对" in html and 'id="e-as_of"' in html
    assert inspector.get("/perform/overview?period=2022Q2&as_of=9999-01-01").status_code == 422
    assert inspector.get("/perform/overview?sort=nonsense&order=sideways").status_code == 200


def test_units_get_403_for_the_overview(case, client, make_user, units):
    make_user("unitclerk", "unit", unit=units["bureau"])
    client.login("unitclerk")
    assert client.get("/perform/overview").status_code == 403
    assert client.get("/perform/overview?export=csv").status_code == 403
    # Another unit's dashboard: 403; its own: the read-only view.
    assert client.get(f"/perform/units/{units['street'].id}").status_code == 403
    assert client.get(f"/perform/units/{units['bureau'].id}").status_code == 200


def test_staff_see_a_units_dashboard_read_only_filtered_to_a_category(case, units, inspector):
    a1, a2, b1, b2 = case["items"]
    url = f"/perform/units/{units['street'].id}?category={case['b']}&period=2022Q2&as_of=2022-06-27"
    html = inspector.get(url).get_data(as_text=True)
    assert f'data-item="{b1.item_id}"' in html and f'data-item="{b2.item_id}"' in html
    assert f'data-item="{a1.item_id}"' not in html
    assert "/perform/fill/" not in html and "只读" in html  # nothing to fill from here
    assert html.index(f'data-item="{b1.item_id}"') < html.index(f'data-item="{b2.item_id}"')  # 红 first
    full = inspector.get(f"/perform/units/{units['street'].id}?period=2022Q2&as_of=2022-06-27").get_data(as_text=True)
    assert all(f'data-item="{i.item_id}"' in full for i in case["items"])
    export = inspector.get(url + "&export=csv").get_data(as_text=True)
    assert b1.text in export and a1.text not in export
    assert inspector.get(f"/perform/units/{units['bureau'].id}?period=2022Q2").status_code == 200
    assert inspector.get("/perform/units/999999").status_code == 404


def test_records_are_indexed_by_unit_and_date(db):
    """m0013: the batch reads a chunk of units' records between two dates through one index."""
    assert ("unit_id", "record_date") in {tuple(i.columns) for i in db.obj.get_indexes("record")}
    if db.obj.__class__.__name__.startswith("Sqlite"):
        plan = db.obj.execute_sql("EXPLAIN QUERY PLAN SELECT id FROM record WHERE unit_id IN (1, 2, 3) "
                                  "AND deleted_at IS NULL AND record_date >= '2022-04-01' "
                                  "AND record_date <= '2022-06-30'").fetchall()
        assert "record_unit_id_record_date" in str(plan)


def test_units_are_folded_chunk_by_chunk_with_the_same_result(case, units, monkeypatch):
    from service.perform import status
    whole = _grid([units["bureau"], units["street"], units["soe"]])
    monkeypatch.setattr(status, "CHUNK", 1)
    chunked = _grid([units["bureau"], units["street"], units["soe"]])
    assert [r.code for r in chunked.rows] == ["Q08", "J02", "G01"]
    assert [(r.code, r.cells, r.done, r.total, r.red) for r in chunked.rows] == \
        [(r.code, r.cells, r.done, r.total, r.red) for r in whole.rows]
