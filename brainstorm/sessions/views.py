"""Joining a session by code, the participant's page and the facilitator's console."""

import io

import segno
from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from brainstorm.accounts.access import allow
from brainstorm.accounts.identity import (
    PARTICIPANT,
    PRESENTER,
    USER,
    current_participant,
    remember_participant,
    socket_token,
)
from brainstorm.accounts.services import can_read_reports
from brainstorm.breakouts import services as breakouts
from brainstorm.errors import DomainError
from brainstorm.events.models import AgendaItem
from brainstorm.extensions import db, limiter
from brainstorm.sessions import services
from brainstorm.sessions.forms import JoinForm, ResetForm
from brainstorm.sessions.models import BrainstormSession, Phase
from brainstorm.timeutil import to_local
from brainstorm.workspace.services import results_of

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
                participant = services.join_session(
                    bs,
                    form.display_name.data or "",
                    form.sector.data or "",
                    form.partnership.data or "",
                    may_be_named=form.may_be_named.data,
                )
                remember_participant(participant)
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
        results_url=url_for("sessions.results", code=bs.join_code),
    )


@bp.get("/s/<code>/results")
@allow("participant", "facilitator_of_event", "staff_of_event")
def results(code: str):
    """After the session: the ordered themes with their vraagstukken."""
    bs = services.find_session(code)
    participant = None
    if not (current_user.is_authenticated and can_read_reports(current_user, bs.event_id)):
        participant = current_participant(bs.id)
    if participant is not None and services.others_kept_from(bs, participant):
        # Hidden input, not yet revealed: the participant's own ideas, as in the room.
        mine = [idea["text"] for idea in services.board_for_participant(bs, participant)]
        return render_template("sessions/results.html", bs=bs, mine=mine)
    return render_template(
        "sessions/results.html", bs=bs, **results_of(bs, staff=participant is None)
    )


@bp.get("/sessions/<int:session_id>/facilitate")
@allow("facilitator_of_event")
def facilitate(session_id: int):
    """The facilitator's console: join code, phases, timer, moderation, clustering."""
    bs = db.get_or_404(BrainstormSession, session_id)
    return render_template(
        "sessions/facilitate.html",
        bs=bs,
        join_url=_join_url(bs),
        token=socket_token(USER, current_user.id, bs.id),
        participants=services.participant_count(bs),
        agenda=[_agenda_entry(item) for item in bs.event.agenda],
        settings=services.settings_of(bs),
        phases=PHASE_LABELS,
        present_url=url_for("sessions.present", session_id=bs.id),
        reset_form=ResetForm(),
        co_facilitators=breakouts.co_facilitators(bs),
    )


@bp.get("/sessions/<int:session_id>/present")
@allow("facilitator_of_event", "staff_of_event")
def present(session_id: int):
    """The projector screen: join code, QR, timer and the live board; no controls."""
    bs = db.get_or_404(BrainstormSession, session_id)
    token = socket_token(PRESENTER, current_user.id, bs.id)
    return render_template("sessions/present.html", bs=bs, join_url=_join_url(bs), token=token)


@bp.get("/sessions/<int:session_id>/qr.svg")
@allow("facilitator_of_event", "staff_of_event")
def qr(session_id: int):
    """The join URL as a QR code (SVG, made here: no third-party service sees the code)."""
    bs = db.get_or_404(BrainstormSession, session_id)
    svg = io.BytesIO()
    segno.make(_join_url(bs), error="m").save(svg, kind="svg", scale=10, border=2, xmldecl=False)
    return Response(svg.getvalue(), mimetype="image/svg+xml")


@bp.post("/sessions/<int:session_id>/duplicate")
@allow("facilitator_of_event")
def duplicate(session_id: int):
    """Copy the session's set-up into a new session (a template)."""
    copy = services.duplicate_session(db.get_or_404(BrainstormSession, session_id), current_user)
    flash(_("Kopie gemaakt met een nieuwe sessiecode."), "info")
    return redirect(url_for("sessions.facilitate", session_id=copy.id))


@bp.post("/sessions/<int:session_id>/reset")
@allow("facilitator_of_event")
def reset(session_id: int):
    """Remove participants and input after a rehearsal; the set-up stays."""
    bs = db.get_or_404(BrainstormSession, session_id)
    form = ResetForm()
    if form.validate_on_submit():
        services.reset_session(bs, current_user)
        flash(_("De sessie is leeggemaakt."), "info")
    else:
        flash(next(iter(form.errors.values()))[0], "error")
    return redirect(url_for("sessions.facilitate", session_id=bs.id))


@bp.post("/sessions/<int:session_id>/close")
@allow("facilitator_of_event")
def close(session_id: int):
    """Make the session read-only."""
    services.close_session(db.get_or_404(BrainstormSession, session_id), current_user)
    flash(_("De sessie is afgesloten; deelnemers zien nu de resultaten."), "info")
    return redirect(url_for("sessions.facilitate", session_id=session_id))


@bp.post("/sessions/<int:session_id>/archive")
@allow("facilitator_of_event")
def archive(session_id: int):
    """Close the session and file it away."""
    bs = services.archive_session(db.get_or_404(BrainstormSession, session_id), current_user)
    flash(_("De sessie is gearchiveerd."), "info")
    return redirect(url_for("events.manage", event_id=bs.event_id))


PHASE_LABELS = [
    (Phase.LOBBY.value, _l("Welkom")),
    (Phase.INPUT.value, _l("Invoer open")),
    (Phase.HIDDEN_INPUT.value, _l("Verborgen invoer")),
    (Phase.REVIEW.value, _l("Bespreken")),
    (Phase.VOTING.value, _l("Stemmen")),
    (Phase.CLOSED.value, _l("Afgesloten")),
]


def _join_url(bs: BrainstormSession) -> str:
    return url_for("sessions.join", code=bs.join_code, _external=True)


def _agenda_entry(item: AgendaItem) -> dict:
    return {
        "id": item.id,
        "title": item.title,
        "starts_at": to_local(item.starts_at).strftime("%H:%M"),
        "ends_at": to_local(item.ends_at).strftime("%H:%M"),
    }
