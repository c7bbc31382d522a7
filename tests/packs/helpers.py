"""Shared helpers for the pack tests: copy the default pack and edit one file."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def copy_pack(tmp_path: Path) -> Path:
    """A private copy of the repository's default pack (rules/ + forms/)."""
    target = tmp_path / "pack"
    target.mkdir()
    shutil.copytree(ROOT / "rules", target / "rules")
    shutil.copytree(ROOT / "forms", target / "forms")
    return target


def read(pack: Path, rel: str):
    """Parsed JSON of one pack file."""
    return json.loads((pack / rel).read_text(encoding="utf-8"))


def write(pack: Path, rel: str, value) -> None:
    """Write one pack file as JSON."""
    (pack / rel).write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")


def edit_item(pack: Path, item_id: str, **changes) -> str:
    """Change fields of one item in place; returns the item's JSON pointer."""
    for path in sorted((pack / "rules" / "items").glob("*.json")):
        rel = path.relative_to(pack).as_posix()
        doc = read(pack, rel)
        for index, item in enumerate(doc["items"]):
            if item["id"] == item_id:
                item.update(changes)
                write(pack, rel, doc)
                return f"/items/{index}"
    raise KeyError(item_id)


def item_location(pack: Path, item_id: str) -> tuple[str, str]:
    """(relative file, JSON pointer) of an item."""
    for path in sorted((pack / "rules" / "items").glob("*.json")):
        doc = read(pack, path.relative_to(pack).as_posix())
        for index, item in enumerate(doc["items"]):
            if item["id"] == item_id:
                return path.relative_to(pack).as_posix(), f"/items/{index}"
    raise KeyError(item_id)
