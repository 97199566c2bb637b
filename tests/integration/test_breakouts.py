"""Breakout groups: split rules, isolation while apart, host rights, back to the plenary."""

from collections import Counter
from uuid import uuid4

import pytest
import redis
from sqlalchemy import select

from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import TeamRole
from brainstorm.extensions import db, socketio
from brainstorm.realtime.presence import PREFIX, MemoryPresence, RedisPresence
from brainstorm.sessions.models import Participant
from tests.conftest import TOKEN
from tests.helpers import received


def submit(sock, text: str) -> dict:
    return sock.emit("submit_idea", {"text": text, "client_id": str(uuid4())}, callback=True)


def command(sock, name: str, **payload) -> dict:
    return sock.emit(name, payload, callback=True)


def group_of(sock_or_name) -> int:
    return db.session.scalar(select(Participant.group_id).filter_by(display_name=sock_or_name))


def join_with(app, bs, **fields):
    """A participant who joined through the form with these fields, their page connected."""
    client = app.test_client()
    response = client.post("/join", data={"code": bs.join_code, **fields})
    assert response.status_code == 302, "join failed"
    page = client.get(f"/s/{bs.join_code}").get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    return socketio.test_client(app, flask_test_client=client, auth={"token": token})


def regroup(reconnect, bs, sock, name):
    """A page that got group_assigned reconnects to follow its group's room."""
    last = max((e["args"][0].get("seq", 0) for e in sock.get_received()), default=0)
    return reconnect(sock, f"/s/{bs.join_code}", last)


def test_random_split_is_balanced_and_late_joiners_fill_the_smallest(
    make_user, make_session, join, facilitate
):
    facilitator = make_user()
    bs = make_session(facilitator)
    people = [join(bs, f"P{n}") for n in range(7)]
    console = facilitate(bs, facilitator)
    ack = command(console, "split_groups", rule="random", count=3)
    assert ack["ok"] and len(ack["groups"]) == 3
    sizes = Counter(group_of(f"P{n}") for n in range(7))
    assert sorted(sizes.values()) == [2, 2, 3]
    for sock in people:
        (assigned,) = received(sock, "group_assigned")
        assert assigned["group"]["name"].startswith("Groep")
    join(bs, "Laat")
    smallest = {g for g, n in sizes.items() if n == 2}
    assert group_of("Laat") in smallest
    assert command(console, "split_groups", rule="random", count=2)["code"] == "invalid_input"


def test_sector_split_and_a_late_joiner_of_that_sector(app, make_user, make_session, facilitate):
    facilitator = make_user()
    bs = make_session(facilitator)
    client = app.test_client()
    for name, sector in (("Pien", "po"), ("Vera", "vo"), ("Mo", "mbo"), ("Xan", "")):
        join_with(app, bs, display_name=name, sector=sector)
    command(facilitate(bs, facilitator), "split_groups", rule="sector")
    names = dict(db.session.execute(select(Participant.display_name, Participant.group_id)).all())
    assert len(set(names.values())) == 4
    client.post("/join", data={"code": bs.join_code, "display_name": "Vince", "sector": "vo"})
    assert group_of("Vince") == names["Vera"]


def test_partnership_split_keeps_partnerships_together(app, make_user, make_session, facilitate):
    facilitator = make_user()
    bs = make_session(facilitator)
    joined = (
        ("Ada", "RATO Utrecht"),
        ("Bas", "rato  utrecht"),
        ("Cas", "RATO Utrecht"),
        ("Dirk", "Partnerschap Noord"),
        ("Eva", "Partnerschap Noord"),
        ("Fien", "Oost"),
        ("Ivo", "Oost"),
        ("Gijs", ""),
    )
    for name, partnership in joined:
        join_with(app, bs, display_name=name, partnership=partnership)
    console = facilitate(bs, facilitator)
    assert command(console, "split_groups", rule="partnership", count=2)["ok"]
    groups = {g["name"]: g for g in received(console, "groups_changed")[-1]["groups"]}
    assert set(groups) == {"RATO Utrecht", "Oost, Partnerschap Noord"}
    utrecht, rest = groups["RATO Utrecht"]["id"], groups["Oost, Partnerschap Noord"]["id"]
    assert {group_of(n) for n in ("Ada", "Bas", "Cas")} == {utrecht}
    assert {group_of(n) for n in ("Dirk", "Eva", "Fien", "Ivo")} == {rest}
    assert group_of("Gijs") == utrecht  # no partnership: tops up the smaller group (3 against 4)
    app.test_client().post(
        "/join", data={"code": bs.join_code, "display_name": "Hans", "partnership": "OOST"}
    )
    assert group_of("Hans") == rest
    (hans,) = received(console, "participant_joined")
    assert hans["participant"]["partnership"] == "OOST"  # the facilitator sees it


