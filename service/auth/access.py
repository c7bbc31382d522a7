"""Who may see what: role checks and the unit boundary."""
from __future__ import annotations

import functools

from flask_login import current_user, login_required

from ..web.errors import Forbidden


def role_required(*roles: str):
    """Decorate a view so only logged-in users with one of ``roles`` reach it."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)
        return wrapped
    return decorator


def require_unit_access(unit_id: int) -> None:
    """Refuse (403) when the current user may not see unit ``unit_id``'s data."""
    if not current_user.is_authenticated or not current_user.can_see_unit(unit_id):
        raise Forbidden()
