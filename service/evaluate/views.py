"""评责 pages for the commission: review sessions, the chair's tally, results,
what was asked and fed back, and the follow-ups to confirm.

Evaluators' pages (personal links, ballots) are in ``ballot_views.py``.
"""
from __future__ import annotations

import datetime as dt
import json

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.access import role_required
from ..packs.store import PackVersion
from ..units.models import Unit
from ..web.errors import AppError, NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.paging import paged
from ..web.render import is_htmx, render
from . import ballots, sessions
from .blueprint import STAGE, bp
from .models import (FEEDBACK_STATUSES, FOLLOW_UP_KINDS, FOLLOW_UP_STATUSES, NOTE_KINDS, ReviewBallot,
                     ReviewEvaluator, ReviewFeedback, ReviewFollowUp, ReviewLeader, ReviewNote, ReviewSession)
from .results import leader_scores
from .scoring import number_text

STAFF = ("admin", "inspector")
TITLE_MAX, NAME_MAX, TEXT_MAX = 200, 100, 4000


def _text(name: str, label: str, limit: int, *, required: bool = True, multiline: bool = False) -> str:
    raw = request.form.get(name) or ""
    value = raw.strip() if multiline else " ".join(raw.split())
    if required and not value:
        raise AppError(_("请填写%(label)s。", label=label), status=422)
    if len(value) > limit:
        raise AppError(_("%(label)s不能超过 %(n)s 个字。", label=label, n=limit), status=422)
    return value


def _date(name: str, label: str, *, required: bool = True) -> dt.date | None:
    raw = (request.form.get(name) or "").strip()
    if not raw and not required:
        return None
    try:
        value = dt.date.fromisoformat(raw)
        if not 1900 <= value.year <= 2999:
            raise ValueError
        return value
    except ValueError:
        raise AppError(_("%(label)s不是有效的日期。", label=label), status=422)


def _get(model, object_id: int, message: str):
    obj = model.get_or_none(model.id == object_id)
    if obj is None:
        raise NotFound(message)
    return obj


def _session(session_id: int) -> ReviewSession:
    return _get(ReviewSession, session_id, _("评议会不存在"))


def _refused(exc: Exception):
    raise AppError(_(str(exc)), status=409)


def _back(session: ReviewSession, anchor: str = ""):
    return redirect(url_for("evaluate.session", session_id=session.id) + (f"#{anchor}" if anchor else ""))


def score_text(value, session: ReviewSession | None = None) -> str:
    """A composite as shown: the pack's decimals, no trailing zeros; — when none."""
    if value is None:
        return "—"
    decimals = 2
    if session is not None:
        try:
            decimals = sessions.config_of(session).decimals
        except Exception:  # noqa: BLE001 - an old pack without review config
            pass
    return number_text(value, decimals)


bp.add_app_template_filter(score_text, "review_score")


# --------------------------------------------------------------------------- lists

@bp.get("/")
@login_required
def index():
    """Staff: every review session (newest first), exportable. A unit: its leaders' published results."""
    if current_user.role == "unit":
        rows = leader_scores(current_user.unit_id, published_only=True)
        return render("evaluate/unit.html", stage=STAGE, rows=rows)
    query = ReviewSession.select().order_by(ReviewSession.held_on.desc(), ReviewSession.id.desc())
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("评议会"), [_("评议会"), _("日期"), _("地点"), _("状态"), _("述职人数"), _("评议人数"),
                                         _("评议方式"), _("规则包版本")],
                      ([s.title, s.held_on, s.place, _(sessions.STATES[s.status]), s.leaders.count(),
                        s.evaluators.count(), _("匿名") if s.anonymous else _("记名"), s.pack_version.label]
                       for s in query))
    listing = paged(query)
    drafts = ReviewFollowUp.select().where(ReviewFollowUp.status == "draft").count()
    return render("evaluate/index.html", stage=STAGE, review_sessions=listing.pop("rows"), **listing,
                  states=sessions.STATES, drafts=drafts)


