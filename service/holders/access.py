"""What a holder account may open: its to-do list, the forms of its items, the records of
its units, its own account; every other page and API operation is refused (403) before
the view runs, so a page added later is closed to holders until someone opens it here."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from ..web.errors import Forbidden

#: Endpoints a holder account may reach; each one checks the unit scope itself
#: (``User.can_see_unit``, ``holders.recording.may_record``).
HOLDER_ENDPOINTS = frozenset({
    "home.root", "home.dashboard", "home.favicon", "home.healthz",
    "auth.login", "auth.logout", "auth.change_password", "auth.set_language", "tokens.create", "tokens.revoke",
    "todo.index", "todo.bell",
    "perform.records", "calendar.month",
    "perform.fill", "perform.refresh", "perform.validate_field", "perform.discard", "perform.record",
    "perform.edit", "perform.edit_refresh", "perform.delete", "perform.revisions", "files.download",
    "api_records.list_records", "api_records.get_record", "api_records.create_record",
    "api_records.change_record", "api_records.delete_record", "api_records.record_revisions",
    "api_status.unit_status", "api_files.upload_file", "api_files.get_file", "api_files.download_file",
})


def init_app(app) -> None:
    """Refuse a holder account every endpoint not in ``HOLDER_ENDPOINTS``."""

    @app.before_request
    def _holders_stay_in_their_lane():
        endpoint = request.endpoint or ""
        if endpoint == "static" or endpoint.endswith(".static") or endpoint in HOLDER_ENDPOINTS:
            return None
        if current_user.is_authenticated and current_user.role == "holder":
            raise Forbidden(_("监督单位用户只能查看本机构负责单位的待办事项和记录。"))
        return None
