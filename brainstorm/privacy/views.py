"""Personal data pages: a participant's own data as a file, and forgetting an event's people.

The routes hang on the blueprints of the pages they sit on (sessions, events), so URLs and
endpoint names stay; the app factory imports this module before registering those.
"""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from brainstorm.accounts.access import allow
from brainstorm.accounts.identity import current_participant
from brainstorm.events.models import Event
from brainstorm.events.views import bp as events_bp
from brainstorm.exports import json_download
from brainstorm.extensions import db
from brainstorm.privacy.services import forget_event, participant_data
from brainstorm.sessions import services as sessions
from brainstorm.sessions.views import bp as sessions_bp


@sessions_bp.get("/s/<code>/mijn-gegevens.json")
@allow("participant")
def my_data(code: str):
    """Everything stored about me in this session, as a JSON file (AVG right of access)."""
    bs = sessions.find_session(code)
    data = participant_data(bs, current_participant(bs.id))
    return json_download(data, f"mijn-gegevens-{bs.join_code}")


@events_bp.post("/events/<int:event_id>/personal-data/forget")
@allow("facilitator_of_event")
def forget_personal_data(event_id: int):
    """On request (AVG): remove everyone's personal data of this event now, once confirmed."""
    event = db.get_or_404(Event, event_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "yes":
        flash(_("Vink eerst aan dat je de persoonsgegevens echt wilt verwijderen."), "error")
        return redirect(url_for("events.registrants", event_id=event.id))
    forgotten, anonymous = forget_event(event)
    flash(
        _(
            "Persoonsgegevens verwijderd: %(r)d aanmeldingen en %(p)d deelnemers zijn nu anoniem.",
            r=forgotten,
            p=anonymous,
        ),
        "success",
    )
    return redirect(url_for("events.registrants", event_id=event.id))
