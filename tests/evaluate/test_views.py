"""The commission's 评责 pages: who may do what, clear refusals, exports and print."""
import io
import re

import pytest
from openpyxl import load_workbook

from service.evaluate import ballots, sessions
from service.evaluate.models import ReviewEvaluator, ReviewFollowUp, ReviewLeader, ReviewSession

from .conftest import voter

pytestmark = pytest.mark.db


def _closed(review):
    session, (bureau, street), (a, b, c) = review
    sessions.move(session, "open")
    for person, grades in ((a, ("好", "差")), (b, ("较好", "一般")), (c, ("好", "差"))):
        signed = voter(person)
        for leader, grade in zip((bureau, street), grades):
            ballots.save_ballot(signed, leader, {"overall": grade, "comment": f"{person.name}的点评"})
    sessions.move(session, "close")
    return session, bureau, street


def test_an_admin_sets_up_a_session_in_the_browser_forms(admin_client, version, two_units):
    page = admin_client.get("/evaluate/sessions/new").get_data(as_text=True)
    assert "好/较好/一般/差" in page and "满意度" in page
    response = admin_client.post("/evaluate/sessions/new", {"title": "评议会", "held_on": "2022-12-20",
                                                            "scale": "satisfaction", "anonymous": "named"})
    session = ReviewSession.get()
    assert response.status_code == 302 and (session.scale, session.anonymous) == ("satisfaction", False)
    url = f"/evaluate/sessions/{session.id}"
    admin_client.post(f"{url}/leaders", {"unit": two_units[0].id})
    admin_client.post(f"{url}/leaders", {"unit": two_units[1].id, "name": "代理人", "post": "副书记（主持工作）"})
    assert [(x.name, x.post) for x in session.ordered_leaders()] == [
        ("钟南屏", "党委书记、局长"), ("代理人", "副书记（主持工作）")]
    second = session.ordered_leaders()[1]
    admin_client.post(f"{url}/leaders/{second.id}/order", {"step": "up"})
    assert session.ordered_leaders()[0].id == second.id
    admin_client.post(f"{url}/evaluators", {"group": "commission", "names": "甲\n\n乙 \n"})
    assert [e.name for e in session.ordered_evaluators()] == ["甲", "乙"]
    admin_client.post(f"{url}/weights", {"weight-commission": "0.7", "weight-others": "0.3"})
    assert ReviewSession.get().weights == {"commission": 0.7, "others": 0.3}
    page = admin_client.get(url).get_data(as_text=True)
    assert "记名" in page and "满意度" in page and "<script>" not in page and " style=" not in page


@pytest.mark.parametrize("form, message", [
    ({"title": "", "held_on": "2022-12-20"}, "请填写评议会名称"),
    ({"title": "x", "held_on": "2022-13-45"}, "日期不是有效的日期"),
    ({"title": "x" * 201, "held_on": "2022-12-20"}, "不能超过 200 个字"),
    ({"title": "x", "held_on": "2022-12-20", "scale": "stars"}, "没有该评价等级"),
])
def test_bad_session_input_says_what_is_wrong(admin_client, version, form, message):
    response = admin_client.post("/evaluate/sessions/new", form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert not ReviewSession.select().exists()


def test_bad_setup_input_is_refused_with_a_message(admin_client, review):
    session, leaders, _people = review
    url = f"/evaluate/sessions/{session.id}"
    for path, form, message in ((f"{url}/weights", {"weight-commission": "abc", "weight-others": "0.4"}, "0 到 1"),
                                (f"{url}/weights", {"weight-commission": "0.9", "weight-others": "0.4"}, "之和应为 1"),
                                (f"{url}/leaders", {"unit": "999"}, "请选择单位"),
                                (f"{url}/evaluators", {"group": "guests", "names": "某"}, "不在规则包中"),
                                (f"{url}/move/close", {}, "不能进行此操作")):
        response = admin_client.post(path, form)
        assert response.status_code in (409, 422) and message in response.get_data(as_text=True), path
    sessions.move(session, "open")
    response = admin_client.post(f"{url}/leaders/{leaders[0].id}/remove")
    assert response.status_code == 409 and "评议已开始" in response.get_data(as_text=True)


def test_who_may_do_what(client, make_user, review):
    session, (bureau, _street), _people = review
    make_user("inspector", "inspector")
    client.login("inspector")
    assert client.get(f"/evaluate/sessions/{session.id}").status_code == 200
    assert client.get("/evaluate/sessions/new").status_code == 403
    assert client.post(f"/evaluate/sessions/{session.id}/links").status_code == 403
    assert client.post(f"/evaluate/sessions/{session.id}/move/open").status_code == 302  # inspectors chair
    client.logout()
    make_user("clerk", "unit", unit=bureau.unit)
    client.login("clerk")
    assert client.get(f"/evaluate/sessions/{session.id}").status_code == 403
    assert client.get(f"/evaluate/leaders/{bureau.id}").status_code == 403
    assert "暂无已发布的评议结果" in client.get("/evaluate/").get_data(as_text=True)


def test_links_are_shown_once_with_a_qr_code(admin_client, review):
    session, _leaders, people = review
    page = admin_client.post(f"/evaluate/sessions/{session.id}/links").get_data(as_text=True)
    links = re.findall(r'href="(http://localhost/evaluate/join#[^"]+)"', page)
    assert len(links) == 3 and page.count("<svg") == 3
    assert all(ReviewEvaluator.get_by_id(p.id).token_hash for p in people)
    assert links[0].split("#")[1] not in admin_client.get(f"/evaluate/sessions/{session.id}").get_data(as_text=True)


def test_the_tally_shows_counts_and_no_scores(admin_client, review):
    session, (bureau, street), (a, _b, _c) = review
    sessions.move(session, "open")
    ballots.save_ballot(voter(a), bureau, {"overall": "差", "comment": "独特的点评"})
    tally = admin_client.get(f"/evaluate/sessions/{session.id}/tally", headers={"HX-Request": "true"})
    text = tally.get_data(as_text=True)
    assert 'hx-trigger="every 3s"' in text and "1 / 3" in text and "0 / 3" in text
    assert "差" not in text and "独特的点评" not in text
    sessions.move(session, "close")
    moved = admin_client.get(f"/evaluate/sessions/{session.id}/tally", headers={"HX-Request": "true"})
    assert moved.status_code == 204 and moved.headers["HX-Redirect"].endswith(f"/evaluate/sessions/{session.id}")
    # Opened as an address (a bookmark, a copied link), the tally is the session page, not a 500.
    opened = admin_client.get(f"/evaluate/sessions/{session.id}/tally")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/evaluate/sessions/{session.id}")


def test_results_table_export_and_print(admin_client, review):
    session, bureau, street = _closed(review)
    page = admin_client.get(f"/evaluate/sessions/{session.id}/results").get_data(as_text=True)
    assert "钟南屏" in page and "需后续处置" in page
    xlsx = admin_client.get(f"/evaluate/sessions/{session.id}/results?export=xlsx")
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows()]
    assert rows[0][:6] == ["名次", "述职人", "单位", "职务", "综合得分", "等次"]
    # bureau: commission (100 + 70) / 2 = 85, others 100 → 91; street: commission 15, others 0 → 9
    assert [r[:6] for r in rows[1:]] == [[1, "钟南屏", "区综合行政执法局", "党委书记、局长", 91, "好"],
                                         [2, "蒋澄明", "江滨街道", "党工委书记", 9, "差"]]
    printed = admin_client.get(f"/evaluate/sessions/{session.id}/results?view=print").get_data(as_text=True)
    assert "print.css" in printed and "蒋澄明" in printed and "低于 70 分启动后续处置" in printed


