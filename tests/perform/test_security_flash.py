"""Issue 8 (W1, W2) as a clerk meets it: a pack's form title with markup or a % comes back in the
flash after submitting (已提交记录：<title>) and must stay text on the next page."""
import pytest

from service import audit
from service.packs import read_pack_files
from service.packs.store import publish, store_files
from tests.define.conftest import ROOT
from tests.perform.test_records import _talk_fields

MARKUP = "<img src=x onerror=alert(1)>"


@pytest.fixture(params=[MARKUP, "完成率100%"], ids=["markup", "percent"])
def version(app, request):
    """The default pack with the talk form's title changed, stored and published."""
    files, problems = read_pack_files(ROOT)
    assert not problems
    talk = next(path for path in files if path.endswith("/talk.json") and "tests" not in path)
    files[talk] = dict(files[talk], title=files[talk]["title"] + request.param)
    with audit.acting_as(None, "test"):
        stored, _created = store_files(files, source="install")
        publish(stored)
    stored.hostile_title = request.param
    return stored


def test_a_form_title_from_a_pack_is_flashed_as_text(clerk, unit_plan, version):
    response = clerk.post("/perform/fill/talk", _talk_fields())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = clerk.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "已提交记录" in text
    if version.hostile_title == MARKUP:
        assert MARKUP not in text and "谈心谈话记录&lt;img src=x onerror=alert(1)&gt;" in text
    else:
        assert "完成率100%" in text
    assert clerk.get("/dashboard").status_code == 200
