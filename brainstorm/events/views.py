"""Start page, the organiser's event pages, and opening a live session."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from brainstorm.accounts.access import allow
from brainstorm.accounts.services import can_facilitate
from brainstorm.errors import DomainError
from brainstorm.events import services
from brainstorm.events.forms import EventForm, SessionForm
from brainstorm.events.models import Event
from brainstorm.extensions import db
from brainstorm.sessions import services as sessions
from brainstorm.sessions.forms import JoinForm

bp = Blueprint("events", __name__)


@bp.get("/")
@allow("public")
def index():
    """Participants join here; people with an account see their events."""
    events = services.events_for(current_user) if current_user.is_authenticated else []
    return render_template("events/index.html", events=events, join_form=JoinForm())


@bp.route("/events/new", methods=["GET", "POST"])
@allow("facilitator")
def create():
    """A facilitator creates an event and becomes its first team member."""
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = services.create_event(
                current_user,
                form.title.data,
                form.day.data,
                form.start.data,
                form.end.data,
                location=form.location.data or "",
                description=form.description.data or "",
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/new.html", form=form)


@bp.get("/events/<int:event_id>/manage")
@allow("facilitator_of_event", "staff_of_event")
def manage(event_id: int):
    """The event's programme and its live sessions, for its team."""
    event = db.get_or_404(Event, event_id)
    return render_template(
        "events/manage.html",
        event=event,
        sessions=sessions.sessions_of(event),
        can_facilitate=can_facilitate(current_user, event.id),
        form=SessionForm(),
    )


@bp.post("/events/<int:event_id>/sessions")
@allow("facilitator_of_event")
def create_session(event_id: int):
    """Open a live session with a join code."""
    event = db.get_or_404(Event, event_id)
    form = SessionForm()
    if not form.validate_on_submit():
        flash(form.title.errors[0] if form.title.errors else "", "error")
        return redirect(url_for("events.manage", event_id=event.id))
    bs = sessions.create_session(event, form.title.data)
    return redirect(url_for("sessions.facilitate", session_id=bs.id))
