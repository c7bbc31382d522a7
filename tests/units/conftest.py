"""Fixtures for the unit registry: the default pack, published (for the words its rules use)."""
from tests.define.conftest import version  # noqa: F401  (re-exported fixture)
