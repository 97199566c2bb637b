"""Every socket payload is checked at the door: each command declares its shape, a wrong shape
is refused in Dutch words that name the field, nothing is written, never a server error. And
the two holes an outside probe found behind the door: a client_id bound to its author and its
text, and the results page during hidden input."""

import sys
from uuid import uuid4

import pytest
from socketio.packet import Packet
from sqlalchemy import func, select

from brainstorm.breakouts.models import BreakoutGroup
from brainstorm.extensions import db, socketio
from brainstorm.realtime.models import SessionEvent
from brainstorm.sessions.models import Idea
from brainstorm.validation import LABELS, Payload
from brainstorm.workspace.models import Cluster

WORDS = "Werkdruk van werkplekbegeleiders"


def command(sock, name: str, payload: object) -> dict:
    return sock.emit(name, payload, callback=True)


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused_in_words(ack: dict) -> str:
    """The refusal's words, after checking it is one: invalid input, in Dutch."""
    assert ack["ok"] is False and ack["code"] == "invalid_input", ack
    assert ack["error"].strip() and "should" not in ack["error"], ack  # not pydantic's English
    return ack["error"]


@pytest.fixture
def room(make_user, make_session, join, facilitate):
    """A session with a facilitator console and two participants."""
    facilitator = make_user()
    bs = make_session(facilitator)
    return bs, facilitate(bs, facilitator), join(bs, "Alice"), join(bs, "Bob")


# --- the door -----------------------------------------------------------------------------


def test_every_command_declares_its_payload(app):
    handlers = socketio.server.handlers["/"]
    undeclared = [
        name
        for name, handler in handlers.items()
        if name not in ("connect", "disconnect")
        and not (isinstance(handler.payload, type) and issubclass(handler.payload, Payload))
    ]
    assert undeclared == []
    unnamed = {
        key
        for handler in handlers.values()
        for key in getattr(getattr(handler, "payload", None), "model_fields", {})
        if key not in LABELS
    }
    assert unnamed == set(), "add words for these payload keys to validation.LABELS"


@pytest.mark.parametrize("title", [{"a": 1}, ["Werkdruk"], 12, 1.5, True])
def test_a_cluster_title_must_be_text(room, title):
    _bs, console, _alice, _bob = room
    events = rows(SessionEvent)
    error = refused_in_words(command(console, "create_cluster", {"title": title}))
    assert error == "De titel moet tekst zijn."
    assert command(console, "rename_cluster", {"cluster_id": 1, "title": title})["code"] == (
        "invalid_input"
    )
    assert rows(Cluster) == 0 and rows(SessionEvent) == events


@pytest.mark.parametrize(
    ("names", "words"),
    [
        ([{"a": 1}, {"b": 2}], "Een groepsnaam moet tekst zijn."),
        (["Groep A", 7], "Een groepsnaam moet tekst zijn."),
        ({"a": 1}, "De lijst met groepsnamen moet een lijst zijn."),
        ("Groep A", "De lijst met groepsnamen moet een lijst zijn."),
    ],
)
def test_group_names_must_be_a_list_of_texts(room, names, words):
    bs, console, _alice, _bob = room
    events = rows(SessionEvent)
    ack = command(console, "split_groups", {"rule": "random", "count": 2, "names": names})
    assert refused_in_words(ack) == words
    assert rows(BreakoutGroup) == 0 and rows(SessionEvent) == events
    assert not db.session.get(type(bs), bs.id).groups_apart


def test_each_kind_of_refusal_has_its_sentence(room):
    _bs, console, alice, _bob = room
    idea = command(alice, "submit_idea", {"text": WORDS, "client_id": str(uuid4())})["id"]
    events = rows(SessionEvent)
    cases = [
        ("pin_idea", {"idea_id": idea}, "Vastpinnen ontbreekt."),
        ("pin_idea", {"idea_id": idea, "pinned": 1}, "Vastpinnen moet aan of uit zijn."),
        (
            "hide_idea",
            {"idea_id": True},
            "Het nummer van het vraagstuk moet een geheel getal zijn.",
        ),
        (
            "hide_idea",
            {"idea_id": str(idea)},
            "Het nummer van het vraagstuk moet een geheel getal zijn.",
        ),
        ("hide_idea", {"idea_id": 0}, "Het nummer van het vraagstuk is te klein: minstens 1."),
        ("timer_start", {"seconds": 7201}, "Het aantal seconden is te groot: hoogstens 7200."),
        ("message_all", {"text": "x" * 201}, "De tekst is te lang: hoogstens 200 tekens."),
        (
            "move_cluster",
            {"cluster_id": 1, "direction": "left"},
            "Kies voor de richting uit: up, down.",
        ),
        (
            "reorder_clusters",
            {"cluster_ids": []},
            "De volgorde van de clusters mag niet leeg zijn.",
        ),
        ("update_settings", {"kleur": "rood"}, "Het bericht bevat een onbekend veld: kleur."),
        (
            "update_settings",
            {"idea_limit": None},
            "Het maximum aantal vraagstukken per persoon moet een geheel getal zijn.",
        ),
        ("run_clustering", {"k": "veel"}, "Het aantal clusters moet een geheel getal zijn."),
        ("run_clustering", {"k": 1}, "Het aantal clusters is te klein: minstens 2."),
        (
            "update_deepening",
            {"cluster_id": 1, "audiences": ["pers"]},
            "Kies voor een doelgroep uit: ocw, vakorganisaties, sectorraden, voorlopersgroep.",
        ),
    ]
    for name, payload, words in cases:
        assert refused_in_words(command(console, name, payload)) == words, (name, payload)
    answer = command(alice, "poll_answer", {"question_id": 1, "value": {"a": 1}})
    assert refused_in_words(answer) == "Het antwoord heeft niet de goede vorm."
    assert rows(SessionEvent) == events
    assert db.session.get(Idea, idea).pinned is False and db.session.get(Idea, idea).hidden is False


