"""Evaluators' pages: sign in with a personal link, score each leader on a phone.

A link is ``/evaluate/join#<token>``: the token travels in the fragment, which
browsers never send, so it appears in no server or proxy log; the join page's
script (``evaluate/static/join.js``) posts it, and without JavaScript the
evaluator pastes it into the page's field. Signing in starts a ballot-only
session (``session["ballot"]``), apart from Flask-Login: it opens these pages
and nothing else.
"""
from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape

from ..forms import SchemaError, SubmissionError, errors_for, read_post, render_field, render_form, validate
from ..web.errors import AppError, Forbidden, NotFound
from ..web.render import is_htmx, render
from . import ballots, sessions
from .blueprint import bp
from .models import ReviewLeader

BALLOT_KEY = "ballot"
FORM_ID = "ballot-form"


def _locale() -> str:
    return "en" if str(get_locale()) == "en" else "zh-CN"


@bp.route("/join", methods=["GET", "POST"])
def join():
    """The personal link's landing page; POST signs the evaluator in."""
    if request.method == "GET":
        return render("evaluate/join.html")
    token = (request.form.get("token") or "").strip()
    if "#" in token:  # the whole link pasted
        token = token.split("#", 1)[1]
    try:
        voter = ballots.sign_in(token[:1000], secret_key=_secret_key())
    except ballots.LinkError as exc:
        return render("evaluate/join.html", status=403, error=_(str(exc)))
    session[BALLOT_KEY] = [voter.evaluator.id, voter.secret]
    return redirect(url_for("evaluate.ballot_home"))


def _secret_key() -> str:
    from flask import current_app
    return current_app.config["SECRET_KEY"]


def _voter() -> ballots.Voter:
    saved = session.get(BALLOT_KEY)
    try:
        return ballots.resume(*(saved if isinstance(saved, list) and len(saved) == 2 else (None, None)))
    except ballots.LinkError as exc:
        raise Forbidden(_(str(exc)))


@bp.post("/ballot/leave")
def ballot_leave():
    """End the ballot-only session on this phone."""
    session.pop(BALLOT_KEY, None)
    return render("evaluate/join.html", left=True)


@bp.get("/ballot/")
def ballot_home():
    """The evaluator's list of leaders, in reporting order, with what is scored."""
    voter = _voter()
    review = voter.session
    rows = []
    for leader in review.ordered_leaders():
        own = ballots.own_ballot(voter, leader)
        rows.append((leader, own, ballots.has_voted(voter.evaluator, leader)))
    config = sessions.config_of(review)
    return render("evaluate/ballot_home.html", voter=voter, session=review, rows=rows, config=config)


class _Sheet:
    """The evaluation sheet of one leader for the signed-in evaluator."""

    def __init__(self, leader_id: int):
        self.voter = _voter()
        self.session = self.voter.session
        self.leader = ReviewLeader.get_or_none((ReviewLeader.id == leader_id)
                                               & (ReviewLeader.session == self.session))
        if self.leader is None:
            raise NotFound(_("述职人不存在"))
        self.config = sessions.config_of(self.session)
        self.pack = self.session.pack_version.pack()
        self.full_schema = self.pack.forms[self.config.form_id].schema
        self.schema = ballots.sheet_schema(self.full_schema, self.config)
        self.editable = self.session.status == "open"

    def urls(self) -> dict:
        return {"save": url_for("evaluate.ballot", leader_id=self.leader.id),
                "field": url_for("evaluate.ballot_field", leader_id=self.leader.id),
                "refresh": url_for("evaluate.ballot_refresh", leader_id=self.leader.id)}

    def options(self, choices=None) -> dict:
        urls = self.urls()
        options = {"locale": _locale(), "form_id": FORM_ID, "choices": choices or {}}
        if self.editable:
            options["hx"] = {"refresh": urls["refresh"], "validate_field": urls["field"], "swap": "morph:outerHTML"}
        return options

    def answers(self, data: dict | None) -> dict | None:
        if data is None:
            return None
        return {k: v for k, v in data.items() if k not in self.config.session_fields}

    def render(self, data, errors=None, choices=None) -> str:
        return render_form(self.schema, self.answers(data), errors, **self.options(choices))

    def read(self):
        if not self.editable:
            raise AppError(_("评议未开始或已结束，不能再修改评分。"), status=409)
        try:
            return read_post(self.schema, request.form)
        except (SubmissionError, SchemaError) as exc:
            raise AppError(getattr(exc, "message", None) or str(exc), status=422)

    def save(self, data: dict):
        try:
            return ballots.save_ballot(self.voter, self.leader, data, locale=_locale())
        except sessions.SessionError as exc:
            raise AppError(_(str(exc)), status=409)


def _status_note(sheet: _Sheet, ballot, errors) -> str:
    """The out-of-band line under the sheet: saved, and whether it counts yet."""
    if ballot is not None and ballot.complete:
        note = _("已保存，本票有效。结束评议前可随时修改。")
    else:
        note = _("已保存，尚未填完必填项，暂不计入。")
    return f'<p id="ballot-status" hx-swap-oob="true" class="ballot-status" role="status">{escape(note)}</p>'


@bp.route("/ballot/<int:leader_id>", methods=["GET", "POST"])
def ballot(leader_id: int):
    """The sheet for one leader: GET shows the evaluator's ballot; POST saves it (also without JavaScript)."""
    sheet = _Sheet(leader_id)
    errors = None
    status = 200
    own = ballots.own_ballot(sheet.voter, sheet.leader)
    if request.method == "POST":
        post = sheet.read()
        own, errors = sheet.save(post.data)
        if not errors and not post.op:
            flash(_("已保存对 %(name)s 的评分。", name=sheet.leader.name), "success")
            target = url_for("evaluate.ballot_home")
            if is_htmx():
                return "", 204, {"HX-Redirect": target}
            return redirect(target)
        status = 422 if errors else 200
        form_html = sheet.render(post.data, errors, post.choices)
    else:
        form_html = sheet.render(own.data if own else None)
    order = sheet.session.ordered_leaders()
    index = next(i for i, leader in enumerate(order) if leader.id == sheet.leader.id)
    return render("evaluate/ballot.html", status=status, sheet=sheet, ballot=own, form_html=form_html,
                  previous=order[index - 1] if index > 0 else None,
                  next=order[index + 1] if index + 1 < len(order) else None, position=index + 1, count=len(order))


@bp.post("/ballot/<int:leader_id>/field")
def ballot_field(leader_id: int):
    """htmx: a field was changed: save the ballot, return that field checked."""
    sheet = _Sheet(leader_id)
    post = sheet.read()
    own, _errors = sheet.save(post.data)
    field = post.field or ""
    all_errors = validate(sheet.schema, post.data, locale=_locale())
    html = render_field(sheet.schema, field, post.data, errors_for(all_errors, "/" + field),
                        **sheet.options(post.choices))
    return html + _status_note(sheet, own, all_errors), 200, {"Vary": "HX-Request"}


@bp.post("/ballot/<int:leader_id>/refresh")
def ballot_refresh(leader_id: int):
    """htmx: re-render the sheet for the current answers (conditions, array buttons); save it."""
    sheet = _Sheet(leader_id)
    post = sheet.read()
    own, _errors = sheet.save(post.data)
    return sheet.render(post.data, None, post.choices) + _status_note(sheet, own, None), 200, \
        {"Vary": "HX-Request"}
