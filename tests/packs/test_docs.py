"""docs/packs.md documents every item field, file kind and problem code."""
import json
import re

from .helpers import ROOT

DOCS = (ROOT / "docs" / "packs.md").read_text(encoding="utf-8")
SCHEMAS = ROOT / "service" / "packs" / "schemas"


def test_every_item_field_is_documented():
    schema = json.loads((SCHEMAS / "items.schema.json").read_text(encoding="utf-8"))
    fields = schema["properties"]["items"]["items"]["properties"]
    missing = [name for name in fields if f"| `{name}` |" not in DOCS]
    assert missing == []


def test_every_file_kind_schema_is_documented():
    missing = [p.name for p in SCHEMAS.glob("*.schema.json")
               if p.name != "common.schema.json" and p.name not in DOCS]
    assert missing == []


def test_every_problem_code_is_documented():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "service" / "packs").glob("*.py"))
    codes = set(re.findall(r'"((?:json|pack|file|schema|form|items|id|ref|engine|tests?|rule)-[a-z-]+)"', source))
    assert len(codes) > 20
    missing = sorted(code for code in codes if f"`{code}`" not in DOCS)
    assert missing == []


def test_worked_example_matches_the_default_pack():
    items = json.loads((ROOT / "rules/items/first-responsible.json").read_text(encoding="utf-8"))["items"]
    item = next(i for i in items if i["id"] == "fr-talk-young")
    assert json.dumps(item["check"], ensure_ascii=False) in DOCS
    assert item["finding"] in DOCS
