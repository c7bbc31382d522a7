"""Ballots on phones: personal links, the evaluation sheet, autosaved ballots,
and the chair's tally. Plain functions, no Flask.

A link carries a signed token ``[evaluator id, secret]``. The server keeps
only the secret's SHA-256 (to check a link and to revoke it by issuing another)
and its expiry. In an anonymous session the ballot for a leader is found by
``HMAC(secret, session:leader)``: only whoever holds the link can compute it,
the server cannot (it does not have the secret), and the key is wiped when the
session closes. Who has voted is written apart from the ballot, in another
transaction, without the ballot's id (``ReviewVote``).
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import peewee
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .. import audit
from ..db import database, utcnow
from ..forms import FieldError, validate
from ..i18n import N_
from ..packs.scoring import ReviewConfig
from .models import ReviewBallot, ReviewEvaluator, ReviewLeader, ReviewSession, ReviewVote
from .sessions import SessionError, config_of, fresh

SALT = "dutyloop-review-ballot"
MAX_LINK_AGE = 60 * 60 * 24 * 90  # a signature older than this is refused whatever the row says


class LinkError(ValueError):
    """A link that does not sign anyone in; the message is for the evaluator."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_link(evaluator: ReviewEvaluator, *, secret_key: str, valid_hours: int) -> str:
    """A new personal link token for ``evaluator``; any earlier link stops working.

    It expires ``valid_hours`` after the end of the meeting day (or after now,
    when issued later), and at the latest when the session closes.
    """
    session = evaluator.session
    if session.status not in ("preparing", "open"):
        raise SessionError(N_("评议已结束，不能再发放评议链接。"))
    secret = secrets.token_urlsafe(24)
    now = utcnow()
    day_end = dt.datetime.combine(session.held_on, dt.time(23, 59, 59))
    expires = max(now, day_end) + dt.timedelta(hours=valid_hours)
    updated = audit.update(fresh(evaluator), token_hash=_digest(secret), link_issued_at=now, link_expires_at=expires)
    evaluator.__data__.update(updated.__data__)  # the caller's object shows the new link's expiry
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps([evaluator.id, secret])


def revoke_link(evaluator: ReviewEvaluator) -> None:
    """The evaluator's link stops working (a new one can be issued)."""
    updated = audit.update(fresh(evaluator), token_hash=None, link_expires_at=None)
    evaluator.__data__.update(updated.__data__)


@dataclass
class Voter:
    """Who a ballot-only session belongs to: the evaluator and the link's secret."""

    evaluator: ReviewEvaluator
    secret: str

    @property
    def session(self) -> ReviewSession:
        return self.evaluator.session


def _check(evaluator: ReviewEvaluator | None, secret: str) -> ReviewEvaluator:
    if evaluator is None or not evaluator.token_hash or \
            not hmac.compare_digest(evaluator.token_hash, _digest(secret)):
        raise LinkError(N_("评议链接无效或已被收回，请向会务人员索取新的链接。"))
    if evaluator.link_expires_at is None or evaluator.link_expires_at < utcnow():
        raise LinkError(N_("评议链接已过期，请向会务人员索取新的链接。"))
    if evaluator.session.status not in ("preparing", "open"):
        raise LinkError(N_("本次评议已结束。"))
    return evaluator


def sign_in(token: str, *, secret_key: str) -> Voter:
    """Check a link token and note the sign-in (audited: who, not what)."""
    try:
        evaluator_id, secret = URLSafeTimedSerializer(secret_key, salt=SALT).loads(token, max_age=MAX_LINK_AGE)
        evaluator_id, secret = int(evaluator_id), str(secret)
    except (BadSignature, TypeError, ValueError):
        raise LinkError(N_("评议链接无效或已被收回，请向会务人员索取新的链接。"))
    evaluator = _check(ReviewEvaluator.get_or_none(ReviewEvaluator.id == evaluator_id), secret)
    with audit.acting_as(None, evaluator.name):
        audit.update(evaluator, last_signed_in_at=utcnow())
    return Voter(evaluator, secret)


