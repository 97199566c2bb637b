"""A burst of vraagstukken stored together (board.submit_gathered): what arrives while the one
before is being stored goes into one transaction, and every idea still counts once, keeps to
the person's limit and is found again when its phone sends it twice."""

import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from brainstorm.background import together
from brainstorm.errors import LimitReached, PhaseClosed
from brainstorm.extensions import db
from brainstorm.realtime.models import EVERYONE, SessionEvent
from brainstorm.sessions import board
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import BrainstormSession, Idea, Participant, Phase
from brainstorm.workspace import runs
from brainstorm.workspace.models import ClusterMember


def _at_once(app, calls):
    """Run the calls in threads released together; their results (or errors) in order."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(number, call):
        with app.app_context():
            start.wait()
            try:
                results[number] = call()
            except Exception as error:
                results[number] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.fixture
def burst(app, make_user, make_session):
    """A session with input open, a limit of 3 each and five people, in a busy room: one
    idea came in (from a sixth person), and every next one is gathered (GATHER_WITHIN)."""
    app.config.update(GATHER_IDEAS=True, GATHER_WITHIN=3600)
    user = make_user()
    bs = make_session(facilitator=user)
    sessions.set_phase(bs, user, Phase.INPUT)
    sessions.update_settings(bs, user, {"idea_limit": 3})
    people = [sessions.join_session(bs, f"Deelnemer {n}").id for n in range(5)]
    first = sessions.join_session(bs, "Eerste")
    board.submit_gathered(bs, first, "Het eerste vraagstuk van de zaal", str(uuid.uuid4()))
    db.session.commit()
    return bs.id, people, user


def _send(session_id: int, person: int, text: str, client_id: str):
    def call():
        bs = db.session.get(BrainstormSession, session_id)
        author = db.session.get(Participant, person)
        return board.submit_gathered(bs, author, text, client_id)

    return call


def test_a_burst_is_stored_once_each_within_the_limits(app, burst):
    session_id, people, _user = burst
    calls, twice = [], str(uuid.uuid4())
    for person in people:
        for n in range(3):
            calls.append(_send(session_id, person, f"Vraag {n} van {person}", str(uuid.uuid4())))
    calls.append(_send(session_id, people[0], "Eén te veel", str(uuid.uuid4())))
    # A phone that lost the ack sends again with the same client_id, while the first is in.
    resend = _send(session_id, people[1], "Nog een keer", twice)
    calls[3:3] = [resend, resend]  # people[1] now sends 3 + 1 (twice): one over the limit

    results = _at_once(app, calls)

    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, LimitReached) for e in errors), errors
    # people[0]'s fourth and one of people[1]'s four different ideas; when that one is the
    # resend, both its copies get the refusal.
    assert len(errors) == (3 if isinstance(results[3], Exception) else 2)
    ours = Idea.participant_id.in_(people)
    stored = db.session.scalars(select(Idea).filter_by(session_id=session_id).where(ours)).all()
    assert len(stored) == 15
    assert len({i.client_id for i in stored}) == 15
    per_person = db.session.execute(
        select(Idea.participant_id, func.count()).where(ours).group_by(Idea.participant_id)
    ).all()
    assert sorted(count for _p, count in per_person) == [3] * 5
    # Both sends of the same client_id got the same idea back, stored once (or, had it been
    # the one over the limit, the same refusal).
    first, second = results[3], results[4]
    assert type(first) is type(second)
    if not isinstance(first, Exception):
        assert first[0] == second[0]
        assert sum(1 for i in stored if i.client_id == twice) == 1
    # Each person's acks count down to 0 without a repeat (a resend repeats its own).
    for person in people[2:]:
        lefts = sorted(
            r[1]
            for r, c in zip(results, calls, strict=True)
            if c is not resend and not isinstance(r, Exception) and _author(r[0]) == person
        )
        assert lefts == [0, 1, 2]
    # Every idea was logged with gap-free seqs, for the room and the facilitators.
    seqs = db.session.scalars(
        select(SessionEvent.seq).filter_by(session_id=session_id).order_by(SessionEvent.seq)
    ).all()
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    added = db.session.scalar(
        select(func.count()).select_from(SessionEvent).filter_by(name="idea_added")
    )
    assert added == 15 + 1  # and the room's first


def _author(idea_id: int) -> int:
    return db.session.get(Idea, idea_id).participant_id


def test_a_burst_after_clustering_is_slotted_into_the_themes(app, burst):
    session_id, people, user = burst
    bs = db.session.get(BrainstormSession, session_id)
    author = db.session.get(Participant, people[0])
    for text in ("Werkdruk van mentoren", "Werkdruk in de klas", "Geld voor begeleiding"):
        board.submit_idea(bs, author, text, str(uuid.uuid4()))
    runs.run_clustering(bs, user, 2)
    texts = {people[1]: "Werkdruk van schoolopleiders", people[2]: "Geld voor de opleidingsschool"}
    calls = [_send(session_id, p, text, str(uuid.uuid4())) for p, text in texts.items()]

    results = _at_once(app, calls)  # slotting (SLOT_DELAY 0 here) commits right after

    assert all(isinstance(r, tuple) for r in results), results
    placed = set(db.session.scalars(select(ClusterMember.idea_id)))
    assert {idea_id for idea_id, _left in results} <= placed


def test_hidden_input_keeps_each_gathered_idea_to_its_author(app, burst):
    session_id, people, user = burst
    sessions.set_phase(db.session.get(BrainstormSession, session_id), user, Phase.HIDDEN_INPUT)
    calls = [_send(session_id, p, f"Alleen voor mij, {p}", str(uuid.uuid4())) for p in people]

    assert all(isinstance(r, tuple) for r in _at_once(app, calls))

    added = db.session.execute(
        select(SessionEvent.audience, SessionEvent.actor)
        .filter_by(name="idea_added")
        .where(SessionEvent.audience != EVERYONE)  # the room's first, before hidden input
    ).all()
    assert sorted(added) == sorted((f"participant:{p}", f"participant:{p}") for p in people)


def test_a_closed_input_refuses_a_gathered_idea_in_the_persons_words(app, burst):
    session_id, people, user = burst
    sessions.set_phase(db.session.get(BrainstormSession, session_id), user, Phase.VOTING)
    results = _at_once(app, [_send(session_id, p, "Te laat", str(uuid.uuid4())) for p in people])
    assert all(isinstance(r, PhaseClosed) for r in results), results
    assert "invoer is gesloten" in str(results[0])
    assert db.session.scalar(select(func.count()).select_from(Idea)) == 1  # the room's first


def _start(app, call):
    """Run call in a thread with an app context; returns a getter for its result or error."""
    box: list = []

    def run():
        with app.app_context():
            try:
                box.append(call())
            except Exception as error:
                box.append(error)

    thread = threading.Thread(target=run)
    thread.start()

    def result():
        thread.join(10)
        return box[0]

    return result


def test_together_gathers_what_arrives_while_a_run_is_busy(app):
    runs: list[list[int]] = []
    busy, go_on = threading.Event(), threading.Event()

    def double(items):
        runs.append(sorted(items))
        busy.set()
        go_on.wait(5)
        if 13 in items:
            raise ValueError("dertien")
        return [2 * item for item in items]

    def queued(count):
        deadline = time.monotonic() + 5
        while len(app.extensions["brainstorm.together"].get("doubling", [])) < count:
            assert time.monotonic() < deadline, "the callers never queued"
            time.sleep(0.01)

    def send(item):
        return _start(app, lambda: together("doubling", item, double))

    first = send(1)
    assert busy.wait(5)
    others = [send(n) for n in (2, 3, 4)]
    queued(3)
    go_on.set()
    assert first() == 2
    assert sorted(other() for other in others) == [4, 6, 8]
    assert runs == [[1], [2, 3, 4]]  # three callers, one run

    # An error reaches every caller of its run; the next run starts afresh.
    busy.clear()
    go_on.clear()
    blocker = send(7)
    assert busy.wait(5)
    unlucky = [send(13), send(5)]
    queued(2)
    go_on.set()
    assert blocker() == 14
    assert [type(r()) for r in unlucky] == [ValueError, ValueError]
    assert send(6)() == 12
