"""Rule packs in the browser: stored versions, publishing, browsing a version
(lists → categories → items, an item's detail, a form's preview). Editing
lives in editor_views.py."""
from __future__ import annotations

import json
import logging
from collections import OrderedDict

from flask import flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..auth.access import role_required
from ..holders.recording import recorder_words
from ..i18n import N_
from ..packs.diff import ADDED, CHANGED, REMOVED, REORDERED, describe, diff_files
from ..packs.report_templates import templates
from ..packs.store import PackVersion, publish
from ..perform.status import render as render_msg
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.render import render
from ..web.words import item_applies, item_check
from ..web.times import local_iso
from . import editor, tryit
from .blueprint import bp
from .models import FREQUENCIES

log = logging.getLogger(__name__)

SOURCES = {"install": N_("安装"), "editor": N_("在线编辑"), "import": N_("导入")}
#: The report templates a pack holds (rules/reports.json), edited on their own page.
REPORT_LABELS = {"unit": N_("廉情报告"), "district": N_("政治生态分析")}


@bp.get("/packs")
@role_required("admin", "inspector")
def packs():
    """Every stored pack version, newest first; the published one marked."""
    versions = list(PackVersion.select(*PackVersion.light_fields()).order_by(PackVersion.id.desc()))
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("规则包版本"), ["#", _("名称"), _("版本"), _("内容哈希"), _("来源"), _("创建时间"), _("创建人"), _("已发布")],
                      ([v.id, v.name, v.version, v.content_hash, _(SOURCES.get(v.source, v.source)),
                        local_iso(v.created_at), v.created_by, v.published] for v in versions))
    return render("define/packs.html", versions=versions, sources=SOURCES)




CHANGE_KINDS = {ADDED: N_("新增"), REMOVED: N_("删除"), CHANGED: N_("修改"), REORDERED: N_("调整顺序")}


@bp.get("/packs/<int:version_id>/diff")
@role_required("admin", "inspector")
def pack_diff(version_id: int):
    """What this version changes against another of the same pack (by default the one
    it was edited from, else the published one): read before publishing."""
    version = version_or_404(version_id)
    siblings = list(PackVersion.select(*PackVersion.light_fields())
                    .where((PackVersion.pack_id == version.pack_id) & (PackVersion.id != version.id))
                    .order_by(PackVersion.id.desc()))
    against = request.args.get("against", "")
    if against:
        other = version_or_404(parse_id(against) or 0)
    else:  # the version it was edited from, else the published one, else the newest other
        other = version.parent or PackVersion.current()
        if other is None or other.id == version.id:
            other = siblings[0] if siblings else None
    if other is not None and other.id == version.id:
        other = None
    if other is not None and other.files is None:  # a light row (no files) from a list query
        other = PackVersion.get_by_id(other.id)
    rows = []
    if other is not None:
        for change in diff_files(other.files, version.files):
            where = describe(other.files if change.kind == REMOVED else version.files, change)
            rows.append({"change": change, "where": where, "before": _json_text(change.before, change.kind != ADDED),
                         "after": _json_text(change.after, change.kind != REMOVED)})
    fmt = wanted_format()
    if fmt:
        if other is None:
            raise NotFound(_("没有可比较的版本"))
        return export(fmt, _("v%(new)s 与 v%(old)s 的差异", new=version.version, old=other.version),
                      [_("文件"), _("位置"), _("所在条目或表单"), _("变化"), _("之前"), _("之后")],
                      ([r["change"].file, r["change"].pointer or "/", r["where"],
                        _(CHANGE_KINDS[r["change"].kind]), r["before"], r["after"]] for r in rows))
    return render("define/pack_diff.html", version=version, other=other, siblings=siblings, rows=rows,
                  kinds=CHANGE_KINDS, counts={k: sum(1 for r in rows if r["change"].kind == k) for k in CHANGE_KINDS})


def _json_text(value, present: bool) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": ")) if present else ""


def version_or_404(version_id: int) -> PackVersion:
    """The stored version with this id, or NotFound."""
    version = PackVersion.get_or_none(PackVersion.id == version_id) if parse_id(version_id) else None
    if version is None:
        raise NotFound(_("规则包版本不存在"))
    return version


