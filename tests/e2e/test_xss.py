"""Script and HTML typed by people stay text on every screen: idea, cluster title, poll answer
and registration fields, shown to participants, the presenter, the facilitator's workspace,
the organiser and in the report preview. Checked in Chromium: nothing runs, no element is
made from the payload, and the payload is there as visible text."""

import uuid

import pytest
import socketio
from flask import current_app
from playwright.sync_api import expect

from brainstorm.accounts.identity import PARTICIPANT, socket_token
from brainstorm.events.registrations import RegistrationData, register
from brainstorm.extensions import db
from brainstorm.polls import services as polls
from brainstorm.sessions import board
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import Phase
from brainstorm.workspace import corrections, runs
from brainstorm.workspace import services as workspace
from tests.e2e.conftest import Server
from tests.e2e.test_live_browser import join_by_code
from tests.e2e.test_session_browser import log_in


def payload(where: str) -> str:
    """Markup that would run (and leave a mark on window) if inserted as HTML; short enough
    for a cluster title."""
    return (
        f'<img src=x data-xss={where} onerror="window.__xss=1">'
        f"<script>window.__xss=2</script><b>{where}</b>"
    )


IDEA, TITLE, ANSWER, NAME = payload("idea"), payload("title"), payload("answer"), payload("name")
LIVE = payload("live")


@pytest.fixture
def hostile_server(tmp_path):
    """A session whose idea, cluster title, poll answer and registrant carry the payloads."""
    server = Server(tmp_path)
    filling = server.filling(SLOT_DELAY=0, SECRET_KEY=server.env["SECRET_KEY"])
    with filling as (info, bs, user), current_app.test_request_context():
        people = [sessions.join_session(bs, f"Deelnemer {n}") for n in range(4)]
        texts = [IDEA] + [f"Stageplekken in de regio verdelen, variant {n}" for n in range(8)]
        for number, text in enumerate(texts):
            board.submit_idea(bs, people[number % 4], text, str(uuid.uuid4()))
        runs.run_clustering(bs, user, k=2)
        workspace.show_themes(bs, user, True)
        first = workspace.ordered_clusters(bs)[0]
        corrections.rename_cluster(bs, user, first.id, TITLE)
        poll = polls.create_poll(bs.event, user, "Live", "live", session=bs)
        question = polls.add_question(
            poll, user, polls.QuestionData(type="open", text="Wat wil je de minister meegeven?")
        )
        polls.set_question_state(bs, user, question.id, "open")
        polls.answer_live(bs, people[1], question.id, ANSWER)
        data = RegistrationData(NAME, "xss@example.org", NAME, sector="po", consent=True)
        register(bs.event, data)
        sessions.set_phase(bs, user, Phase.INPUT)
        info["token"] = socket_token(PARTICIPANT, people[2].id, bs.id)
        info["event_id"] = bs.event_id
        db.session.commit()
    server.start()
    yield info
    server.stop()


def assert_inert(page, *expected_text: str) -> None:
    """Nothing ran, no element came from a payload, and the payload shows as text."""
    for text in expected_text:
        expect(page.get_by_text(text, exact=False).first).to_be_attached()
    assert page.evaluate("window.__xss === undefined"), page.evaluate("window.__xss")
    assert page.locator("[data-xss]").count() == 0
    assert page.locator("b", has_text="idea").count() == 0
    assert not page.errors, page.errors


def test_payloads_stay_text_on_every_screen(hostile_server, new_page):
    server = hostile_server
    url = server["url"]
    dialogs = []

    console = new_page()
    console.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(console, server)
    console.goto(f"{url}/sessions/{server['session_id']}/facilitate")
    expect(console.locator("#status")).to_have_text("Verbonden")

    presenter = new_page()
    presenter.context.add_cookies(console.context.cookies())
    presenter.goto(f"{url}/sessions/{server['session_id']}/present")

    participant = new_page()
    join_by_code(participant, server, "Eva")
    expect(participant.locator("#ideas li").first).to_be_visible()

    # One more payload arrives live, over the socket, while the pages are open.
    sender = socketio.Client()
    sender.connect(url, auth={"token": server["token"]}, transports=["websocket"])
    ack = sender.call("submit_idea", {"text": LIVE, "client_id": str(uuid.uuid4())})
    sender.disconnect()
    assert ack["ok"], ack

    assert_inert(participant, "data-xss=idea", "data-xss=title", "data-xss=live")
    assert_inert(presenter, "data-xss=idea", "data-xss=live")
    assert_inert(console, "data-xss=idea", "data-xss=title", "data-xss=live", "data-xss=answer")

    report = new_page()
    report.context.add_cookies(console.context.cookies())
    report.goto(f"{url}/sessions/{server['session_id']}/report")
    assert_inert(report, "data-xss=idea", "data-xss=title")

    organiser = new_page()
    organiser.context.add_cookies(console.context.cookies())
    organiser.goto(f"{url}/events/{server['event_id']}/registrations")
    assert_inert(organiser, "data-xss=name")
    assert not dialogs
