"""Results to read: a session's table and a leader's scores over time.

``leader_scores`` is what 督责's portraits (动态画像) read: plain data, no Flask.
"""
from __future__ import annotations

from ..units.models import Unit
from .models import ReviewLeader, ReviewSession

RESULT_STATES = ("closed", "published")


def leader_scores(unit: Unit | int, name: str | None = None, *, published_only: bool = False) -> list[dict]:
    """A leader's review results over time, oldest first.

    The leader is the unit's (``name`` narrows it to one person, since a unit's
    leader changes over the years). Each entry: ``{"session_id", "title",
    "held_on", "name", "post", "score", "grade", "rank", "of", "follow_up",
    "ballots", "counted", "scale", "pack_version"}``. ``score`` and ``grade`` are
    None when no ballot counted; only closed (or, with ``published_only``,
    published) sessions are included.
    """
    unit_id = unit.id if isinstance(unit, Unit) else int(unit)
    states = ("published",) if published_only else RESULT_STATES
    query = (ReviewLeader.select(ReviewLeader, ReviewSession).join(ReviewSession)
             .where((ReviewLeader.unit == unit_id) & (ReviewSession.status.in_(states)))
             .order_by(ReviewSession.held_on, ReviewSession.id, ReviewLeader.position))
    if name:
        query = query.where(ReviewLeader.name == name)
    out = []
    for leader in query:
        session = leader.session
        result = leader.result or {}
        out.append({"session_id": session.id, "leader_id": leader.id, "title": session.title,
                    "held_on": session.held_on, "name": leader.name, "post": leader.post, "score": leader.score, "grade": leader.grade,
                    "rank": leader.rank, "of": session.leaders.count(), "follow_up": leader.follow_up,
                    "ballots": result.get("ballots", 0), "counted": result.get("counted", 0),
                    "scale": session.scale, "pack_version": session.pack_version_id})
    return out
