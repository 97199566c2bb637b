"""The live session over Socket.IO: phases, limits, dot voting, hidden input, moderation."""

import threading
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from brainstorm.events.models import AgendaItem
from brainstorm.extensions import db, socketio
from brainstorm.sessions import board, services
from brainstorm.sessions.models import Idea, Vote
from tests.helpers import received


def submit(sock, text: str, client_id: str | None = None) -> dict:
    payload = {"text": text, "client_id": client_id or str(uuid4())}
    return sock.emit("submit_idea", payload, callback=True)


def command(sock, name: str, **payload) -> dict:
    return sock.emit(name, payload, callback=True)


@pytest.fixture
def room(make_user, make_session, join, facilitate):
    """A session with a facilitator console and two participants, inboxes emptied."""
    facilitator = make_user()
    bs = make_session(facilitator)
    console, alice, bob = facilitate(bs, facilitator), join(bs, "Alice"), join(bs, "Bob")
    for sock in (console, alice, bob):
        sock.get_received()
    return bs, console, alice, bob


def texts(events: list[dict]) -> list[str]:
    return [event["idea"]["text"] for event in events]


def test_phases_gate_input_and_voting(room):
    _bs, console, alice, _bob = room
    assert command(console, "set_phase", phase="lobby")["ok"]
    closed = submit(alice, "Te vroeg")
    assert closed["code"] == "phase_closed" and "gesloten" in closed["error"]

    command(console, "set_phase", phase="input")
    idea_id = submit(alice, "Werkdruk van werkplekbegeleiders")["id"]
    assert command(alice, "vote", idea_id=idea_id)["code"] == "phase_closed"

    command(console, "set_phase", phase="voting")
    assert command(alice, "vote", idea_id=idea_id)["ok"]
    assert submit(alice, "Nu niet meer")["code"] == "phase_closed"
    assert command(alice, "edit_idea", idea_id=idea_id, text="Anders")["code"] == "phase_closed"


@pytest.mark.time_sensitive
def test_phase_change_reaches_everyone_with_the_agenda_item(room):
    bs, console, alice, bob = room
    item = AgendaItem(
        event=bs.event, title="Deelsessies", starts_at=bs.event.starts_at, ends_at=bs.event.ends_at
    )
    db.session.add(item)
    db.session.commit()
    ack = command(console, "set_phase", phase="review", agenda_item_id=item.id)
    assert ack == {"ok": True, "phase": "review"}
    for sock in (alice, bob, console):
        (changed,) = received(sock, "phase_changed")
        assert changed["phase"] == "review" and changed["agenda_item"]["title"] == "Deelsessies"
    assert command(console, "set_phase", phase="dansen")["code"] == "invalid_input"
    assert command(console, "set_phase", phase="input", agenda_item_id=9999)["code"] == "not_found"


def test_per_person_limit(room):
    _bs, console, alice, bob = room
    assert command(console, "update_settings", idea_limit=2)["settings"]["idea_limit"] == 2
    first = submit(alice, "Eerste")
    assert first["ideas_left"] == 1
    assert submit(alice, "Tweede")["ideas_left"] == 0
    refused = submit(alice, "Derde")
    assert refused["code"] == "limit_reached" and "2 vraagstukken" in refused["error"]
    assert submit(bob, "Bob mag nog")["ok"]  # the limit is per person
    # Withdrawing one makes room again.
    assert command(alice, "withdraw_idea", idea_id=first["id"])["ideas_left"] == 1
    assert submit(alice, "Derde, nu wel")["ok"]


def test_author_edits_and_withdraws_own_idea_only(room):
    _bs, _console, alice, bob = room
    idea_id = submit(alice, "Werkdurk")["id"]
    assert command(bob, "edit_idea", idea_id=idea_id, text="Gekaapt")["code"] == "not_found"
    assert command(alice, "edit_idea", idea_id=idea_id, text="Werkdruk")["ok"]
    assert texts(received(bob, "idea_updated"))[-1] == "Werkdruk"
    assert command(bob, "withdraw_idea", idea_id=idea_id)["code"] == "not_found"
    assert command(alice, "withdraw_idea", idea_id=idea_id)["ok"]
    (removed,) = received(bob, "idea_removed")
    assert (removed["id"], removed["reason"]) == (idea_id, "withdrawn")
    assert db.session.get(Idea, idea_id).withdrawn_at is not None  # kept for the audit trail


