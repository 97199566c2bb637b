"""Breakout groups (deelsessies): splitting the room by a rule, late joiners, hosts, each
group's phase and timer, messages to every group, and the return to the plenary.

While the groups are apart, ideas, votes, phase and timer live inside each group; the
session's board and workspace read a participant's group through sessions.services.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import EventTeamMember, TeamRole, User
from brainstorm.breakouts import grouping
from brainstorm.breakouts.models import BreakoutGroup, SplitRule
from brainstorm.errors import InputError, LimitReached, NotAllowed, NotFound, PhaseClosed
from brainstorm.extensions import db
from brainstorm.realtime import presence
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import FACILITATORS, SessionEvent
from brainstorm.sessions import clocks, signals
from brainstorm.sessions.models import BrainstormSession, Idea, Participant, Phase
from brainstorm.sessions.services import (
    TIMER_ACTIONS,
    bounded_int,
    current_group,
    group_audience,
    participant_actor,
    person_of,
    room_votes,
    timer_of,
    user_actor,
    visible_ideas,
    wind,
)

_commit_and_emit = realtime.commit_and_emit


GROUP_COUNT_RANGE = (2, 50)
GROUP_CAPACITY_RANGE = (1, 1000)
SECTOR_GROUP_NAMES = {"po": "po", "vo": "vo", "mbo": "mbo", "anders": "Anders"}
MESSAGE_MAX = 200
GROUP_NAME_MAX = 80


def active_groups(bs: BrainstormSession) -> list[BreakoutGroup]:
    """The session's breakout groups while they are apart, in order."""
    query = select(BreakoutGroup).filter_by(session_id=bs.id, active=True)
    return list(db.session.scalars(query.order_by(BreakoutGroup.position, BreakoutGroup.id)))


def _members(bs: BrainstormSession) -> dict[int, int]:
    rows = db.session.execute(
        select(Participant.group_id, func.count())
        .where(Participant.session_id == bs.id, Participant.group_id.is_not(None))
        .group_by(Participant.group_id)
    )
    return dict(rows.all())


def _slots(bs: BrainstormSession) -> list[grouping.Slot]:
    members = _members(bs)
    return [
        grouping.Slot(
            g.id,
            g.sector,
            g.capacity,
            members.get(g.id, 0),
            frozenset(map(grouping.partnership_key, g.partnerships)),
        )
        for g in active_groups(bs)
    ]


def _person(participant: Participant) -> grouping.Person:
    return grouping.Person(participant.id, participant.sector, participant.partnership)


def group_public(group: BreakoutGroup) -> dict:
    members = db.session.scalar(
        select(func.count()).select_from(Participant).filter_by(group_id=group.id)
    )
    return {**group.to_public(members), "timer": timer_of(group)}


def group_of(bs: BrainstormSession, participant: Participant) -> dict | None:
    """The participant's group as their page shows it (None outside the groups)."""
    group = current_group(bs, participant)
    return group_public(group) if group else None


def groups_overview(bs: BrainstormSession) -> list[dict]:
    """Every active group with its members, ideas and last activity, for the facilitator."""
    activity = dict(
        db.session.execute(
            select(Idea.group_id, func.max(Idea.created_at))
            .where(Idea.session_id == bs.id)
            .group_by(Idea.group_id)
        ).all()
    )
    ideas = dict(
        db.session.execute(
            select(Idea.group_id, func.count())
            .where(
                Idea.session_id == bs.id,
                Idea.withdrawn_at.is_(None),
                Idea.merged_into_id.is_(None),
            )
            .group_by(Idea.group_id)
        ).all()
    )
    overview = []
    for group in active_groups(bs):
        last = activity.get(group.id)
        overview.append(
            {
                **group_public(group),
                "ideas": ideas.get(group.id, 0),
                "last_activity": last.isoformat() if last else None,
            }
        )
    return overview


def _log_groups(bs: BrainstormSession, actor: str) -> SessionEvent:
    payload = {"apart": bs.groups_apart, "rule": bs.split_rule, "groups": groups_overview(bs)}
    return realtime.log_event(bs.id, "groups_changed", payload, actor=actor)


