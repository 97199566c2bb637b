"""Who may use what: every HTTP route and every Socket.IO command, against five actors.

The routes come from app.url_map and the commands from the registered Socket.IO handlers, so
a new one fails here until it is added to ROUTES or COMMANDS below, with the actors that may
use it. Each test gets the same world (tests/integration/world.py, built once and restored
per test): a published event with a session full of ideas, clusters, polls and a registration,
another event's session, and the five actors:

- anonymous: a browser without cookies;
- other_participant: joined a session of another event;
- participant: joined this session (the cookie; on sockets the page's token);
- staff: Role.STAFF, on the event's team as staff;
- facilitator: Role.FACILITATOR, on the event's team as facilitator.

HTTP. Allowed: any answer below 500 that is not a refusal (a page, a redirect onward, a form
shown again with its errors). Refused, as the @allow decorator answers:
- pages of a session's participants (JOIN_PAGE_REFUSALS): a redirect to that session's join
  page, for everyone who may not see them, logged in or not;
- everything else: a redirect to the login page without an account, 403 with one.
No route hides its existence with a 404 from these actors: the one that does, an unpublished
event's public page, has its own test below.

Socket.IO. Anonymous has no token and is refused at connect (as is a forged token). The others
connect with the token of their own page: participants their room, staff the presenter screen
(their only page with a token, which may only watch), the facilitator the console. A refused
command acks {"ok": False, "code": "not_allowed"}. A participant of another session is bound
to that session: whatever they send names objects of this one and is refused there (not found,
or not allowed), and nothing in this session changes. Every refused call, HTTP or socket, is
checked to have written nothing.
"""

from collections.abc import Callable
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
from werkzeug.routing import AnyConverter

from brainstorm.breakouts import services as breakouts
from brainstorm.breakouts.models import BreakoutGroup
from brainstorm.extensions import db, socketio
from brainstorm.sessions import board
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import Phase
from brainstorm.workspace import services as workspace
from tests.integration.world import (
    ACTORS,
    ANONYMOUS,
    FACILITATOR,
    OTHER,
    PARTICIPANT,
    STAFF,
    Snapshot,
    World,
    dump,
    make_app,
)

EVERYONE = frozenset(ACTORS)
ACCOUNTS = frozenset({STAFF, FACILITATOR})  # logged in
TEAM = frozenset({STAFF, FACILITATOR})  # the event's team: staff_of_event
FACILITATORS = frozenset({FACILITATOR})  # facilitator_of_event, and `facilitator` (Role.STAFF
#                                          is not: staff may not create events)
PARTICIPANTS = frozenset({PARTICIPANT})

