"""Issue 8, W4: a rule whose result shares its parts (reduce + merge doubling) through every
consumer of rules: try-it, the editor's live check, pack check, plan generation, the unit page.

Before the fix the engine returned such a value at once (it was only references) and whatever
walked it later was not charged: a 144-byte rule gave a 132 MB try-it response, the live check
took 52 s, plan generation 43.7 s. Each consumer must now answer quickly with a clear message.
"""
import copy
import json
import time

import pytest

from service import audit
from service.define import plans
from service.logic import RuleError, check_rule, compile_rule
from service.packs import check_pack, read_pack_files
from service.packs.model import Pack
from service.packs.store import publish, store_files
from tests.define.conftest import ROOT

ACC = {"var": "accumulator"}
DOUBLED = {"reduce": [list(range(23)), {"merge": [[ACC], [ACC]]}, "x"]}     # 2**23 leaves, 144 bytes
HOSTILE = {
    "truthy": {"!!": DOUBLED},                                          # passed pack check before
    "count_distinct": {"count_distinct": [[1, 2], DOUBLED]},            # json.dumps of every leaf
    "cat": {"in": ["y", {"cat": [DOUBLED]}]},                           # to_str of every leaf
}
ITEM = "fr-project-clean"
QUICK = 20.0    # seconds, on a loaded CI machine (the live check runs the pack's tests too); the rules above took 7.6 s to 52 s


def _url(version, tail, item=ITEM):
    return f"/define/packs/{version.id}/items/{item}/{tail}"


def _timed(fn):
    started = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - started
    assert elapsed < QUICK, f"took {elapsed:.1f}s"
    return out


def _files_with(rule, *, part="applies_if"):
    files, problems = read_pack_files(ROOT)
    assert not problems
    files = copy.deepcopy(files)
    for name, content in files.items():
        if name.startswith("rules/items/") or name.startswith("items/"):
            for item in content.get("items", []) if isinstance(content, dict) else []:
                if item.get("id") == ITEM:
                    item[part] = rule
                    return files
    raise AssertionError("item not found")


@pytest.mark.parametrize("name", HOSTILE)
def test_evaluation_explain_and_static_check_stay_quick(name):
    rule = HOSTILE[name]
    with pytest.raises(RuleError) as exc:
        _timed(lambda: compile_rule(rule)({}))
    assert exc.value.type == "Limit"
    explained = _timed(lambda: compile_rule(rule).explain({}, {}))
    assert explained["error"]["type"] == "Limit" and len(json.dumps(explained)) < 200_000
    _timed(lambda: check_rule(rule, {"type": "object"}))


@pytest.mark.parametrize("name", HOSTILE)
def test_try_it_answers_with_the_limit_quickly_and_small(admin_client, version, units, name):
    profile = json.dumps(units["soe"].profile(), ensure_ascii=False)
    response = _timed(lambda: admin_client.post(
        _url(version, "try?part=applies_if"),
        {"text": json.dumps(HOSTILE[name]), "sample": profile, "today": "2022-06-30"}, htmx=True))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "超出规则引擎的资源上限" in body and "logical size" in body
    assert len(body) < 100_000


def test_try_it_shows_only_the_beginning_of_a_big_result(admin_client, version, units):
    """2**17 leaves are within the limits, but the page shows a few of them, not 800 KB."""
    rule = {"reduce": [list(range(17)), {"merge": [[ACC], [ACC]]}, "x"]}
    response = _timed(lambda: admin_client.post(
        _url(version, "try?part=applies_if"),
        {"text": json.dumps(rule), "sample": "{}", "today": "2022-06-30"}, htmx=True))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "结果：<strong>适用</strong>" in body
    assert "…" in body and len(body) < 100_000


@pytest.mark.parametrize("name", HOSTILE)
def test_the_editors_live_check_reports_the_limit_quickly(admin_client, version, name):
    response = _timed(lambda: admin_client.post(_url(version, "check?part=applies_if"),
                                                {"text": json.dumps(HOSTILE[name])}, htmx=True))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "资源限制" in body


@pytest.mark.parametrize("name", HOSTILE)
def test_pack_check_refuses_the_pack(name):
    problems = _timed(lambda: check_pack(Pack.from_files(_files_with(HOSTILE[name]))))
    assert any(p.code == "rule-limit" and p.pointer.endswith("/applies_if") for p in problems), problems


def test_pack_check_refuses_it_as_a_check_rule_too():
    problems = _timed(lambda: check_pack(Pack.from_files(_files_with(HOSTILE["count_distinct"], part="check"))))
    assert any(p.code == "rule-limit" and p.pointer.endswith("/check") for p in problems), problems


@pytest.fixture
def hostile_version(app):
    """The default pack with a hostile applies_if, stored and published without pack check
    (as a pack checked by an older release would be)."""
    with audit.acting_as(None, "test"):
        stored, _ = store_files(_files_with(HOSTILE["truthy"]), source="install")
        publish(stored)
    return stored


def test_plan_generation_stops_with_a_clear_message(admin_client, hostile_version, units):
    response = _timed(lambda: admin_client.post("/define/plans/generate?year=2022", {}))
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and ITEM in body and "适用规则无法计算" in body
    with pytest.raises(plans.PlanError):
        plans.generate_plan(units["soe"], 2023, hostile_version)


def test_the_unit_page_says_which_rule_failed(admin_client, hostile_version, units):
    response = _timed(lambda: admin_client.get(f"/units/{units['soe'].id}"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and ITEM in body and "超出规则资源限制" in body


def test_the_form_preview_refuses_a_ref_spelled_with_a_leading_zero(admin_client, version):
    """Issue 8, W10: the preview showed RecursionError for this schema."""
    schema = {"type": "object", "allOf": [{"type": "object"}, {"properties": {"a": {"$ref": "#/allOf/01"}}}]}
    response = _timed(lambda: admin_client.post(f"/define/packs/{version.id}/forms/first-topic/preview",
                                                {"text": json.dumps(schema)}, htmx=True))
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 422) and "前导零" in body and "RecursionError" not in body