def _assign(
    bs: BrainstormSession, participant: Participant, group: BreakoutGroup | None, actor: str
) -> list[SessionEvent]:
    """Put someone in a group; their page reconnects to follow its room."""
    participant.group = group
    db.session.flush()
    payload = {"group": group_public(group) if group else None}
    audience = realtime.participant_audience(participant.id)
    moved = {"participant": person_of(participant)}
    return [
        realtime.log_event(bs.id, "group_assigned", payload, audience=audience, actor=actor),
        realtime.log_event(bs.id, "participant_moved", moved, audience=FACILITATORS, actor=actor),
    ]


def spotlight_group(bs: BrainstormSession, user: User, group_id: object) -> dict | None:
    """Show one group's outcome on the presenter screen (None: every group)."""
    group = None
    if group_id is not None:
        group = db.session.get(BreakoutGroup, group_id) if isinstance(group_id, int) else None
        if group is None or group.session_id != bs.id:
            raise NotFound(_("Deze groep bestaat niet (meer)."))
    payload = {"group": {"id": group.id, "name": group.name} if group else None}
    event = realtime.log_event(bs.id, "spotlight", payload, actor=user_actor(user))
    _commit_and_emit([event])
    return payload["group"]


def split_into_groups(
    bs: BrainstormSession,
    user: User,
    rule: object,
    count: object = None,
    capacity: object = None,
    names: object = None,
) -> list[BreakoutGroup]:
    """Divide the session into breakout groups by a rule; everyone connected now is placed."""
    if bs.groups_apart:
        raise InputError(
            _("De groepen zijn al uiteen. Haal ze eerst terug naar de plenaire sessie.")
        )
    try:
        rule = SplitRule(rule)
    except ValueError:
        raise InputError(
            _("Kies willekeurig, per sector, per partnerschap of regio, of zelf kiezen.")
        ) from None
    # Only who is connected now: people who joined earlier and left would fill groups with
    # absentees. Whoever comes back while the groups are apart is placed then (place_arrival).
    connected = presence.store().participants(bs.id)
    people = list(
        db.session.scalars(
            select(Participant)
            .where(Participant.session_id == bs.id, Participant.id.in_(connected))
            .order_by(Participant.id)
        )
    )
    low, high = GROUP_COUNT_RANGE
    count_message = _("Kies tussen %(low)d en %(high)d groepen.", low=low, high=high)
    partnerships: list[list[str]] = []
    if rule == SplitRule.SECTOR:
        labels = list(SECTOR_GROUP_NAMES.items())
    elif rule == SplitRule.PARTNERSHIP:
        number = None if count in (None, "") else bounded_int(count, low, high, count_message)
        known = [p.partnership for p in people]
        partnerships = grouping.partnership_groups(known, number or high)
        if len(partnerships) < 2:
            raise InputError(
                _(
                    "Er zijn nog geen twee partnerschappen of regio's bekend onder wie nu "
                    "verbonden is. Kies een andere indeling."
                )
            )
        labels = [("", _partnership_group_name(names)) for names in partnerships]
    else:
        number = bounded_int(count, low, high, count_message)
        labels = [("", name) for name in _group_names(names, number)]
    limit = None
    if rule == SplitRule.CHOICE and capacity not in (None, ""):
        low, high = GROUP_CAPACITY_RANGE
        message = _("Het maximum per groep ligt tussen %(low)d en %(high)d.", low=low, high=high)
        limit = bounded_int(capacity, low, high, message)
    groups = [
        BreakoutGroup(
            session_id=bs.id,
            name=name,
            sector=sector,
            position=i,
            capacity=limit,
            partnerships=partnerships[i] if partnerships else [],
        )
        for i, (sector, name) in enumerate(labels)
    ]
    db.session.add_all(groups)
    bs.split_rule, bs.groups_apart = rule.value, True
    db.session.flush()
    actor = user_actor(user)
    plan = grouping.split(rule, [_person(p) for p in people], _slots(bs), seed=bs.id)
    by_id = {group.id: group for group in groups}
    events = []
    for participant in people:
        events += _assign(bs, participant, by_id.get(plan.get(participant.id)), actor)
    _commit_and_emit([_log_groups(bs, actor), *events])
    return groups


@signals.participant_joined.connect
def _on_participant_joined(bs: BrainstormSession, participant: Participant, **_extra) -> list:
    # Late joiners are placed by the same rule as everyone else (or choose themselves).
    return late_joiner_events(bs, participant)


