"""Admin page to browse and filter the audit log (read-only by design)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, request
from flask_babel import gettext as _

from ..auth.access import role_required
from ..i18n import N_
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.paging import paged
from ..web.render import render
from ..web.times import local_day_start_utc, local_iso
from .log import AuditEntry

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

ACTIONS = {"create": N_("新建"), "update": N_("修改"), "delete": N_("删除"),
           "publish": N_("发布"), "install": N_("安装"),
           "login": N_("登录"), "login_failed": N_("登录失败"), "login_locked": N_("锁定期内尝试登录"),
           "logout": N_("退出登录"), "seal": N_("封存评议票")}
# What each audited table is called in the UI; unknown types show their table name.
OBJECT_LABELS = {"unit": N_("单位"), "user": N_("用户"), "pack_version": N_("规则包版本"),
                 "plan": N_("年度任务清单"), "plan_item": N_("清单事项"), "plan_revision": N_("清单修订"),
                 "record": N_("履责记录"), "draft": N_("草稿"), "stored_file": N_("附件"),
                 "job": N_("后台任务"),
                 "review_session": N_("评议会"), "review_leader": N_("述职人"), "review_evaluator": N_("评议人"),
                 "review_vote": N_("已评记录"), "review_ballot": N_("评议票"), "review_note": N_("询问与点评"),
                 "review_feedback": N_("问题清单"), "review_follow_up": N_("评议后续处置"),
                 "finding": N_("问题台账"), "finding_event": N_("问题办理过程"),
                 "accountability_entry": N_("一案双查"), "disposition": N_("处置"),
                 "holder_body": N_("监督单位"), "holder_body_unit": N_("监督单位负责的单位")}

# What the recorded columns are called in the UI; unknown names show as they are.
FIELD_LABELS = {
    "id": N_("编号"), "code": N_("编号"), "name": N_("名称"), "type": N_("类型"), "parent": N_("上级"),
    "tags": N_("标签"), "risk_areas": N_("风险领域"), "subordinate_units": N_("下属单位数"),
    "law_enforcement": N_("执法单位"), "leader_name": N_("一把手"), "leader_title": N_("职务"),
    "active": N_("启用"), "created_at": N_("创建时间"), "updated_at": N_("更新时间"),
    "holder_body": N_("监督单位"), "department": N_("部门代码"), "units": N_("负责的单位"),
    "username": N_("用户名"), "display_name": N_("姓名"), "password_hash": N_("密码"), "role": N_("角色"),
    "unit": N_("单位"), "user": N_("用户"), "remote_addr": N_("来源地址"),
    "pack_id": N_("规则包"), "version": N_("版本号"), "content_hash": N_("内容摘要"), "files": N_("文件"),
    "source": N_("来源"), "note": N_("说明"), "created_by": N_("创建人"), "published": N_("已发布"),
    "published_at": N_("发布时间"), "year": N_("年度"), "pack_version": N_("规则包版本"),
    "status": N_("状态"), "revision": N_("修订号"), "plan": N_("年度任务清单"), "item_id": N_("事项编号"),
    "list_id": N_("清单"), "category_id": N_("类别"), "text": N_("内容"), "frequency": N_("频次"),
    "min_count": N_("最少次数"), "due": N_("完成时限"), "due_date": N_("截止日期"), "form": N_("表单"),
    "weight": N_("权重"), "supervisor": N_("监督主体"), "custom": N_("自定义"), "enabled": N_("纳入清单"),
    "disabled_reason": N_("不纳入原因"), "position": N_("顺序"), "number": N_("序号"), "at": N_("时间"),
    "actor_name": N_("操作人"), "summary": N_("摘要"), "snapshot": N_("快照"), "form_id": N_("表单"),
    "plan_item": N_("清单事项"), "record_date": N_("记录日期"), "data": N_("填报内容"), "key": N_("键"),
    "uploaded_by": N_("上传人"), "content_type": N_("文件类型"), "size": N_("大小"), "sha256": N_("SHA-256"),
    "path": N_("存储路径"), "kept": N_("记录已引用"), "last_seen_at": N_("草稿最近引用时间"),
    "kind": N_("任务类型"), "params": N_("参数"), "state": N_("状态"), "done": N_("已完成"), "total": N_("总数"),
    "result": N_("结果"), "error": N_("错误"), "attempts": N_("执行次数"), "owner": N_("执行进程"),
    "started_at": N_("开始时间"), "heartbeat_at": N_("最近心跳"), "finished_at": N_("结束时间"),
}
# Sign-in events carry who and from where rather than changed fields.
SIGN_IN_ACTIONS = ("login", "login_failed", "login_locked", "logout")


def field_label(name: str) -> str:
    """The UI name of a recorded column (the column name when unknown)."""
    label = FIELD_LABELS.get(name)
    return _(label) if label else name


def summary(entry: AuditEntry) -> str:
    """One line on what the entry changed: its fields, or who signed in from where."""
    if entry.action in SIGN_IN_ACTIONS:
        after = entry.after or {}
        return " · ".join(str(v) for v in (after.get("username"), after.get("remote_addr")) if v)
    return _("、").join(field_label(name) for name in entry.changed_fields())


def object_label(object_type: str) -> str:
    """The UI name of an audited object type (its table name when unknown)."""
    label = OBJECT_LABELS.get(object_type)
    return _(label) if label else object_type


def _parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filtered_entries(args):
    """The audit entries matching the filter fields in ``args``, newest first."""
    query = AuditEntry.select().order_by(AuditEntry.id.desc())
    if args.get("object_type"):
        query = query.where(AuditEntry.object_type == args["object_type"])
    if args.get("object_id"):
        query = query.where(AuditEntry.object_id == args["object_id"].strip())
    if args.get("action"):
        query = query.where(AuditEntry.action == args["action"])
    if args.get("actor"):
        query = query.where(AuditEntry.actor_name.contains(args["actor"].strip()))
    since, until = _parse_day(args.get("since")), _parse_day(args.get("until"))
    if since:
        query = query.where(AuditEntry.at >= local_day_start_utc(since))  # days in the instance's zone
    if until:
        query = query.where(AuditEntry.at < local_day_start_utc(until + dt.timedelta(days=1)))
    return query


@bp.get("/")
@role_required("admin")
def index():
    """The audit log with filters, paging and export."""
    query = filtered_entries(request.args)
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("审计日志"),
                      [_("时间"), _("操作人"), _("操作"), _("对象类型"), _("对象编号"), _("变更内容")],
                      ([local_iso(e.at), e.actor_name, _(ACTIONS.get(e.action, e.action)),
                        object_label(e.object_type), e.object_id, summary(e)] for e in query))
    listing = paged(query)
    object_types = [r.object_type for r in
                    AuditEntry.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)]
    return render("audit/index.html", block="results", entries=listing.pop("rows"), **listing, actions=ACTIONS,
                  object_types=object_types, object_label=object_label, summary=summary)


@bp.get("/<int:entry_id>")
@role_required("admin")
def show(entry_id: int):
    """One entry with its before and after values side by side."""
    entry = AuditEntry.get_or_none(AuditEntry.id == entry_id)
    if entry is None:
        raise NotFound()
    keys = sorted(set(entry.before or {}) | set(entry.after or {}))
    return render("audit/show.html", entry=entry, keys=keys, actions=ACTIONS, object_label=object_label, field_label=field_label,
                  changed=set(entry.changed_fields()))
