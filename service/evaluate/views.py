"""The 评责 stage's pages."""
from flask import Blueprint
from flask_login import login_required

from ..i18n import N_
from ..web.render import render

bp = Blueprint("evaluate", __name__, url_prefix="/evaluate")

STAGE = {"key": "evaluate", "title": N_("评责"), "summary": N_("述责述廉、评议打分与综合评价")}


@bp.get("/")
@login_required
def index():
    """The stage's start page."""
    return render("stages/index.html", stage=STAGE)