@bp.route("/sessions/new", methods=["GET", "POST"])
@role_required("admin")
def new_session():
    """Set up a review session under the published pack version."""
    version = PackVersion.current()
    config = None
    if version is not None:
        try:
            config = sessions.review_config(version.pack())
        except sessions.ScoringError:
            config = None
    if request.method == "POST":
        if config is None:
            raise AppError(_("没有已发布的、含评议会配置的规则包版本。"), status=409)
        title = _text("title", _("评议会名称"), TITLE_MAX)
        held_on = _date("held_on", _("日期"))
        place = _text("place", _("地点"), TITLE_MAX, required=False)
        scale = request.form.get("scale") or config.default_scale
        if scale not in config.scale_fields:
            raise AppError(_("规则包中没有该评价等级。"), status=422)
        try:
            session = sessions.create_session(title=title, held_on=held_on, place=place, version=version,
                                              anonymous=request.form.get("anonymous") != "named", scale=scale,
                                              created_by=current_user._get_current_object())
        except sessions.SessionError as exc:
            _refused(exc)
        flash(_("已创建评议会：%(title)s", title=session.title), "success")
        return _back(session)
    return render("evaluate/new.html", stage=STAGE, version=version, config=config,
                  today=dt.date.today().isoformat())


# --------------------------------------------------------------------------- one session

def _session_context(session: ReviewSession) -> dict:
    config = sessions.config_of(session)
    evaluators = session.ordered_evaluators()
    counts = {g: sum(1 for e in evaluators if e.group == g) for g in config.groups}
    return {"session": session, "config": config, "leaders": session.ordered_leaders(), "evaluators": evaluators,
            "states": sessions.STATES, "moves": sessions.moves_from(session.status),
            "units": list(Unit.select().where(Unit.active == True).order_by(Unit.code)),  # noqa: E712
            "tally": ballots.tally(session) if session.status == "open" else None,
            "thin_groups": [config.groups[g] for g, n in counts.items() if 0 < n < 3] if session.anonymous else [],
            "group_counts": counts, "now": sessions.utcnow()}


@bp.get("/sessions/<int:session_id>")
@role_required(*STAFF)
def session(session_id: int):
    """A session: its leaders, evaluators and weights; the live tally while open; results once closed."""
    review = _session(session_id)
    return render("evaluate/session.html", **_session_context(review))


@bp.get("/sessions/<int:session_id>/tally")
@role_required(*STAFF)
def tally(session_id: int):
    """htmx polling: ballots received per leader and per evaluator, never scores."""
    review = _session(session_id)
    if not is_htmx():
        # Only htmx polls this; a browser that opens the address gets the whole session page.
        return redirect(url_for("evaluate.session", session_id=review.id))
    if review.status != "open":
        # The session moved on (closed by another chair): reload the whole page.
        return "", 204, {"HX-Redirect": url_for("evaluate.session", session_id=review.id)}
    # Only what the tally block reads: this answers every 3 s for every chair.
    return render("evaluate/session.html", block="tally", session=review, config=sessions.config_of(review),
                  tally=ballots.tally(review))


@bp.post("/sessions/<int:session_id>/move/<action>")
@role_required(*STAFF)
def move(session_id: int, action: str):
    """Open, close or publish the session (the one audited move function)."""
    review = _session(session_id)
    if action not in sessions.MOVES:
        raise NotFound(_("没有这个操作"))
    try:
        sessions.move(review, action)
    except sessions.SessionError as exc:
        _refused(exc)
    flash(_("评议会状态：%(state)s", state=_(sessions.STATES[review.status])), "success")
    if is_htmx():
        return "", 204, {"HX-Redirect": url_for("evaluate.session", session_id=review.id)}
    return _back(review)


@bp.post("/sessions/<int:session_id>/leaders")
@role_required("admin")
def add_leader(session_id: int):
    review = _session(session_id)
    unit = Unit.get_or_none(Unit.id == parse_id(request.form.get("unit"))) if parse_id(request.form.get("unit")) \
        else None
    if unit is None:
        raise AppError(_("请选择单位。"), status=422)
    name = _text("name", _("述职人"), NAME_MAX, required=False) or unit.leader_name
    post = _text("post", _("职务"), NAME_MAX, required=False) or unit.leader_title
    if not name:
        raise AppError(_("请填写%(label)s。", label=_("述职人")), status=422)
    try:
        sessions.add_leader(review, unit=unit, name=name, post=post)
    except sessions.SessionError as exc:
        _refused(exc)
    return _back(review, "leaders")


def _leader_of(session: ReviewSession, leader_id: int) -> ReviewLeader:
    leader = ReviewLeader.get_or_none((ReviewLeader.id == leader_id) & (ReviewLeader.session == session))
    if leader is None:
        raise NotFound(_("述职人不存在"))
    return leader


@bp.post("/sessions/<int:session_id>/leaders/<int:leader_id>/remove")
@role_required("admin")
def remove_leader(session_id: int, leader_id: int):
    review = _session(session_id)
    try:
        sessions.remove_leader(_leader_of(review, leader_id))
    except sessions.SessionError as exc:
        _refused(exc)
    return _back(review, "leaders")


