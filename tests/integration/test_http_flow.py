"""The facilitator's HTTP path: log in, create an event and a session, join by code."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from brainstorm.events.models import Event
from brainstorm.extensions import db
from brainstorm.sessions.codes import ALPHABET
from brainstorm.sessions.models import BrainstormSession, Participant
from brainstorm.timeutil import local_today
from tests.conftest import PASSWORD


@pytest.mark.time_sensitive
def test_facilitator_creates_event_and_session_with_a_join_code(app, make_user, login):
    client = login(make_user())

    response = client.post(
        "/events/new",
        data={
            "title": "Brainstormsessie RATO",
            "day": (local_today() + timedelta(days=9)).isoformat(),
            "start": "15:30",
            "end": "17:00",
            "location": "Online via MS Teams",
        },
    )
    event = db.session.scalar(select(Event))
    assert response.status_code == 302 and response.location == f"/events/{event.id}/manage"
    assert event.title == "Brainstormsessie RATO"

    response = client.post(f"/events/{event.id}/sessions", data={"title": "Vraagstukken"})
    bs = db.session.scalar(select(BrainstormSession))
    assert response.location == f"/sessions/{bs.id}/facilitate"
    assert len(bs.join_code) == 6 and set(bs.join_code) <= set(ALPHABET)

    console = client.get(response.location).get_data(as_text=True)
    assert bs.join_code in console
    assert f"/j/{bs.join_code}" in console  # the join URL people can follow


@pytest.mark.time_sensitive
def test_event_form_errors_are_dutch_and_nothing_is_stored(make_user, login):
    client = login(make_user())
    response = client.post("/events/new", data={"title": "", "day": "morgen"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Dit veld is vereist" in page  # the empty title
    assert "Ongeldige datum" in page  # "morgen" is not a date
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_wrong_password_is_refused_in_dutch(app, make_user):
    user = make_user()
    response = app.test_client().post("/login", data={"email": user.email, "password": "nee"})
    assert response.status_code == 200
    assert "horen niet bij elkaar" in response.get_data(as_text=True)


def test_login_refuses_redirect_to_another_site(app, make_user):
    user = make_user()
    response = app.test_client().post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.location == "/"


def test_pages_for_facilitators_send_anonymous_visitors_to_login(app, make_session):
    bs = make_session()
    client = app.test_client()
    for url in ("/events/new", f"/sessions/{bs.id}/facilitate", f"/sessions/{bs.id}/report"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/login"), url


def test_participant_joins_by_code_in_any_spelling_without_account(app, make_session):
    bs = make_session()
    client = app.test_client()
    typed = f"{bs.join_code[:3].lower()} {bs.join_code[3:].lower()}"
    response = client.post("/join", data={"code": typed, "display_name": "Sanne"})
    assert response.status_code == 302 and response.location == f"/s/{bs.join_code}"
    assert client.get(response.location).status_code == 200
    assert db.session.scalar(select(Participant.display_name)) == "Sanne"

    # Joining again from the same browser does not make a second participant.
    client.post("/join", data={"code": bs.join_code})
    assert db.session.scalar(select(func.count(Participant.id))) == 1


def test_join_url_fills_in_the_code(app, make_session):
    bs = make_session()
    page = app.test_client().get(f"/j/{bs.join_code}").get_data(as_text=True)
    assert f'value="{bs.join_code}"' in page


def test_unknown_or_malformed_code_gets_a_dutch_error(app, make_session):
    make_session()
    client = app.test_client()
    unknown = client.post("/join", data={"code": "ZZZZZZ"}).get_data(as_text=True)
    assert "Er is geen sessie met code ZZZZZZ" in unknown
    malformed = client.post("/join", data={"code": "12"}).get_data(as_text=True)
    assert "6 tekens" in malformed
    assert db.session.scalar(select(func.count(Participant.id))) == 0


def test_room_without_joining_sends_you_to_the_join_form(app, make_session):
    bs = make_session()
    response = app.test_client().get(f"/s/{bs.join_code}")
    assert response.status_code == 302 and response.location == f"/j/{bs.join_code}"


def test_form_without_csrf_token_is_refused_in_dutch(app, make_session):
    bs = make_session()
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/join", data={"code": bs.join_code})
    assert response.status_code == 400
    assert "verlopen" in response.get_data(as_text=True).lower()
    assert db.session.scalar(select(func.count(Participant.id))) == 0


def test_unknown_page_is_a_dutch_404(app):
    response = app.test_client().get("/bestaat-niet")
    assert response.status_code == 404
    assert "niet gevonden" in response.get_data(as_text=True).lower()


def test_interface_switches_to_english(app):
    client = app.test_client()
    client.post("/language/en", data={"next": "/join"})
    page = client.get("/join").get_data(as_text=True)
    assert 'lang="en"' in page and "Session code" in page and "Sessiecode" not in page