def test_vote_budget_stacking_and_taking_back(room):
    _bs, console, alice, bob = room
    one, two, three = (submit(bob, f"Vraagstuk {n}")["id"] for n in (1, 2, 3))
    command(console, "update_settings", vote_budget=2, hide_votes=False)  # counts live
    command(console, "set_phase", phase="voting")

    first = command(alice, "vote", idea_id=one)
    assert first["votes_left"] == 1 and first["votes"] == {str(one): 1}
    twice = command(alice, "vote", idea_id=one)
    assert twice["code"] == "invalid_input" and "één stem per vraagstuk" in twice["error"]
    assert command(alice, "vote", idea_id=two)["votes_left"] == 0
    spent = command(alice, "vote", idea_id=three)
    assert spent["code"] == "limit_reached"

    back = command(alice, "unvote", idea_id=two)
    assert back["votes_left"] == 1 and back["votes"] == {str(one): 1}
    assert command(alice, "unvote", idea_id=two)["code"] == "invalid_input"

    command(console, "update_settings", vote_stacking=True)
    assert command(alice, "vote", idea_id=one)["votes"] == {str(one): 2}
    counts = {e["idea_id"]: e["votes"] for e in received(bob, "votes_changed")}
    assert counts == {one: 2, two: 0}


def test_hidden_input_shows_only_own_ideas_until_revealed(room, join):
    bs, console, alice, bob = room
    command(console, "set_phase", phase="hidden_input")
    submit(alice, "Van Alice")
    submit(bob, "Van Bob")
    assert texts(received(alice, "idea_added")) == ["Van Alice"]
    assert texts(received(bob, "idea_added")) == ["Van Bob"]
    assert sorted(texts(received(console, "idea_moderated"))) == ["Van Alice", "Van Bob"]
    late = join(bs)
    (snapshot,) = received(late, "session_snapshot")
    assert snapshot["ideas"] == []

    command(console, "set_phase", phase="review")
    for sock in (alice, bob, late):
        (revealed,) = received(sock, "ideas_revealed")
        assert sorted(i["text"] for i in revealed["ideas"]) == ["Van Alice", "Van Bob"]


def test_premoderated_ideas_wait_for_approval(room):
    _bs, console, alice, bob = room
    command(console, "update_settings", premoderation=True)
    idea_id = submit(alice, "Graag eerst nakijken")["id"]
    assert received(bob, "idea_added") == []
    (own,) = received(alice, "idea_added")
    assert own["idea"]["pending"] is True  # the author sees it is waiting
    (pending,) = received(console, "idea_moderated")
    assert pending["idea"]["pending"] is True and pending["idea"]["author"] == "Alice"
    assert command(bob, "approve_idea", idea_id=idea_id)["code"] == "not_allowed"
    assert command(console, "approve_idea", idea_id=idea_id)["ok"]
    assert texts(received(bob, "idea_added")) == ["Graag eerst nakijken"]


def test_hiding_takes_an_idea_off_every_screen_but_keeps_it(room, join):
    bs, console, alice, bob = room
    idea_id = submit(alice, "<script>alert('x')</script> Schelden")["id"]
    assert command(console, "hide_idea", idea_id=idea_id)["ok"]
    for sock in (alice, bob):
        assert [e["reason"] for e in received(sock, "idea_removed")] == ["hidden"]
    (snapshot,) = received(join(bs), "session_snapshot")
    assert snapshot["ideas"] == []
    stored = db.session.get(Idea, idea_id)
    assert stored.hidden and stored.text.startswith("<script>")  # kept as text, shown inert
    assert command(console, "unhide_idea", idea_id=idea_id)["ok"]
    assert [e["idea"]["id"] for e in received(bob, "idea_added")] == [idea_id]


