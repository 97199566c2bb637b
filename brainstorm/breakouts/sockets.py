"""Socket.IO: the facilitator's and hosts' commands for breakout groups, and choosing one."""

from typing import Annotated

from pydantic import Field

from brainstorm.accounts.access import allow
from brainstorm.accounts.models import User
from brainstorm.breakouts import services
from brainstorm.breakouts.models import SplitRule
from brainstorm.breakouts.services import GROUP_CAPACITY_RANGE, GROUP_COUNT_RANGE, MESSAGE_MAX
from brainstorm.extensions import socketio
from brainstorm.sessions.models import BrainstormSession, Participant, Phase
from brainstorm.sessions.services import TIMER_ACTIONS, TIMER_MAX_SECONDS
from brainstorm.validation import TEXT_WALL, Id, Nothing, Payload, one_of, text_up_to, whole

PhaseName = one_of(Phase)


class SplitGroups(Payload):
    """A rule, how many groups, their names and a maximum per group."""

    rule: one_of(SplitRule)
    # Not by sector (one group each); optional by partnership (one group each by default).
    count: whole(*GROUP_COUNT_RANGE) | None = None
    capacity: whole(*GROUP_CAPACITY_RANGE) | None = None
    # The service shortens a long name, and names past the count are not used.
    names: Annotated[
        list[text_up_to(TEXT_WALL)], Field(max_length=GROUP_COUNT_RANGE[1], default_factory=list)
    ]


@socketio.on("split_groups")
@allow("facilitator_of_event", payload=SplitGroups)
def on_split_groups(user: User, bs: BrainstormSession, payload: SplitGroups) -> dict:
    """Divide the session into breakout groups by a rule."""
    groups = services.split_into_groups(
        bs, user, payload.rule, payload.count, payload.capacity, payload.names
    )
    return {"ok": True, "groups": [group.id for group in groups]}


class OneGroup(Payload):
    """One breakout group."""

    group_id: Id


@socketio.on("choose_group")
@allow("participant", payload=OneGroup)
def on_choose_group(participant: Participant, bs: BrainstormSession, payload: OneGroup) -> dict:
    """Pick a group yourself (when the facilitator lets people choose)."""
    return {"ok": True, "id": services.choose_group(bs, participant, payload.group_id).id}


class MoveParticipant(OneGroup):
    """Who goes to the group."""

    participant_id: Id


@socketio.on("move_participant")
@allow("facilitator_of_event", payload=MoveParticipant)
def on_move_participant(user: User, bs: BrainstormSession, payload: MoveParticipant) -> dict:
    """Move someone to another group."""
    moved = services.move_participant(bs, user, payload.participant_id, payload.group_id)
    return {"ok": True, "id": moved.id}


class GroupHost(OneGroup):
    """A member (participant_id) or a co-facilitator (user_id) as host; neither: nobody."""

    participant_id: Id | None = None
    user_id: Id | None = None


@socketio.on("set_group_host")
@allow("facilitator_of_event", payload=GroupHost)
def on_set_group_host(user: User, bs: BrainstormSession, payload: GroupHost) -> dict:
    """Name a group's host: a member (participant_id) or a co-facilitator (user_id)."""
    group = services.set_group_host(
        bs, user, payload.group_id, payload.participant_id, payload.user_id
    )
    return {"ok": True, "id": group.id}


class GroupPhase(OneGroup):
    """The group's new phase."""

    phase: PhaseName


@socketio.on("group_phase")
@allow("participant", "facilitator_of_event", payload=GroupPhase)
def on_group_phase(actor: Participant | User, bs: BrainstormSession, payload: GroupPhase) -> dict:
    """Move one group to another phase (its host or a facilitator; the service checks)."""
    group = services.set_group_phase(bs, actor, payload.group_id, payload.phase)
    return {"ok": True, "phase": group.phase}


class GroupTimer(OneGroup):
    """What to do with the group's countdown; seconds to start or to add."""

    action: one_of(TIMER_ACTIONS)
    seconds: whole(-TIMER_MAX_SECONDS, TIMER_MAX_SECONDS) | None = None


@socketio.on("group_timer")
@allow("participant", "facilitator_of_event", payload=GroupTimer)
def on_group_timer(actor: Participant | User, bs: BrainstormSession, payload: GroupTimer) -> dict:
    """Run one group's countdown (its host or a facilitator; the service checks)."""
    timer = services.change_group_timer(
        bs, actor, payload.group_id, payload.action, payload.seconds
    )
    return {"ok": True, "timer": timer}


class Message(Payload):
    """A short message for every screen."""

    text: text_up_to(MESSAGE_MAX)


@socketio.on("message_all")
@allow("facilitator_of_event", payload=Message)
def on_message_all(user: User, bs: BrainstormSession, payload: Message) -> dict:
    """A short message on every screen."""
    return {"ok": True, "text": services.message_all(bs, user, payload.text)}


@socketio.on("return_to_plenary")
@allow("facilitator_of_event", payload=Nothing)
def on_return_to_plenary(user: User, bs: BrainstormSession, payload: Nothing) -> dict:
    """Bring the groups back: their ideas join the plenary board, labelled."""
    services.return_to_plenary(bs, user)
    return {"ok": True}


class Spotlight(Payload):
    """One group, or (none) every group."""

    group_id: Id | None = None


@socketio.on("spotlight_group")
@allow("facilitator_of_event", payload=Spotlight)
def on_spotlight_group(user: User, bs: BrainstormSession, payload: Spotlight) -> dict:
    """Show one group's outcome on the presenter screen."""
    return {"ok": True, "group": services.spotlight_group(bs, user, payload.group_id)}
