"""The record pages: the items a record counts for, changing it with a reason, its
revisions side by side, deleting with a reason, and custom items marked done with a note."""
from __future__ import annotations

import io

from service import audit
from service.define import plans
from service.perform.models import Record, RecordRevision, StoredFile
from tests.perform.test_records import _talk_fields
from tests.perform.test_status import item_of


def _submit(clerk, **extra):
    response = clerk.post("/perform/fill/talk", _talk_fields(**extra))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return Record.select().order_by(Record.id.desc()).first()


def test_a_future_date_is_refused_next_to_the_field(clerk, unit_plan):
    response = clerk.post("/perform/fill/talk", _talk_fields(date="2030-05-10"))
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "记录日期不能晚于今天" in text
    assert Record.select().count() == 0


def test_the_record_page_lists_the_items_it_counts_for(clerk, unit_plan):
    record = _submit(clerk)
    page = clerk.get(f"/perform/records/{record.id}").get_data(as_text=True)
    assert "计入的事项" in page and item_of(unit_plan, "fr-talk-young").text in page
    assert "第 1 版" in page and "首次提交" in page and "修改" in page


def test_editing_needs_a_reason_and_makes_a_revision_shown_side_by_side(clerk, unit_plan):
    record = _submit(clerk)
    page = clerk.get(f"/perform/records/{record.id}/edit").get_data(as_text=True)
    assert 'value="班子成员甲"' in page and 'name="__reason"' in page and 'name="__items"' in page
    young = item_of(unit_plan, "fr-talk-young")
    fields = _talk_fields(target_name="青年干部乙", target_roles="年轻干部")
    fields.update({"__revision": "1", "__items_shown": "1", "__items": str(young.id)})
    refused = clerk.post(f"/perform/records/{record.id}/edit", fields)
    assert refused.status_code == 422 and "须填写修改原因" in refused.get_data(as_text=True)
    assert 'value="青年干部乙"' in refused.get_data(as_text=True)  # nothing typed is lost
    fields["__reason"] = "谈话对象填错"
    saved = clerk.post(f"/perform/records/{record.id}/edit", fields)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    fresh = Record.get_by_id(record.id)
    assert fresh.revision == 2 and fresh.data["target_name"] == "青年干部乙"
    assert RecordRevision.get(RecordRevision.number == 2).items == [young.id]
    side = clerk.get(f"/perform/records/{record.id}/revisions").get_data(as_text=True)
    assert "班子成员甲" in side and "青年干部乙" in side and "谈话对象填错" in side
    assert "第 1 版" in side and "第 2 版" in side and "有变化的内容" in side
    stale = clerk.post(f"/perform/records/{record.id}/edit", dict(fields, __reason="再改"))
    assert stale.status_code == 409  # it was revision 1 the form was opened on


def test_deleting_needs_a_reason_and_leaves_the_record_for_inspectors(clerk, unit_plan, client, make_user, app):
    record = _submit(clerk)
    refused = clerk.post(f"/perform/records/{record.id}/delete", {"__reason": " ", "__revision": "1"})
    assert refused.status_code == 422 and "删除记录须填写原因" in refused.get_data(as_text=True)
    assert clerk.post(f"/perform/records/{record.id}/delete", {"__reason": "重复录入", "__revision": "1"}).status_code == 302
    assert f'/perform/records/{record.id}"' not in clerk.get("/perform/records").get_data(as_text=True)
    assert clerk.get(f"/perform/records/{record.id}/edit").status_code == 409
    inspector = app.test_client()
    make_user("insp", "inspector")
    from tests.conftest import Client
    staff = Client(inspector)
    staff.login("insp")
    listing = staff.get("/perform/records").get_data(as_text=True)
    assert f'/perform/records/{record.id}"' in listing and "已删除" in listing
    page = staff.get(f"/perform/records/{record.id}").get_data(as_text=True)
    assert "重复录入" in page and "不计入完成情况" in page
    assert staff.get(f"/perform/records/{record.id}/edit").status_code == 403


def test_a_custom_item_without_a_form_is_marked_done_with_a_note_and_attachment(clerk, unit_plan):
    with audit.acting_as(None, "test"):
        custom = plans.add_custom_item(unit_plan, list_id="first-responsible", category_id="fr-talks",
                                       text="年内完成一次专题调研", frequency="yearly", min_count=1)
    page = clerk.get("/perform/").get_data(as_text=True)
    assert f"/perform/fill/_note?item={custom.id}" in page and "标记完成" in page
    assert clerk.get("/perform/fill/_note").status_code == 404  # a note belongs to a custom item
    form = clerk.get(f"/perform/fill/_note?item={custom.id}").get_data(as_text=True)
    assert "完成情况说明" in form and 'name="note"' in form
    response = clerk.post(f"/perform/fill/_note?item={custom.id}", {
        "date": "2022-06-01", "note": "赴三个村社开展调研，形成报告",
        "attachments": (io.BytesIO(b"%PDF-1.4 report"), "调研报告.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    record = Record.get(Record.form_id == "_note")
    assert StoredFile.get_by_id(record.data["attachments"][0]["id"]).kept
    from service.perform import status
    import datetime as dt
    done = next(s for s in status.unit_status(unit_plan.unit_id, "2022", dt.date(2022, 12, 31))
                if s.plan_item_id == custom.id)
    assert (done.status, done.colour, done.count) == ("done", "green", 1)
    view = clerk.get(f"/perform/records/{record.id}").get_data(as_text=True)
    assert "赴三个村社开展调研" in view and "年内完成一次专题调研" in view


def test_the_clerk_adjusts_the_items_when_filling(clerk, unit_plan):
    young = item_of(unit_plan, "fr-talk-young")
    team = item_of(unit_plan, "fr-talk-team")
    page = clerk.get(f"/perform/fill/talk?item={young.id}").get_data(as_text=True)
    assert "计入的事项" in page and f'value="{team.id}" checked' in page and f'value="{young.id}" checked' in page
    assert 'name="__items"' in page and item_of(unit_plan, "fr-check-quarterly").text not in page
    fields = _talk_fields(target_roles="年轻干部")
    fields.update({"__items_shown": "1", "__items": str(young.id)})
    response = clerk.post(f"/perform/fill/talk?item={young.id}", fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    from service.perform import records
    assert records.linked_items(Record.get()) == [young.id]


def test_the_unit_page_lists_this_periods_open_items_overdue_first_with_progress(clerk, unit_plan):
    page = clerk.get("/perform/").get_data(as_text=True)
    todo = page.split('class="todo"')[1].split("</table>")[0]
    rows = [chunk.split('"')[0] for chunk in todo.split('data-todo="')[1:]]
    # As of 2022-12-31 (the plan's year is over): 03-31 items are red and come first.
    assert rows.index("fr-risk-review") < rows.index("fr-check-quarterly")
    assert "status-red" in todo.split('data-todo="fr-risk-review"')[1].split("</tr>")[0]
    assert f'/perform/fill/inspection?item={item_of(unit_plan, "fr-check-quarterly").id}' in todo
    assert "fr-check-rectify" not in rows  # done (nothing violated)
    assert "各清单完成情况" in page and "第一责任人责任清单" in page and "<progress" in page