def test_correction_keeps_the_original_and_pin_reaches_everyone(room):
    _bs, console, alice, bob = room
    idea_id = submit(alice, "Werkdurk in het po")["id"]
    command(console, "correct_idea", idea_id=idea_id, text="Werkdruk in het po")
    command(console, "pin_idea", idea_id=idea_id, pinned=True)
    updates = received(bob, "idea_updated")
    assert [(u["idea"]["text"], u["idea"]["pinned"]) for u in updates] == [
        ("Werkdruk in het po", False),
        ("Werkdruk in het po", True),
    ]
    assert "original_text" not in updates[0]["idea"]  # only the console sees the original
    moderated = received(console, "idea_moderated")[-1]["idea"]
    assert moderated["original_text"] == "Werkdurk in het po"


def test_merge_combines_votes_without_counting_anyone_twice(room, join):
    bs, console, alice, bob = room
    carol = join(bs, "Carol")
    keep = submit(alice, "Geld voor begeleiding")["id"]
    merge = submit(bob, "Bekostiging van begeleiding")["id"]
    command(console, "set_phase", phase="voting")
    command(alice, "vote", idea_id=keep)
    command(alice, "vote", idea_id=merge)  # Alice voted on both: counts once after the merge
    command(bob, "vote", idea_id=merge)
    command(carol, "vote", idea_id=keep)

    ack = command(console, "merge_ideas", keep_id=keep, merge_id=merge)
    assert ack == {"ok": True, "id": keep, "votes": 3}
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 3
    alice_votes = command(alice, "unvote", idea_id=keep)
    assert alice_votes["votes_left"] == 3 and alice_votes["votes"] == {}
    removed = received(carol, "idea_removed")
    assert [(e["id"], e["reason"], e["into"]) for e in removed] == [(merge, "merged", keep)]
    assert command(console, "merge_ideas", keep_id=keep, merge_id=keep)["code"] == "invalid_input"


def test_participant_is_refused_every_facilitator_command(room):
    _bs, _console, alice, _bob = room
    idea_id = submit(alice, "Mijn vraagstuk")["id"]
    handlers = socketio.server.handlers["/"]
    facilitator_only = sorted(
        name
        for name, fn in handlers.items()
        if "participant" not in fn.allowed and "public" not in fn.allowed
    )
    assert {"set_phase", "hide_idea", "timer_start", "run_clustering"} <= set(facilitator_only)
    for name in facilitator_only:
        ack = command(
            alice,
            name,
            idea_id=idea_id,
            keep_id=idea_id,
            merge_id=idea_id,
            phase="closed",
            seconds=60,
            pinned=True,
            text="x",
            k=2,
        )
        assert ack["ok"] is False and ack["code"] == "not_allowed", name
    assert db.session.get(Idea, idea_id).text == "Mijn vraagstuk"


@pytest.mark.time_sensitive
def test_timer_start_pause_resume_extend(room):
    _bs, console, alice, _bob = room
    started = command(console, "timer_start", seconds=300)["timer"]
    assert started["running"] and started["ends_at"]
    paused = command(console, "timer_pause")["timer"]
    assert not paused["running"] and 295 <= paused["remaining"] <= 300
    extended = command(console, "timer_extend", seconds=60)["timer"]
    assert extended["remaining"] == paused["remaining"] + 60
    resumed = command(console, "timer_resume")["timer"]
    assert resumed["running"]
    assert len(received(alice, "timer_changed")) == 4
    assert command(console, "timer_start", seconds=0)["code"] == "invalid_input"
    assert command(alice, "timer_stop")["code"] == "not_allowed"


NO_TIMER = {"running": False, "ends_at": None, "remaining": None}


def test_a_timer_that_ran_out_is_gone_once_the_phase_changes(room, join, clock):
    bs, console, alice, _bob = room
    command(console, "set_phase", phase="input")
    command(console, "timer_start", seconds=60)
    clock.shift(61)  # "0:00 De tijd is om" on every screen
    alice.get_received()
    console.get_received()
    assert command(console, "set_phase", phase="review")["ok"]
    assert [e["timer"] for e in received(alice, "timer_changed")] == [NO_TIMER]
    assert [e["timer"] for e in received(console, "timer_changed")] == [NO_TIMER]
    assert received(join(bs, "Carol"), "session_snapshot")[0]["timer"] == NO_TIMER