@bp.get("/packs/<int:version_id>")
@role_required("admin", "inspector")
def pack(version_id: int):
    """One version: its lists, categories and items, and its forms."""
    version = version_or_404(version_id)
    pack = version.pack()
    list_filter = request.args.get("list", "")
    items = [i for i in pack.items if not list_filter or i.list == list_filter]
    fmt = wanted_format()
    if fmt:
        lists = {lst.id: lst.name for lst in pack.lists}
        categories = {c.id: c.name for c in pack.categories}
        forms = {fid: f.title for fid, f in pack.forms.items()}
        recorders = _recorders(pack)
        return export(fmt, f"{version.name} v{version.version}",
                      [_("编号"), _("责任清单"), _("类别"), _("事项"), _("责任主体"), _("由谁记录"), _("频次"), _("目标次数"),
                       _("佐证表单"), _("权重"), _("监督主体"), _("适用范围"), _("检查规则"), _("问题表述"),
                       _("适用规则（JSON）"), _("检查规则（JSON）")],
                      ([i.id, lists.get(i.list, i.list), categories.get(i.category, i.category), i.text, i.holder,
                        recorders.get(i.list, ""), _(FREQUENCIES.get(i.frequency, i.frequency)), i.min_count, forms.get(i.form, i.form),
                        i.weight, i.supervisor, item_applies(pack, i).text, item_check(pack, i).text, i.finding,
                        "" if i.applies_if is None else _json(i.applies_if), _json(i.check)]
                       for i in _in_tree_order(pack, items)))
    return render("define/pack.html", version=version, pack=pack, items=items, list_filter=list_filter,
                  tree=_tree(pack, items), lists={lst.id: lst for lst in pack.lists}, recorders=_recorders(pack),
                  categories={c.id: c.name for c in pack.categories},
                  frequencies=FREQUENCIES, report_labels=REPORT_LABELS, report_templates=templates(pack))


def _json(rule) -> str:
    return json.dumps(rule, ensure_ascii=False, separators=(",", ":"))


def _in_tree_order(pack, items) -> list:
    """The items as the page lists them: by list, then category, then pack order."""
    return [item for cats in _tree(pack, items).values() for cat_items in cats.values() for item in cat_items]


def _recorders(pack) -> dict[str, str]:
    """List id → who records its items, in words (the pack's ``recorded_by``, or the default)."""
    return {lst.id: render_msg(recorder_words(lst), _) for lst in pack.lists}


def _tree(pack, items) -> "OrderedDict":
    """list → category → items in the pack's order (categories by their `order`)."""
    order = {c.id: (c.order, i) for i, c in enumerate(pack.categories)}
    tree: OrderedDict = OrderedDict((lst.id, OrderedDict()) for lst in pack.lists)
    for item in items:
        tree.setdefault(item.list, OrderedDict()).setdefault(item.category, []).append(item)
    return OrderedDict((list_id, OrderedDict(sorted(cats.items(), key=lambda kv: order.get(kv[0], (999, 0)))))
                       for list_id, cats in tree.items() if cats)


def _item(pack, item_id: str):
    item = pack.item(item_id)
    if item is None:
        raise NotFound(_("条目不存在"))
    return item


@bp.get("/packs/<int:version_id>/items/<item_id>")
@role_required("admin", "inspector")
def pack_item(version_id: int, item_id: str):
    """One item of a version: text, frequency, target, due, form, rules, finding."""
    version = version_or_404(version_id)
    pack = version.pack()
    item = _item(pack, item_id)
    return render("define/pack_item.html", version=version, pack=pack, item=item,
                  list_names={lst.id: lst.name for lst in pack.lists},
                  categories={c.id: c.name for c in pack.categories}, frequencies=FREQUENCIES,
                  pretty=editor.pretty, period=tryit.sample_period(item))


def form_locale() -> str:
    """The renderer's locale for the current UI language."""
    return "en" if str(get_locale()).startswith("en") else "zh-CN"


def preview_html(schema) -> tuple[Markup | None, str | None]:
    """A read-only rendering of a form schema, or (None, message) when it cannot render."""
    from ..forms.render import render_form

    try:
        return Markup(render_form(schema, locale=form_locale(), form_id="preview")), None
    except Exception as exc:  # noqa: BLE001 - an admin's broken form is a message, not a 500
        log.info("form preview failed: %s", exc)
        return None, _("无法预览此表单：%(error)s", error=getattr(exc, "message", None) or type(exc).__name__)


@bp.get("/packs/<int:version_id>/forms/<form_id>")
@role_required("admin", "inspector")
def pack_form(version_id: int, form_id: str):
    """A form of a version rendered as the unit's clerk will see it (nothing is submitted)."""
    version = version_or_404(version_id)
    pack = version.pack()
    form = pack.forms.get(form_id)
    if form is None:
        raise NotFound(_("表单不存在"))
    html, error = preview_html(form.schema)
    return render("define/pack_form.html", version=version, pack=pack, form=form, preview=html,
                  preview_schema=form.schema,
                  preview_error=error, pretty=editor.pretty,
                  used_by=[i for i in pack.items if i.form == form_id])


@bp.post("/packs/<int:version_id>/publish")
@role_required("admin")
def publish_version(version_id: int):
    """Publish a stored version (audited); plans generated afterwards use it."""
    version = version_or_404(version_id)
    publish(version)
    flash(_("已发布规则包 %(label)s", label=version.label), "success")
    return redirect(url_for("define.packs"))


from . import editor_views, report_editor_views  # noqa: E402,F401  (register the editing routes on bp)
