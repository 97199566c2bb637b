"""The live path over Socket.IO: join, submit, see it everywhere; clustering for facilitators."""

from uuid import uuid4

from sqlalchemy import func, select

from brainstorm.extensions import db
from brainstorm.realtime.services import latest_seq
from brainstorm.sessions.models import Idea, Participant
from tests.helpers import received

TEXT = "Wie betaalt de werkplekbegeleider als de subsidie stopt?"


def idea_count(bs) -> int:
    return db.session.scalar(select(func.count()).select_from(Idea).filter_by(session_id=bs.id))


def test_submitted_idea_reaches_everyone_once(make_user, make_session, join, facilitate):
    facilitator = make_user()
    bs = make_session(facilitator)
    alice, bob = join(bs, "Alice"), join(bs, "Bob")
    console = facilitate(bs, facilitator)
    for sock in (alice, bob, console):
        sock.get_received()  # the snapshot on connect

    client_id = str(uuid4())
    ack = alice.emit("submit_idea", {"text": f"  {TEXT} ", "client_id": client_id}, callback=True)
    again = alice.emit("submit_idea", {"text": TEXT, "client_id": client_id}, callback=True)

    assert ack["ok"] is True and again == ack
    assert idea_count(bs) == 1
    for sock in (bob, console, alice):
        assert [e["idea"]["text"] for e in received(sock, "idea_added")] == [TEXT]


def test_empty_and_too_long_ideas_are_refused_in_dutch(make_session, join):
    bs = make_session()
    alice = join(bs)
    empty = alice.emit("submit_idea", {"text": "   ", "client_id": str(uuid4())}, callback=True)
    long = alice.emit("submit_idea", {"text": "x" * 501, "client_id": str(uuid4())}, callback=True)
    no_id = alice.emit("submit_idea", {"text": TEXT, "client_id": "nope"}, callback=True)
    garbage = alice.emit("submit_idea", ["not", "a", "dict"], callback=True)

    assert empty == {"ok": False, "code": "invalid_input", "error": "Vul een vraagstuk in."}
    assert long["ok"] is False and "te lang: 501 tekens, hoogstens 500" in long["error"]
    assert no_id["ok"] is False and "client_id" in no_id["error"]
    assert garbage["ok"] is False and garbage["code"] == "invalid_input"
    assert idea_count(bs) == 0
    exactly_500 = alice.emit(
        "submit_idea", {"text": "y" * 500, "client_id": str(uuid4())}, callback=True
    )
    assert exactly_500["ok"] is True


def test_participant_may_not_cluster_or_reorder(make_session, join):
    bs = make_session()
    alice = join(bs)
    for text in ("Bekostiging van begeleiding", "Zij-instroom begeleiden"):
        alice.emit("submit_idea", {"text": text, "client_id": str(uuid4())}, callback=True)

    for command in ("run_clustering", "rename_cluster", "move_cluster"):
        ack = alice.emit(command, {"cluster_id": 1, "title": "x", "direction": "up"}, callback=True)
        assert ack["ok"] is False and ack["code"] == "not_allowed", command
    assert received(alice, "clusters_updated") == []


def test_facilitator_of_another_event_is_refused(make_user, make_session, facilitate, app):
    bs = make_session()
    outsider = make_user()
    other = make_session(outsider)
    # The outsider's own console works; their token names their session, not this one.
    console = facilitate(other, outsider)
    assert console.is_connected()
    page = console.flask_test_client.get(f"/sessions/{bs.id}/facilitate")
    assert page.status_code == 403


def test_connect_without_valid_token_is_refused(app, make_session):
    from brainstorm.extensions import socketio

    make_session()
    assert not socketio.test_client(app, auth={"token": "forged"}).is_connected()
    assert not socketio.test_client(app).is_connected()


def test_expired_token_and_unknown_session_are_refused(app, make_session, join):
    from brainstorm.accounts.identity import PARTICIPANT, socket_token
    from brainstorm.extensions import socketio

    bs = make_session()
    join(bs)
    participant_id = db.session.scalar(select(Participant.id))
    with app.test_request_context():
        unknown = socket_token(PARTICIPANT, participant_id, bs.id + 100)
        valid = socket_token(PARTICIPANT, participant_id, bs.id)
    assert not socketio.test_client(app, auth={"token": unknown}).is_connected()
    assert socketio.test_client(app, auth={"token": valid}).is_connected()
    app.config["SOCKET_TOKEN_MAX_AGE"] = -1  # every token is now older than allowed
    assert not socketio.test_client(app, auth={"token": valid}).is_connected()


def test_reconnect_replays_only_what_was_missed(make_session, join, reconnect):
    bs = make_session()
    alice, bob = join(bs), join(bs)
    alice.emit(
        "submit_idea", {"text": "Eerste vraagstuk", "client_id": str(uuid4())}, callback=True
    )
    last_seq = received(bob, "idea_added")[-1]["seq"]
    bob.disconnect()
    alice.emit(
        "submit_idea", {"text": "Tweede vraagstuk", "client_id": str(uuid4())}, callback=True
    )

    bob = reconnect(bob, f"/s/{bs.join_code}", last_seq)
    events = [
        (e["name"], e["args"][0]["idea"]["text"])
        for e in bob.get_received()
        if e["name"] != "presence"  # a head count, not part of the log
    ]
    assert events == [("idea_added", "Tweede vraagstuk")]


def test_fresh_connect_gets_a_snapshot_of_the_board(make_session, join):
    bs = make_session()
    alice = join(bs)
    alice.emit("submit_idea", {"text": TEXT, "client_id": str(uuid4())}, callback=True)
    (snapshot,) = received(join(bs), "session_snapshot")
    assert [i["text"] for i in snapshot["ideas"]] == [TEXT]
    assert snapshot["seq"] == latest_seq(bs.id) > 0 and snapshot["clusters"] == []


def test_a_seq_the_server_never_gave_gets_a_snapshot(make_session, join, reconnect):
    bs = make_session()
    alice = join(bs)
    alice.emit("submit_idea", {"text": TEXT, "client_id": str(uuid4())}, callback=True)
    again = reconnect(alice, f"/s/{bs.join_code}", 999)  # e.g. after the database was restored
    (snapshot,) = received(again, "session_snapshot")
    assert [i["text"] for i in snapshot["ideas"]] == [TEXT]
