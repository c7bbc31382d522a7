"""The 履责记录本: filters, Chinese full-text search on both backends (through the index),
the XLSX export, the A4 print view and who may open which unit's book."""
from __future__ import annotations

import io

import peewee
import pytest
from openpyxl import load_workbook

from service import audit
from service.perform import book, records, search
from service.perform import status as status_engine
from service.perform.models import Record
from tests.conftest import Client

TALK = {"talk_type": "日常", "initiator_role": "主要负责人", "target_name": "班子成员甲", "target_roles": ["班子成员"],
        "reason": "岗位变动"}


def _talk(clerk_user, plan, item, date: str, problems: str, **extra):
    data = dict(TALK, date=date, content={"problems": problems, "requirements": "按期整改"}, **extra)
    with audit.acting_as(clerk_user.id, clerk_user.username):
        record, errors = records.submit(user=clerk_user, unit=plan.unit, version=plan.pack_version, form_id="talk",
                                        plan_item=item, data=data, items=[item.id])
    assert not errors, errors
    return record


@pytest.fixture
def shelf(make_user, units, unit_plan):
    """The street's clerk and three talks counted for items of two lists:
    April (first-responsible), May and June (dual-duty)."""
    clerk_user = make_user("clerk", "unit", unit=units["street"])
    talks = [i for i in unit_plan.ordered_items() if i.form == "talk" and i.enabled]
    first = next(i for i in talks if i.list_id == "first-responsible")
    dual = next(i for i in talks if i.list_id == "dual-duty")
    april = _talk(clerk_user, unit_plan, first, "2022-04-08", "指出年轻干部培养推进不够有力", place="三楼会议室")
    may = _talk(clerk_user, unit_plan, dual, "2022-05-10", "强调党风廉政建设的要求")
    june = _talk(clerk_user, unit_plan, dual, "2022-06-20", "提醒节前廉洁自律", place="社区服务中心")
    return {"clerk": clerk_user, "first": first, "dual": dual, "april": april, "may": may, "june": june}


def _ids(filters: dict, unit_id=None, include_deleted=False) -> list[int]:
    class Args(dict):
        get = dict.get
    found = book.Filters.parse(Args(filters), unit_id)
    assert not found.errors, found.errors
    return [r.id for r in book.records(found, include_deleted=include_deleted)]


def test_the_book_filters_by_period_dates_list_category_form_and_item(shelf, units):
    april, may, june = shelf["april"].id, shelf["may"].id, shelf["june"].id
    street = units["street"].id
    assert _ids({}, street) == [june, may, april]  # newest first
    assert _ids({"period": "2022Q2"}, street) == [june, may, april]
    assert _ids({"period": "2022-05"}, street) == [may]
    assert _ids({"period": "2022Q1"}, street) == []
    assert _ids({"from": "2022-05-01", "to": "2022-06-30"}, street) == [june, may]
    assert _ids({"period": "2022Q2", "to": "2022-05-31"}, street) == [may, april]
    assert _ids({"list": "first-responsible"}, street) == [april]
    assert _ids({"list": "dual-duty"}, street) == [june, may]
    assert _ids({"category": shelf["dual"].category_id}, street) == [june, may]
    assert _ids({"item": str(shelf["first"].id)}, street) == [april]
    assert _ids({"form": "talk"}, street) == [june, may, april]
    assert _ids({"form": "meeting"}, street) == []
    assert _ids({}, units["bureau"].id) == []


def test_bad_filters_are_refused_next_to_their_field(shelf, client):
    assert client.login("clerk").status_code == 302
    response = client.get("/perform/records?period=2022Q5&from=2022-13-01&q=党")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="e-period">期间应写作 2022、2022H1、2022Q2 或 2022-05<' in page
    assert 'id="e-from">日期应写作 2022-05-10<' in page
    assert 'id="e-q">请输入至少 2 个字（每个词）<' in page
    assert "共 0 条" in page
    assert client.get("/perform/records?period=2022Q5&export=xlsx").status_code == 422
    assert client.get("/perform/records?to=2022-01-01&from=2022-02-01&view=print").status_code == 422


