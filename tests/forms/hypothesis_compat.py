"""hypothesis-jsonschema 0.23.1 calls ``cu.many(...).more()``, an API newer
Hypothesis releases replaced by a context manager + iterator. This adapter
gives the old interface on top of the new one (test-only)."""
from __future__ import annotations

import types

from hypothesis.internal.conjecture import utils as cu
import hypothesis_jsonschema._from_schema as fs_module

_many = cu.many


class _CompatMany:
    def __init__(self, data, min_size, max_size, average_size, **kw):
        self._inner = _many(data, min_size=min_size, max_size=max_size,
                            average_size=average_size, **kw)
        if hasattr(self._inner, "more"):          # old Hypothesis: nothing to adapt
            self.more, self.reject = self._inner.more, self._inner.reject
            return
        self._inner.__enter__()
        self._iter = iter(self._inner)

    def more(self) -> bool:
        try:
            next(self._iter)
            return True
        except StopIteration:
            self._inner.__exit__(None, None, None)
            return False

    def reject(self, why=None) -> None:
        self._inner.reject(why)


def install() -> None:
    """Patch hypothesis-jsonschema's reference to ``cu`` (idempotent)."""
    if not hasattr(_many, "more") and not isinstance(fs_module.cu, types.SimpleNamespace):
        fs_module.cu = types.SimpleNamespace(many=_CompatMany)


install()
