"""Access to the rule engine (service.logic) and the form renderer
(service.forms), which are separate packages. Packs are only checked with the
real engine: when it is missing, check_pack says so instead of guessing."""
from __future__ import annotations

import importlib
from typing import Any


def logic():
    """The service.logic module, or None when it is not installed yet."""
    try:
        module = importlib.import_module("service.logic")
    except ImportError:
        return None
    return module if hasattr(module, "compile_rule") and hasattr(module, "check_rule") else None


def form_schema_loader():
    """The renderer's `load_schema` (its limits for untrusted forms), or None.

    Looked up on service.forms first, then on service.forms.schema_loader,
    where the renderer defines it.
    """
    for name in ("service.forms", "service.forms.schema_loader"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        load_schema = getattr(module, "load_schema", None)
        if callable(load_schema):
            return load_schema
    return None


try:  # the engine's own definition, so packs and the engine never disagree
    from service.logic.values import truthy
except ImportError:  # engine not installed: same rule, JsonLogic truthiness
    def truthy(value: Any) -> bool:
        """JsonLogic truthiness: 0, "", [], null and false are false; objects are true."""
        return True if type(value) is dict else bool(value)