def test_partnership_split_needs_two_known_partnerships(make_user, make_session, join, facilitate):
    facilitator = make_user()
    bs = make_session(facilitator)
    join(bs, "Zonder")
    ack = command(facilitate(bs, facilitator), "split_groups", rule="partnership")
    assert ack["code"] == "invalid_input" and "partnerschappen" in ack["error"]
    assert group_of("Zonder") is None and not db.session.get(type(bs), bs.id).groups_apart


def test_choice_with_a_maximum_per_group(make_user, make_session, join, facilitate):
    facilitator = make_user()
    bs = make_session(facilitator)
    alice, bob, carol = join(bs, "Alice"), join(bs, "Bob"), join(bs, "Carol")
    console = facilitate(bs, facilitator)
    first, second = command(console, "split_groups", rule="choice", count=2, capacity=2)["groups"]
    assert group_of("Alice") is None  # nobody is placed: people choose
    assert command(alice, "choose_group", group_id=first)["ok"]
    assert command(bob, "choose_group", group_id=first)["ok"]
    full = command(carol, "choose_group", group_id=first)
    assert full["code"] == "limit_reached" and "vol" in full["error"]
    assert command(carol, "choose_group", group_id=second)["ok"]
    assert command(alice, "choose_group", group_id=first)["ok"]  # staying is not "full"


def test_groups_are_isolated_while_apart_also_after_reconnect(
    make_user, make_session, join, facilitate, reconnect
):
    facilitator = make_user()
    bs = make_session(facilitator)
    socks = {name: join(bs, name) for name in ("A1", "A2", "B1", "B2")}
    console = facilitate(bs, facilitator)
    command(console, "split_groups", rule="choice", count=2)
    a, b = (g["id"] for g in received(console, "groups_changed")[-1]["groups"])
    for name, sock in socks.items():
        command(sock, "choose_group", group_id=a if name.startswith("A") else b)
    socks = {name: regroup(reconnect, bs, sock, name) for name, sock in socks.items()}
    for sock in socks.values():
        sock.get_received()

    submit(socks["A1"], "Idee van groep A")
    submit(socks["B1"], "Idee van groep B")
    assert [e["idea"]["text"] for e in received(socks["A2"], "idea_added")] == ["Idee van groep A"]
    assert [e["idea"]["text"] for e in received(socks["B2"], "idea_added")] == ["Idee van groep B"]
    moderated = [e["idea"]["text"] for e in received(console, "idea_moderated")]
    assert sorted(moderated) == ["Idee van groep A", "Idee van groep B"]  # the facilitator sees all

    again = reconnect(socks["B2"], f"/s/{bs.join_code}", 0)
    replayed = [e["args"][0] for e in again.get_received() if e["name"] == "idea_added"]
    assert [e["idea"]["text"] for e in replayed] == ["Idee van groep B"]
    fresh = reconnect(socks["A2"], f"/s/{bs.join_code}", None)
    (snapshot,) = received(fresh, "session_snapshot")
    assert [i["text"] for i in snapshot["ideas"]] == ["Idee van groep A"]
    assert snapshot["me"]["group"]["id"] == a


def test_host_runs_only_their_own_group(make_user, make_session, join, facilitate, reconnect):
    facilitator = make_user()
    bs = make_session(facilitator)
    host, member, other = join(bs, "Host"), join(bs, "Lid"), join(bs, "Ander")
    console = facilitate(bs, facilitator)
    a, b = command(console, "split_groups", rule="choice", count=2)["groups"]
    command(host, "choose_group", group_id=a)
    command(member, "choose_group", group_id=a)
    command(other, "choose_group", group_id=b)
    host_id = db.session.scalar(select(Participant.id).filter_by(display_name="Host"))
    assert command(console, "set_group_host", group_id=a, participant_id=host_id)["ok"]
    member = regroup(reconnect, bs, member, "Lid")
    member.get_received()

    assert command(host, "group_phase", group_id=a, phase="voting")["phase"] == "voting"
    assert [e["phase"] for e in received(member, "group_phase_changed")] == ["voting"]
    assert command(host, "group_timer", group_id=a, action="start", seconds=300)["ok"]
    assert command(host, "group_phase", group_id=b, phase="closed")["code"] == "not_allowed"
    assert command(member, "group_phase", group_id=a, phase="input")["code"] == "not_allowed"
    assert command(host, "set_phase", phase="closed")["code"] == "not_allowed"
    assert submit(member, "In stemfase")["code"] == "phase_closed"  # the group's phase rules
    assert submit(other, "Groep B mag nog")["ok"]