@pytest.mark.parametrize("query, expected", [
    ("党风", ["may"]),                 # two characters: the pairs index
    ("年轻", ["april"]),
    ("廉政建", ["may"]),               # three: trigrams
    ("年轻干部", ["april"]),           # four
    ("廉洁自律", ["june"]),
    ("社区服务中心", ["june"]),
    ("谈心谈话", ["june", "may", "april"]),  # the form's title
    ("按期 节前", ["june"]),           # every word must match
    ("会议室 年轻", ["april"]),
    ("风廉政建设要求", []),             # not a substring
    ("干培", []),                       # two characters that never stand together
])
def test_chinese_words_of_two_to_four_characters_find_the_records_that_hold_them(shelf, units, query, expected):
    assert _ids({"q": query}, units["street"].id) == [shelf[name].id for name in expected]


def test_edits_and_soft_deletes_update_what_a_search_finds(shelf, units):
    street, clerk_user, may = units["street"].id, shelf["clerk"], shelf["may"]
    with audit.acting_as(clerk_user.id, "clerk"):
        revision, errors = records.revise(may, user=clerk_user, data=dict(may.data, content={
            "problems": "督促巡察整改落实", "requirements": "按期整改"}), items=None, reason="改正内容")
    assert revision and not errors
    assert _ids({"q": "党风"}, street) == []
    assert _ids({"q": "巡察"}, street) == [may.id]
    assert _ids({"q": "巡察整改"}, street) == [may.id]
    with audit.acting_as(clerk_user.id, "clerk"):
        assert records.delete_record(may, user=clerk_user, reason="重复录入") == []
    assert _ids({"q": "巡察"}, street) == []                            # a unit never finds it again
    assert _ids({"q": "巡察"}, street, include_deleted=True) == [may.id]  # inspectors still do, marked deleted


def test_records_bulk_loaded_are_indexed_after_reindex(shelf, units, unit_plan):
    # A bulk load that bypasses records.submit (like the demo's) is searchable once reindexed.
    raw = Record.create(unit=units["street"], pack_version=unit_plan.pack_version, form_id="talk",
                        record_date="2022-05-01", data=dict(TALK, date="2022-05-01", place="城东片区网格站"),
                        created_by=shelf["clerk"])
    assert _ids({"q": "网格站"}, units["street"].id) == []
    assert search.reindex([raw.id]) == 1
    assert _ids({"q": "网格站"}, units["street"].id) == [raw.id]
    assert _ids({"q": "网格"}, units["street"].id) == [raw.id]


def _plan_text(db, query) -> str:
    sql, params = query.sql()
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        with db.atomic():
            db.execute_sql("SET LOCAL enable_seqscan = off")
            return "\n".join(row[0] for row in db.execute_sql("EXPLAIN " + sql, params).fetchall())
    return "\n".join(str(row[-1]) for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())


@pytest.mark.parametrize("query, pg_index", [("廉政建设", "record_search_text_trgm"), ("党风", "record_search_pairs_trgm")])
def test_a_search_is_answered_from_the_index_not_by_reading_every_record(shelf, units, db, query, pg_index):
    class Args(dict):
        get = dict.get
    filters = book.Filters.parse(Args({"q": query}), units["street"].id)
    plan = _plan_text(db, book.records(filters, include_deleted=False))
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        assert pg_index in plan, plan
    else:
        assert "record_search VIRTUAL TABLE INDEX" in plan, plan