@bp.post("/sessions/<int:session_id>/leaders/<int:leader_id>/order")
@role_required("admin")
def order_leader(session_id: int, leader_id: int):
    review = _session(session_id)
    step = {"up": -1, "down": 1}.get(request.form.get("step", ""))
    if step is None:
        raise AppError(_("请求有误，请检查后重试。"), status=422)
    try:
        sessions.move_leader(_leader_of(review, leader_id), step)
    except sessions.SessionError as exc:
        _refused(exc)
    return _back(review, "leaders")


@bp.post("/sessions/<int:session_id>/evaluators")
@role_required("admin")
def add_evaluator(session_id: int):
    review = _session(session_id)
    names = [" ".join(n.split()) for n in (request.form.get("names") or "").splitlines() if n.strip()]
    if not names:
        raise AppError(_("请填写%(label)s。", label=_("评议人姓名")), status=422)
    if len(names) > 200 or any(len(n) > NAME_MAX for n in names):
        raise AppError(_("%(label)s不能超过 %(n)s 个字。", label=_("评议人姓名"), n=NAME_MAX), status=422)
    try:
        for name in names:
            sessions.add_evaluator(review, name=name, group=request.form.get("group", ""))
    except sessions.SessionError as exc:
        _refused(exc)
    return _back(review, "evaluators")


def _evaluator_of(session: ReviewSession, evaluator_id: int) -> ReviewEvaluator:
    evaluator = ReviewEvaluator.get_or_none((ReviewEvaluator.id == evaluator_id)
                                            & (ReviewEvaluator.session == session))
    if evaluator is None:
        raise NotFound(_("评议人不存在"))
    return evaluator


@bp.post("/sessions/<int:session_id>/evaluators/<int:evaluator_id>/remove")
@role_required("admin")
def remove_evaluator(session_id: int, evaluator_id: int):
    review = _session(session_id)
    try:
        sessions.remove_evaluator(_evaluator_of(review, evaluator_id))
    except sessions.SessionError as exc:
        _refused(exc)
    return _back(review, "evaluators")


def _issue(evaluators: list[ReviewEvaluator]) -> list[dict]:
    slips = []
    for evaluator in evaluators:
        token = ballots.issue_link(evaluator, secret_key=current_app.config["SECRET_KEY"],
                                   valid_hours=current_app.config["REVIEW_LINK_HOURS"])
        url = url_for("evaluate.join", _external=True) + "#" + token
        slips.append({"evaluator": evaluator, "url": url, "qr": _qr_svg(url)})
    return slips


def _qr_svg(url: str) -> str:
    """The link as an inline SVG QR code, drawn on the server (segno; no script, no CDN)."""
    import segno
    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)


@bp.post("/sessions/<int:session_id>/evaluators/<int:evaluator_id>/link")
@role_required("admin")
def issue_link(session_id: int, evaluator_id: int):
    """A new personal link for one evaluator (the old one stops working), shown once."""
    review = _session(session_id)
    try:
        slips = _issue([_evaluator_of(review, evaluator_id)])
    except sessions.SessionError as exc:
        _refused(exc)
    return render("evaluate/links.html", session=review, slips=slips, config=sessions.config_of(review))


@bp.post("/sessions/<int:session_id>/links")
@role_required("admin")
def issue_links(session_id: int):
    """New personal links for every evaluator, as printable slips (every old link stops working)."""
    review = _session(session_id)
    try:
        slips = _issue(review.ordered_evaluators())
    except sessions.SessionError as exc:
        _refused(exc)
    return render("evaluate/links.html", session=review, slips=slips, config=sessions.config_of(review))


@bp.post("/sessions/<int:session_id>/evaluators/<int:evaluator_id>/revoke")
@role_required("admin")
def revoke_link(session_id: int, evaluator_id: int):
    review = _session(session_id)
    ballots.revoke_link(_evaluator_of(review, evaluator_id))
    flash(_("评议链接已收回。"), "info")
    return _back(review, "evaluators")


@bp.post("/sessions/<int:session_id>/weights")
@role_required("admin")
def weights(session_id: int):
    review = _session(session_id)
    config = sessions.config_of(review)
    values = {}
    for group in config.groups:
        try:
            values[group] = float((request.form.get(f"weight-{group}") or "").strip())
        except ValueError:
            raise AppError(_("每个评议人类别的权重应在 0 到 1 之间。"), status=422)
        if values[group] != values[group]:  # NaN
            raise AppError(_("每个评议人类别的权重应在 0 到 1 之间。"), status=422)
    try:
        sessions.set_weights(review, values)
    except sessions.SessionError as exc:
        _refused(exc)
    return _back(review, "weights")


