"""Shared helpers for the form tests: the corpus and a browser round trip."""
from __future__ import annotations

import json
from pathlib import Path

from service.forms import parse_submission, render_form

from .browser import submit

CORPUS = Path(__file__).parent / "corpus"


def corpus_names() -> list[str]:
    """Names of the corpus schemas (without .json)."""
    return sorted(p.stem for p in CORPUS.glob("*.json") if not p.name.endswith(".cases.json"))


def load(name: str) -> tuple[dict, dict]:
    """(schema, cases) of a corpus form."""
    schema = json.loads((CORPUS / f"{name}.json").read_text())
    cases = json.loads((CORPUS / f"{name}.cases.json").read_text())
    return schema, cases


def round_trip(schema: dict, data, **options):
    """Render the answers, submit the form unchanged as a browser would, parse it."""
    return parse_submission(schema, submit(render_form(schema, data, **options)))
