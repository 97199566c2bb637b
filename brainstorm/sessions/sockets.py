"""Socket.IO: entering a session's rooms, and every participant and facilitator command."""

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, emit, join_room, rooms

from brainstorm.accounts.access import allow, socket_actor
from brainstorm.accounts.identity import PARTICIPANT, PRESENTER, USER, read_socket_token
from brainstorm.accounts.models import User
from brainstorm.breakouts import services as breakouts
from brainstorm.extensions import socketio
from brainstorm.polls import services as polls
from brainstorm.realtime import limits, presence
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import EVERYONE, FACILITATORS
from brainstorm.sessions import board, services
from brainstorm.sessions.models import BrainstormSession, Participant, Phase
from brainstorm.sessions.services import IDEA_LIMIT_RANGE, TIMER_MAX_SECONDS, VOTE_BUDGET_RANGE
from brainstorm.timeutil import utcnow
from brainstorm.validation import TEXT_WALL, Id, Nothing, Payload, one_of, text_up_to, whole
from brainstorm.workspace import services as workspace

CONNECT_RULES = ("participant", "facilitator_of_event", "staff_of_event")


@socketio.on("connect")
@allow("public")  # the signed token in `auth` is the check: nothing happens without a valid one
def on_connect(auth: dict | None = None):
    """Join the session's rooms, then send what the page missed (or a snapshot)."""
    auth = auth if isinstance(auth, dict) else {}
    identity = read_socket_token(auth.get("token"))
    checked = identity.as_dict() if identity else None
    if identity and identity.kind == PRESENTER:
        # A presenter screen is let in on its user's rights, but may only watch: commands
        # check the kind kept below, which stays "presenter".
        checked["kind"] = USER
    actor, bs = socket_actor(checked, CONNECT_RULES)
    if actor is None:
        raise ConnectionRefusedError(_("Je sessie is verlopen. Laad de pagina opnieuw."))
    session["rt"] = identity.as_dict()
    audiences = [EVERYONE]
    placed = None
    if identity.kind == PARTICIPANT:
        # Someone who was away at the split is placed now, like a late joiner.
        placed = breakouts.place_arrival(bs, actor)
        audiences.append(realtime.participant_audience(actor.id))
        group = services.current_group(bs, actor)
        if group is not None:
            audiences.append(services.group_audience(group))
    elif identity.kind == USER:
        audiences.append(FACILITATORS)
    for audience in audiences:
        join_room(realtime.audience_room(bs.id, audience))
    if identity.kind == PARTICIPANT:
        # Counted before the snapshot is made: the phone's own count includes the phone.
        presence.store().enter(bs.id, request.sid, actor.id)
    last_seq = auth.get("last_seq")
    missed = None
    if isinstance(last_seq, int) and not isinstance(last_seq, bool) and last_seq >= 0:
        limit = current_app.config["REPLAY_LIMIT"]
        missed = realtime.events_since(bs.id, last_seq, audiences, limit)
    if missed is None or placed is not None:
        # Just placed: a snapshot shows the group at once, where replaying group_assigned
        # would make the page reconnect once more to follow it.
        emit("session_snapshot", _snapshot(bs, identity.kind, actor))
    else:
        for event in missed:
            emit(event.name, event.message())
    presence.announce(bs.id)  # also to a console that reconnected without a snapshot


@socketio.on("disconnect")
@allow("public")  # leaving needs no rights; it only updates the head count
def on_disconnect(*_reason):
    """Count the participant out of the room."""
    identity = session.get("rt") or {}
    session_id = identity.get("session_id")
    if session_id is not None and presence.store().leave(session_id, request.sid):
        presence.announce(session_id)


class CatchUp(Payload):
    """The highest seq the page has seen."""

    last_seq: whole(0, 2**53)


@socketio.on("catch_up")
@allow("participant", "facilitator_of_event", "staff_of_event", payload=CatchUp)
def on_catch_up(actor: Participant | User, bs: BrainstormSession, payload: CatchUp) -> dict:
    """What the page missed after its last seq, for the rooms this connection is in, and the
    seq up to which it is then complete (a page that saw a gap or heard nothing for a while)."""
    audiences = realtime.audiences_in(bs.id, rooms())
    caught = realtime.catch_up(
        bs.id, payload.last_seq, audiences, current_app.config["REPLAY_LIMIT"]
    )
    if caught is None:
        # Too much to replay, or another database: the page connects again for a snapshot.
        return {"ok": False, "code": "resync", "error": _("Je scherm wordt bijgewerkt.")}
    events, complete_to = caught
    return {
        "ok": True,
        "events": [{"name": event.name, "data": event.message()} for event in events],
        "complete_to": complete_to,
    }


