"""Start page, the public agenda and event pages with registration, and the organisers' side."""

from datetime import time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from brainstorm.accounts.access import allow
from brainstorm.accounts.identity import remember_participant
from brainstorm.accounts.services import can_facilitate, can_read_reports
from brainstorm.errors import DomainError
from brainstorm.events import mails, registrations, services
from brainstorm.events.forms import (
    DuplicateEventForm,
    EventForm,
    EventPageForm,
    RegistrationForm,
    SessionForm,
    TeamForm,
)
from brainstorm.events.models import Event, Registration
from brainstorm.exports import download
from brainstorm.extensions import db, limiter
from brainstorm.polls import services as polls
from brainstorm.polls.models import PollKind
from brainstorm.sessions import services as sessions
from brainstorm.sessions.forms import JoinForm
from brainstorm.timeutil import local_to_utc, to_local, utcnow

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
        duplicate_form=DuplicateEventForm(),
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


# --- the public side: agenda, event page, registration ---------------------------------------


@bp.get("/evenementen")
@allow("public")
def agenda():
    """Published events: upcoming (or past), filtered by sector."""
    past = request.args.get("wanneer") == "voorbij"
    sector = request.args.get("sector", "")
    sector = sector if sector in ("po", "vo", "mbo") else ""
    events = services.public_events(past=past, sector=sector)
    return render_template("events/agenda.html", events=events, past=past, sector=sector)


def _public_event(event_id: int) -> Event:
    event = db.get_or_404(Event, event_id)
    if not event.published and not (
        current_user.is_authenticated and can_read_reports(current_user, event.id)
    ):
        abort(404)
    return event


@bp.route("/evenementen/<int:event_id>", methods=["GET", "POST"])
@allow("public")
@limiter.limit("20 per minute", methods=["POST"])
def page(event_id: int):
    """An event's page with its programme and the registration form."""
    event = _public_event(event_id)
    form = RegistrationForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        data = registrations.RegistrationData(
            name=form.name.data or "",
            email=form.email.data or "",
            organisation=form.organisation.data or "",
            role=form.role.data or "",
            sector=form.sector.data or "",
            partnership=form.partnership.data or "",
            remarks=form.remarks.data or "",
            consent=form.consent.data,
            answers={q.id: request.form.get(f"q{q.id}", "") for q in event.questions},
        )
        try:
            registration = registrations.register(event, data)
        except registrations.RegistrationInvalid as error:
            errors = error.errors
            flash(error.message, "error")
        except DomainError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for("events.registered", token=registration.token))
    elif request.method == "POST":
        errors = {name: messages[0] for name, messages in form.errors.items()}
        flash(_("Niet alles klopt. Kijk de gemarkeerde velden na."), "error")
    return render_template(
        "events/page.html",
        event=event,
        form=form,
        errors=errors,
        open=registrations.registration_open(event),
        full=registrations.is_full(event),
    ), (422 if errors else 200)


@bp.get("/aanmelding/<token>")
@allow("public")
def registered(token: str):
    """The confirmation: what happens next, the meeting link, and a way to cancel."""
    registration = _registration(token)
    open_polls = [
        poll
        for poll in polls.polls_of(registration.event)
        if poll.kind == PollKind.PRE and poll.questions and not poll.is_closed(utcnow())
    ]
    return render_template(
        "events/registered.html", registration=registration, form=FlaskForm(), polls=open_polls
    )


@bp.post("/aanmelding/<token>/annuleren")
@allow("public")
def cancel_registration(token: str):
    """Cancel one's own registration (and, if asked, remove one's data); the first on the
    waiting list moves up."""
    registration = _registration(token)
    forget = request.form.get("forget") == "1"
    registrations.cancel(registration, forget=forget)
    if forget:
        flash(_("Je aanmelding is geannuleerd en je gegevens zijn verwijderd."), "success")
    else:
        flash(_("Je aanmelding is geannuleerd."), "success")
    return redirect(url_for("events.registered", token=token))


@bp.get("/uitnodiging/<token>")
@allow("public")
def invitation(token: str):
    """The personal login link from the invitation: straight into the live session."""
    try:
        participant = sessions.redeem_invitation(token)
    except DomainError as error:
        return render_template("events/link_problem.html", message=error.message), 403
    remember_participant(participant)
    return redirect(url_for("sessions.room", code=participant.session.join_code))


def _registration(token: str) -> Registration:
    try:
        return registrations.find_registration(token)
    except DomainError:
        abort(404)


@bp.get("/privacy")
@allow("public")
def privacy():
    """The privacy statement (AVG)."""
    return render_template("events/privacy.html")


# --- the organisers' side ------------------------------------------------------------------


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@allow("facilitator_of_event")
def edit(event_id: int):
    """The event's page, places, deadline, programme and registration questions."""
    event = db.get_or_404(Event, event_id)
    form = EventPageForm(obj=event)
    if request.method == "GET":
        _fill_event_form(form, event)
    if form.validate_on_submit():
        deadline = None
        if form.deadline_day.data:
            deadline = local_to_utc(form.deadline_day.data, form.deadline_time.data or time(23, 59))
        try:
            services.update_event(
                event,
                current_user,
                form.title.data,
                form.day.data,
                form.start.data,
                form.end.data,
                services.EventDetails(
                    location=form.location.data or "",
                    online_url=form.online_url.data or "",
                    description=form.description.data or "",
                    audience=form.audience.data or "",
                    sectors=form.sectors.data or [],
                    costs=form.costs.data or "",
                    organisers=form.organisers.data or "",
                    published=form.published.data,
                    registration_deadline=deadline,
                    capacity=form.capacity.data,
                ),
                services.parse_agenda(form.agenda.data or ""),
            )
            services.set_questions(event, current_user, form.questions.data or "")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Opgeslagen."), "success")
            return redirect(url_for("events.manage", event_id=event.id))
    return render_template("events/edit.html", event=event, form=form)


