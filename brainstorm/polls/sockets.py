"""Socket.IO commands of live polls: the facilitator opens, closes and reveals questions;
participants answer. Each only translates; the rules are in services."""

from typing import Annotated

from pydantic import Field

from brainstorm.accounts.access import allow
from brainstorm.accounts.models import User
from brainstorm.extensions import socketio
from brainstorm.polls import services
from brainstorm.polls.models import ANSWER_MAX, OPTIONS_MAX, QuestionState
from brainstorm.realtime import limits
from brainstorm.sessions.models import BrainstormSession, Participant
from brainstorm.validation import Id, Payload, one_of, text_up_to


class PollState(Payload):
    """A live question, opened or closed (a draft is never made again)."""

    question_id: Id
    state: one_of((QuestionState.OPEN, QuestionState.CLOSED))


@socketio.on("poll_state")
@allow("facilitator_of_event", payload=PollState)
def on_poll_state(user: User, bs: BrainstormSession, payload: PollState) -> dict:
    """Open or close a live question."""
    question = services.set_question_state(bs, user, payload.question_id, payload.state)
    return {"ok": True, "state": question.state}


class HideResults(Payload):
    """A live question's results hidden until revealed, or shown."""

    question_id: Id
    hidden: bool


@socketio.on("poll_hide_results")
@allow("facilitator_of_event", payload=HideResults)
def on_poll_hide_results(user: User, bs: BrainstormSession, payload: HideResults) -> dict:
    """Hide a question's results until revealed, or reveal them."""
    question = services.set_results_hidden(bs, user, payload.question_id, payload.hidden)
    return {"ok": True, "hidden": question.results_hidden}


class PollAnswer(Payload):
    """An answer to a live question, in the shape its type takes."""

    question_id: Id
    # An option's index or a scale point (a number), options chosen or in order (a list of
    # indexes), or words (text); the service checks it against the question.
    value: int | text_up_to(ANSWER_MAX) | Annotated[list[int], Field(max_length=OPTIONS_MAX)]


@socketio.on("poll_answer")
@limits.ANSWERS
@allow("participant", payload=PollAnswer)
def on_poll_answer(participant: Participant, bs: BrainstormSession, payload: PollAnswer) -> dict:
    """Answer an open live question (again: replaces the answer)."""
    answer = services.answer_live(bs, participant, payload.question_id, payload.value)
    return {"ok": True, "value": answer.value}
