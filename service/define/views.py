"""The 明责 stage's pages."""
from flask import Blueprint
from flask_login import login_required

from ..i18n import N_
from ..web.render import render

bp = Blueprint("define", __name__, url_prefix="/define")

STAGE = {"key": "define", "title": N_("明责"), "summary": N_("为每位一把手制定个性化年度责任清单")}


@bp.get("/")
@login_required
def index():
    """The stage's start page."""
    return render("stages/index.html", stage=STAGE)
