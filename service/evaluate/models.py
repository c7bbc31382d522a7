"""评责 tables: review sessions (评议会), the leaders who report, the evaluators,
their ballots, what was asked and answered, and the follow-ups a low score drafts.

Anonymity is a property of the tables, not of the pages: a ballot of an
anonymous session has no evaluator column, no timestamp and a random id, and
who has voted is kept apart (``ReviewVote``, without times). See
docs/evaluate.md.
"""
from __future__ import annotations

import uuid

import peewee

from ..auth.models import User
from ..db import BaseModel, JSONField, utcnow
from ..i18n import N_
from ..packs.store import PackVersion
from ..units.models import Unit

NOTE_KINDS = {"question": N_("询问问题"), "comment": N_("点评意见")}
FEEDBACK_STATUSES = {"draft": N_("草稿"), "issued": N_("已反馈")}
FOLLOW_UP_KINDS = {"talk": N_("提醒谈话"), "finding": N_("整改问题")}
FOLLOW_UP_STATUSES = {"draft": N_("待确认"), "confirmed": N_("已确认"), "dismissed": N_("不予处置")}


class ReviewSession(BaseModel):
    """One review meeting, under the pack version it was made with."""

    title = peewee.CharField(max_length=200)
    held_on = peewee.DateField()
    place = peewee.CharField(max_length=200, default="")
    pack_version = peewee.ForeignKeyField(PackVersion, on_delete="RESTRICT")
    scale = peewee.CharField(max_length=64)
    anonymous = peewee.BooleanField(default=True)
    weights = JSONField()
    status = peewee.CharField(max_length=20, default="preparing")
    created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    opened_at = peewee.DateTimeField(null=True)
    closed_at = peewee.DateTimeField(null=True)
    published_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "review_session"

    def ordered_leaders(self) -> list["ReviewLeader"]:
        return list(self.leaders.order_by(ReviewLeader.position, ReviewLeader.id))

    def ordered_evaluators(self) -> list["ReviewEvaluator"]:
        return list(self.evaluators.order_by(ReviewEvaluator.group, ReviewEvaluator.position, ReviewEvaluator.id))


class ReviewLeader(BaseModel):
    """A leader who reports at the meeting, in order; the result once closed."""

    session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE", backref="leaders")
    position = peewee.IntegerField(default=0)
    unit = peewee.ForeignKeyField(Unit, on_delete="RESTRICT")
    name = peewee.CharField(max_length=100)
    post = peewee.CharField(max_length=100, default="")
    score = peewee.FloatField(null=True)
    grade = peewee.CharField(max_length=64, null=True)
    rank = peewee.IntegerField(null=True)
    follow_up = peewee.BooleanField(default=False)
    result = JSONField(null=True)
    response = peewee.TextField(default="")
    response_on = peewee.DateField(null=True)

    class Meta:
        table_name = "review_leader"


class ReviewEvaluator(BaseModel):
    """A person who scores at the meeting; signs in with a personal link (only its hash is kept)."""

    session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE", backref="evaluators")
    position = peewee.IntegerField(default=0)
    name = peewee.CharField(max_length=100)
    group = peewee.CharField(max_length=64)
    token_hash = peewee.CharField(max_length=64, null=True)
    link_expires_at = peewee.DateTimeField(null=True)
    link_issued_at = peewee.DateTimeField(null=True)
    last_signed_in_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "review_evaluator"

    _audit_omit = ("token_hash",)


class ReviewVote(BaseModel):
    """That an evaluator has scored a leader, and nothing else: no ballot, no time."""

    session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
    evaluator = peewee.ForeignKeyField(ReviewEvaluator, on_delete="CASCADE", backref="votes")
    leader = peewee.ForeignKeyField(ReviewLeader, on_delete="CASCADE")

    class Meta:
        table_name = "review_vote"
        primary_key = peewee.CompositeKey("evaluator", "leader")


def _ballot_id() -> str:
    return str(uuid.uuid4())


class ReviewBallot(BaseModel):
    """One filled evaluation sheet for one leader.

    Named sessions keep the evaluator; anonymous ones keep only ``ballot_key``,
    a keyed hash of the evaluator's link secret that the server cannot derive
    (the secret is not stored), wiped when the session closes. No timestamps
    and a random id: nothing orders ballots by when they were cast.
    """

    id = peewee.CharField(max_length=36, primary_key=True, default=_ballot_id)
    session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE", backref="ballots")
    leader = peewee.ForeignKeyField(ReviewLeader, on_delete="CASCADE", backref="ballots")
    group = peewee.CharField(max_length=64)
    evaluator = peewee.ForeignKeyField(ReviewEvaluator, null=True, on_delete="CASCADE")
    ballot_key = peewee.CharField(max_length=64, null=True, unique=True)
    data = JSONField()
    grade = peewee.CharField(max_length=64, null=True)
    complete = peewee.BooleanField(default=False)

    class Meta:
        table_name = "review_ballot"
        indexes = ((("evaluator", "leader"), True),)


class ReviewNote(BaseModel):
    """A question asked or a comment made about a leader at the meeting (recorded by staff)."""

    session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
    leader = peewee.ForeignKeyField(ReviewLeader, on_delete="CASCADE", backref="notes")
    kind = peewee.CharField(max_length=20)
    speaker = peewee.CharField(max_length=100, default="")
    text = peewee.TextField()
    created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "review_note"


class ReviewFeedback(BaseModel):
    """One item of the problem list (问题清单) fed back to a leader.

    ``finding_id`` stays empty until the 问责 register exists and the item is
    sent there as a finding (issue 13).
    """

    session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
    leader = peewee.ForeignKeyField(ReviewLeader, on_delete="CASCADE", backref="feedback")
    position = peewee.IntegerField(default=0)
    text = peewee.TextField()
    status = peewee.CharField(max_length=20, default="draft")
    finding_id = peewee.IntegerField(null=True)
    sent_at = peewee.DateTimeField(null=True)
    created_by = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "review_feedback"


class ReviewFollowUp(BaseModel):
    """A follow-up a low composite drafts (the pack's threshold.follow_ups), for an inspector to confirm."""

    session = peewee.ForeignKeyField(ReviewSession, on_delete="CASCADE")
    leader = peewee.ForeignKeyField(ReviewLeader, on_delete="CASCADE", backref="follow_ups")
    kind = peewee.CharField(max_length=20)
    action = peewee.CharField(max_length=100)
    text = peewee.TextField()
    due_on = peewee.DateField(null=True)
    status = peewee.CharField(max_length=20, default="draft")
    decided_by = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT")
    decided_at = peewee.DateTimeField(null=True)
    finding_id = peewee.IntegerField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "review_follow_up"
        indexes = ((("leader", "action"), True),)
