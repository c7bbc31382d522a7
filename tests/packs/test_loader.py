"""Loading packs, rebuilding them from stored files, and their content hash."""
import json

import pytest

from service.packs import Pack, PackError, load_pack

from .helpers import ROOT, copy_pack, read, write


@pytest.fixture(scope="module")
def pack():
    return load_pack(ROOT)


def test_default_pack_has_the_five_lists_and_60_first_responsible_items(pack):
    assert [lst.name for lst in pack.lists] == [
        "主体责任清单", "第一责任人责任清单", "一岗双责责任清单", "监督责任清单", "职能监督责任清单"]
    first = pack.items_of("first-responsible")
    assert len(first) == 60
    assert len({i.category for i in first}) == 13
    assert all(6 <= len(pack.items_of(lst.id)) <= 12 for lst in pack.lists if lst.id != "first-responsible")


def test_item_fields_come_from_json_with_list_defaults(pack):
    item = pack.item("fr-talk-young")
    assert item.list == "first-responsible"
    assert item.frequency == "half-yearly" and item.min_count == 2
    assert item.form == "talk"
    assert item.finding == "对年轻干部谈心谈话未经常性开展"
    assert item.holder == "党委（党组）书记（一把手）"  # inherited from the list
    assert item.file == "rules/items/first-responsible.json"
    assert pack.item("fr-personnel-check").supervisor == "区委组织部"  # item override
    assert pack.item("fr-check-quarterly").supervisor == "区纪委监委派驻纪检监察组"  # list default


def test_forms_scoring_and_tests_are_loaded(pack):
    assert len(pack.forms) >= 14
    assert pack.forms["talk"].title == "谈心谈话记录"
    assert pack.forms["evaluation-sheet"].is_record is False
    assert pack.scoring.evaluation_form == "evaluation-sheet"
    assert pack.scoring.grade_scales["satisfaction"]["values"]["不了解"] is None
    assert pack.scoring.rule("case-deduction") is not None
    assert {t.file for t in pack.tests} >= {"rules/tests/applicability.json", "rules/tests/scoring.json"}


def test_round_trip_through_files_keeps_everything(pack):
    files = pack.to_files()
    stored = json.loads(json.dumps(files, ensure_ascii=False))  # as a database would keep it
    rebuilt = Pack.from_files(stored)
    assert rebuilt.content_hash() == pack.content_hash()
    assert rebuilt.items == pack.items
    assert rebuilt.lists == pack.lists and rebuilt.categories == pack.categories
    assert rebuilt.forms == pack.forms
    assert rebuilt.scoring == pack.scoring
    assert rebuilt.to_files() == files


def test_to_files_is_a_copy(pack):
    files = pack.to_files()
    files["rules/pack.json"]["version"] = "9.9.9"
    assert pack.files["rules/pack.json"]["version"] != "9.9.9"


def test_content_hash_ignores_formatting_and_key_order(tmp_path, pack):
    copy = copy_pack(tmp_path)
    for path in copy.rglob("*.json"):
        value = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(value, dict):
            value = dict(reversed(list(value.items())))
        path.write_text(json.dumps(value, ensure_ascii=True, indent=7), encoding="utf-8")
    assert load_pack(copy).content_hash() == pack.content_hash()


def test_content_hash_changes_with_any_content(tmp_path, pack):
    copy = copy_pack(tmp_path)
    doc = read(copy, "forms/talk.json")
    doc["properties"]["place"]["title"] = "谈话地点(会议室)"
    write(copy, "forms/talk.json", doc)
    assert load_pack(copy).content_hash() != pack.content_hash()


def test_content_hash_changes_when_a_file_is_renamed(tmp_path, pack):
    copy = copy_pack(tmp_path)
    (copy / "rules/tests/periods.json").rename(copy / "rules/tests/periods-2.json")
    assert load_pack(copy).content_hash() != pack.content_hash()


def test_load_pack_refuses_broken_json(tmp_path):
    copy = copy_pack(tmp_path)
    (copy / "rules/lists.json").write_text('[{"id": "a",,}]', encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(copy)
    assert caught.value.problems[0].file == "rules/lists.json"
    assert caught.value.problems[0].code == "json-invalid"


def test_load_pack_refuses_a_directory_without_rules(tmp_path):
    with pytest.raises(PackError) as caught:
        load_pack(tmp_path)
    assert caught.value.problems[0].code == "pack-missing-rules"
