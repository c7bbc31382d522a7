"""Rule packs in the browser: stored versions, publishing, browsing a version."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from ..auth.access import role_required
from ..i18n import N_
from ..packs.store import PackVersion, publish
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.render import render
from .blueprint import bp
from .models import FREQUENCIES

SOURCES = {"install": N_("安装"), "editor": N_("在线编辑"), "import": N_("导入")}


@bp.get("/packs")
@role_required("admin", "inspector")
def packs():
    """Every stored pack version, newest first; the published one marked."""
    versions = list(PackVersion.select().order_by(PackVersion.id.desc()))
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("规则包版本"), ["#", _("名称"), _("版本"), _("内容哈希"), _("来源"), _("创建时间(UTC)"), _("创建人"), _("已发布")],
                      ([v.id, v.name, v.version, v.content_hash, _(SOURCES.get(v.source, v.source)),
                        v.created_at.isoformat(timespec="seconds"), v.created_by, v.published] for v in versions))
    return render("define/packs.html", versions=versions, sources=SOURCES)


def _version(version_id: int) -> PackVersion:
    version = PackVersion.get_or_none(PackVersion.id == version_id)
    if version is None:
        raise NotFound(_("规则包版本不存在"))
    return version


@bp.get("/packs/<int:version_id>")
@role_required("admin", "inspector")
def pack(version_id: int):
    """One version: its lists, categories and items, and its forms."""
    version = _version(version_id)
    pack = version.pack()
    list_filter = request.args.get("list", "")
    items = [i for i in pack.items if not list_filter or i.list == list_filter]
    return render("define/pack.html", version=version, pack=pack, items=items, list_filter=list_filter,
                  categories={c.id: c.name for c in pack.categories}, frequencies=FREQUENCIES)


@bp.post("/packs/<int:version_id>/publish")
@role_required("admin")
def publish_version(version_id: int):
    """Publish a stored version (audited); plans generated afterwards use it."""
    version = _version(version_id)
    publish(version)
    flash(_("已发布规则包 %(label)s", label=version.label), "success")
    return redirect(url_for("define.packs"))
