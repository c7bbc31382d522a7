"""The 明责 stage's pages: annual plans (plan_views) and rule packs (pack_views)."""
from . import pack_views, plan_views  # noqa: F401  (they register their routes on bp)
from .blueprint import bp

__all__ = ["bp"]
