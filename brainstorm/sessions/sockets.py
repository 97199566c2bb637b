"""Socket.IO: entering a session's rooms, and every participant and facilitator command."""

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, emit, join_room

from brainstorm.accounts.access import allow, socket_actor
from brainstorm.accounts.identity import PARTICIPANT, PRESENTER, USER, read_socket_token
from brainstorm.accounts.models import User
from brainstorm.extensions import socketio
from brainstorm.polls import services as polls
from brainstorm.realtime import limits, presence
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import EVERYONE, FACILITATORS
from brainstorm.sessions import services
from brainstorm.sessions.models import BrainstormSession, Participant
from brainstorm.timeutil import utcnow
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
    if identity.kind == PARTICIPANT:
        audiences.append(realtime.participant_audience(actor.id))
        group = services.current_group(bs, actor)
        if group is not None:
            audiences.append(services.group_audience(group))
    elif identity.kind == USER:
        audiences.append(FACILITATORS)
    for audience in audiences:
        join_room(realtime.audience_room(bs.id, audience))
    last_seq = auth.get("last_seq")
    missed = None
    if isinstance(last_seq, int) and not isinstance(last_seq, bool) and last_seq >= 0:
        limit = current_app.config["REPLAY_LIMIT"]
        missed = realtime.events_since(bs.id, last_seq, audiences, limit)
    if missed is None:
        emit("session_snapshot", _snapshot(bs, identity.kind, actor))
    else:
        for event in missed:
            emit(event.name, event.message())
    if identity.kind == PARTICIPANT:
        presence.store().enter(bs.id, request.sid, actor.id)
    presence.announce(bs.id)  # also to a console that reconnected without a snapshot


