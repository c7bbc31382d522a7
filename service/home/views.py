"""Dashboard (工作台) and /healthz."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, send_from_directory, url_for
from flask_login import current_user, login_required

from ..audit.log import AuditEntry
from ..audit.views import ACTIONS, OBJECT_LABELS
from ..auth.models import User
from ..db import database
from ..units.models import Unit
from ..web.render import render

bp = Blueprint("home", __name__)


@bp.get("/")
def root():
    """Send visitors to their dashboard (or to the login page)."""
    return redirect(url_for("home.dashboard"))


@bp.get("/dashboard")
@login_required
def dashboard():
    """What the current user has to look at today (a holder account: its to-do list)."""
    if current_user.role == "holder":
        return redirect(url_for("todo.index"))
    if current_user.role == "unit":
        from ..define.models import Plan, PlanItem
        from ..perform.models import Draft, Record
        plan = (Plan.select().where((Plan.unit == current_user.unit_id) & (Plan.status == "published"))
                .order_by(Plan.year.desc()).first())
        mine = {
            "plan": plan,
            "item_count": plan.items.where(PlanItem.enabled == True).count() if plan else 0,  # noqa: E712
            "drafts": Draft.select().where((Draft.user == current_user.id) & (Draft.unit == current_user.unit_id)).count(),
            "records": Record.select().where(Record.unit == current_user.unit_id).count(),
        }
        return render("home/dashboard.html", unit=current_user.unit, mine=mine, findings=_findings())
    # Only what this viewer may open: accounts and the audit log are the admin's pages.
    stats = {"units": Unit.select().where(Unit.active == True).count()}  # noqa: E712
    if current_user.is_admin:
        stats["users"] = User.select().where(User.active == True).count()  # noqa: E712
        stats["audit"] = AuditEntry.select().count()
    recent = list(AuditEntry.select().order_by(AuditEntry.id.desc()).limit(8)) if current_user.is_admin else []
    return render("home/dashboard.html", stats=stats, recent=recent, unit=None,
                  actions=ACTIONS, object_labels=OBJECT_LABELS, findings=_findings())


def _findings() -> dict:
    """The 问责 register's counts for the dashboard (黄 due soon, 红 overdue)."""
    from ..accountability.register import dashboard_counts
    return dashboard_counts(current_user._get_current_object())


@bp.get("/favicon.ico")
def favicon():
    """The site icon where browsers look for it first (pages also link static/favicon.png)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


@bp.get("/healthz")
def healthz():
    """200 when the database answers a query, 503 otherwise (for load balancers)."""
    try:
        database.connect(reuse_if_open=True)
        database.execute_sql("SELECT 1").fetchone()
    except Exception as exc:  # any failure means "not healthy", never a 500
        return jsonify({"status": "unavailable", "database": "error", "detail": type(exc).__name__}), 503
    return jsonify({"status": "ok", "database": "ok"}), 200
