"""The 问责 stage's pages."""
from flask import Blueprint
from flask_login import login_required

from ..i18n import N_
from ..web.render import render

bp = Blueprint("accountability", __name__, url_prefix="/accountability")

STAGE = {"key": "accountability", "title": N_("问责"), "summary": N_("问题线索跟踪整改，验收后销号")}


@bp.get("/")
@login_required
def index():
    """The stage's start page."""
    return render("stages/index.html", stage=STAGE)