# endpoint -> the actors who may use it (every rule and method of the endpoint).
ROUTES: dict[str, frozenset[str]] = {
    # public
    "events.index": EVERYONE,
    "events.agenda": EVERYONE,
    "events.page": EVERYONE,  # published; an unpublished one is a 404 (see below)
    "events.registered": EVERYONE,  # the registration's secret token is the key
    "events.cancel_registration": EVERYONE,
    "events.invitation": EVERYONE,  # the signed personal login link is the key
    "events.privacy": EVERYONE,
    "sessions.join": EVERYONE,
    "accounts.login": EVERYONE,
    "accounts.forgot_password": EVERYONE,
    "accounts.reset_password": EVERYONE,  # the signed reset link is the key
    "accounts.set_language": EVERYONE,
    "polls.answer": EVERYONE,  # the poll's secret slug is the key
    "polls.thanks": EVERYONE,
    "outcomes.page": EVERYONE,  # published; a draft is a 404 outside the team (test_outcomes)
    "outcomes.theme": EVERYONE,
    "outcomes.secret": EVERYONE,  # the secret link's token is the key
    "outcomes.secret_theme": EVERYONE,
    # any account
    "accounts.logout": ACCOUNTS,
    # Role.FACILITATOR (or admin)
    "events.create": FACILITATORS,
    # participants of this session (and for the results, the team)
    "sessions.room": PARTICIPANTS,
    "sessions.my_data": PARTICIPANTS,  # the AVG export of what is stored about oneself
    "sessions.results": PARTICIPANTS | TEAM,
    # the event's team
    "events.manage": TEAM,
    "events.registrants": TEAM,
    "events.export_registrants": TEAM,
    "events.attendance": TEAM,
    "sessions.present": TEAM,
    "sessions.qr": TEAM,
    "sessions.export": TEAM,  # the session as a JSON archive
    "polls.results": TEAM,
    "polls.export": TEAM,
    "reports.show": TEAM,
    "reports.download": TEAM,
    "outcomes.manage": TEAM,
    "outcomes.synthesis_page": TEAM,  # the staff member confirms the synthesis, so staff too
    "outcomes.synthesis_action": TEAM,
    "outcomes.synthesis_report": TEAM,
    # the event's facilitators
    "events.edit": FACILITATORS,
    "events.duplicate": FACILITATORS,
    "events.send_invitations": FACILITATORS,
    "events.forget_personal_data": FACILITATORS,
    "events.create_session": FACILITATORS,
    "events.team": FACILITATORS,
    "events.remove_member": FACILITATORS,
    "sessions.facilitate": FACILITATORS,
    "sessions.duplicate": FACILITATORS,
    "sessions.import_archive": FACILITATORS,
    "sessions.reset": FACILITATORS,
    "sessions.close": FACILITATORS,
    "sessions.archive": FACILITATORS,
    "polls.index": FACILITATORS,
    "polls.copy": FACILITATORS,
    "polls.edit": FACILITATORS,
    "polls.settings": FACILITATORS,
    "polls.import_answers": FACILITATORS,
    "polls.edit_question": FACILITATORS,
    "polls.question_action": FACILITATORS,
    "reports.settings": FACILITATORS,
    "outcomes.publish": FACILITATORS,
    "outcomes.send_feedback": FACILITATORS,
    "outcomes.carry_forward": FACILITATORS,
}
# Refused with a redirect to the session's join page (the decorator's answer for rules that
# include "participant"), whoever asks.
JOIN_PAGE_REFUSALS = {"sessions.room", "sessions.my_data", "sessions.results"}