def test_pg_trgm_sees_chinese_characters_as_word_characters(db):
    """pg_trgm skips characters the database's ctype does not call letters: under LC_CTYPE=C
    Chinese text gives no trigrams at all (docs/perform.md says which locale to use)."""
    if not isinstance(db.obj, peewee.PostgresqlDatabase):
        pytest.skip("PostgreSQL only")
    schema = db.execute_sql("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                            " WHERE e.extname = 'pg_trgm'").fetchone()[0]
    trigrams = db.execute_sql(f'SELECT "{schema}".show_trgm(%s)', ("谈心谈话",)).fetchone()[0]
    assert len(trigrams) >= 3


def test_the_timeline_shows_each_record_with_the_items_it_counts_for(shelf, client):
    assert client.login("clerk").status_code == 302
    page = client.get("/perform/records?q=年轻干部").get_data(as_text=True)
    assert "共 1 条" in page and "2022年4月" in page and shelf["first"].text[:20] in page
    assert f'/perform/records/{shelf["april"].id}"' in page and f'/perform/records/{shelf["may"].id}"' not in page
    fragment = client.get("/perform/records?list=dual-duty", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "共 2 条" in fragment and 'name="q"' in fragment


def test_the_xlsx_export_holds_the_filtered_book_with_items_and_contents(shelf, client, units):
    assert client.login("clerk").status_code == 302
    response = client.get("/perform/records?export=xlsx&period=2022Q2&list=dual-duty")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("#", "单位", "日期", "表单", "计入的事项", "内容", "填报时间", "规则包版本", "版本", "删除原因")
    assert [r[0] for r in rows[1:]] == [shelf["june"].id, shelf["may"].id]
    june = rows[1]
    assert june[1] == units["street"].name and june[2] == "2022-06-20" and june[3] == "谈心谈话记录"
    assert shelf["dual"].text in june[4] and "提醒节前廉洁自律" in june[5] and "社区服务中心" in june[5]


def test_the_print_view_opens_with_the_mind_map_and_the_month_table_of_the_status_engine(shelf, client, units,
                                                                                         unit_plan):
    assert client.login("clerk").status_code == 302
    response = client.get("/perform/records?view=print&period=2022Q2")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="a4 book"' in page and "print.css" in page
    assert page.index("主体责任清单导图") < page.index("履职月历") < page.index("提醒节前廉洁自律")
    main_body = [i for i in unit_plan.ordered_items() if i.list_id == "main-body" and i.enabled]
    assert main_body and all(i.text in page for i in main_body)
    other_list = next(i for i in unit_plan.ordered_items() if i.list_id == "supervision" and i.enabled)
    assert other_list.text not in page.split("履职月历")[0]  # the map is the 主体责任 list only
    as_of = book.as_of_for("2022Q2", __import__("datetime").date.today())
    months = book.month_table(units["street"].id, "2022Q2", as_of)
    assert [m for m, _ in months] == ["2022-04", "2022-05", "2022-06"]
    june = dict(months)["2022-06"]
    assert june and all(s.due.startswith("2022-06") for s in june)
    engine = {s.plan_item_id: s for s in status_engine.unit_status(units["street"].id, "2022-06", as_of,
                                                                  include_disabled=False)}
    for s in june:  # the table shows exactly what the status engine says
        assert engine[s.plan_item_id].status == s.status and engine[s.plan_item_id].count == s.count
        assert s.text in page
    assert "2022年6月" in page and "完成" in page


def test_staff_open_any_units_book_read_only_and_a_clerk_only_their_own(shelf, client, make_user, units, app,
                                                                        unit_plan):
    bureau_clerk = make_user("bureau-clerk", "unit", unit=units["bureau"])
    from service.define import plans
    plan, _ = plans.generate_plan(units["bureau"], 2022, unit_plan.pack_version)
    plans.publish_plan(plan)
    item = next(i for i in plan.ordered_items() if i.form == "talk" and i.enabled)
    secret = _talk(bureau_clerk, plan, item, "2022-05-11", "机密谈话内容甲乙丙")

    assert client.login("clerk").status_code == 302
    for url in (f"/perform/records?unit={units['bureau'].id}&q=机密谈话",
                f"/perform/records?unit={units['bureau'].id}&view=print",
                f"/perform/records?unit={units['bureau'].id}&export=csv"):
        body = client.get(url).data.decode("utf-8-sig")
        assert "机密谈话内容" not in body and units["bureau"].name not in body, url

    make_user("insp", "inspector")
    staff = Client(app.test_client())
    assert staff.login("insp").status_code == 302
    page = staff.get(f"/perform/records?unit={units['bureau'].id}&q=机密谈话").get_data(as_text=True)
    assert "共 1 条" in page and f'/perform/records/{secret.id}"' in page and "只读查看" in page
    printed = staff.get(f"/perform/records?unit={units['bureau'].id}&view=print&period=2022").get_data(as_text=True)
    assert "机密谈话内容甲乙丙" in printed and units["bureau"].name in printed
    assert staff.get("/perform/records?view=print").status_code == 422  # which unit's book?
    assert staff.get("/perform/records?unit=999999").status_code == 404
    record_page = staff.get(f"/perform/records/{secret.id}").get_data(as_text=True)
    assert f"/perform/records/{secret.id}/edit" not in record_page