# --------------------------------------------------------------------------- results

def _result_rows(review: ReviewSession):
    for leader in review.ordered_leaders():
        result = leader.result or {}
        yield leader, result


@bp.get("/sessions/<int:session_id>/results")
@role_required(*STAFF)
def results(session_id: int):
    """The session's results: table, XLSX/CSV export, A4 print view (?view=print)."""
    review = _session(session_id)
    if review.status not in ("closed", "published"):
        raise AppError(_("评议结束后才有结果。"), status=409)
    config = sessions.config_of(review)
    rows = sorted(_result_rows(review), key=lambda r: (r[0].rank is None, r[0].rank or 0, r[0].position))
    fmt = wanted_format()
    if fmt:
        groups = list(config.groups)
        return export(fmt, _("%(title)s评议结果", title=review.title),
                      [_("名次"), _("述职人"), _("单位"), _("职务"), _("综合得分"), _("等次"), _("有效票"), _("不计入"),
                       _("未完成")] + [_("%(group)s票数", group=config.groups[g]) for g in groups]
                      + [_("需后续处置")],
                      ([leader.rank or "", leader.name, leader.unit.name, leader.post,
                        "" if leader.score is None else leader.score, leader.grade or "",
                        result.get("counted", 0), result.get("not_counted", 0), result.get("incomplete", 0)]
                       + [(result.get("groups") or {}).get(g, {}).get("ballots", 0) for g in groups]
                       + [leader.follow_up] for leader, result in rows))
    template = "evaluate/results_print.html" if request.args.get("view") == "print" else "evaluate/results.html"
    return render(template, session=review, rows=rows, config=config, states=sessions.STATES)


@bp.get("/leaders/<int:leader_id>")
@role_required(*STAFF)
def leader(leader_id: int):
    """One leader at one session: result with the rule's explanation, the ballots'
    answers (without evaluators when anonymous), questions, problem list, response,
    follow-ups, and the leader's earlier results."""
    person = _get(ReviewLeader, leader_id, _("述职人不存在"))
    review = person.session
    config = sessions.config_of(review)
    closed = review.status in ("closed", "published")
    sheets = []
    if closed:
        query = ReviewBallot.select().where(ReviewBallot.leader == person)
        # Content order, never storage order (which could follow the voting order).
        sheets = sorted(query, key=lambda b: (not b.complete, b.group, b.grade or "",
                                              json.dumps(b.data, sort_keys=True, ensure_ascii=False)))
    history = [row for row in leader_scores(person.unit_id, person.name) if row["session_id"] != review.id]
    return render("evaluate/leader.html", session=review, leader=person, config=config, closed=closed,
                  sheets=sheets, notes=list(person.notes.order_by(ReviewNote.id)),
                  feedback=list(person.feedback.order_by(ReviewFeedback.position, ReviewFeedback.id)),
                  follow_ups=list(person.follow_ups.order_by(ReviewFollowUp.id)), history=history,
                  note_kinds=NOTE_KINDS, feedback_statuses=FEEDBACK_STATUSES, follow_up_kinds=FOLLOW_UP_KINDS,
                  follow_up_statuses=FOLLOW_UP_STATUSES, states=sessions.STATES,
                  explanation_json=_explanation_json(person), text_fields=_text_fields(review, config))


def _text_fields(review: ReviewSession, config) -> list[tuple[str, str]]:
    """(name, title) of the sheet's free-text answers (questions, comments), in form order."""
    schema = review.pack_version.pack().forms[config.form_id].schema
    props = schema.get("properties") or {}
    order = [n for n in schema.get("x-order") or [] if n in props] + [n for n in props if n not in
                                                                       (schema.get("x-order") or [])]
    return [(name, str(props[name].get("title", name))) for name in order
            if name not in config.session_fields and isinstance(props[name], dict)
            and props[name].get("type") == "string" and "enum" not in props[name]
            and (props[name].get("x-widget") == "textarea" or (props[name].get("maxLength") or 0) > 200)]


def _explanation_json(person: ReviewLeader) -> str:
    explanation = (person.result or {}).get("explanation")
    return json.dumps(explanation, ensure_ascii=False, indent=2) if explanation else ""


def _leader_back(person: ReviewLeader, anchor: str):
    return redirect(url_for("evaluate.leader", leader_id=person.id) + f"#{anchor}")


