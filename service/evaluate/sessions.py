"""Review sessions: setting one up, its states and moves, closing with results,
and what follows a meeting (notes, the problem list, the leader's response,
follow-ups). Plain functions, no Flask; every change goes through
``service.audit``.

A session moves 筹备 → 进行中 → 已结束 → 已发布 and nowhere else: ``MOVES`` is the
one table of allowed moves and ``move`` the one function that performs them.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass

import peewee

from .. import audit
from ..auth.models import User
from ..db import database, utcnow
from ..i18n import N_
from ..packs.scoring import ReviewConfig, ScoringError, review_config
from ..packs.store import PackVersion
from ..units.models import Unit
from .models import (ReviewBallot, ReviewEvaluator, ReviewFeedback, ReviewFollowUp, ReviewLeader, ReviewNote,
                     ReviewSession)
from .scoring import competition_ranks, leader_result, number_text

STATES = {"preparing": N_("筹备"), "open": N_("进行中"), "closed": N_("已结束"), "published": N_("已发布")}


@dataclass(frozen=True)
class Move:
    """An allowed move: its name, the states it goes between and the button's words."""

    name: str
    source: str
    target: str
    label: str
    confirm: str


MOVES = {
    "open": Move("open", "preparing", "open", N_("开始评议"),
                 N_("开始后不能再增删述职人和评议人，评议人可以开始打分。")),
    "close": Move("close", "open", "closed", N_("结束评议并计分"),
                  N_("结束后评分锁定、不能再修改，并按规则包计算结果。")),
    "publish": Move("publish", "closed", "published", N_("发布结果"),
                    N_("发布后被评议单位可以看到本单位的结果。")),
}


class SessionError(ValueError):
    """A change the session's state or content does not allow; the message is for the user."""


def config_of(session: ReviewSession) -> ReviewConfig:
    """The review configuration of the pack version the session was made under."""
    return review_config(session.pack_version.pack())


def moves_from(status: str) -> list[Move]:
    """The moves a session in ``status`` may make."""
    return [m for m in MOVES.values() if m.source == status]


# --------------------------------------------------------------------------- setting up

def create_session(*, title: str, held_on: dt.date, place: str, version: PackVersion, anonymous: bool,
                   scale: str | None, created_by: User) -> ReviewSession:
    """A new session in 筹备 under ``version``, with the pack's default scale and weights."""
    try:
        config = review_config(version.pack())
    except ScoringError:
        raise SessionError(N_("该规则包版本没有评议会配置（rules/scoring.json 的 review），请先发布包含它的版本。"))
    scale = scale or config.default_scale
    if scale not in config.scale_fields:
        raise SessionError(N_("规则包中没有该评价等级。"))
    return audit.create(ReviewSession, title=title, held_on=held_on, place=place, pack_version=version,
                        scale=scale, anonymous=anonymous, weights=config.default_weights, created_by=created_by)


def _in_preparation(session: ReviewSession) -> None:
    if session.status != "preparing":
        raise SessionError(N_("评议已开始，不能再修改述职人、评议人和权重。"))


def add_leader(session: ReviewSession, *, unit: Unit, name: str, post: str) -> ReviewLeader:
    """Add a leader at the end of the reporting order."""
    _in_preparation(session)
    last = ReviewLeader.select(peewee.fn.MAX(ReviewLeader.position)).where(
        ReviewLeader.session == session).scalar() or 0
    return audit.create(ReviewLeader, session=session, position=last + 1, unit=unit, name=name, post=post)


def remove_leader(leader: ReviewLeader) -> None:
    _in_preparation(leader.session)
    audit.delete(leader)


def move_leader(leader: ReviewLeader, step: int) -> None:
    """Swap a leader with the one before (step -1) or after (+1) in the order."""
    session = leader.session
    _in_preparation(session)
    order = session.ordered_leaders()
    index = next(i for i, other in enumerate(order) if other.id == leader.id)
    other_index = index + step
    if not 0 <= other_index < len(order):
        return
    with database.atomic():
        order[index], order[other_index] = order[other_index], order[index]
        for position, item in enumerate(order, start=1):
            if item.position != position:
                audit.update(item, position=position)


