"""A page that missed a broadcast asks for it by seq (`catch_up`), and bursts leave the server
coalesced: one `batch` message per room, each event with its own seq (issues 24 and 25)."""

from uuid import uuid4

from sqlalchemy import func, select

from brainstorm.extensions import db
from brainstorm.realtime import services as realtime
from brainstorm.realtime.models import EVERYONE, SessionEvent
from brainstorm.realtime.services import latest_seq
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import Phase
from tests.helpers import received


def submit(sock, text: str) -> dict:
    ack = sock.emit("submit_idea", {"text": text, "client_id": str(uuid4())}, callback=True)
    assert ack["ok"] is True, ack
    return ack


def last_seq_to_everyone(bs) -> int:
    return db.session.scalar(
        select(func.max(SessionEvent.seq)).filter_by(session_id=bs.id, audience=EVERYONE)
    )


def test_a_page_that_missed_one_broadcast_gets_it_on_its_catch_up(
    make_user, make_session, join, facilitate
):
    facilitator = make_user()
    bs = make_session(facilitator)
    sessions.set_phase(bs, facilitator, Phase.INPUT)
    alice, bob = join(bs, "Alice"), join(bs, "Bob")
    (snapshot,) = received(alice, "session_snapshot")
    facilitate(bs, facilitator)  # a console in the room: facilitator-only events go out too

    first = submit(bob, "Wie begeleidt de zij-instromer?")
    alice.get_received()  # the broadcast of the first idea never reached Alice's page
    submit(bob, "Hoe houden we starters vast?")
    (second,) = received(alice, "idea_added")

    # The second message names the seq sent to the room before it: Alice never saw it.
    assert second["prev"] > snapshot["seq"]
    answer = alice.emit("catch_up", {"last_seq": snapshot["seq"]}, callback=True)

    assert answer["ok"] is True
    missed = [(e["name"], e["data"]["idea"]["id"]) for e in answer["events"]]
    # Only what her page may see: the facilitators' copies (idea_moderated) are not in it.
    assert missed == [("idea_added", first["id"]), ("idea_added", second["idea"]["id"])]
    assert answer["events"][0]["data"]["seq"] == second["prev"]
    assert answer["complete_to"] == latest_seq(bs.id)


def test_a_hidden_input_participant_gets_nothing_extra_from_a_catch_up(
    make_user, make_session, join
):
    facilitator = make_user()
    bs = make_session(facilitator)
    sessions.set_phase(bs, facilitator, Phase.HIDDEN_INPUT)
    alice, bob = join(bs, "Alice"), join(bs, "Bob")
    (snapshot,) = received(alice, "session_snapshot")
    own = submit(alice, "Mijn eigen vraagstuk")
    for n in range(3):
        submit(bob, f"Vraagstuk {n} van Bob")
    alice.get_received()

    answer = alice.emit("catch_up", {"last_seq": snapshot["seq"]}, callback=True)

    assert [e["data"]["idea"]["id"] for e in answer["events"]] == [own["id"]]
    # Complete up to the last seq: Bob's ideas are legitimate gaps, nothing to ask again for.
    assert answer["complete_to"] == latest_seq(bs.id)
    again = alice.emit("catch_up", {"last_seq": answer["complete_to"]}, callback=True)
    assert again == {"ok": True, "events": [], "complete_to": latest_seq(bs.id)}


def test_a_seq_the_server_never_gave_makes_the_page_fetch_a_snapshot(make_session, join):
    bs = make_session()
    alice = join(bs)

    answer = alice.emit("catch_up", {"last_seq": latest_seq(bs.id) + 50}, callback=True)
    nonsense = alice.emit("catch_up", {"last_seq": "gisteren"}, callback=True)

    assert answer["ok"] is False and answer["code"] == "resync"
    assert nonsense["ok"] is False and nonsense["code"] == "invalid_input"


def test_a_burst_within_the_window_leaves_as_one_batch_in_seq_order(
    app, make_user, make_session, join
):
    facilitator = make_user()
    bs = make_session(facilitator)
    sessions.set_phase(bs, facilitator, Phase.INPUT)
    alice, bob = join(bs, "Alice"), join(bs, "Bob")
    alice.get_received()
    before = last_seq_to_everyone(bs)
    app.config["LIVE_BATCH_WINDOW"] = 30  # far longer than the test: only flush() sends
    try:
        ideas = [submit(bob, text)["id"] for text in ("Eerste", "Tweede", "Derde", "Vierde")]
        assert alice.get_received() == []  # acked, and held back within the window
        realtime.flush()
    finally:
        app.config["LIVE_BATCH_WINDOW"] = 0
    (batch,) = received(alice, "batch")

    events = batch["events"]
    assert [(e["name"], e["data"]["idea"]["id"]) for e in events] == [
        ("idea_added", idea) for idea in ideas
    ]
    seqs = [e["data"]["seq"] for e in events]
    assert seqs == sorted(seqs) and batch["prev"] == before


def test_the_outbox_forgets_rooms_gone_quiet_and_their_pages_still_get_everything(
    app, make_user, make_session, join, monkeypatch
):
    facilitator = make_user()
    bs = make_session(facilitator)
    sessions.set_phase(bs, facilitator, Phase.INPUT)
    alice, bob = join(bs, "Alice"), join(bs, "Bob")
    submit(bob, "Eerste")
    (first,) = received(alice, "idea_added")
    assert first["prev"] is not None

    # A process months old: past the number of rooms it keeps, rooms quiet too long are
    # forgotten (here: at once).
    monkeypatch.setattr(realtime, "FORGET_AFTER_ROOMS", 0)
    monkeypatch.setattr(realtime, "FORGET_AFTER_SECONDS", -1.0)
    monkeypatch.setattr(realtime, "FORGET_EVERY", float("-inf"))
    submit(bob, "Tweede")
    (second,) = received(alice, "idea_added")
    assert second["idea"]["text"] == "Tweede"
    assert app.extensions["brainstorm.outbox"].sent_at == {}
    submit(bob, "Derde")
    (third,) = received(alice, "idea_added")
    assert third["prev"] is None  # nothing to check against: the page's regular check covers it