def late_joiner_events(bs: BrainstormSession, participant: Participant) -> list[SessionEvent]:
    """Put someone who arrives while the groups are apart in a group by the split rule."""
    if not bs.groups_apart or bs.phase == Phase.CLOSED:
        return []
    if current_group(bs, participant) is not None:
        return []
    # Two tabs of one person connecting at once must not place them twice: look again, locked.
    db.session.refresh(participant, with_for_update=True)
    if current_group(bs, participant) is not None:
        return []
    group_id = grouping.place(bs.split_rule or "", _person(participant), _slots(bs))
    if group_id is None:  # they choose themselves
        return []
    group = db.session.get(BreakoutGroup, group_id)
    # groups_changed too: member counts on console, presenter and phones stay right.
    return [*_assign(bs, participant, group, "system"), _log_groups(bs, "system")]


def place_arrival(bs: BrainstormSession, participant: Participant) -> BreakoutGroup | None:
    """Place someone who (re)connects without a group while apart; the group, or None."""
    events = late_joiner_events(bs, participant)
    if not events:
        return None
    _commit_and_emit(events)
    return participant.group


def _partnership_group_name(partnerships: list[str]) -> str:
    """ "Utrecht" or "Utrecht, Amersfoort", shortened to "Utrecht + 3" when it gets long."""
    name = ", ".join(partnerships)
    if len(name) <= GROUP_NAME_MAX:
        return name
    first, more = partnerships[0][: GROUP_NAME_MAX - 8], len(partnerships) - 1
    return f"{first} + {more}" if more else first


def _group_names(names: object, number: int) -> list[str]:
    given = [str(n).strip()[:GROUP_NAME_MAX] for n in names] if isinstance(names, list) else []
    return [
        given[i] if i < len(given) and given[i] else _("Groep %(n)d", n=i + 1)
        for i in range(number)
    ]


def _group(bs: BrainstormSession, group_id: object) -> BreakoutGroup:
    group = db.session.get(BreakoutGroup, group_id) if isinstance(group_id, int) else None
    if group is None or group.session_id != bs.id or not group.active:
        raise NotFound(_("Deze groep bestaat niet (meer)."))
    return group


def choose_group(
    bs: BrainstormSession, participant: Participant, group_id: object
) -> BreakoutGroup:
    """A participant picks a group themselves (choice rule), while it has room."""
    if not bs.groups_apart or bs.split_rule != SplitRule.CHOICE:
        raise PhaseClosed(_("Je kunt nu geen groep kiezen."))
    group = _group(bs, group_id)
    db.session.execute(select(BreakoutGroup.id).filter_by(id=group.id).with_for_update())
    taken = _members(bs).get(group.id, 0) - (participant.group_id == group.id)
    if group.capacity is not None and taken >= group.capacity:
        raise LimitReached(_("%(name)s is vol; kies een andere groep.", name=group.name))
    actor = participant_actor(participant)
    events = _assign(bs, participant, group, actor)
    _commit_and_emit([*events, _log_groups(bs, actor)])
    return group


def move_participant(
    bs: BrainstormSession, user: User, participant_id: object, group_id: object
) -> Participant:
    """The facilitator moves someone to another group."""
    participant = (
        db.session.get(Participant, participant_id) if isinstance(participant_id, int) else None
    )
    if participant is None or participant.session_id != bs.id:
        raise NotFound(_("Deze deelnemer is niet in deze sessie."))
    group = _group(bs, group_id)
    actor = user_actor(user)
    _commit_and_emit([*_assign(bs, participant, group, actor), _log_groups(bs, actor)])
    return participant


def set_group_host(
    bs: BrainstormSession,
    user: User,
    group_id: object,
    participant_id: object = None,
    user_id: object = None,
) -> BreakoutGroup:
    """Name a group's host: one of its members or a co-facilitator (or nobody)."""
    group = _group(bs, group_id)
    group.host_id = group.host_user = None
    if participant_id is not None:
        host = db.session.get(Participant, participant_id) if type(participant_id) is int else None
        if host is None or host.group_id != group.id:
            raise InputError(_("De gastheer of -vrouw moet in deze groep zitten."))
        group.host_id = host.id
    elif user_id is not None:
        host_user = db.session.get(User, user_id) if type(user_id) is int else None
        if host_user is None or not accounts.can_facilitate(host_user, bs.event_id):
            raise InputError(_("Alleen een facilitator van dit evenement kan een groep leiden."))
        group.host_user = host_user
    _commit_and_emit([_log_groups(bs, user_actor(user))])
    return group