def test_what_the_pages_send_is_taken(room):
    """The shapes static/js sends: null, "auto" or a number for k; null for no agenda item,
    no host or every group; ids as numbers."""
    _bs, console, alice, _bob = room
    for text in ("Werkdruk in het po", "Werkdruk in het vo", "Stage in het mbo"):
        assert command(alice, "submit_idea", {"text": text, "client_id": str(uuid4())})["ok"]
    assert command(console, "set_phase", {"phase": "input", "agenda_item_id": None})["ok"]
    for k in (None, "auto", "", 2):
        assert command(console, "run_clustering", {"k": k, "scope": "plenary"})["ok"], k
    settings = {"vote_stacking": False, "premoderation": False, "idea_limit": 5}
    assert command(console, "update_settings", settings)["ok"]
    assert command(console, "spotlight_group", {"group_id": None})["ok"]
    cluster = db.session.scalars(select(Cluster.id)).first()
    deepening = {"summary": "", "question": "", "recommendation": "", "audiences": ["ocw"]}
    assert command(console, "update_deepening", {"cluster_id": cluster, **deepening})["ok"]


@pytest.fixture
def deep_sender(monkeypatch):
    """Room to send what a real client can."""
    # The probe's 950 levels decode on a server, whose stack is shallow; here the test client's
    # own binary check recurses twice per level, and pytest's stack is deep.
    monkeypatch.setattr(Packet, "data_is_binary", classmethod(lambda cls, data: False))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(3000)
    yield
    sys.setrecursionlimit(limit)


def test_a_payload_nested_950_deep_is_refused_in_words(room, deep_sender):
    _bs, console, alice, _bob = room
    deep: object = "Werkdruk"
    for _ in range(950):
        deep = [deep]
    for sock, name in ((alice, "submit_idea"), (console, "create_cluster")):
        ack = command(sock, name, {"text": deep, "title": deep, "client_id": str(uuid4())})
        assert refused_in_words(ack) == "Dit bericht is te diep genest."
    assert rows(Idea) == 0 and rows(Cluster) == 0


# --- client_id: an idempotency key of one author and one text ------------------------------


def test_the_same_author_resending_the_same_text_gets_the_same_idea(room):
    _bs, _console, alice, _bob = room
    client_id = str(uuid4())
    first = command(alice, "submit_idea", {"text": WORDS, "client_id": client_id})
    again = command(alice, "submit_idea", {"text": f"  {WORDS} ", "client_id": client_id})
    assert first["ok"] and again["ok"] and again["id"] == first["id"]
    assert rows(Idea) == 1


def test_the_same_client_id_with_another_text_is_refused(room):
    _bs, _console, alice, _bob = room
    client_id = str(uuid4())
    first = command(alice, "submit_idea", {"text": WORDS, "client_id": client_id})
    other = command(alice, "submit_idea", {"text": "Iets anders", "client_id": client_id})
    assert "client_id" in refused_in_words(other) and "id" not in other
    assert db.session.get(Idea, first["id"]).text == WORDS and rows(Idea) == 1


@pytest.mark.parametrize("text", [WORDS, "Mijn eigen vraagstuk"])
def test_someone_elses_client_id_is_refused_without_a_word_about_their_idea(room, text):
    _bs, _console, alice, bob = room
    client_id = str(uuid4())
    theirs = command(alice, "submit_idea", {"text": WORDS, "client_id": client_id})
    bob.get_received()
    ack = command(bob, "submit_idea", {"text": text, "client_id": client_id})
    error = refused_in_words(ack)
    assert set(ack) == {"ok", "code", "error"}
    assert str(theirs["id"]) not in error and WORDS not in error
    assert rows(Idea) == 1 and bob.get_received() == []


def test_a_racing_client_id_follows_the_same_rules(room):
    """Two connections sending one client_id: the unique constraint decides (a new idea is not
    looked up first), then the loser is held to the same rules as a resend."""
    _bs, _console, alice, bob = room
    client_id = str(uuid4())
    theirs = command(alice, "submit_idea", {"text": WORDS, "client_id": client_id})
    refused_in_words(command(bob, "submit_idea", {"text": WORDS, "client_id": client_id}))
    same = command(alice, "submit_idea", {"text": WORDS, "client_id": client_id})
    assert same["ok"] and same["id"] == theirs["id"]
    assert rows(Idea) == 1


# --- results during hidden input ----------------------------------------------------------


def test_the_results_page_keeps_hidden_input_hidden_until_the_reveal(room, login, make_user):
    bs, console, alice, bob = room
    assert command(console, "set_phase", {"phase": "hidden_input"})["ok"]
    for sock, text in ((alice, "Alice over werkdruk"), (bob, "Bob over stageplekken")):
        assert command(sock, "submit_idea", {"text": text, "client_id": str(uuid4())})["ok"]
    url = f"/s/{bs.join_code}/results"
    page = alice.http.get(url).get_data(as_text=True)
    assert "Alice over werkdruk" in page and "Bob over stageplekken" not in page
    assert "Jouw vraagstukken" in page
    facilitator_page = console.flask_test_client.get(url).get_data(as_text=True)
    assert "Bob over stageplekken" in facilitator_page

    assert command(console, "set_phase", {"phase": "review"})["ok"]
    page = alice.http.get(url).get_data(as_text=True)
    assert "Alice over werkdruk" in page and "Bob over stageplekken" in page