@socketio.on("disconnect")
@allow("public")  # leaving needs no rights; it only updates the head count
def on_disconnect(*_reason):
    """Count the participant out of the room."""
    identity = session.get("rt") or {}
    session_id = identity.get("session_id")
    if session_id is not None and presence.store().leave(session_id, request.sid):
        presence.announce(session_id)


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
        "groups": {"apart": bs.groups_apart, "rule": bs.split_rule},
        "me": None,
    }
    if bs.groups_apart:
        snapshot["groups"]["groups"] = services.groups_overview(bs)
    if kind == USER:
        snapshot["ideas"] = services.board_for_facilitators(bs)
        snapshot["people"] = services.people_of(bs)
        snapshot |= workspace.workspace_snapshot(bs, workspace.scopes_of(bs), log=True)
        snapshot["polls"] = polls.live_state(bs, None, facilitator=True)
    elif kind == PARTICIPANT:
        snapshot["ideas"] = services.board_for_participant(bs, actor)
        snapshot["me"] = {
            **services.participant_state(bs, actor),
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


@socketio.on("submit_idea")
@limits.IDEAS
@allow("participant")
def on_submit_idea(participant: Participant, bs: BrainstormSession, payload: dict) -> dict:
    """A participant sends a vraagstuk; the ack carries its id."""
    idea = services.submit_idea(bs, participant, payload.get("text"), payload.get("client_id"))
    return {"ok": True, "id": idea.id, "ideas_left": services.ideas_left(bs, participant)}


@socketio.on("edit_idea")
@limits.IDEAS
@allow("participant")
def on_edit_idea(participant: Participant, bs: BrainstormSession, payload: dict) -> dict:
    """The author rewords their vraagstuk."""
    idea = services.edit_idea(bs, participant, payload.get("idea_id"), payload.get("text"))
    return {"ok": True, "id": idea.id}


@socketio.on("withdraw_idea")
@limits.IDEAS
@allow("participant")
def on_withdraw_idea(participant: Participant, bs: BrainstormSession, payload: dict) -> dict:
    """The author takes their vraagstuk back."""
    idea = services.withdraw_idea(bs, participant, payload.get("idea_id"))
    return {"ok": True, "id": idea.id, "ideas_left": services.ideas_left(bs, participant)}


@socketio.on("vote")
@limits.VOTES
@allow("participant")
def on_vote(participant: Participant, bs: BrainstormSession, payload: dict) -> dict:
    """Put a dot on an idea."""
    return {"ok": True, **services.vote(bs, participant, payload.get("idea_id"))}


@socketio.on("unvote")
@limits.VOTES
@allow("participant")
def on_unvote(participant: Participant, bs: BrainstormSession, payload: dict) -> dict:
    """Take a dot back."""
    return {"ok": True, **services.unvote(bs, participant, payload.get("idea_id"))}


# --- facilitators -------------------------------------------------------------------------


@socketio.on("set_phase")
@allow("facilitator_of_event")
def on_set_phase(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Move the session to another phase (and programme item)."""
    services.set_phase(bs, user, payload.get("phase"), payload.get("agenda_item_id"))
    return {"ok": True, "phase": bs.phase}


@socketio.on("update_settings")
@allow("facilitator_of_event")
def on_update_settings(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Change the session's rules."""
    return {"ok": True, "settings": services.update_settings(bs, user, payload)}


@socketio.on("timer_start")
@allow("facilitator_of_event")
def on_timer_start(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Start the countdown."""
    return {"ok": True, "timer": services.change_timer(bs, user, "start", payload.get("seconds"))}


@socketio.on("timer_pause")
@allow("facilitator_of_event")
def on_timer_pause(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Pause the countdown."""
    return {"ok": True, "timer": services.change_timer(bs, user, "pause")}


@socketio.on("timer_resume")
@allow("facilitator_of_event")
def on_timer_resume(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Resume the countdown."""
    return {"ok": True, "timer": services.change_timer(bs, user, "resume")}


@socketio.on("timer_extend")
@allow("facilitator_of_event")
def on_timer_extend(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Add or take off time."""
    return {"ok": True, "timer": services.change_timer(bs, user, "extend", payload.get("seconds"))}


@socketio.on("timer_stop")
@allow("facilitator_of_event")
def on_timer_stop(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Remove the countdown."""
    return {"ok": True, "timer": services.change_timer(bs, user, "stop")}


@socketio.on("hide_idea")
@allow("facilitator_of_event")
def on_hide_idea(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Take an idea off every screen."""
    return {"ok": True, "id": services.hide_idea(bs, user, payload.get("idea_id")).id}


@socketio.on("unhide_idea")
@allow("facilitator_of_event")
def on_unhide_idea(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Put a hidden idea back."""
    return {"ok": True, "id": services.unhide_idea(bs, user, payload.get("idea_id")).id}


@socketio.on("approve_idea")
@allow("facilitator_of_event")
def on_approve_idea(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Let a pre-moderated idea onto the board."""
    return {"ok": True, "id": services.approve_idea(bs, user, payload.get("idea_id")).id}


@socketio.on("pin_idea")
@allow("facilitator_of_event")
def on_pin_idea(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Pin or unpin an idea."""
    idea = services.pin_idea(bs, user, payload.get("idea_id"), payload.get("pinned"))
    return {"ok": True, "id": idea.id}


@socketio.on("correct_idea")
@allow("facilitator_of_event")
def on_correct_idea(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Fix a typo; the original is kept."""
    idea = services.correct_idea(bs, user, payload.get("idea_id"), payload.get("text"))
    return {"ok": True, "id": idea.id}


@socketio.on("merge_ideas")
@allow("facilitator_of_event")
def on_merge_ideas(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Fold one idea into another that says the same."""
    keep = services.merge_ideas(bs, user, payload.get("keep_id"), payload.get("merge_id"))
    return {"ok": True, "id": keep.id, "votes": services.vote_counts(bs).get(keep.id, 0)}


# --- breakout groups ----------------------------------------------------------------------


@socketio.on("split_groups")
@allow("facilitator_of_event")
def on_split_groups(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Divide the session into breakout groups by a rule."""
    groups = services.split_into_groups(
        bs,
        user,
        payload.get("rule"),
        payload.get("count"),
        payload.get("capacity"),
        payload.get("names"),
    )
    return {"ok": True, "groups": [group.id for group in groups]}


@socketio.on("choose_group")
@allow("participant")
def on_choose_group(participant: Participant, bs: BrainstormSession, payload: dict) -> dict:
    """Pick a group yourself (when the facilitator lets people choose)."""
    return {"ok": True, "id": services.choose_group(bs, participant, payload.get("group_id")).id}


@socketio.on("move_participant")
@allow("facilitator_of_event")
def on_move_participant(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Move someone to another group."""
    moved = services.move_participant(
        bs, user, payload.get("participant_id"), payload.get("group_id")
    )
    return {"ok": True, "id": moved.id}


@socketio.on("set_group_host")
@allow("facilitator_of_event")
def on_set_group_host(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Name a group's host: a member (participant_id) or a co-facilitator (user_id)."""
    group = services.set_group_host(
        bs, user, payload.get("group_id"), payload.get("participant_id"), payload.get("user_id")
    )
    return {"ok": True, "id": group.id}


@socketio.on("group_phase")
@allow("participant", "facilitator_of_event")
def on_group_phase(actor: Participant | User, bs: BrainstormSession, payload: dict) -> dict:
    """Move one group to another phase (its host or a facilitator; the service checks)."""
    group = services.set_group_phase(bs, actor, payload.get("group_id"), payload.get("phase"))
    return {"ok": True, "phase": group.phase}


@socketio.on("group_timer")
@allow("participant", "facilitator_of_event")
def on_group_timer(actor: Participant | User, bs: BrainstormSession, payload: dict) -> dict:
    """Run one group's countdown (its host or a facilitator; the service checks)."""
    timer = services.change_group_timer(
        bs, actor, payload.get("group_id"), payload.get("action"), payload.get("seconds")
    )
    return {"ok": True, "timer": timer}


@socketio.on("message_all")
@allow("facilitator_of_event")
def on_message_all(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """A short message on every screen."""
    return {"ok": True, "text": services.message_all(bs, user, payload.get("text"))}


@socketio.on("return_to_plenary")
@allow("facilitator_of_event")
def on_return_to_plenary(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Bring the groups back: their ideas join the plenary board, labelled."""
    services.return_to_plenary(bs, user)
    return {"ok": True}


@socketio.on("spotlight_group")
@allow("facilitator_of_event")
def on_spotlight_group(user: User, bs: BrainstormSession, payload: dict) -> dict:
    """Show one group's outcome on the presenter screen."""
    return {"ok": True, "group": services.spotlight_group(bs, user, payload.get("group_id"))}