def test_a_running_timer_survives_a_phase_change_but_never_shows_in_closed(room, reconnect):
    bs, console, alice, _bob = room
    command(console, "timer_start", seconds=300)
    alice.get_received()
    command(console, "set_phase", phase="input")
    assert received(alice, "timer_changed") == []  # still running: it stays
    assert command(console, "set_phase", phase="closed")["ok"]
    assert [e["timer"] for e in received(alice, "timer_changed")] == [NO_TIMER]
    again = reconnect(alice, f"/s/{bs.join_code}", None)
    assert received(again, "session_snapshot")[0]["timer"] == NO_TIMER
    assert command(console, "timer_start", seconds=60)["code"] == "phase_closed"


def test_same_uuid_is_stored_once_even_when_resends_race(app, make_session):
    bs = make_session()
    participant = services.join_session(bs, "Racer")
    client_id = str(uuid4())
    results, errors = [], []
    # Read here: the objects belong to this thread's session, which the threads must not use.
    bs_id, participant_id = bs.id, participant.id

    def resend():
        with app.app_context():
            try:
                bs_here = db.session.get(type(bs), bs_id)
                who = db.session.get(type(participant), participant_id)
                results.append(board.submit_idea(bs_here, who, "Tegelijk", client_id).id)
            except Exception as error:  # the test reports it below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=resend) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1
    assert db.session.scalar(select(func.count()).select_from(Idea)) == 1


def test_replay_after_reconnect_holds_nothing_meant_for_others(room, reconnect):
    bs, console, alice, bob = room
    last_seq = submit(alice, "Voor iedereen") and received(bob, "idea_added")[-1]["seq"]
    bob.disconnect()
    command(console, "update_settings", premoderation=True)
    submit(alice, "Wacht op goedkeuring")  # only Alice and the console may see this
    command(console, "set_phase", phase="review")

    bob = reconnect(bob, f"/s/{bs.join_code}", last_seq)
    names = [e["name"] for e in bob.get_received() if e["name"] != "presence"]
    assert names == ["settings_changed", "phase_changed"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("x" * 501, "invalid_input"),
        ("", "invalid_input"),
        ("\x00\x01\x02", "invalid_input"),  # binary only: nothing printable
        (12345, "invalid_input"),
        (None, "invalid_input"),
    ],
)
def test_bad_submissions_are_refused_and_nothing_is_stored(room, text, code):
    _bs, _console, alice, _bob = room
    ack = alice.emit("submit_idea", {"text": text, "client_id": str(uuid4())}, callback=True)
    assert ack["ok"] is False and ack["code"] == code and ack["error"]
    assert db.session.scalar(select(func.count()).select_from(Idea)) == 0


def test_html_is_stored_as_text(room):
    _bs, _console, alice, bob = room
    payload = '<img src=x onerror="alert(1)"><b>vet</b>'
    assert submit(alice, payload)["ok"]
    assert texts(received(bob, "idea_added")) == [payload]


def test_malformed_payloads_get_a_clear_refusal(room):
    _bs, console, alice, _bob = room
    assert alice.emit("submit_idea", "geen object", callback=True)["code"] == "invalid_input"
    command(console, "set_phase", phase="voting")
    assert command(alice, "vote", idea_id="1; drop table")["code"] == "invalid_input"
    assert command(console, "update_settings", idea_limit="veel")["code"] == "invalid_input"
    assert command(console, "update_settings", kleur="rood")["code"] == "invalid_input"
    assert command(console, "hide_idea", idea_id=999999)["code"] == "not_found"


def test_a_phone_that_connects_counts_itself_in_the_head_count_it_is_shown(room, join):
    bs, _console, _alice, _bob = room

    carla = join(bs, "Carla")

    (snapshot,) = [e["args"][0] for e in carla.get_received() if e["name"] == "session_snapshot"]
    assert snapshot["presence"] == 3  # Alice, Bob and Carla herself, not "2 verbonden"
