"""Packs are untrusted input: whatever a file contains, check_pack reports
problems and never crashes."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.packs import Pack, check_pack, load_pack

from .helpers import ROOT
from tests.conftest import many

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)

FILES = ["rules/pack.json", "rules/lists.json", "rules/categories.json", "rules/items/main-body.json",
         "rules/profile.schema.json", "rules/scoring.json", "rules/tests/scoring.json", "forms/rule-making.json"]
ITEM_KEYS = ["id", "category", "frequency", "min_count", "due", "form", "applies_if", "check", "weight"]


_FILES = []


def default_files():
    """The default pack's files, loaded once (not a fixture: hypothesis would print it)."""
    if not _FILES:
        _FILES.append(load_pack(ROOT).to_files())
    return _FILES[0]


def _check_without_crash(files):
    problems = check_pack(Pack.from_files(files))
    assert all(p.file is not None and isinstance(p.pointer, str) and p.message_zh and p.message_en
               for p in problems)
    return problems


@settings(max_examples=15, deadline=None)
@given(path=st.sampled_from(FILES), value=json_values)
def test_any_json_in_place_of_a_file(path, value):
    files = default_files()
    changed = dict(files, **{path: value})
    problems = _check_without_crash(changed)
    if value != files[path]:
        assert problems  # none of these files accepts arbitrary JSON unchanged


@settings(max_examples=15, deadline=None)
@given(index=st.integers(0, 7), key=st.sampled_from(ITEM_KEYS), value=json_values)
def test_any_json_in_place_of_an_item_field(index, key, value):
    files = default_files()
    changed = json.loads(json.dumps(files))
    changed["rules/items/main-body.json"]["items"][index][key] = value
    _check_without_crash(changed)


SPOTS = [  # (file, path to an object inside it, keys to replace)
    ("rules/tests/periods.json", ["cases", 0], ["unit", "period", "today", "records", "expect", "applicable",
                                                "not_applicable", "applicable_exactly", "scores"]),
    ("rules/tests/scoring.json", ["cases", 1, "scores", 0], ["rule", "data", "expect"]),
    ("rules/scoring.json", ["rules", 0], ["id", "rule", "data_schema"]),
    ("rules/scoring.json", [], ["grade_scales", "evaluator_weights", "default_scale", "evaluation_form"]),
    ("forms/decision.json", ["properties", "party_pre_study"], ["type", "x-visible-if", "enum", "$ref"]),
    ("forms/decision.json", [], ["required", "x-order", "properties", "$id", "x-record"]),
    ("rules/categories.json", [0], ["id", "list", "order"]),
    ("rules/pack.json", [], ["forms_dir", "format_version", "version"]),
]


@settings(max_examples=25, deadline=None)
@given(spot=st.sampled_from(SPOTS), data=st.data())
def test_any_json_in_place_of_a_field_elsewhere(spot, data):
    file, path, keys = spot
    changed = json.loads(json.dumps(default_files()))
    target = changed[file]
    for step in path:
        target = target[step]
    target[data.draw(st.sampled_from(keys))] = data.draw(json_values)
    _check_without_crash(changed)


@pytest.mark.slow
@settings(max_examples=many(300), deadline=None)
@given(index=st.integers(0, 7), key=st.sampled_from(ITEM_KEYS), value=json_values)
def test_any_json_in_place_of_an_item_field_many(index, key, value):
    files = default_files()
    changed = json.loads(json.dumps(files))
    changed["rules/items/main-body.json"]["items"][index][key] = value
    _check_without_crash(changed)


def test_a_pack_too_large_in_total_is_refused_before_parsing(tmp_path):
    """Issue 8, W6: ten 1.8 MB files (each under the 2 MB file cap) took 627 MB and 20 s
    in `pack check`; the total is now refused from the file sizes alone."""
    import time
    import tracemalloc
    from service.packs import check_pack, read_pack_files
    from service.packs.loader import MAX_FILE_BYTES, MAX_TOTAL_BYTES
    items = tmp_path / "rules" / "items"
    items.mkdir(parents=True)
    blob = ("[" + ",".join(["[1,2,3,4,5,6,7,8]"] * 100_000) + "]")[: MAX_FILE_BYTES - 200_000]
    blob = blob[: blob.rindex("]") + 1] + "]"
    count = MAX_TOTAL_BYTES // len(blob) + 1
    for i in range(count):
        (items / f"big{i}.json").write_text(blob)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        files, problems = read_pack_files(tmp_path)
        elapsed = time.perf_counter() - started
        checked = check_pack(tmp_path)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert files == {} and "pack-too-large" in [p.code for p in problems]
    assert any(p.code == "pack-too-large" for p in checked)
    assert elapsed < 1.0 and peak < 10 * 2**20, (elapsed, peak / 2**20)
