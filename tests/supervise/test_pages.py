"""督责 pages: the start form (errors next to the fields), the runs list, a run's progress fragment,
results by unit with colours and explanations, exports, comparison."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from service.supervise.models import CheckRun
from service.tasks import jobs


def _start(client, **form):
    form.setdefault("kind", "year-end")
    form.setdefault("period", "2022")
    return client.post("/supervise/runs", data=form)


def test_start_a_run_follow_it_and_read_a_units_results(admin_client, unit_plans, units, record):
    record("street", "talk", "2022-02-10", target_roles=["年轻干部"])
    form = admin_client.get("/supervise/runs/new")
    assert form.status_code == 200 and "年底检查" in form.get_data(as_text=True)
    response = _start(admin_client, units="J02, Q08")
    assert response.status_code == 303
    run = CheckRun.get()
    assert response.headers["Location"].endswith(f"/supervise/runs/{run.id}")
    page = admin_client.get(f"/supervise/runs/{run.id}").get_data(as_text=True)
    assert "排队中" in page and 'hx-trigger="every 2s"' in page
    fragment = admin_client.get(f"/supervise/runs/{run.id}?part=progress", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and "run-progress" in fragment.get_data(as_text=True)
    assert "HX-Refresh" not in fragment.headers

    jobs.run_job(run.job_id)
    fragment = admin_client.get(f"/supervise/runs/{run.id}?part=progress", headers={"HX-Request": "true"})
    assert fragment.headers["HX-Refresh"] == "true"  # done: the page reloads with the results
    page = admin_client.get(f"/supervise/runs/{run.id}").get_data(as_text=True)
    assert "检查完成" in page and "every 2s" not in page and "临江街道" in page and "区综合行政执法局" in page

    unit_page = admin_client.get(f"/supervise/runs/{run.id}/units/{units['street'].id}").get_data(as_text=True)
    assert "经常性与年轻干部开展谈心谈话" in unit_page and "还差 3 次" in unit_page and "c-red" in unit_page
    only_missing = admin_client.get(f"/supervise/runs/{run.id}/units/{units['street'].id}?status=missing")
    assert "还差 3 次" not in only_missing.get_data(as_text=True)  # that one is partial

    xlsx = admin_client.get(f"/supervise/runs/{run.id}?export=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.values)
    assert rows[0][0] == "单位编码" and len(rows) - 1 == run.job.__class__.get_by_id(run.job_id).result["results"]
    assert any(row[0] == "J02" and "还差 3 次" in row[11] for row in rows[1:])

    listing = admin_client.get("/supervise/").get_data(as_text=True)
    assert f"#{run.id}" in listing and "已完成" in listing
    assert admin_client.get("/supervise/?export=csv").status_code == 200


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_started(admin_client, unit_plans):
    for form, field, message in [({"period": "2022Q2"}, "e-period", "年底检查的期间须为全年"),
                                 ({"as_of": "2022-13-40"}, "e-as_of", "日期格式不正确"),
                                 ({"units": "J02, NOPE"}, "e-units", "NOPE"),
                                 ({"kind": "weekly"}, "e-kind", "检查类型须为")]:
        response = _start(admin_client, **form)
        text = response.get_data(as_text=True)
        assert response.status_code == 422 and f'id="{field}"' in text and message in text, form
    assert CheckRun.select().count() == 0


def test_unfinished_runs_export_nothing_and_compare_shows_changes(admin_client, unit_plans, units, record):
    _start(admin_client, units="J02")
    first = CheckRun.get()
    assert admin_client.get(f"/supervise/runs/{first.id}?export=xlsx").status_code == 409
    jobs.run_job(first.job_id)
    new = record("street", "inspection", "2022-05-01")
    _start(admin_client, units="J02")
    second = CheckRun.select().order_by(CheckRun.id.desc()).get()
    jobs.run_job(second.job_id)
    page = admin_client.get(f"/supervise/runs/{second.id}/compare?other={first.id}").get_data(as_text=True)
    assert f"新计入记录 #{new.id}" in page and "每季度至少对1个责任部门开展监督检查" in page


def test_units_do_not_reach_runs(client, make_user, unit_plans, units):
    make_user("clerk", "unit", unit=units["street"])
    client.login("clerk")
    assert client.get("/supervise/").status_code == 200  # the stage's page
    assert client.get("/supervise/runs/new").status_code == 403
    assert _start(client).status_code == 403
