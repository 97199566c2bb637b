"""Socket.IO: connecting to a session's room, and submitting vraagstukken."""

from flask import current_app, session
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, emit, join_room

from brainstorm.accounts.access import allow, socket_actor
from brainstorm.accounts.identity import PARTICIPANT, read_socket_token
from brainstorm.extensions import socketio
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import EVERYONE, FACILITATORS
from brainstorm.sessions import services
from brainstorm.sessions.models import BrainstormSession, Participant
from brainstorm.workspace.services import clusters_public

CONNECT_RULES = ("participant", "facilitator_of_event", "staff_of_event")


@socketio.on("connect")
@allow("public")  # the signed token in `auth` is the check: nothing happens without a valid one
def on_connect(auth: dict | None = None):
    """Join the session's rooms, then send what the page missed (or a snapshot)."""
    auth = auth if isinstance(auth, dict) else {}
    identity = read_socket_token(auth.get("token"))
    actor, bs = socket_actor(identity.as_dict() if identity else None, CONNECT_RULES)
    if actor is None:
        raise ConnectionRefusedError(_("Je sessie is verlopen. Laad de pagina opnieuw."))
    session["rt"] = identity.as_dict()
    audiences = [EVERYONE]
    join_room(realtime.session_room(bs.id))
    if identity.kind != PARTICIPANT:
        audiences.append(FACILITATORS)
        join_room(realtime.facilitators_room(bs.id))
    last_seq = auth.get("last_seq")
    missed = None
    if isinstance(last_seq, int) and last_seq >= 0:
        limit = current_app.config["REPLAY_LIMIT"]
        missed = realtime.events_since(bs.id, last_seq, audiences, limit)
    if missed is None:
        emit("session_snapshot", _snapshot(bs))
    else:
        for event in missed:
            emit(event.name, event.message())


def _snapshot(bs: BrainstormSession) -> dict:
    # The seq is read first: whatever commits after it arrives again as an event, never lost.
    seq = realtime.latest_seq(bs.id)
    return {
        "seq": seq,
        "phase": bs.phase,
        "ideas": [idea.to_public() for idea in services.visible_ideas(bs)],
        "clusters": clusters_public(bs),
    }


@socketio.on("submit_idea")
@allow("participant")
def on_submit_idea(participant: Participant, bs: BrainstormSession, payload: dict) -> dict:
    """A participant sends a vraagstuk; the ack carries its id."""
    idea = services.submit_idea(bs, participant, payload.get("text"), payload.get("client_id"))
    return {"ok": True, "id": idea.id}
