"""The templates' ``_``: it translates the strings the catalogue knows and treats anything else as data.

Jinja's own ``_`` (Flask-Babel installs it "newstyle") wraps whatever it is given in ``Markup``
and formats it with ``%``. That is right for a literal a template author wrote, and wrong when the
argument is data: ``_(message)`` over a flashed text holding a unit's name, or
``_(labels.get(key, key))`` falling back to a value from a pack, would output the data as raw HTML
(stored XSS), and a ``%`` in it (a unit named ``100%``) makes the ``%`` formatting raise.

Here the set of msgids in the compiled English catalogue decides: a msgid found there is trusted
text (it was written in a template or in code and reviewed through the catalogue) and behaves as
before; any other string is escaped and shown as it is, with ``%(name)s`` placeholders filled only
when the string formats cleanly. ``tests/test_i18n.py`` keeps every marked string in the
catalogue, so a template literal is always known.
"""
from __future__ import annotations

import functools
import os

from flask_babel import get_translations
from markupsafe import Markup, escape

CATALOGUE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "translations", "en", "LC_MESSAGES",
                         "messages.mo")


@functools.lru_cache(maxsize=4)
def _known(path: str, mtime: float) -> frozenset[str]:
    from babel.support import Translations
    try:
        with open(path, "rb") as fh:
            catalogue = Translations(fh)
    except OSError:
        return frozenset()
    # Keys are msgids, "context\x04msgid" for pgettext, (msgid, n) for plurals.
    return frozenset(key.rpartition("\x04")[2] for key in catalogue._catalog if isinstance(key, str) and key)


def known_msgids() -> frozenset[str]:
    """The msgids of the compiled English catalogue (cached per file version)."""
    try:
        mtime = os.path.getmtime(CATALOGUE)
    except OSError:
        mtime = 0.0
    return _known(CATALOGUE, mtime)


def template_gettext(string, **variables) -> Markup:
    """Translate ``string`` if it is a msgid; otherwise escape it as data."""
    string = "" if string is None else str(string)
    if string in known_msgids():
        translated = Markup(get_translations().ugettext(string))
        try:
            return translated % variables
        except (KeyError, ValueError, TypeError):  # data that happens to equal a msgid with placeholders
            return translated
    text = escape(string)
    if variables:
        try:
            return text % variables  # Markup: the values are escaped too
        except (KeyError, ValueError, TypeError):
            return text
    return text


def init_app(app) -> None:
    """Replace the ``_`` and ``gettext`` that Flask-Babel gave the templates."""
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)