def test_the_leader_page_explains_and_records_what_follows(admin_client, review):
    session, bureau, street = _closed(review)
    url = f"/evaluate/leaders/{street.id}"
    page = admin_client.get(url).get_data(as_text=True)
    assert "怎样算出来的" in page and "综合评议等次：90 分及以上" in page and "&#34;rule&#34;" in page
    assert "委员甲的点评" in page and "匿名评议" in page
    admin_client.post(f"{url}/notes", {"kind": "question", "speaker": "区纪委委员",
                                       "text": "综合行政执法局下属单位多，作为一把手你如何加强对下属单位的监管？"})
    admin_client.post(f"{url}/feedback", {"text": "对下属单位监管不够有力"})
    admin_client.post(f"{url}/feedback/issue")
    admin_client.post(f"{url}/response", {"response": "诚恳接受，立即整改。", "response_on": "2022-12-27"})
    page = admin_client.get(url).get_data(as_text=True)
    assert "如何加强对下属单位的监管" in page and "已反馈" in page and "诚恳接受" in page
    assert ReviewLeader.get_by_id(street.id).response_on.isoformat() == "2022-12-27"
    talk = ReviewFollowUp.get((ReviewFollowUp.leader == street) & (ReviewFollowUp.kind == "talk"))
    assert admin_client.post(f"/evaluate/follow-ups/{talk.id}/confirm").status_code == 302
    assert admin_client.post(f"/evaluate/follow-ups/{talk.id}/dismiss").status_code == 409
    listing = admin_client.get("/evaluate/follow-ups?status=confirmed").get_data(as_text=True)
    assert "提醒谈话" in listing and "限期整改" not in listing


def test_a_unit_sees_its_leaders_published_result_only(client, make_user, review):
    session, bureau, street = _closed(review)
    make_user("clerk", "unit", unit=bureau.unit)
    client.login("clerk")
    assert "暂无已发布的评议结果" in client.get("/evaluate/").get_data(as_text=True)
    sessions.move(session, "publish")
    page = client.get("/evaluate/").get_data(as_text=True)
    assert "钟南屏" in page and "91" in page and "蒋澄明" not in page


def test_the_ballot_page_speaks_english(client, review):
    session, (bureau, _street), (a, _b, _c) = review
    sessions.move(session, "open")
    from .conftest import join
    join(client, a)
    client.post("/language/en", {"next": "/evaluate/ballot/"})
    page = client.get(f"/evaluate/ballot/{bureau.id}").get_data(as_text=True)
    assert "Leader 1 of 2" in page and "Overall" in page and "Done, back to the list" in page
