"""The archive's pages: a session's JSON export, and bringing one back into an event.

The routes hang on the sessions blueprint, so their URLs and endpoint names stay those of the
session pages they belong to; the app factory imports this module before registering it.
"""

import json

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from brainstorm.accounts.access import allow
from brainstorm.archive.services import export_session, import_session
from brainstorm.errors import DomainError
from brainstorm.events.models import Event
from brainstorm.exports import json_download
from brainstorm.extensions import db
from brainstorm.sessions.models import BrainstormSession
from brainstorm.sessions.views import bp


@bp.get("/sessions/<int:session_id>/export.json")
@allow("facilitator_of_event", "staff_of_event")
def export(session_id: int):
    """The whole session as one JSON file, for the organisation's own archive."""
    bs = db.get_or_404(BrainstormSession, session_id)
    return json_download(export_session(bs), f"sessie-{bs.join_code}-{bs.created_at:%Y-%m-%d}")


@bp.post("/events/<int:event_id>/sessions/import")
@allow("facilitator_of_event")
def import_archive(event_id: int):
    """Bring back a session from its export, closed, into this event."""
    event = db.get_or_404(Event, event_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        document = json.load(request.files["archive"])
    except (KeyError, ValueError):
        document = None  # no file, or not JSON: import_session says what is wrong
    try:
        bs = import_session(event, document)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("events.manage", event_id=event.id))
    flash(_("Sessie teruggezet: %(title)s.", title=bs.title), "success")
    return redirect(url_for("events.manage", event_id=event.id))
