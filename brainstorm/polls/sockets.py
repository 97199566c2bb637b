"""Socket.IO commands of live polls: the facilitator opens, closes and reveals questions;
participants answer. Each only translates; the rules are in services."""

from brainstorm.accounts.access import allow
from brainstorm.accounts.models import User
from brainstorm.extensions import socketio
from brainstorm.polls import services
from brainstorm.realtime import limits
from brainstorm.sessions.models import BrainstormSession, Participant


@socketio.on("poll_state")
@allow("facilitator_of_event")
def on_poll_state(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Open or close a live question."""
    question = services.set_question_state(
        bs, user, payload.get("question_id"), payload.get("state")
    )
    return {"ok": True, "state": question.state}


@socketio.on("poll_hide_results")
@allow("facilitator_of_event")
def on_poll_hide_results(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Hide a question's results until revealed, or reveal them."""
    question = services.set_results_hidden(
        bs, user, payload.get("question_id"), payload.get("hidden")
    )
    return {"ok": True, "hidden": question.results_hidden}


@socketio.on("poll_answer")
@limits.ANSWERS
@allow("participant")
def on_poll_answer(participant: Participant, bs: BrainstormSession, payload: dict) -> dict:
    """Answer an open live question (again: replaces the answer)."""
    answer = services.answer_live(bs, participant, payload.get("question_id"), payload.get("value"))
    return {"ok": True, "value": answer.value}