def _fill_event_form(form: EventPageForm, event: Event) -> None:
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    form.day.data, form.start.data, form.end.data = start.date(), start.time(), end.time()
    form.agenda.data = services.agenda_lines(event)
    form.questions.data = services.question_lines(event)
    if event.registration_deadline:
        deadline = to_local(event.registration_deadline)
        form.deadline_day.data, form.deadline_time.data = deadline.date(), deadline.time()


@bp.post("/events/<int:event_id>/duplicate")
@allow("facilitator_of_event")
def duplicate(event_id: int):
    """A copy of the event on another day."""
    event = db.get_or_404(Event, event_id)
    form = DuplicateEventForm()
    if not form.validate_on_submit():
        flash(_("Kies de datum van de kopie."), "error")
        return redirect(url_for("events.manage", event_id=event.id))
    copy = services.duplicate_event(event, current_user, form.day.data)
    flash(_("Kopie gemaakt. Controleer de gegevens en zet hem in de agenda."), "success")
    return redirect(url_for("events.edit", event_id=copy.id))


@bp.get("/events/<int:event_id>/registrations")
@allow("facilitator_of_event", "staff_of_event")
def registrants(event_id: int):
    """Who registered, with filters, counts per sector and partnership, and attendance."""
    event = db.get_or_404(Event, event_id)
    filters = {
        name: request.args.get(name, "")[:120]
        for name in ("status", "sector", "partnership", "search")
    }
    return render_template(
        "events/registrations.html",
        event=event,
        people=registrations.registrants(event, **filters),
        counts=registrations.counts(event),
        mail_state=registrations.mail_state(event),
        filters=filters,
        form=FlaskForm(),
        can_forget=can_facilitate(current_user, event.id),
    )


def flash_undelivered(failed: int) -> None:
    """Tell the organiser that some mails wait for the next press, and where to see why."""
    if failed:
        flash(
            ngettext(
                "%(num)d mail kon niet worden verstuurd; hij blijft klaarstaan. "
                "Op de pagina Aanmeldingen staat waarom.",
                "%(num)d mails konden niet worden verstuurd; ze blijven klaarstaan. "
                "Op de pagina Aanmeldingen staat waarom.",
                failed,
            ),
            "error",
        )


@bp.post("/events/<int:event_id>/invitations")
@allow("facilitator_of_event")
def send_invitations(event_id: int):
    """The organiser's button: invitations now to everyone with a place who has none yet, and
    another try for mails that failed."""
    event = db.get_or_404(Event, event_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        sessions.live_session_of(event)  # invitations lead into it: it must exist
        queued, sent, failed = mails.invite_now(event)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("events.registrants", event_id=event.id))
    flash_undelivered(failed)
    flash(
        _("%(n)d uitnodigingen klaargezet, %(sent)d mails verstuurd.", n=queued, sent=sent),
        "success",
    )
    return redirect(url_for("events.registrants", event_id=event.id))


@bp.get("/events/<int:event_id>/registrations.<any(csv, xlsx):fmt>")
@allow("facilitator_of_event", "staff_of_event")
def export_registrants(event_id: int, fmt: str):
    """The registrants as CSV or XLSX."""
    event = db.get_or_404(Event, event_id)
    tables = {_("Aanmeldingen"): registrations.export_rows(event)}
    return download(tables, fmt, f"aanmeldingen-{event.id}")


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/attendance")
@allow("facilitator_of_event", "staff_of_event")
def attendance(event_id: int, registration_id: int):
    """Mark someone as present (or not)."""
    registration = db.get_or_404(Registration, registration_id)
    if registration.event_id != event_id or not FlaskForm().validate_on_submit():
        abort(404)
    registrations.set_attendance(registration, request.form.get("attended") == "1")
    return redirect(url_for("events.registrants", event_id=event_id, **request.args))


@bp.route("/events/<int:event_id>/team", methods=["GET", "POST"])
@allow("facilitator_of_event")
def team(event_id: int):
    """Co-facilitators and staff of the event."""
    event = db.get_or_404(Event, event_id)
    form = TeamForm()
    if form.validate_on_submit():
        try:
            services.add_team_member(event, current_user, form.email.data, form.role.data)
        except DomainError as error:
            form.email.errors.append(error.message)
        else:
            flash(_("Toegevoegd aan het team."), "success")
            return redirect(url_for("events.team", event_id=event.id))
    return render_template(
        "events/team.html",
        event=event,
        form=form,
        members=services.team_of(event),
        action=FlaskForm(),
    )


@bp.post("/events/<int:event_id>/team/<int:user_id>/remove")
@allow("facilitator_of_event")
def remove_member(event_id: int, user_id: int):
    """Take someone off the team."""
    event = db.get_or_404(Event, event_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.remove_team_member(event, current_user, user_id)
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("events.team", event_id=event.id))