@bp.post("/leaders/<int:leader_id>/notes")
@role_required(*STAFF)
def add_note(leader_id: int):
    person = _get(ReviewLeader, leader_id, _("述职人不存在"))
    kind = request.form.get("kind", "")
    if kind not in NOTE_KINDS:
        raise AppError(_("请求有误，请检查后重试。"), status=422)
    sessions.add_note(person, kind=kind, speaker=_text("speaker", _("提问人"), NAME_MAX, required=False),
                      text=_text("text", _("内容"), TEXT_MAX, multiline=True), user=current_user._get_current_object())
    return _leader_back(person, "notes")


@bp.post("/leaders/<int:leader_id>/feedback")
@role_required(*STAFF)
def add_feedback(leader_id: int):
    person = _get(ReviewLeader, leader_id, _("述职人不存在"))
    sessions.add_feedback(person, text=_text("text", _("问题"), TEXT_MAX, multiline=True),
                          user=current_user._get_current_object())
    return _leader_back(person, "feedback")


@bp.post("/leaders/<int:leader_id>/feedback/issue")
@role_required(*STAFF)
def issue_feedback(leader_id: int):
    person = _get(ReviewLeader, leader_id, _("述职人不存在"))
    count = sessions.issue_feedback(person)
    flash(_("已反馈 %(n)s 个问题。", n=count), "success")
    return _leader_back(person, "feedback")


@bp.post("/feedback/<int:feedback_id>/remove")
@role_required(*STAFF)
def remove_feedback(feedback_id: int):
    item = _get(ReviewFeedback, feedback_id, _("问题不存在"))
    person = item.leader
    try:
        sessions.remove_feedback(item)
    except sessions.SessionError as exc:
        _refused(exc)
    return _leader_back(person, "feedback")


@bp.post("/leaders/<int:leader_id>/response")
@role_required(*STAFF)
def response(leader_id: int):
    person = _get(ReviewLeader, leader_id, _("述职人不存在"))
    sessions.record_response(person, text=_text("response", _("表态"), TEXT_MAX, required=False, multiline=True),
                             on=_date("response_on", _("表态日期"), required=False))
    flash(_("已保存表态。"), "success")
    return _leader_back(person, "response")


@bp.post("/follow-ups/<int:follow_up_id>/<decision>")
@role_required(*STAFF)
def decide_follow_up(follow_up_id: int, decision: str):
    """An inspector confirms (or dismisses) a drafted follow-up."""
    item = _get(ReviewFollowUp, follow_up_id, _("后续处置不存在"))
    if decision not in sessions.FOLLOW_UP_DECISIONS:
        raise NotFound(_("没有这个操作"))
    from ..accountability import register
    from ..accountability.states import FindingError
    from ..db import database
    user = current_user._get_current_object()
    try:
        with database.atomic():
            decided = sessions.decide_follow_up(item, decision, user)
            # A confirmed 限期整改 becomes a finding of the 问责 register at once.
            if decided.status == "confirmed" and decided.kind == "finding":
                finding = register.from_follow_up(decided, user)
                flash(_("已转入问题台账（#%(id)s）。", id=finding.id), "success")
    except (sessions.SessionError, FindingError) as exc:
        _refused(exc)
    return _leader_back(item.leader, "follow-ups")


@bp.get("/follow-ups")
@role_required(*STAFF)
def follow_ups():
    """Every follow-up a low score drafted, drafts first; exportable."""
    status = request.args.get("status", "")
    query = (ReviewFollowUp.select(ReviewFollowUp, ReviewLeader, ReviewSession)
             .join(ReviewLeader).switch(ReviewFollowUp).join(ReviewSession)
             .order_by(ReviewFollowUp.status != "draft", ReviewSession.held_on.desc(), ReviewFollowUp.id))
    if status in FOLLOW_UP_STATUSES:
        query = query.where(ReviewFollowUp.status == status)
    fmt = wanted_format()
    if fmt:
        return export(fmt, _("评议后续处置"), [_("评议会"), _("述职人"), _("单位"), _("处置"), _("内容"), _("期限"), _("状态")],
                      ([f.session.title, f.leader.name, f.leader.unit.name, f.action, f.text, f.due_on or "",
                        _(FOLLOW_UP_STATUSES[f.status])] for f in query))
    listing = paged(query)
    return render("evaluate/follow_ups.html", block="results", items=listing.pop("rows"), **listing,
                  status_filter=status, statuses=FOLLOW_UP_STATUSES, kinds=FOLLOW_UP_KINDS)


from . import ballot_views  # noqa: E402,F401  (the evaluators' routes on the same blueprint)
