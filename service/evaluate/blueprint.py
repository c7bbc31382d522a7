"""The 评责 blueprint object; route modules attach their views to it."""
from flask import Blueprint

from ..i18n import N_

bp = Blueprint("evaluate", __name__, url_prefix="/evaluate", static_folder="static")

STAGE = {"key": "evaluate", "title": N_("评责"), "summary": N_("述责述廉、评议打分与综合评价")}
