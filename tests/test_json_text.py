"""JSON text as the database stores it (``db.dumps``/``db.loads``, used by every JSONField)."""
import datetime as dt
import json
import math

import pytest

from service.db import dumps, loads


def test_round_trip_keeps_order_unicode_and_dates_as_text():
    value = {"z": 1, "a": [1, 2.5, None, True], "名称": "谈心谈话", "day": dt.date(2022, 3, 1),
             "at": dt.datetime(2022, 3, 1, 8, 30, 15, 120), "pair": ("x", {"n": 1})}
    text = dumps(value)
    assert "谈心谈话" in text                               # UTF-8, not \\u escapes
    back = loads(text)
    assert list(back) == ["z", "a", "名称", "day", "at", "pair"]
    assert back["day"] == "2022-03-01" and back["at"] == "2022-03-01T08:30:15.000120"
    assert back["pair"] == ["x", {"n": 1}]
    assert back == json.loads(json.dumps(value, default=lambda v: v.isoformat(), ensure_ascii=False))


def test_what_orjson_refuses_still_stores_and_reads():
    # Integers beyond 64 bits (a rule pack from another district may hold one): the json module writes them.
    big = {"n": 2 ** 80, 3: "int key"}
    assert loads(dumps(big)) == {"n": 2 ** 80, "3": "int key"}
    # Text an older version wrote with the json module's NaN extension still reads.
    assert math.isnan(loads('{"x": NaN}')["x"])
    assert loads(b'[1, "a"]') == [1, "a"]


def test_bad_text_is_still_an_error():
    with pytest.raises(ValueError):
        loads("{not json")
    with pytest.raises(TypeError):
        dumps({"x": object()})