def add_evaluator(session: ReviewSession, *, name: str, group: str) -> ReviewEvaluator:
    """Add an evaluator to one of the pack's groups."""
    _in_preparation(session)
    if group not in config_of(session).groups:
        raise SessionError(N_("评议人类别不在规则包中。"))
    last = ReviewEvaluator.select(peewee.fn.MAX(ReviewEvaluator.position)).where(
        ReviewEvaluator.session == session).scalar() or 0
    return audit.create(ReviewEvaluator, session=session, position=last + 1, name=name, group=group)


def remove_evaluator(evaluator: ReviewEvaluator) -> None:
    _in_preparation(evaluator.session)
    audit.delete(evaluator)


def set_weights(session: ReviewSession, weights: dict) -> ReviewSession:
    """The session's group weights: one per pack group, each 0–1, adding up to 1."""
    _in_preparation(session)
    groups = config_of(session).groups
    if set(weights) != set(groups) or any(not 0 <= w <= 1 for w in weights.values()):
        raise SessionError(N_("每个评议人类别的权重应在 0 到 1 之间。"))
    if abs(sum(weights.values()) - 1) > 1e-9:
        raise SessionError(N_("各类别权重之和应为 1。"))
    return audit.update(fresh(session), weights={g: weights[g] for g in groups})


# --------------------------------------------------------------------------- moves

def move(session: ReviewSession, name: str) -> ReviewSession:
    """Perform the move ``name`` (open, close, publish) and audit it.

    The state changes with a conditional update (``WHERE status = source``)
    that is the transaction's first write, so two chairs pressing 结束 at once,
    or a ballot saved while the session closes, are serialised: exactly one
    move happens and a ballot is either in the result or refused.
    """
    step = MOVES.get(name)
    if step is None or step.source != session.status:
        raise SessionError(N_("当前状态下不能进行此操作。"))
    if name == "open":
        if not session.leaders.exists() or not session.evaluators.exists():
            raise SessionError(N_("请先添加述职人和评议人。"))
    now = utcnow()
    stamp = {"open": "opened_at", "close": "closed_at", "publish": "published_at"}[name]
    with database.atomic():
        before = audit.snapshot(session)
        changed = (ReviewSession.update(status=step.target, updated_at=now, **{stamp: now})
                   .where((ReviewSession.id == session.id) & (ReviewSession.status == step.source)).execute())
        if changed != 1:
            raise SessionError(N_("会议状态已被他人更改，请刷新页面。"))
        fresh = ReviewSession.get_by_id(session.id)
        audit.record("update", "review_session", fresh.id, before, audit.snapshot(fresh))
        if name == "close":
            _close(fresh)
    session.__data__ = dict(fresh.__data__)
    return session


def _close(session: ReviewSession) -> None:
    """Compute every leader's result, draft the follow-ups, seal anonymous ballots."""
    pack = session.pack_version.pack()
    config = review_config(pack)
    leaders = session.ordered_leaders()
    results = []
    for leader in leaders:
        ballots = (ReviewBallot.select(ReviewBallot.group, ReviewBallot.grade)
                   .where((ReviewBallot.leader == leader) & (ReviewBallot.complete == True)))  # noqa: E712
        result = leader_result(pack, config, scale=session.scale, weights=session.weights,
                               ballots=[{"group": b.group, "grade": b.grade} for b in ballots])
        result["incomplete"] = ReviewBallot.select().where(
            (ReviewBallot.leader == leader) & (ReviewBallot.complete == False)).count()  # noqa: E712
        results.append(result)
    ranks = competition_ranks([r["score"] for r in results])
    for leader, result, rank in zip(leaders, results, ranks):
        audit.update(leader, score=result["score"], grade=result["grade"], rank=rank,
                     follow_up=result["follow_up"], result=result)
        if result["follow_up"]:
            _draft_follow_ups(session, leader, config)
    if session.anonymous:
        _seal_ballots(session)


