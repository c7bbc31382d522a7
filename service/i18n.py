"""Translation helpers that work without Flask.

``N_`` marks a string for extraction where it is defined (a label in a dict,
say) while the translation happens later, where it is shown: templates call
``_(label)``. The English catalog lives in ``service/translations/en``;
``make messages`` re-extracts and merges it.
"""


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it here."""
    return message