def test_a_co_facilitator_hosts_a_group(
    make_user, make_session, join, facilitate, reconnect, login
):
    facilitator, colleague, outsider = make_user(), make_user(), make_user()
    bs = make_session(facilitator)
    accounts.add_to_team(bs.event_id, colleague, TeamRole.FACILITATOR)
    db.session.commit()
    member = join(bs, "Lid")
    console = facilitate(bs, facilitator)
    command(console, "split_groups", rule="random", count=2)
    group = group_of("Lid")
    member = regroup(reconnect, bs, member, "Lid")
    member.get_received()

    assert command(console, "set_group_host", group_id=group, user_id=colleague.id)["ok"]
    (changed,) = received(member, "groups_changed")
    (mine,) = [g for g in changed["groups"] if g["id"] == group]
    assert mine["host_user"] == {"id": colleague.id, "name": colleague.name}
    assert mine["host_id"] is None
    refused = command(console, "set_group_host", group_id=group, user_id=outsider.id)
    assert refused["code"] == "invalid_input"
    assert command(member, "set_group_host", group_id=group, user_id=colleague.id)["ok"] is False
    # The colleague runs the group from their own console; the facilitator's page lists them.
    assert command(facilitate(bs, colleague), "group_phase", group_id=group, phase="voting")["ok"]
    assert [e["phase"] for e in received(member, "group_phase_changed")] == ["voting"]
    html = login(facilitator).get(f"/sessions/{bs.id}/facilitate").get_data(as_text=True)
    assert f'"name": "{colleague.name}"' in html


def test_back_to_plenary_keeps_origin_and_votes(
    make_user, make_session, join, facilitate, reconnect
):
    facilitator = make_user()
    bs = make_session(facilitator)
    alice, bob, carol = join(bs, "Alice"), join(bs, "Bob"), join(bs, "Carol")
    console = facilitate(bs, facilitator)
    a, b = command(console, "split_groups", rule="choice", count=2, names=["Noord", "Zuid"])[
        "groups"
    ]
    command(alice, "choose_group", group_id=a)
    command(bob, "choose_group", group_id=a)
    command(carol, "choose_group", group_id=b)
    north = submit(alice, "Regionale afspraken")["id"]
    submit(carol, "Zij-instroom in het zuiden")
    command(console, "group_phase", group_id=a, phase="voting")
    command(console, "update_settings", hide_votes=False)  # the counts travel with the ideas
    assert command(bob, "vote", idea_id=north)["ok"]
    assert command(console, "message_all", text="Nog 5 minuten")["ok"]
    assert [e["text"] for e in received(carol, "announcement")] == ["Nog 5 minuten"]

    assert command(console, "return_to_plenary")["ok"]
    (back,) = received(carol, "groups_returned")
    labels = {i["text"]: (i["group"]["name"], i["votes"]) for i in back["ideas"]}
    assert labels == {
        "Regionale afspraken": ("Noord", 1),
        "Zij-instroom in het zuiden": ("Zuid", 0),
    }
    fresh = reconnect(carol, f"/s/{bs.join_code}", None)
    (snapshot,) = received(fresh, "session_snapshot")
    assert {i["text"] for i in snapshot["ideas"]} == set(labels)
    assert snapshot["groups"]["apart"] is False


def test_participants_may_not_split_move_or_return(make_session, join):
    bs = make_session()
    alice = join(bs, "Alice")
    for name in (
        "split_groups",
        "move_participant",
        "set_group_host",
        "message_all",
        "return_to_plenary",
    ):
        assert command(alice, name, rule="random", count=2)["code"] == "not_allowed", name


def test_spotlight_one_group_on_the_presenter_after_the_return(
    make_user, make_session, join, facilitate
):
    facilitator = make_user()
    bs = make_session(facilitator)
    alice = join(bs, "Alice")
    console = facilitate(bs, facilitator)
    (north,) = command(console, "split_groups", rule="random", count=2, names=["Noord"])["groups"][
        :1
    ]
    command(console, "return_to_plenary")
    alice.get_received()
    assert command(console, "spotlight_group", group_id=north)["group"]["name"] == "Noord"
    assert received(alice, "spotlight")[0]["group"] == {"id": north, "name": "Noord"}
    assert command(console, "spotlight_group", group_id=None)["group"] is None
    assert command(console, "spotlight_group", group_id=99999)["code"] == "not_found"