# command -> the actors who may send it.
HOSTS = PARTICIPANTS | FACILITATORS  # the group's host (here: the participant) or a facilitator
COMMANDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        [
            "submit_idea",
            "edit_idea",
            "withdraw_idea",
            "vote",
            "unvote",
            "choose_group",
            "vote_cluster",
            "unvote_cluster",
            "poll_answer",
        ],
        PARTICIPANTS,
    ),
    "group_phase": HOSTS,
    "group_timer": HOSTS,
    # A page asking for what it missed; the presenter screen (staff) reconnects instead.
    "catch_up": PARTICIPANTS | FACILITATORS,
    **dict.fromkeys(
        [
            "set_phase",
            "update_settings",
            "timer_start",
            "timer_pause",
            "timer_resume",
            "timer_extend",
            "timer_stop",
            "hide_idea",
            "unhide_idea",
            "approve_idea",
            "pin_idea",
            "correct_idea",
            "merge_ideas",
            "split_groups",
            "move_participant",
            "set_group_host",
            "message_all",
            "return_to_plenary",
            "spotlight_group",
            "run_clustering",
            "move_idea",
            "rename_cluster",
            "merge_clusters",
            "split_cluster",
            "create_cluster",
            "lock_cluster",
            "reorder_clusters",
            "move_cluster",
            "delete_cluster",
            "update_deepening",
            "order_clusters_by_votes",
            "undo_workspace",
            "show_themes",
            "show_results",
            "poll_state",
            "poll_hide_results",
        ],
        FACILITATORS,
    ),
}
NOT_COMMANDS = {"connect", "disconnect"}  # public by design (the token is checked at connect)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One app for the file, on SQLite only: who may do what does not depend on the database,
    and a world restored per test keeps 100 tests at a few seconds (see world.py)."""
    app = make_app(tmp_path_factory.mktemp("matrix"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def snapshot(app, tmp_path_factory):
    return Snapshot(app, tmp_path_factory.mktemp("snapshot"))


@pytest.fixture
def world(snapshot) -> World:
    return snapshot.restore()


# --- HTTP ---------------------------------------------------------------------------------


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    missing = sorted(endpoints - set(ROUTES))
    assert not missing, f"add these endpoints to ROUTES with the actors who may use them: {missing}"
    assert sorted(set(ROUTES) - endpoints) == [], "ROUTES names endpoints that no longer exist"


def _url_value(world: World, endpoint: str, name: str, converter) -> object:
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    values = world.url_values(endpoint) | {"fmt": "md"}  # the report's quickest format
    assert name in values, f"{endpoint}: give the URL parameter {name!r} a real value here"
    return values[name]


def _outcome(response) -> str:
    """What an answer means: ok, login, join, forbidden, not_found (or a crash)."""
    status = response.status_code
    assert status < 500, f"server error {status}"
    if status in (401, 403):
        return "forbidden"
    if status == 404:
        return "not_found"
    if 300 <= status < 400:
        path = urlsplit(response.location).path
        if path == "/login":
            return "login"
        if path == "/join" or path.startswith("/j/"):
            return "join"
    return "ok"


def _refusal(endpoint: str, actor: str) -> str:
    if endpoint in JOIN_PAGE_REFUSALS:
        return "join"
    return "forbidden" if actor in ACCOUNTS else "login"


def _in_order(allowed: frozenset[str]) -> list[str]:
    """Refused actors first: an allowed call may change what the next one sees."""
    return sorted(ACTORS, key=lambda actor: (actor in allowed, ACTORS.index(actor)))


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route(app, world, endpoint):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    allowed = ROUTES[endpoint]
    wrong = []
    for rule in rules:
        values = {
            name: _url_value(world, endpoint, name, rule._converters[name])
            for name in rule.arguments
        }
        url = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):  # GET before POST
            for actor in _in_order(allowed):
                before = dump() if actor not in allowed else None
                response = world.clients[actor].open(url, method=method)
                got = _outcome(response)
                want = "ok" if actor in allowed else _refusal(endpoint, actor)
                if got != want:
                    wrong.append(f"{method} {url} as {actor}: {got} ({response.status_code})")
                elif before is not None and dump() != before:
                    wrong.append(f"{method} {url} as {actor}: refused, but wrote something")
    assert not wrong, "\n".join(wrong)


def test_an_unpublished_event_page_is_not_found_outside_its_team(world):
    """The one deliberate 404: an event not yet in the agenda does not exist for outsiders."""
    world.bs.event.published = False
    db.session.commit()
    seen = {
        actor: world.clients[actor].get(f"/evenementen/{world.event_id}").status_code
        for actor in ACTORS
    }
    assert seen == {
        ANONYMOUS: 404,
        OTHER: 404,
        PARTICIPANT: 404,
        STAFF: 200,
        FACILITATOR: 200,
    }


# --- Socket.IO ----------------------------------------------------------------------------


def test_every_command_is_in_the_table(app):
    handlers = set(socketio.server.handlers["/"]) - NOT_COMMANDS
    missing = sorted(handlers - set(COMMANDS))
    assert not missing, (
        f"add these commands to COMMANDS with the actors who may send them: {missing}"
    )
    assert sorted(set(COMMANDS) - handlers) == [], "COMMANDS names commands that no longer exist"
    assert sorted(handlers) == sorted(CALLS), "CALLS needs a successful call of every command"


def test_without_a_valid_token_no_socket_connects(app, world):
    token = world.page_token(PARTICIPANT)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for auth in (None, {}, {"token": ""}, {"token": forged}, {"token": 12}, "token"):
        sock = socketio.test_client(app, flask_test_client=app.test_client(), auth=auth)
        assert not sock.is_connected(), auth
    # A participant of another session has no token for this one: their page redirects.
    response = world.clients[OTHER].get(f"/s/{world.code}")
    assert _outcome(response) == "join"


# Each command: what must be true before it can succeed, and a payload that succeeds.


def _phase(phase: Phase) -> Callable[[World], None]:
    def setup(world: World) -> None:
        world.bs.phase = phase
        db.session.commit()

    return setup


def _voted(world: World) -> None:
    _phase(Phase.VOTING)(world)
    board.vote(world.bs, world.participant, world.idea_ids[0])
    workspace.vote_cluster(world.bs, world.participant, world.cluster_ids[0])


def _timer(action: str) -> Callable[[World], None]:
    def setup(world: World) -> None:
        sessions.change_timer(world.bs, world.facilitator, "start", 300)
        if action == "pause":
            sessions.change_timer(world.bs, world.facilitator, "pause")

    return setup


def _hidden(world: World) -> None:
    board.hide_idea(world.bs, world.facilitator, world.idea_ids[0])


def _apart(world: World) -> None:
    """Two groups to choose from; the participant is in the first and hosts it."""
    first, _second = breakouts.split_into_groups(world.bs, world.facilitator, "choice", 2)
    breakouts.choose_group(world.bs, world.participant, first.id)
    breakouts.set_group_host(world.bs, world.facilitator, first.id, world.participant_id)


def _groups(world: World) -> list[int]:
    return sorted(g.id for g in db.session.query(BreakoutGroup).filter_by(active=True))


def _nothing(world: World) -> None:
    pass


CALLS: dict[str, tuple[Callable[[World], None], Callable[[World], dict]]] = {
    "submit_idea": (_nothing, lambda w: {"text": "Nieuw vraagstuk", "client_id": str(uuid4())}),
    "catch_up": (_nothing, lambda w: {"last_seq": 0}),
    "edit_idea": (_nothing, lambda w: {"idea_id": w.idea_ids[0], "text": "Anders gezegd"}),
    "withdraw_idea": (_nothing, lambda w: {"idea_id": w.idea_ids[0]}),
    "vote": (_phase(Phase.VOTING), lambda w: {"idea_id": w.idea_ids[0]}),
    "unvote": (_voted, lambda w: {"idea_id": w.idea_ids[0]}),
    "vote_cluster": (_phase(Phase.VOTING), lambda w: {"cluster_id": w.cluster_ids[0]}),
    "unvote_cluster": (_voted, lambda w: {"cluster_id": w.cluster_ids[0]}),
    "poll_answer": (_nothing, lambda w: {"question_id": w.live_question_id, "value": 4}),
    "choose_group": (_apart, lambda w: {"group_id": _groups(w)[1]}),
    "group_phase": (_apart, lambda w: {"group_id": _groups(w)[0], "phase": "review"}),
    "group_timer": (
        _apart,
        lambda w: {"group_id": _groups(w)[0], "action": "start", "seconds": 60},
    ),
    "set_phase": (_nothing, lambda w: {"phase": "review"}),
    "update_settings": (_nothing, lambda w: {"idea_limit": 5, "premoderation": True}),
    "timer_start": (_nothing, lambda w: {"seconds": 60}),
    "timer_pause": (_timer("start"), lambda w: {}),
    "timer_resume": (_timer("pause"), lambda w: {}),
    "timer_extend": (_timer("start"), lambda w: {"seconds": 30}),
    "timer_stop": (_timer("start"), lambda w: {}),
    "hide_idea": (_nothing, lambda w: {"idea_id": w.idea_ids[0]}),
    "unhide_idea": (_hidden, lambda w: {"idea_id": w.idea_ids[0]}),
    "approve_idea": (_nothing, lambda w: {"idea_id": w.idea_ids[0]}),
    "pin_idea": (_nothing, lambda w: {"idea_id": w.idea_ids[0], "pinned": True}),
    "correct_idea": (_nothing, lambda w: {"idea_id": w.idea_ids[0], "text": "Werkdruk"}),
    "merge_ideas": (
        _nothing,
        lambda w: {"keep_id": w.idea_ids[0], "merge_id": w.idea_ids[1]},
    ),
    "split_groups": (_nothing, lambda w: {"rule": "random", "count": 2}),
    "move_participant": (
        _apart,
        lambda w: {"participant_id": w.participant_id, "group_id": _groups(w)[1]},
    ),
    "set_group_host": (
        _apart,
        lambda w: {"group_id": _groups(w)[0], "participant_id": w.participant_id},
    ),
    "message_all": (_nothing, lambda w: {"text": "Nog 5 minuten"}),
    "return_to_plenary": (_apart, lambda w: {}),
    "spotlight_group": (_apart, lambda w: {"group_id": _groups(w)[0]}),
    "run_clustering": (_nothing, lambda w: {"k": 2}),
    "move_idea": (
        _nothing,
        lambda w: {"idea_id": w.idea_ids[0], "cluster_id": w.cluster_ids[1]},
    ),
    "rename_cluster": (_nothing, lambda w: {"cluster_id": w.cluster_ids[0], "title": "Druk"}),
    "merge_clusters": (
        _nothing,
        lambda w: {"cluster_id": w.cluster_ids[1], "into_id": w.cluster_ids[0]},
    ),
    "split_cluster": (_nothing, lambda w: {"cluster_id": w.cluster_ids[0]}),
    "create_cluster": (_nothing, lambda w: {"title": "Nieuw thema"}),
    "lock_cluster": (_nothing, lambda w: {"cluster_id": w.cluster_ids[0], "locked": True}),
    "reorder_clusters": (_nothing, lambda w: {"cluster_ids": w.cluster_ids[::-1]}),
    "move_cluster": (_nothing, lambda w: {"cluster_id": w.cluster_ids[0], "direction": "down"}),
    "delete_cluster": (_nothing, lambda w: {"cluster_id": w.cluster_ids[1]}),
    "update_deepening": (
        _nothing,
        lambda w: {"cluster_id": w.cluster_ids[0], "summary": "Kort", "audiences": ["ocw"]},
    ),
    "order_clusters_by_votes": (_nothing, lambda w: {}),
    "undo_workspace": (_nothing, lambda w: {}),
    "show_themes": (_nothing, lambda w: {"shown": True}),
    "show_results": (_nothing, lambda w: {"shown": True}),
    "poll_state": (_nothing, lambda w: {"question_id": w.live_question_id, "state": "closed"}),
    "poll_hide_results": (
        _nothing,
        lambda w: {"question_id": w.live_question_id, "hidden": True},
    ),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_command(world, command):
    setup, payload_of = CALLS[command]
    setup(world)
    world.other_bs.phase = world.bs.phase  # the other session is as open as this one
    db.session.commit()
    allowed = COMMANDS[command]
    sockets = {actor: world.socket(actor) for actor in ACTORS}
    wrong = []
    try:
        assert not sockets[ANONYMOUS].is_connected(), "connected without a token"
        for actor in _in_order(allowed):
            if actor == ANONYMOUS:
                continue  # refused at connect, above
            sock = sockets[actor]
            assert sock.is_connected(), f"{actor} could not connect"
            payload = payload_of(world)
            before = dump(skip_session_id=world.other_session_id) if actor not in allowed else None
            ack = sock.emit(command, payload, callback=True)
            if actor in allowed:
                if not (isinstance(ack, dict) and ack.get("ok") is True):
                    wrong.append(f"{command} as {actor}: expected success, got {ack}")
                continue
            refused = isinstance(ack, dict) and ack.get("ok") is False
            if actor == OTHER and command in PARTICIPANT_COMMANDS:
                # Bound to their own session: this session's ids are not found there.
                fine = refused and ack.get("code") not in (None, "server_error")
                fine = fine or command in OWN_SESSION_ONLY
            else:
                fine = refused and ack.get("code") == "not_allowed"
            if not fine:
                wrong.append(f"{command} as {actor}: expected a refusal, got {ack}")
            elif dump(skip_session_id=world.other_session_id) != before:
                wrong.append(f"{command} as {actor}: refused, but this session changed")
    finally:
        for sock in sockets.values():
            if sock.is_connected():
                sock.disconnect()
    assert not wrong, "\n".join(wrong)


PARTICIPANT_COMMANDS = {name for name, allowed in COMMANDS.items() if PARTICIPANT in allowed}
# Names nothing of this session: from another session's participant it lands in their own.
OWN_SESSION_ONLY = {"submit_idea", "catch_up"}
