"""The session's pages: joining with a sector, presenter screen and QR, results, lifecycle."""

import re
from uuid import uuid4

from sqlalchemy import func, select

from brainstorm.extensions import db
from brainstorm.sessions.codes import is_valid_code, normalise_code
from brainstorm.sessions.models import BrainstormSession, Idea, Participant
from tests.conftest import TOKEN
from tests.helpers import received


def test_join_with_a_sector_and_refuse_an_unknown_one(app, make_session):
    bs = make_session()
    client = app.test_client()
    bad = client.post("/join", data={"code": bs.join_code, "sector": "hbo"})
    assert "Kies po, vo, mbo of anders" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    client.post("/join", data={"code": bs.join_code, "sector": "mbo"})
    assert db.session.scalar(select(Participant.sector)) == "mbo"


def test_presenter_screen_shows_code_and_qr_and_may_only_watch(
    app, make_user, make_session, login, join
):
    from brainstorm.extensions import socketio

    facilitator = make_user()
    bs = make_session(facilitator)
    client = login(facilitator)
    page = client.get(f"/sessions/{bs.id}/present").get_data(as_text=True)
    assert bs.join_code in page and f"/sessions/{bs.id}/qr.svg" in page
    qr = client.get(f"/sessions/{bs.id}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert b"<svg" in qr.data

    screen = socketio.test_client(
        app, flask_test_client=client, auth={"token": TOKEN.search(page).group(1)}
    )
    (snapshot,) = received(screen, "session_snapshot")
    assert snapshot["me"] is None
    refused = screen.emit("set_phase", {"phase": "closed"}, callback=True)
    assert refused["code"] == "not_allowed"
    alice = join(bs)
    alice.emit("submit_idea", {"text": "Op het scherm", "client_id": str(uuid4())}, callback=True)
    assert [e["idea"]["text"] for e in received(screen, "idea_added")] == ["Op het scherm"]
    assert received(screen, "idea_moderated") == []  # the projector never shows authors


def test_participants_may_not_open_the_presenter_or_qr(app, make_session):
    bs = make_session()
    client = app.test_client()
    client.post("/join", data={"code": bs.join_code})
    for url in (f"/sessions/{bs.id}/present", f"/sessions/{bs.id}/qr.svg"):
        assert client.get(url).status_code == 302  # to the login page


def test_results_page_for_participants_after_closing(app, make_user, make_session, login, join):
    facilitator = make_user()
    bs = make_session(facilitator)
    alice = join(bs)
    alice.emit("submit_idea", {"text": "Blijft staan", "client_id": str(uuid4())}, callback=True)
    client = login(facilitator)
    assert client.post(f"/sessions/{bs.id}/close").status_code == 302
    assert db.session.get(BrainstormSession, bs.id).phase == "closed"
    results = alice.http.get(f"/s/{bs.join_code}/results")
    assert results.status_code == 200 and "Blijft staan" in results.get_data(as_text=True)
    assert app.test_client().get(f"/s/{bs.join_code}/results").status_code == 302


def test_duplicate_keeps_the_set_up_with_a_new_code(
    app, make_user, make_session, login, facilitate
):
    facilitator = make_user()
    bs = make_session(facilitator)
    facilitate(bs, facilitator).emit("update_settings", {"vote_budget": 5}, callback=True)
    response = login(facilitator).post(f"/sessions/{bs.id}/duplicate")
    copy = db.session.scalar(select(BrainstormSession).where(BrainstormSession.id != bs.id))
    assert response.location == f"/sessions/{copy.id}/facilitate"
    assert copy.vote_budget == 5 and copy.join_code != bs.join_code
    assert "(kopie)" in copy.title


def test_reset_needs_the_tick_and_then_empties_the_session(
    app, make_user, make_session, login, join
):
    facilitator = make_user()
    bs = make_session(facilitator)
    alice = join(bs)
    alice.emit("submit_idea", {"text": "Oefenrondje", "client_id": str(uuid4())}, callback=True)
    client = login(facilitator)
    client.post(f"/sessions/{bs.id}/reset")
    assert db.session.scalar(select(func.count(Idea.id))) == 1  # not without the tick
    client.post(f"/sessions/{bs.id}/reset", data={"confirm": "y"})
    assert db.session.scalar(select(func.count(Idea.id))) == 0
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    assert [e["name"] for e in alice.get_received()][-1] == "session_reset"


def test_archive_closes_and_files_the_session_away(app, make_user, make_session, login):
    facilitator = make_user()
    bs = make_session(facilitator)
    response = login(facilitator).post(f"/sessions/{bs.id}/archive")
    assert response.location == f"/events/{bs.event_id}/manage"
    stored = db.session.get(BrainstormSession, bs.id)
    assert stored.archived_at is not None and stored.phase == "closed"
    assert app.test_client().post("/join", data={"code": bs.join_code}).status_code == 200


def test_lifecycle_is_for_the_sessions_facilitators_only(app, make_user, make_session, login):
    bs = make_session()
    stranger = login(make_user())
    for action in ("duplicate", "reset", "close", "archive"):
        assert stranger.post(f"/sessions/{bs.id}/{action}").status_code == 403, action


def test_join_code_placeholder_is_no_code_and_participant_pages_offer_login(app, make_session):
    bs = make_session()
    client = app.test_client()
    page = client.get("/join").get_data(as_text=True)
    placeholder = re.search(
        r'id="code"[^>]*placeholder="([^"]*)"|placeholder="([^"]*)"[^>]*id="code"', page
    )
    shown = next(filter(None, placeholder.groups()))
    assert shown == "6 tekens van het scherm"
    assert not is_valid_code(normalise_code(shown))  # nobody types it in as if it were one
    assert ">Sessiecode" in page
    client.post("/join", data={"code": bs.join_code})
    for url in ("/join", f"/s/{bs.join_code}"):  # a facilitator who ends up here can log in
        assert '<a href="/login">Inloggen</a>' in client.get(url).get_data(as_text=True)
