"""Joining a session by code, the participant's page and the facilitator's console."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from brainstorm.accounts.access import allow
from brainstorm.accounts.identity import (
    PARTICIPANT,
    USER,
    current_participant,
    remember_participant,
    socket_token,
)
from brainstorm.errors import DomainError
from brainstorm.extensions import db, limiter
from brainstorm.sessions import services
from brainstorm.sessions.forms import JoinForm
from brainstorm.sessions.models import BrainstormSession

bp = Blueprint("sessions", __name__)


@bp.route("/join", methods=["GET", "POST"])
@bp.route("/j/<code>", methods=["GET", "POST"])
@allow("public")
@limiter.limit("30 per minute", methods=["POST"])
def join(code: str | None = None):
    """Type the code (or follow the join URL), optionally a name, and you are in."""
    form = JoinForm(code=code)
    if form.validate_on_submit():
        try:
            bs = services.find_session(form.code.data)
            if current_participant(bs.id) is None:
                remember_participant(services.join_session(bs, form.display_name.data or ""))
        except DomainError as error:
            form.code.errors.append(error.message)
        else:
            return redirect(url_for("sessions.room", code=bs.join_code))
    return render_template("sessions/join.html", form=form)


@bp.get("/s/<code>")
@allow("participant")
def room(code: str):
    """The participant's live page."""
    bs = services.find_session(code)
    participant = current_participant(bs.id)
    return render_template(
        "sessions/room.html",
        bs=bs,
        participant=participant,
        token=socket_token(PARTICIPANT, participant.id, bs.id),
    )


@bp.get("/sessions/<int:session_id>/facilitate")
@allow("facilitator_of_event")
def facilitate(session_id: int):
    """The facilitator's console: join code, incoming ideas, clustering."""
    bs = db.get_or_404(BrainstormSession, session_id)
    return render_template(
        "sessions/facilitate.html",
        bs=bs,
        join_url=url_for("sessions.join", code=bs.join_code, _external=True),
        token=socket_token(USER, current_user.id, bs.id),
        participants=services.participant_count(bs),
    )
