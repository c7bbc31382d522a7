"""Accounts, login and roles."""
from .access import role_required, require_unit_access
from .models import ROLES, LoginAttempt, User

__all__ = ["ROLES", "LoginAttempt", "User", "require_unit_access", "role_required"]