def _snapshot(bs: BrainstormSession, kind: str, actor: Participant | User) -> dict:
    # The seq is read first: whatever commits after it arrives again as an event, never lost.
    snapshot = {
        "seq": realtime.latest_seq(bs.id),
        "sent_at": utcnow().isoformat(),
        "phase": bs.phase,
        "settings": services.settings_of(bs),
        "agenda_item": services.agenda_item_of(bs),
        "timer": services.timer_of(bs),
        "presence": presence.store().count(bs.id),
        "idea_count": board.idea_count(bs),  # a number only: hidden input shows it growing
        "groups": {"apart": bs.groups_apart, "rule": bs.split_rule},
        "me": None,
    }
    if bs.groups_apart:
        snapshot["groups"]["groups"] = breakouts.groups_overview(bs)
    if kind == USER:
        snapshot["ideas"] = services.board_for_facilitators(bs)
        snapshot["people"] = services.people_of(bs)
        snapshot |= workspace.workspace_snapshot(bs, workspace.scopes_of(bs), log=True)
        snapshot["polls"] = polls.live_state(bs, None, facilitator=True)
    elif kind == PARTICIPANT:
        snapshot["ideas"] = services.board_for_participant(bs, actor)
        snapshot["me"] = {
            **services.participant_state(bs, actor),
            "group": breakouts.group_of(bs, actor),
            **workspace.participant_cluster_state(bs, actor),
        }
        snapshot |= workspace.workspace_snapshot(bs, workspace.viewer_scopes(bs, actor), log=False)
        snapshot["polls"] = polls.live_state(bs, actor, facilitator=False)
    else:
        snapshot["ideas"] = services.board_for_participant(bs, None)
        snapshot |= workspace.workspace_snapshot(bs, workspace.scopes_of(bs), log=False)
        snapshot["polls"] = polls.live_state(bs, None, facilitator=False)
    return snapshot


# --- participants -------------------------------------------------------------------------

# An idea's limit is a setting (IDEA_MAX_LENGTH): the service says it, with the count.
IdeaText = text_up_to(TEXT_WALL)
PhaseName = one_of(Phase)


class SubmitIdea(Payload):
    """A new vraagstuk, with the client-made UUID that makes a resend harmless."""

    text: IdeaText
    client_id: text_up_to(64)  # the service reads the UUID in it, and says so when there is none


@socketio.on("submit_idea")
@limits.IDEAS
@allow("participant", payload=SubmitIdea)
def on_submit_idea(participant: Participant, bs: BrainstormSession, payload: SubmitIdea) -> dict:
    """A participant sends a vraagstuk; the ack carries its id."""
    idea_id, left = board.submit_gathered(bs, participant, payload.text, payload.client_id)
    return {"ok": True, "id": idea_id, "ideas_left": left}


class OneIdea(Payload):
    """One vraagstuk."""

    idea_id: Id


class Reworded(OneIdea):
    """One vraagstuk and its new text."""

    text: IdeaText


@socketio.on("edit_idea")
@limits.IDEAS
@allow("participant", payload=Reworded)
def on_edit_idea(participant: Participant, bs: BrainstormSession, payload: Reworded) -> dict:
    """The author rewords their vraagstuk."""
    idea = board.edit_idea(bs, participant, payload.idea_id, payload.text)
    return {"ok": True, "id": idea.id}


@socketio.on("withdraw_idea")
@limits.IDEAS
@allow("participant", payload=OneIdea)
def on_withdraw_idea(participant: Participant, bs: BrainstormSession, payload: OneIdea) -> dict:
    """The author takes their vraagstuk back."""
    idea = board.withdraw_idea(bs, participant, payload.idea_id)
    return {"ok": True, "id": idea.id, "ideas_left": board.ideas_left(bs, participant)}


@socketio.on("vote")
@limits.VOTES
@allow("participant", payload=OneIdea)
def on_vote(participant: Participant, bs: BrainstormSession, payload: OneIdea) -> dict:
    """Put a dot on an idea."""
    return {"ok": True, **board.vote(bs, participant, payload.idea_id)}


@socketio.on("unvote")
@limits.VOTES
@allow("participant", payload=OneIdea)
def on_unvote(participant: Participant, bs: BrainstormSession, payload: OneIdea) -> dict:
    """Take a dot back."""
    return {"ok": True, **board.unvote(bs, participant, payload.idea_id)}


# --- facilitators -------------------------------------------------------------------------


class SetPhase(Payload):
    """A phase, and the programme item it belongs to (none: no item)."""

    phase: PhaseName
    agenda_item_id: Id | None = None


@socketio.on("set_phase")
@allow("facilitator_of_event", payload=SetPhase)
def on_set_phase(user: User, bs: BrainstormSession, payload: SetPhase) -> dict:
    """Move the session to another phase (and programme item)."""
    services.set_phase(bs, user, payload.phase, payload.agenda_item_id)
    return {"ok": True, "phase": bs.phase}