def test_facilitator_sees_who_joins_and_where_they_go(make_user, make_session, join, facilitate):
    facilitator = make_user()
    bs = make_session(facilitator)
    console = facilitate(bs, facilitator)
    console.get_received()
    alice = join(bs, "Alice")
    (joined,) = received(console, "participant_joined")
    assert joined["participant"]["name"] == "Alice"
    assert received(alice, "participant_joined") == []  # names stay with the facilitators
    (group_id, _other) = command(console, "split_groups", rule="random", count=2)["groups"]
    command(
        console, "move_participant", participant_id=joined["participant"]["id"], group_id=group_id
    )
    moves = received(console, "participant_moved")
    assert moves[-1]["participant"]["group_id"] == group_id


def test_in_a_group_the_phone_gets_only_that_groups_ideas_never_plenary_ones(
    make_user, make_session, join, facilitate, reconnect
):
    facilitator = make_user()
    bs = make_session(facilitator)
    anna, bram = join(bs, "Anna"), join(bs, "Bram")
    console = facilitate(bs, facilitator)
    command(console, "set_phase", phase="input")
    assert submit(anna, "Plenair vraagstuk van Anna")["ok"]
    a, _b = command(console, "split_groups", rule="choice", count=2)["groups"]
    for sock in (anna, bram):
        command(sock, "choose_group", group_id=a)
    anna, bram = regroup(reconnect, bs, anna, "Anna"), regroup(reconnect, bs, bram, "Bram")
    assert submit(bram, "Groepsvraagstuk van Bram")["ok"]

    fresh = reconnect(anna, f"/s/{bs.join_code}", None)
    (snapshot,) = received(fresh, "session_snapshot")
    assert [i["text"] for i in snapshot["ideas"]] == ["Groepsvraagstuk van Bram"]


def test_a_group_timer_that_ran_out_goes_when_the_group_moves_on(
    make_user, make_session, join, facilitate, reconnect, clock
):
    facilitator = make_user()
    bs = make_session(facilitator)
    member = join(bs, "Lid")
    console = facilitate(bs, facilitator)
    a, _b = command(console, "split_groups", rule="choice", count=2)["groups"]
    command(member, "choose_group", group_id=a)
    member = regroup(reconnect, bs, member, "Lid")
    assert command(console, "group_timer", group_id=a, action="start", seconds=60)["ok"]
    clock.shift(61)
    member.get_received()
    assert command(console, "group_phase", group_id=a, phase="review")["ok"]
    (changed,) = received(member, "group_timer_changed")
    assert changed["timer"] == {"running": False, "ends_at": None, "remaining": None}


# --- who is placed: the people connected now, and whoever comes back later -----------------


@pytest.fixture(params=["memory", "redis"])
def presence_for(request, app):
    """presence_for(bs) -> the app's presence store of either kind (one process's memory, or
    the Redis several processes share), holding nobody of that session yet."""

    used: list[str] = []

    def use(bs):
        if request.param == "redis":
            url = request.getfixturevalue("redis_server").url
            # Other tests' sessions (in their own databases) have this id too: the count
            # starts empty, and what this test leaves is cleared after it.
            used.append(f"{PREFIX}:{bs.id}")
            redis.Redis.from_url(url).delete(used[-1])
            app.extensions["presence"] = RedisPresence(url)
        return app.extensions["presence"]

    yield use
    if used:
        # Its heartbeat would otherwise count these people in every later session of that id.
        app.extensions["presence"].close()
        redis.Redis.from_url(request.getfixturevalue("redis_server").url).delete(*used)


