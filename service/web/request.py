"""The request class: text as the app may store it.

A NUL character is never meaningful in this app's text, and PostgreSQL refuses
it in a text column ("A string literal cannot contain NUL"), which turned a
unit named 甲\\x00乙 or a search for it into a 500 there while SQLite stored
it. So NUL is taken out of the query string and the form fields once, here,
before any view sees them; everything else the user typed is kept.
"""
from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property


def _without_nul(pairs) -> ImmutableMultiDict | None:
    items = list(pairs.items(multi=True))
    # A multipart part whose name werkzeug cannot read comes with the key None.
    if not any((isinstance(key, str) and "\x00" in key) or (isinstance(value, str) and "\x00" in value)
               for key, value in items):
        return None
    return ImmutableMultiDict([(key.replace("\x00", "") if isinstance(key, str) else key,
                                value.replace("\x00", "") if isinstance(value, str) else value)
                               for key, value in items])


class CleanRequest(Request):
    """``flask.Request`` whose ``args`` and ``form`` hold no NUL characters."""

    @cached_property
    def args(self) -> ImmutableMultiDict:
        args = super().args
        return _without_nul(args) or args

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is not None:
            cleaned = _without_nul(form)
            if cleaned is not None:
                self.__dict__["form"] = cleaned
