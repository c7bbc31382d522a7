"""JSON Schemas of the data rules see, for ``check_rule``.

Applicability rules see a unit profile; check rules see the records of an
item's form within a period (see the common data contract). ``check_data_schema``
wraps a record form's schema into the schema of check-rule data.
"""

from __future__ import annotations

UNIT_PROFILE_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "type": {"type": "string", "enum": ["区直单位", "街道", "镇", "国企"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "risk_areas": {"type": "array", "items": {"type": "string"}},
        "subordinate_units": {"type": "integer"},
        "law_enforcement": {"type": "boolean"},
    },
}

PERIOD_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "kind": {"type": "string", "enum": ["year", "half", "quarter", "month"]},
        "start": {"type": "string", "format": "date"},
        "end": {"type": "string", "format": "date"},
    },
}


def check_data_schema(record_schema) -> dict:
    """The schema of check-rule data whose ``records`` follow ``record_schema``.

    The record schema's ``$defs``/``definitions`` move to the root so its
    local ``$ref``s keep resolving.
    """
    record = dict(record_schema) if isinstance(record_schema, dict) else {}
    root: dict = {}
    for key in ("$defs", "definitions"):
        if key in record:
            root[key] = record.pop(key)
    root.update(
        {
            "type": "object",
            "properties": {
                "records": {"type": "array", "items": record or True},
                "period": PERIOD_SCHEMA,
                "target": {"type": "integer"},
                "unit": UNIT_PROFILE_SCHEMA,
            },
        }
    )
    return root
