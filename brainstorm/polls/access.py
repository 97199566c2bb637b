"""How the access door finds the event of a poll or a question in a route. Registered on
import (see create_app)."""

from brainstorm.accounts.access import Scope, finds
from brainstorm.extensions import db
from brainstorm.polls.models import Poll, Question


@finds("question_id", order=40)
def by_question_id(question_id: int) -> Scope:
    """A question's pages: the team of its poll's event decides."""
    return Scope(event=db.get_or_404(Question, question_id).poll.event)


@finds("poll_id", order=50)
def by_poll_id(poll_id: int) -> Scope:
    """A poll's pages: the team of its event decides."""
    return Scope(event=db.get_or_404(Poll, poll_id).event)
