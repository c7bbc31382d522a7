"""One page of a long list, and what the pager (``_pager.html``) needs to link the others."""
from __future__ import annotations

from flask import request

from .ids import parse_id

PAGE_SIZE = 50


def paged(query, size: int = PAGE_SIZE) -> dict:
    """The rows of the page asked for by ``?page=N`` and the pager's context:
    ``rows``, ``total``, ``page``, ``pages`` and ``args`` (the list's other
    query arguments, kept on the pager's links)."""
    page = min(parse_id(request.args.get("page", 1)) or 1, 10**6)
    total = query.count()
    return {"rows": list(query.paginate(page, size)), "total": total, "page": page,
            "pages": max(1, -(-total // size)),
            "args": {k: v for k, v in request.args.items() if k != "page"}}
