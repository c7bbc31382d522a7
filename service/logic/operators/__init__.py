"""The operator table, built once and read-only.

Rules can only name operators listed here; the table is a ``MappingProxyType``
so nothing a rule does can add to it, and no entry reaches Python attributes.
"""

from __future__ import annotations

from types import MappingProxyType

from . import arithmetic, arrays, compare, data, dates, domain, logic, strings

_table: dict = {}
for _module in (logic, compare, arithmetic, data, arrays, strings, dates, domain):
    _table.update(_module.OPERATORS)

OPERATORS = MappingProxyType(_table)
del _table, _module
