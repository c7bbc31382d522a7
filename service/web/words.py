"""Rules in words on every page: template helpers over ``service.packs.words``.

Templates call ``item_applies(pack, item)``, ``item_check(pack, item, target)``,
``plan_item_check(plan, item)``, ``form_conditions(schema)`` and
``scoring_words(pack, rule_id)``; each returns the sentence in the UI's
language with the rule beside it, and ``_rule.html``'s ``rule_words`` macro
shows the sentence with the JSON one click away.
"""
from __future__ import annotations

import logging

from flask_babel import get_locale, gettext

from ..packs import words
from ..perform import status as status_engine

log = logging.getLogger(__name__)


def rule_locale() -> str:
    """'en' in the English UI, else 'zh'."""
    return "en" if str(get_locale() or "").startswith("en") else "zh"


def item_applies(pack, item) -> words.Told:
    return words.applicability(pack, item, rule_locale())


def item_check(pack, item, target=None, rule=None) -> words.Told:
    return words.check(pack, item, rule_locale(), target=target, rule=rule)


def rule_applies(pack, rule) -> words.Told:
    """An applicability rule that is not (yet) an item's, e.g. in the editor."""
    return words.applicability_rule(pack, rule, rule_locale())


def plan_item_check(plan, plan_item) -> words.Told | None:
    """A plan item's check rule with the plan's own target; None for custom items."""
    if plan_item.custom:
        return None
    try:
        pack = plan.pack_version.pack()
    except Exception:  # noqa: BLE001 - a page must not fail because a stored pack cannot load
        log.warning("pack of plan %s cannot be loaded for rule words", plan.id, exc_info=True)
        return None
    item = pack.item(plan_item.item_id)
    return words.check(pack, item, rule_locale(), target=plan_item.min_count) if item else None


def form_conditions(schema) -> list[words.FieldCondition]:
    return words.form_conditions(schema, rule_locale())


def scoring_words(pack, rule_id: str) -> words.Told | None:
    return words.scoring_rule(pack, rule_id, rule_locale())


def explain(status) -> str:
    """The status engine's explanation in the UI's language. ``status`` is an
    ItemStatus, its ``as_dict()`` or a stored check result; results stored
    before explanations kept their message show their Chinese text."""
    if isinstance(status, dict):
        msg, text = status.get("explanation_msg"), status.get("explanation", "")
    else:
        data = getattr(status, "data", None)
        msg = getattr(status, "explanation_msg", None) or (data.get("explanation_msg") if isinstance(data, dict) else None)
        text = getattr(status, "explanation", "")
    if not status_engine.is_msg(msg) or rule_locale() == "zh":
        return text
    try:
        return status_engine.render(msg, gettext)
    except (KeyError, TypeError, ValueError):  # a translation whose placeholders do not fit: say it in Chinese
        log.warning("explanation message %r does not render", msg[0], exc_info=True)
        return text


def period_label(period: str) -> str:
    """A period id (2022Q2) as the UI's language says it; an odd stored value as it is."""
    try:
        return status_engine.period_label(period, gettext)
    except Exception:  # noqa: BLE001 - stored periods are valid; this only guards odd data
        return period


# Punctuation between pieces a template joins: full-width in Chinese, ASCII with
# spaces in English (a translated label followed by "：" reads "Source：" otherwise).
_MARKS = {"zh": {"colon": "：", "sep": "、", "open": "（", "close": "）"},
          "en": {"colon": ": ", "sep": ", ", "open": " (", "close": ")"}}


def colon() -> str:
    return _MARKS[rule_locale()]["colon"]


def list_sep() -> str:
    return _MARKS[rule_locale()]["sep"]


def paren(text) -> str:
    """``text`` in brackets after what precedes it: （text） or " (text)"."""
    marks = _MARKS[rule_locale()]
    return f"{marks['open']}{text}{marks['close']}"


def init_app(app) -> None:
    """Make the helpers template globals."""
    app.jinja_env.globals.update(item_applies=item_applies, item_check=item_check, rule_applies=rule_applies,
                                 plan_item_check=plan_item_check, form_conditions=form_conditions,
                                 scoring_words=scoring_words, rule_locale=rule_locale, period_label=period_label,
                                 colon=colon, list_sep=list_sep, paren=paren)
    app.add_template_filter(explain, "explain")
