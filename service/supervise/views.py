"""The 督责 stage's pages."""
from flask import Blueprint
from flask_login import login_required

from ..i18n import N_
from ..web.render import render

bp = Blueprint("supervise", __name__, url_prefix="/supervise")

STAGE = {"key": "supervise", "title": N_("督责"), "summary": N_("季度一提醒、半年一梳理、年底一检查")}


@bp.get("/")
@login_required
def index():
    """The stage's start page."""
    return render("stages/index.html", stage=STAGE)
