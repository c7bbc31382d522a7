"""Units (单位): the organisations whose leaders are supervised."""
from .models import UNIT_TYPES, Unit

__all__ = ["UNIT_TYPES", "Unit"]