def test_a_split_places_only_who_is_connected_and_one_who_comes_back_later(
    presence_for, make_user, make_session, join, facilitate, reconnect, login
):
    facilitator = make_user()
    bs = make_session(facilitator)
    presence_store = presence_for(bs)
    socks = {f"P{n}": join(bs, f"P{n}") for n in range(10)}
    for n in range(4, 10):  # six phones went to sleep; four people are here
        socks[f"P{n}"].disconnect()
    assert presence_store.count(bs.id) == 4
    console = facilitate(bs, facilitator)
    (snapshot,) = received(console, "session_snapshot")
    assert snapshot["presence"] == 4  # verbonden nu
    assert len(snapshot["people"]) == 10  # meegedaan

    ack = command(console, "split_groups", rule="random", count=2)
    assert ack["ok"]
    changed = received(console, "groups_changed")[-1]
    assert [g["members"] for g in changed["groups"]] == [2, 2]
    placed = {f"P{n}": group_of(f"P{n}") for n in range(10)}
    assert all(placed[f"P{n}"] is not None for n in range(4))
    assert all(placed[f"P{n}"] is None for n in range(4, 10))
    for n in range(4):
        assert len(received(socks[f"P{n}"], "group_assigned")) == 1

    # P7 comes back while the groups are apart: placed like a late joiner, and every console
    # follows at once (the person, the group's size, the head count).
    back = reconnect(socks["P7"], f"/s/{bs.join_code}", 0)
    (snapshot,) = received(back, "session_snapshot")  # the group at once, no extra reconnect
    assert group_of("P7") is not None
    assert snapshot["me"]["group"]["id"] == group_of("P7")
    events = console.get_received()
    (moved,) = [e["args"][0] for e in events if e["name"] == "participant_moved"]
    assert moved["participant"]["name"] == "P7"
    assert moved["participant"]["group_id"] == group_of("P7")
    counts = [e["args"][0] for e in events if e["name"] == "groups_changed"][-1]
    assert sorted(g["members"] for g in counts["groups"]) == [2, 3]
    assert [e["args"][0]["count"] for e in events if e["name"] == "presence"][-1] == 5
    assert presence_store.count(bs.id) == 5

    again = reconnect(back, f"/s/{bs.join_code}", snapshot["seq"])  # placed once, not again
    assert received(again, "group_assigned") == []
    assert received(console, "participant_moved") == []

    html = login(facilitator).get(f"/sessions/{bs.id}/facilitate").get_data(as_text=True)
    assert '<strong id="joined-count">10</strong> meegedaan' in html


def test_the_console_follows_who_is_connected_and_who_joined(
    make_user, make_session, join, facilitate
):
    facilitator = make_user()
    bs = make_session(facilitator)
    console = facilitate(bs, facilitator)
    console.get_received()
    anna = join(bs, "Anna")
    join(bs, "Bram")
    events = console.get_received()
    assert [e["args"][0]["count"] for e in events if e["name"] == "presence"][-1] == 2
    assert sum(e["name"] == "participant_joined" for e in events) == 2  # meegedaan: 2
    anna.disconnect()
    assert [e["count"] for e in received(console, "presence")] == [1]  # verbonden: 1
    command(console, "split_groups", rule="random", count=2)
    console.get_received()
    join(bs, "Cas")  # joins while apart: placed at once, and the groups' sizes follow
    events = console.get_received()
    (joined,) = [e["args"][0] for e in events if e["name"] == "participant_joined"]
    assert joined["participant"]["name"] == "Cas"
    (moved,) = [e["args"][0] for e in events if e["name"] == "participant_moved"]
    assert group_of("Cas") is not None
    assert moved["participant"]["group_id"] == group_of("Cas")
    sizes = [e["args"][0] for e in events if e["name"] == "groups_changed"][-1]["groups"]
    assert sorted(g["members"] for g in sizes) == [1, 1]
    assert [e["args"][0]["count"] for e in events if e["name"] == "presence"][-1] == 2


def test_someone_back_while_people_choose_is_not_placed(
    make_user, make_session, join, facilitate, reconnect
):
    facilitator = make_user()
    bs = make_session(facilitator)
    alice, bob = join(bs, "Alice"), join(bs, "Bob")
    bob.disconnect()
    console = facilitate(bs, facilitator)
    command(console, "split_groups", rule="choice", count=2)
    console.get_received()
    bob = reconnect(bob, f"/s/{bs.join_code}", None)
    (snapshot,) = received(bob, "session_snapshot")
    assert snapshot["me"]["group"] is None and len(snapshot["groups"]["groups"]) == 2
    assert received(console, "participant_moved") == []
    assert alice.is_connected()


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_both_presence_stores_say_who_is_connected(app, request, kind):
    if kind == "redis":
        url = request.getfixturevalue("redis_server").url
        store = RedisPresence(url)
        shared = redis.Redis.from_url(url)
        shared.delete(f"{PREFIX}:42")
    else:
        store = MemoryPresence()
    store.enter(42, "sid-1", 7)
    store.enter(42, "sid-2", 7)  # a second tab of the same person
    store.enter(42, "sid-3", 8)
    assert store.participants(42) == {7, 8} and store.count(42) == 2
    assert store.leave(42, "sid-1")
    assert store.participants(42) == {7, 8}
    assert store.leave(42, "sid-3")
    assert store.participants(42) == {7} and store.participants(43) == set()
    if kind == "redis":  # a killed process's connections stop counting
        shared.delete(*shared.keys(f"{PREFIX}:process:*"))
        assert store.participants(42) == set()
