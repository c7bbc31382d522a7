"""The 履责 stage's pages."""
from flask import Blueprint
from flask_login import login_required

from ..i18n import N_
from ..web.render import render

bp = Blueprint("perform", __name__, url_prefix="/perform")

STAGE = {"key": "perform", "title": N_("履责"), "summary": N_("记录履责情况，按月提醒应办事项")}


@bp.get("/")
@login_required
def index():
    """The stage's start page."""
    return render("stages/index.html", stage=STAGE)