def resume(evaluator_id, secret) -> Voter:
    """The voter of a ballot-only session cookie; LinkError (saying why) when its link no longer works."""
    if not isinstance(evaluator_id, int) or not isinstance(secret, str):
        raise LinkError(N_("请使用您的个人评议链接进入评议。链接失效时请向会务人员索取新的链接。"))
    return Voter(_check(ReviewEvaluator.get_or_none(ReviewEvaluator.id == evaluator_id), secret), secret)


# --------------------------------------------------------------------------- the sheet

def facts(session: ReviewSession, leader: ReviewLeader, group: str) -> dict:
    """What the session fills into a sheet (rules/scoring.json review.session_fields)."""
    return {"session": session.title, "date": session.held_on.isoformat(), "leader": leader.name,
            "post": leader.post, "unit": leader.unit.name, "group": group}


def sheet_schema(form_schema: dict, config: ReviewConfig) -> dict:
    """The evaluation form as evaluators see it: without the fields the session fills in."""
    schema = copy.deepcopy(form_schema)
    filled = set(config.session_fields)
    schema["properties"] = {k: v for k, v in (schema.get("properties") or {}).items() if k not in filled}
    schema["required"] = [r for r in schema.get("required") or [] if r not in filled]
    if isinstance(schema.get("x-order"), list):
        schema["x-order"] = [n for n in schema["x-order"] if n not in filled]
    return schema


def complete_data(answers: dict, session: ReviewSession, leader: ReviewLeader, group: str,
                  config: ReviewConfig) -> dict:
    """The answers with the session's facts filled in (what is stored and validated)."""
    known = facts(session, leader, group)
    data = {k: v for k, v in (answers or {}).items() if k not in config.session_fields}
    for field, fact in config.session_fields.items():
        data[field] = known[fact]
    return data


def graded(data: dict, session: ReviewSession, config: ReviewConfig) -> str | None:
    """The answer of the scale's field, when it is a grade of the scale."""
    value = data.get(config.scale_fields.get(session.scale))
    return value if isinstance(value, str) and value in config.grades(session.scale) else None


def _ballot_key(secret: str, session_id: int, leader_id: int) -> str:
    return hmac.new(secret.encode(), f"ballot:{session_id}:{leader_id}".encode(), hashlib.sha256).hexdigest()


def own_ballot(voter: Voter, leader: ReviewLeader) -> ReviewBallot | None:
    """The voter's ballot for ``leader`` (found by key in an anonymous session)."""
    session = voter.session
    if session.anonymous:
        key = _ballot_key(voter.secret, session.id, leader.id)
        return ReviewBallot.get_or_none(ReviewBallot.ballot_key == key)
    return ReviewBallot.get_or_none((ReviewBallot.evaluator == voter.evaluator) & (ReviewBallot.leader == leader))


def has_voted(evaluator: ReviewEvaluator, leader: ReviewLeader) -> bool:
    return ReviewVote.select().where((ReviewVote.evaluator == evaluator) & (ReviewVote.leader == leader)).exists()


