"""Static checks of a rule against the JSON Schema of its data (placeholder, filled below)."""

from dataclasses import dataclass


@dataclass
class Problem:
    """One problem found in a rule: where (JSON pointer), what (code) and why (message)."""

    pointer: str
    code: str
    message: str
    message_zh: str = ""


def check_rule(rule, schema):
    """Return the list of problems of ``rule`` for data described by ``schema``."""
    return []