class Settings(Payload):
    """The session's rules; only the keys sent change."""

    idea_limit: whole(*IDEA_LIMIT_RANGE) = None
    vote_budget: whole(*VOTE_BUDGET_RANGE) = None
    vote_stacking: bool = None
    premoderation: bool = None
    hide_votes: bool = None


@socketio.on("update_settings")
@allow("facilitator_of_event", payload=Settings)
def on_update_settings(user: User, bs: BrainstormSession, payload: Settings) -> dict:
    """Change the session's rules."""
    changes = payload.model_dump(exclude_unset=True)
    return {"ok": True, "settings": services.update_settings(bs, user, changes)}


class TimerStart(Payload):
    """How long the countdown runs."""

    seconds: whole(1, TIMER_MAX_SECONDS)


class TimerExtend(Payload):
    """Time to add (or, below zero, take off)."""

    seconds: whole(-TIMER_MAX_SECONDS, TIMER_MAX_SECONDS)


@socketio.on("timer_start")
@allow("facilitator_of_event", payload=TimerStart)
def on_timer_start(user: User, bs: BrainstormSession, payload: TimerStart) -> dict:
    """Start the countdown."""
    return {"ok": True, "timer": services.change_timer(bs, user, "start", payload.seconds)}


@socketio.on("timer_pause")
@allow("facilitator_of_event", payload=Nothing)
def on_timer_pause(user: User, bs: BrainstormSession, payload: Nothing) -> dict:
    """Pause the countdown."""
    return {"ok": True, "timer": services.change_timer(bs, user, "pause")}


@socketio.on("timer_resume")
@allow("facilitator_of_event", payload=Nothing)
def on_timer_resume(user: User, bs: BrainstormSession, payload: Nothing) -> dict:
    """Resume the countdown."""
    return {"ok": True, "timer": services.change_timer(bs, user, "resume")}


@socketio.on("timer_extend")
@allow("facilitator_of_event", payload=TimerExtend)
def on_timer_extend(user: User, bs: BrainstormSession, payload: TimerExtend) -> dict:
    """Add or take off time."""
    return {"ok": True, "timer": services.change_timer(bs, user, "extend", payload.seconds)}


@socketio.on("timer_stop")
@allow("facilitator_of_event", payload=Nothing)
def on_timer_stop(user: User, bs: BrainstormSession, payload: Nothing) -> dict:
    """Remove the countdown."""
    return {"ok": True, "timer": services.change_timer(bs, user, "stop")}


@socketio.on("hide_idea")
@allow("facilitator_of_event", payload=OneIdea)
def on_hide_idea(user: User, bs: BrainstormSession, payload: OneIdea) -> dict:
    """Take an idea off every screen."""
    return {"ok": True, "id": board.hide_idea(bs, user, payload.idea_id).id}


@socketio.on("unhide_idea")
@allow("facilitator_of_event", payload=OneIdea)
def on_unhide_idea(user: User, bs: BrainstormSession, payload: OneIdea) -> dict:
    """Put a hidden idea back."""
    return {"ok": True, "id": board.unhide_idea(bs, user, payload.idea_id).id}


@socketio.on("approve_idea")
@allow("facilitator_of_event", payload=OneIdea)
def on_approve_idea(user: User, bs: BrainstormSession, payload: OneIdea) -> dict:
    """Let a pre-moderated idea onto the board."""
    return {"ok": True, "id": board.approve_idea(bs, user, payload.idea_id).id}


class PinIdea(OneIdea):
    """Pinned or not."""

    pinned: bool


@socketio.on("pin_idea")
@allow("facilitator_of_event", payload=PinIdea)
def on_pin_idea(user: User, bs: BrainstormSession, payload: PinIdea) -> dict:
    """Pin or unpin an idea."""
    idea = board.pin_idea(bs, user, payload.idea_id, payload.pinned)
    return {"ok": True, "id": idea.id}


@socketio.on("correct_idea")
@allow("facilitator_of_event", payload=Reworded)
def on_correct_idea(user: User, bs: BrainstormSession, payload: Reworded) -> dict:
    """Fix a typo; the original is kept."""
    idea = board.correct_idea(bs, user, payload.idea_id, payload.text)
    return {"ok": True, "id": idea.id}


class MergeIdeas(Payload):
    """The idea that stays, and the one that goes into it."""

    keep_id: Id
    merge_id: Id


@socketio.on("merge_ideas")
@allow("facilitator_of_event", payload=MergeIdeas)
def on_merge_ideas(user: User, bs: BrainstormSession, payload: MergeIdeas) -> dict:
    """Fold one idea into another that says the same."""
    keep = board.merge_ideas(bs, user, payload.keep_id, payload.merge_id)
    return {"ok": True, "id": keep.id, "votes": services.vote_counts(bs).get(keep.id, 0)}