def save_ballot(voter: Voter, leader: ReviewLeader, answers: dict, *,
                locale: str = "zh-CN") -> tuple[ReviewBallot, list[FieldError]]:
    """Store the voter's ballot for ``leader`` as it is now (autosave): valid or
    not, it is kept; only a complete one counts. Returns (ballot, errors).

    Refused once the session is no longer open: the session row is written
    first, so this waits for a closing in progress and then sees it closed.
    """
    session = voter.session
    config = config_of(session)
    pack = session.pack_version.pack()
    evaluator = voter.evaluator
    data = complete_data(answers, session, leader, evaluator.group, config)
    errors = validate(pack.forms[config.form_id].schema, data, locale=locale)
    grade = graded(data, session, config)
    complete = not errors and grade is not None
    fields = {"data": data, "grade": grade, "complete": complete}
    with database.atomic():
        if ReviewSession.update(status=ReviewSession.status).where(
                (ReviewSession.id == session.id) & (ReviewSession.status == "open")).execute() != 1:
            raise SessionError(N_("评议未开始或已结束，不能再修改评分。"))
        ballot = own_ballot(voter, leader)
        if ballot is None and session.anonymous and has_voted(evaluator, leader):
            # A ballot cast with an earlier link of this evaluator: its key is
            # out of reach, and a second ballot would count the person twice.
            raise SessionError(N_("您已用之前的评议链接为该述职人打过分，不能重复评分。"))
        if ballot is None:
            ballot = _create(session, leader, evaluator, voter.secret, fields)
        elif session.anonymous:
            # Not audited: an entry naming the time of each change of an
            # anonymous ballot would link it to the evaluator's requests.
            ReviewBallot.update(**fields).where(ReviewBallot.id == ballot.id).execute()
            ballot.__data__.update(fields)
        else:
            with audit.acting_as(None, evaluator.name):
                audit.update(ballot, **fields)
    if not has_voted(evaluator, leader):
        # Its own transaction, after the ballot's: the two rows share nothing,
        # not even a transaction id.
        try:
            with audit.acting_as(None, evaluator.name):
                audit.create(ReviewVote, session=session, evaluator=evaluator, leader=leader)
        except peewee.IntegrityError:
            pass  # the same sheet saved from two tabs at once
    return ballot, errors


def _create(session, leader, evaluator, secret, fields) -> ReviewBallot:
    if session.anonymous:
        row = dict(fields, session=session, leader=leader, group=evaluator.group,
                   ballot_key=_ballot_key(secret, session.id, leader.id))
        try:
            with database.atomic():
                return ReviewBallot.create(**row)
        except peewee.IntegrityError:  # two tabs: the other one created it a moment ago
            ballot = ReviewBallot.get(ReviewBallot.ballot_key == row["ballot_key"])
            ReviewBallot.update(**fields).where(ReviewBallot.id == ballot.id).execute()
            return ballot
    with audit.acting_as(None, evaluator.name):
        try:
            with database.atomic():
                return audit.create(ReviewBallot, session=session, leader=leader, group=evaluator.group,
                                    evaluator=evaluator, **fields)
        except peewee.IntegrityError:
            ballot = ReviewBallot.get((ReviewBallot.evaluator == evaluator) & (ReviewBallot.leader == leader))
            return audit.update(ballot, **fields)


# --------------------------------------------------------------------------- the chair's tally

def tally(session: ReviewSession) -> dict:
    """Ballots received per leader and progress per evaluator; no scores.

    ``{"leaders": [(leader, complete, incomplete)], "evaluators": [(evaluator, voted)], "total": n}``.
    """
    complete = dict(ReviewBallot.select(ReviewBallot.leader, peewee.fn.COUNT(ReviewBallot.id))
                    .where((ReviewBallot.session == session) & (ReviewBallot.complete == True))  # noqa: E712
                    .group_by(ReviewBallot.leader).tuples())
    started = dict(ReviewBallot.select(ReviewBallot.leader, peewee.fn.COUNT(ReviewBallot.id))
                   .where((ReviewBallot.session == session) & (ReviewBallot.complete == False))  # noqa: E712
                   .group_by(ReviewBallot.leader).tuples())
    voted = dict(ReviewVote.select(ReviewVote.evaluator, peewee.fn.COUNT(ReviewVote.leader))
                 .where(ReviewVote.session == session).group_by(ReviewVote.evaluator).tuples())
    evaluators = session.ordered_evaluators()
    return {"leaders": [(leader, complete.get(leader.id, 0), started.get(leader.id, 0))
                        for leader in session.ordered_leaders()],
            "evaluators": [(e, voted.get(e.id, 0)) for e in evaluators],
            "total": len(evaluators)}