def co_facilitators(bs: BrainstormSession) -> list[dict]:
    """The event's facilitators who may host a group, by name."""
    query = (
        select(User)
        .join(EventTeamMember, EventTeamMember.user_id == User.id)
        .where(
            EventTeamMember.event_id == bs.event_id,
            EventTeamMember.role == TeamRole.FACILITATOR,
        )
        .order_by(User.name, User.email)
    )
    return [{"id": u.id, "name": u.display_name} for u in db.session.scalars(query)]


def _may_run(group: BreakoutGroup, actor: Participant | User) -> str:
    """The actor string of a facilitator or of this group's host; anyone else is refused."""
    if isinstance(actor, User):
        return user_actor(actor)
    if group.host_id == actor.id and actor.group_id == group.id:
        return participant_actor(actor)
    raise NotAllowed(_("Alleen de gastheer of -vrouw van deze groep mag dit doen."))


def set_group_phase(
    bs: BrainstormSession, actor: Participant | User, group_id: object, phase: object
) -> BreakoutGroup:
    """Move one group to another phase (its host or a facilitator)."""
    group = _group(bs, group_id)
    who = _may_run(group, actor)
    try:
        new = Phase(phase)
    except ValueError:
        raise InputError(_("Onbekende fase.")) from None
    events = []
    if group.phase == Phase.HIDDEN_INPUT and new != Phase.HIDDEN_INPUT:
        group.phase = new
        votes = room_votes(bs)
        ideas = [
            idea.to_public(votes(idea)) for idea in visible_ideas(bs) if idea.group_id == group.id
        ]
        payload = {"ideas": ideas, "group_id": group.id}
        events += _log_to_group(bs, group, "ideas_revealed", payload, who)
    if clocks.outlived(group, new):
        clocks.clear(group)
        payload = {"timer": timer_of(group), "group_id": group.id}
        events += _log_to_group(bs, group, "group_timer_changed", payload, who)
    group.phase = new
    payload = {"phase": new.value, "group_id": group.id}
    events += [*_log_to_group(bs, group, "group_phase_changed", payload, who), _log_groups(bs, who)]
    _commit_and_emit(events)
    signals.board_changed.send(bs)
    return group


def change_group_timer(
    bs: BrainstormSession,
    actor: Participant | User,
    group_id: object,
    action: object,
    seconds: object = None,
) -> dict:
    """Run one group's countdown (its host or a facilitator)."""
    group = _group(bs, group_id)
    who = _may_run(group, actor)
    if action not in TIMER_ACTIONS:
        raise InputError(_("Onbekende timeropdracht."))
    wind(group, action, seconds)
    payload = {"timer": timer_of(group), "group_id": group.id}
    _commit_and_emit(_log_to_group(bs, group, "group_timer_changed", payload, who))
    return timer_of(group)


def _log_to_group(
    bs: BrainstormSession, group: BreakoutGroup, name: str, payload: dict, actor: str
) -> list[SessionEvent]:
    """Log for the group's members, and a copy for the facilitators who follow every group."""
    return [
        realtime.log_event(bs.id, name, payload, audience=audience, actor=actor)
        for audience in (group_audience(group), FACILITATORS)
    ]


def message_all(bs: BrainstormSession, user: User, text: object) -> str:
    """A short message on every screen, in every group ("nog 5 minuten")."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(_("Typ een bericht."))
    text = " ".join(text.split())
    if len(text) > MESSAGE_MAX:
        raise InputError(_("Een bericht mag hoogstens %(max)d tekens zijn.", max=MESSAGE_MAX))
    event = realtime.log_event(bs.id, "announcement", {"text": text}, actor=user_actor(user))
    _commit_and_emit([event])
    return text


def return_to_plenary(bs: BrainstormSession, user: User) -> BrainstormSession:
    """ "Delen opbrengsten": every group's ideas onto the plenary board, labelled, votes kept."""
    if not bs.groups_apart:
        raise InputError(_("De groepen zijn niet uiteen."))
    for group in active_groups(bs):
        group.active = False
    bs.groups_apart = False
    db.session.flush()
    votes = room_votes(bs)
    ideas = [idea.to_public(votes(idea)) for idea in visible_ideas(bs)]
    actor = user_actor(user)
    returned = realtime.log_event(bs.id, "groups_returned", {"ideas": ideas}, actor=actor)
    _commit_and_emit([returned, _log_groups(bs, actor)])
    signals.groups_returned.send(bs)
    return bs
