"""问责 tables: the findings register, each finding's timeline, dispositions
and the accountability entries of 一案双查.

A finding names where it came from by ``source_kind`` and ``source_id`` (a
review feedback item, a review follow-up, a check result) or by
``source_ref`` (an outside reference: a petition number, an inspection
tour's report), and by ``channel`` (巡视巡察, 信访举报, …). Check results
(督责, issue 11) link the same way later: ``source_kind = 'check'`` and the
result's id, with no change to this table.
"""
from __future__ import annotations

import peewee

from ..auth.models import User
from ..db import BaseModel, JSONField, utcnow
from ..i18n import N_
from ..packs.store import PackVersion
from ..units.models import Unit

# Where a finding came from: the object it links to (source_id) if any.
SOURCE_KINDS = {
    "review_feedback": N_("评议反馈问题"),
    "review_follow_up": N_("评议后续处置"),
    "check": N_("督责检查结果"),
    "external": N_("外部来源"),
}

# The channel through which the problem was found (DOMAIN.md, problem sources).
CHANNELS = {
    "review": N_("述责述廉评议"),
    "check": N_("督责检查"),
    "inspection_tour": N_("巡视巡察"),
    "petition": N_("信访举报"),
    "daily": N_("日常监督"),
    "discipline": N_("执纪审查"),
    "self_check": N_("自查"),
    "assigned": N_("上级交办"),
}

SEVERITIES = {"minor": N_("一般"), "major": N_("较重"), "serious": N_("严重")}

# 一案双查: whose responsibility an accountability entry examines.
RESPONSIBILITIES = {
    "direct": N_("直接责任"),
    "main": N_("主体责任"),
    "supervision": N_("监督责任"),
}
ENTRY_STATUSES = {"open": N_("调查中"), "concluded": N_("已处理"), "cleared": N_("不予追责")}


class Finding(BaseModel):
    """One problem found, followed until it is fixed and verified (销号).

    ``status`` is changed only by ``accountability.states.move``.
    """

    unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT", backref="findings")
    leader = peewee.CharField(max_length=100, default="")
    leader_post = peewee.CharField(max_length=100, default="")
    title = peewee.CharField(max_length=200)
    description = peewee.TextField(default="")
    channel = peewee.CharField(max_length=30)
    source_kind = peewee.CharField(max_length=30, default="external")
    source_id = peewee.IntegerField(null=True)
    source_ref = peewee.CharField(max_length=200, default="")
    pack_version = peewee.ForeignKeyField(PackVersion, null=True, on_delete="RESTRICT")
    list_id = peewee.CharField(max_length=100, default="")
    category_id = peewee.CharField(max_length=100, default="")
    severity = peewee.CharField(max_length=20, default="minor")
    found_on = peewee.DateField()
    due_on = peewee.DateField(null=True)
    files = JSONField(default=list)
    status = peewee.CharField(max_length=20, default="draft", index=True)
    # The unit's rectification plan (整改方案): measures and the deadline it sets.
    plan_measures = peewee.TextField(default="")
    plan_due_on = peewee.DateField(null=True)
    plan_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    plan_at = peewee.DateTimeField(null=True)
    # The evidence of rectification (整改材料) of the current round.
    evidence_text = peewee.TextField(default="")
    evidence = JSONField(default=list)
    evidence_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    evidence_at = peewee.DateTimeField(null=True)
    verified_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    closed_at = peewee.DateTimeField(null=True)
    created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "finding"
        indexes = ((("source_kind", "source_id"), False),)

    def deadline(self):
        """The rectification deadline in force: the plan's, else the one set when found."""
        return self.plan_due_on or self.due_on


class FindingEvent(BaseModel):
    """One line of a finding's timeline: a move, an edit, a plan, evidence, a
    disposition, a comment. Append-only, like the audit log it mirrors."""

    finding = peewee.ForeignKeyField(Finding, on_delete="CASCADE", backref="events")
    at = peewee.DateTimeField(default=utcnow)
    actor = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT", backref="+")
    actor_name = peewee.CharField(max_length=100)
    kind = peewee.CharField(max_length=20)
    move = peewee.CharField(max_length=30, default="")
    from_status = peewee.CharField(max_length=20, default="")
    to_status = peewee.CharField(max_length=20, default="")
    text = peewee.TextField(default="")
    data = JSONField(null=True)

    class Meta:
        table_name = "finding_event"


class AccountabilityEntry(BaseModel):
    """一案双查: one person whose responsibility a case (a finding) examines,
    tracked to its own outcome."""

    finding = peewee.ForeignKeyField(Finding, on_delete="CASCADE", backref="entries")
    responsibility = peewee.CharField(max_length=20)
    person = peewee.CharField(max_length=100)
    post = peewee.CharField(max_length=100, default="")
    unit = peewee.ForeignKeyField(Unit, null=True, on_delete="RESTRICT", backref="+")
    status = peewee.CharField(max_length=20, default="open")
    outcome = peewee.TextField(default="")
    concluded_on = peewee.DateField(null=True)
    created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "accountability_entry"


class Disposition(BaseModel):
    """A disposition (处置) given on a finding, or on one entry of its case:
    one of the pack's list, when it was decided and by whom."""

    finding = peewee.ForeignKeyField(Finding, on_delete="CASCADE", backref="dispositions")
    entry = peewee.ForeignKeyField(AccountabilityEntry, null=True, on_delete="CASCADE", backref="dispositions")
    kind = peewee.CharField(max_length=50)
    label = peewee.CharField(max_length=100)
    counts_as = peewee.CharField(max_length=20, default="")
    decided_on = peewee.DateField()
    decided_by = peewee.CharField(max_length=100)
    note = peewee.TextField(default="")
    recorded_by = peewee.ForeignKeyField(User, on_delete="RESTRICT", backref="+")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "disposition"
