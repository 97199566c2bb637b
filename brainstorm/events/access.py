"""How the access door finds an event from a route. Registered on import (see create_app)."""

from brainstorm.accounts.access import Scope, finds
from brainstorm.events.models import Event
from brainstorm.extensions import db


@finds("event_id", order=30)
def by_event_id(event_id: int) -> Scope:
    """An event's pages: its team decides."""
    return Scope(event=db.get_or_404(Event, event_id))
