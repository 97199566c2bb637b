"""What a socket client hears when a handler fails unexpectedly: words, not a dropped ack."""

import logging

from flask_babel import gettext as _

from brainstorm.extensions import db, socketio

log = logging.getLogger(__name__)


@socketio.on_error_default
def on_unexpected_error(error: Exception) -> dict:
    """Roll back, log with traceback, and answer the command with an apology."""
    db.session.rollback()
    log.exception("socket handler failed", exc_info=error)
    return {
        "ok": False,
        "code": "server_error",
        "error": _("Er ging aan onze kant iets mis. Probeer het opnieuw."),
    }