def _fill(template: str, values: dict) -> str:
    # Only {name} of the known names: a pack is untrusted, so no str.format
    # (whose {x.attr} would read attributes).
    return re.sub(r"\{([a-z]+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)


def _draft_follow_ups(session: ReviewSession, leader: ReviewLeader, config: ReviewConfig) -> None:
    values = {"leader": leader.name, "unit": leader.unit.name, "post": leader.post, "session": session.title,
              "date": session.held_on.isoformat(), "score": number_text(leader.score, config.decimals),
              "grade": leader.grade or "", "threshold": number_text(config.threshold, config.decimals)}
    for follow_up in config.follow_ups:
        days = follow_up.get("due_days") or (config.rectification_days if follow_up["kind"] == "finding" else None)
        audit.create(ReviewFollowUp, session=session, leader=leader, kind=follow_up["kind"],
                     action=follow_up["action"], text=_fill(follow_up["text"], values),
                     due_on=session.held_on + dt.timedelta(days=days) if days else None)


def _seal_ballots(session: ReviewSession) -> None:
    """Rewrite an anonymous session's ballots once it closes: new random ids,
    no ballot keys (not even the evaluator can find their ballot again), and
    written in an order of their content in one statement, so nothing in the
    rows (PostgreSQL's row position or transaction id included) follows the
    order in which they were cast."""
    rows = [{"session": b.session_id, "leader": b.leader_id, "group": b.group, "evaluator": None,
             "ballot_key": None, "data": b.data, "grade": b.grade, "complete": b.complete}
            for b in ReviewBallot.select().where(ReviewBallot.session == session)]
    rows.sort(key=lambda r: (r["leader"], r["group"], r["grade"] or "", json.dumps(r["data"], sort_keys=True,
                                                                                  ensure_ascii=False)))
    ReviewBallot.delete().where(ReviewBallot.session == session).execute()
    for row in rows:
        row["id"] = str(uuid.uuid4())
    if rows:
        ReviewBallot.insert_many(rows).execute()
    audit.record("seal", "review_session", session.id, None, {"ballots": len(rows)})


# --------------------------------------------------------------------------- after the meeting

def add_note(leader: ReviewLeader, *, kind: str, speaker: str, text: str, user: User) -> ReviewNote:
    """Record a question asked or a comment made about the leader."""
    return audit.create(ReviewNote, session=leader.session_id, leader=leader, kind=kind, speaker=speaker,
                        text=text, created_by=user)


def add_feedback(leader: ReviewLeader, *, text: str, user: User) -> ReviewFeedback:
    """Add an item to the leader's problem list (问题清单), as a draft."""
    last = ReviewFeedback.select(peewee.fn.MAX(ReviewFeedback.position)).where(
        ReviewFeedback.leader == leader).scalar() or 0
    return audit.create(ReviewFeedback, session=leader.session_id, leader=leader, position=last + 1, text=text,
                        created_by=user)


def issue_feedback(leader: ReviewLeader) -> int:
    """Mark the leader's draft problem-list items as fed back; returns how many."""
    count = 0
    with database.atomic():
        for item in leader.feedback.where(ReviewFeedback.status == "draft"):
            audit.update(item, status="issued")
            count += 1
    return count


def remove_feedback(item: ReviewFeedback) -> None:
    if item.status != "draft" or item.finding_id is not None:
        raise SessionError(N_("已反馈的问题不能删除。"))
    audit.delete(item)


def fresh(obj):
    """``obj`` as the database has it now. ``audit.update`` saves every column
    of the object it is given, so an object read before another change (the
    results written at closing, say) must be read again before it is updated."""
    return type(obj).get_by_id(obj.id)


def record_response(leader: ReviewLeader, *, text: str, on: dt.date | None) -> ReviewLeader:
    """The leader's response (表态) to the feedback."""
    return audit.update(fresh(leader), response=text, response_on=on)


FOLLOW_UP_DECISIONS = {"confirm": "confirmed", "dismiss": "dismissed"}


def decide_follow_up(follow_up: ReviewFollowUp, decision: str, user: User) -> ReviewFollowUp:
    """An inspector confirms or dismisses a drafted follow-up (once)."""
    if decision not in FOLLOW_UP_DECISIONS:
        raise SessionError(N_("当前状态下不能进行此操作。"))
    with database.atomic():
        changed = (ReviewFollowUp.update(status=FOLLOW_UP_DECISIONS[decision])
                   .where((ReviewFollowUp.id == follow_up.id) & (ReviewFollowUp.status == "draft")).execute())
        if changed != 1:
            raise SessionError(N_("该后续处置已被处理。"))
        before = audit.snapshot(follow_up)
        fresh = ReviewFollowUp.get_by_id(follow_up.id)
        fresh.decided_by = user
        fresh.decided_at = utcnow()
        fresh.save()
        audit.record("update", "review_follow_up", fresh.id, before, audit.snapshot(fresh))
    return fresh
