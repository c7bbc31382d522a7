"""Plan pages: generation, htmx tuning, publishing, the unit's own view."""
import io

import pytest

from openpyxl import load_workbook

from service.define import plans
from service.define.models import Plan, PlanItem


def test_admin_generates_and_publishes_from_the_overview(admin_client, version, units):
    page = admin_client.get("/define/?year=2022").get_data(as_text=True)
    assert "未生成 4" in page and "生成 2022 年度清单" in page
    response = admin_client.post("/define/plans/generate", {"year": "2022"}, follow_redirects=True)
    assert "已为 4 个单位生成 2022 年度清单" in response.get_data(as_text=True)
    assert Plan.select().where(Plan.year == 2022).count() == 4
    admin_client.post("/define/plans/publish-all", {"year": "2022"})
    assert Plan.select().where(Plan.status == "published").count() == 4


def test_generate_without_a_published_pack_is_a_clear_error(admin_client, units):
    response = admin_client.post("/define/plans/generate", {"year": "2022"})
    assert response.status_code == 409 and "尚未发布规则包" in response.get_data(as_text=True)


def test_htmx_tuning_returns_the_row_and_the_revision_badge(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    response = admin_client.post(f"/define/plans/{plan.id}/items/{item.id}/target", {"min_count": "5"}, htmx=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="item-{item.id}"' in text and 'value="5"' in text
    assert 'id="plan-revision" hx-swap-oob="true"' in text and "第 2 次修订" in text
    assert "<html" not in text


def test_htmx_bad_input_shows_the_message_in_the_row(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    response = admin_client.post(f"/define/plans/{plan.id}/items/{item.id}/enabled", {"enabled": "0", "reason": ""}, htmx=True)
    assert response.status_code == 422 and "停用事项须填写原因" in response.get_data(as_text=True)
    assert PlanItem.get_by_id(item.id).enabled


def test_without_javascript_tuning_redirects_back(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    response = admin_client.post(f"/define/plans/{plan.id}/items/{item.id}/enabled", {"enabled": "0", "reason": "不适用"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#item-{item.id}")
    assert PlanItem.get_by_id(item.id).disabled_reason == "不适用"


def test_inspectors_cannot_tune(client, make_user, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    make_user("insp", "inspector")
    client.login("insp")
    assert client.get(f"/define/plans/{plan.id}").status_code == 200
    assert client.post(f"/define/plans/{plan.id}/items/{item.id}/target", {"min_count": "2"}).status_code == 403
    assert client.post(f"/define/plans/{plan.id}/publish").status_code == 403


def test_unit_user_sees_only_its_published_plan(client, make_user, version, units):
    own, _ = plans.generate_plan(units["street"], 2022, version)
    other, _ = plans.generate_plan(units["soe"], 2022, version)
    make_user("clerk", "unit", unit=units["street"])
    client.login("clerk")
    assert "尚未发布" in client.get("/define/?year=2022").get_data(as_text=True)
    assert client.get(f"/define/plans/{own.id}").status_code == 403  # draft: not yet visible
    plans.publish_plan(own)
    plans.publish_plan(other)
    response = client.get("/define/?year=2022")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/define/plans/{own.id}")
    page = client.get(f"/define/plans/{own.id}").get_data(as_text=True)
    assert "临江街道" in page and "停用原因" not in page  # read-only for the unit
    assert client.get(f"/define/plans/{other.id}").status_code == 403


def test_disabled_items_are_hidden_from_the_unit(client, make_user, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    plans.set_enabled(item, False, "不适用")
    plans.publish_plan(plan)
    make_user("clerk", "unit", unit=units["plain"])
    client.login("clerk")
    assert item.text not in client.get(f"/define/plans/{plan.id}").get_data(as_text=True)


def test_mind_map_and_print_card(admin_client, version, units):
    plan, _ = plans.generate_plan(units["bureau"], 2022, version)
    mind_map = admin_client.get(f"/define/plans/{plan.id}?view=map").get_data(as_text=True)
    assert 'class="node root"' in mind_map and "第一责任人" in mind_map
    card = admin_client.get(f"/define/plans/{plan.id}?view=print").get_data(as_text=True)
    assert "年度履责清单" in card and "print.css" in card


def test_plan_and_overview_export(admin_client, version, units):
    plan, _ = plans.generate_plan(units["bureau"], 2022, version)
    response = admin_client.get(f"/define/plans/{plan.id}?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][:3] == ("清单", "类别", "事项")
    assert len(rows) - 1 == PlanItem.select().where(PlanItem.plan == plan).count()
    overview = admin_client.get("/define/?year=2022&export=csv").data.decode("utf-8-sig")
    assert "区综合行政执法局" in overview and "未生成" in overview


def test_revisions_page_shows_history_and_snapshot(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    plans.set_enabled(item, False, "本年度不开展")
    page = admin_client.get(f"/define/plans/{plan.id}/revisions?n=1").get_data(as_text=True)
    assert "本年度不开展" in page and "第 1 次修订时的清单" in page


def test_revisions_and_each_snapshot_export(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    plans.set_enabled(item, False, "本年度不开展")
    history = admin_client.get(f"/define/plans/{plan.id}/revisions?export=csv").data.decode("utf-8-sig").splitlines()
    assert history[0] == "修订,时间,操作人,变更说明" and len(history) == 3
    assert history[1].startswith("2,")
    then = admin_client.get(f"/define/plans/{plan.id}/revisions?n=1&export=csv").data.decode("utf-8-sig").splitlines()
    now = admin_client.get(f"/define/plans/{plan.id}/revisions?n=2&export=csv").data.decode("utf-8-sig").splitlines()
    assert then[0] == "事项,频次,目标次数,截止日期,状态,停用原因" and len(then) == len(plan.ordered_items()) + 1
    assert then[1].endswith(",启用,") and now[1].endswith(",停用,本年度不开展")


def test_pack_pages(admin_client, version):
    listing = admin_client.get("/define/packs").get_data(as_text=True)
    assert version.short_hash in listing and "已发布" in listing
    page = admin_client.get(f"/define/packs/{version.id}?list=first-responsible").get_data(as_text=True)
    assert "第一责任人" in page and "fr-first-topic" in page


def test_plan_errors_follow_the_ui_language(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    admin_client.post("/language/en")
    response = admin_client.post(f"/define/plans/{plan.id}/items/{item.id}/due", {"due_date": "2023-01-05"}, htmx=True)
    assert response.status_code == 422 and "The due date must lie in 2022" in response.get_data(as_text=True)
    with pytest.raises(plans.PlanError, match="截止日期应在 2022 年内"):  # the CLI and logs stay Chinese
        plans.set_due_date(item, "2023-01-05")


@pytest.fixture
def file_reads(monkeypatch):
    """How many SQL statements read pack_version.files (the whole pack as JSON)."""
    import peewee
    seen = []
    original = peewee.Database.execute_sql

    def counting(self, sql, params=None, *args, **kwargs):
        if "pack_version" in sql and '"files"' in sql:
            seen.append(sql)
        return original(self, sql, params, *args, **kwargs)
    monkeypatch.setattr(peewee.Database, "execute_sql", counting)
    return seen


def test_lists_do_not_load_whole_packs_per_row(admin_client, version, units, file_reads):
    plans.generate_plans(2022, version)
    version.pack()  # warm: versions are immutable, so their pack is cached by id
    file_reads.clear()
    assert admin_client.get("/define/?year=2022&export=xlsx").status_code == 200
    assert admin_client.get("/define/?year=2022").status_code == 200
    assert file_reads == []


@pytest.mark.parametrize("year", ["9" * 5000, "２０２２", "-1", "2022.0"])
def test_a_nonsense_year_falls_back_instead_of_failing(admin_client, version, units, year):
    assert admin_client.post("/define/plans/generate", {"year": year}).status_code in (302, 409)
    assert admin_client.get(f"/define/?year={year}").status_code == 200


def test_english_tells_the_switch_off_button_from_the_state(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    first, second = plan.ordered_items()[:2]
    plans.set_enabled(first, False, "本年度不开展")
    admin_client.post("/language/en")
    page = admin_client.get(f"/define/plans/{plan.id}").get_data(as_text=True)
    assert ">Disable</button>" in page and "Switched off" in page and ">Disabled</button>" not in page


@pytest.mark.parametrize("value", ["-5", "99999", "abc"])
def test_a_refused_target_says_why_next_to_the_box_and_shows_the_kept_value(admin_client, version, units, value):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    kept = item.min_count
    response = admin_client.post(f"/define/plans/{plan.id}/items/{item.id}/target", {"min_count": value}, htmx=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    # the message sits in the target cell, tied to the box, and names the value that stays saved
    assert f'aria-describedby="item-{item.id}-error"' in text and f'value="{kept}"' in text
    error = text.split(f'id="item-{item.id}-error">', 1)[1].split("</div>", 1)[0]
    assert "目标次数应" in error and f"未保存，仍为 {kept}" in error
    assert PlanItem.get_by_id(item.id).min_count == kept


def test_the_plan_target_box_does_not_let_the_browser_swallow_the_change(admin_client, version, units):
    # min/max on the box would make htmx refuse to send -5 at all (no message, nothing saved)
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    page = admin_client.get(f"/define/plans/{plan.id}").get_data(as_text=True)
    for kind in ("/target", "/due"):
        forms = [f for f in page.split("<form") if kind in f.split(">", 1)[0]]
        assert forms and all("novalidate" in f.split(">", 1)[0] for f in forms), kind


def test_a_refused_due_date_says_why_next_to_the_date(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    text = admin_client.post(f"/define/plans/{plan.id}/items/{item.id}/due", {"due_date": "2023-01-05"},
                             htmx=True).get_data(as_text=True)
    error = text.split(f'id="item-{item.id}-error">', 1)[1].split("</div>", 1)[0]
    assert "截止日期应在 2022 年内" in error and "未保存，仍为" in error


def test_without_javascript_a_refused_target_shows_the_page_with_the_message_in_the_row(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    item = plan.ordered_items()[0]
    response = admin_client.post(f"/define/plans/{plan.id}/items/{item.id}/target", {"min_count": "-5"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in text
    assert f'id="item-{item.id}-error"' in text and "目标次数应在 0 到 366 之间" in text
    assert 'class="flash' not in text


def test_add_custom_item_errors_appear_next_to_the_fields_of_the_form(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    before = PlanItem.select().where(PlanItem.plan == plan).count()
    data = {"text": "  ", "category": "first-responsible/nope", "frequency": "yearly", "min_count": "0",
            "due_date": "2023-01-01", "form": ""}
    response = admin_client.post(f"/define/plans/{plan.id}/items", data, htmx=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in text and 'id="add-item"' in text
    assert 'id="new-text-error"' in text and "请填写事项内容" in text
    assert 'id="new-category-error"' in text and 'id="new-min_count-error"' in text
    assert 'id="new-due_date-error"' in text and "截止日期应在 2022 年内" in text
    assert 'value="2023-01-01"' in text  # what was typed is kept
    assert PlanItem.select().where(PlanItem.plan == plan).count() == before
    # without JavaScript: the whole page, the errors in the form, nothing in the flash bar
    page = admin_client.post(f"/define/plans/{plan.id}/items", data)
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and 'id="new-text-error"' in body and 'class="flash' not in body


def test_add_custom_item_through_htmx_goes_to_the_new_item(admin_client, version, units):
    plan, _ = plans.generate_plan(units["plain"], 2022, version)
    category = plan.pack_version.pack().categories[0]
    response = admin_client.post(f"/define/plans/{plan.id}/items", {
        "text": "新增事项", "category": f"{category.list}/{category.id}", "frequency": "yearly", "min_count": "2"},
        htmx=True)
    item = PlanItem.get((PlanItem.plan == plan) & (PlanItem.custom == True))  # noqa: E712
    assert response.status_code == 204 and response.headers["HX-Redirect"].endswith(f"#item-{item.id}")
