"""Field naming: a control's name is the field's JSON pointer without the
leading slash (``members/0/name``), with ``~0``/``~1`` escapes inside
property names. Control fields the form adds itself end in a segment that
starts with ``__`` (``__op``, ``members/__len``, ``when/__orig`` …); property
names starting with ``__`` are refused at load time so the two never clash."""
from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9]")


def esc(token: str) -> str:
    """Escape a property name as a pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def unesc(token: str) -> str:
    """Inverse of :func:`esc`."""
    return token.replace("~1", "/").replace("~0", "~")


def child_name(parent: str, key: str) -> str:
    """Name of a property (or array index) below ``parent``."""
    return f"{parent}/{esc(key)}" if parent else esc(key)


def name_to_pointer(name: str) -> str:
    """'members/0/name' -> '/members/0/name' ('' for the root)."""
    return "/" + name if name else ""


def pointer_to_name(pointer: str) -> str:
    """'/members/0/name' -> 'members/0/name'."""
    return pointer[1:] if pointer.startswith("/") else pointer


def field_id(form_id: str, name: str) -> str:
    """A CSS-safe, injective element id for a field name."""
    parts = [_UNSAFE.sub(lambda m: "_%x_" % ord(m.group()), seg) for seg in name.split("/")]
    return f"{form_id}-f-" + "-".join(parts) if name else form_id + "-root"


def choice_control(name: str, depth: int) -> str:
    """Name of the alternative selector of field ``name``.

    A oneOf/anyOf nested directly inside another alternative of the same field
    needs a selector of its own: ``a/__alt``, then ``a/__altn1``, ``a/__altn2``
    (``n`` keeps them apart from the object-level ``…/__alt0`` controls).
    """
    return f"{name}/__alt" + (f"n{depth}" if depth else "")
