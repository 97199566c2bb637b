"""Privacy (AVG): a participant's own data, forgetting an event on request, and logs that
hold no idea texts or email addresses."""

import json
import logging
from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select

from brainstorm.events.models import Registration
from brainstorm.events.registrations import RegistrationData, register
from brainstorm.extensions import db
from brainstorm.realtime.models import SessionEvent
from brainstorm.sessions.models import Participant

SECRET_TEXT = "Mijn zeer persoonlijke vraagstuk over de inductie op school De Regenboog"


def command(sock, name: str, **payload) -> dict:
    return sock.emit(name, payload, callback=True)


def test_a_participant_downloads_what_is_stored_about_them_and_nobody_else(
    app, make_user, make_session, join, facilitate
):
    facilitator = make_user()
    bs = make_session(facilitator)
    command(facilitate(bs, facilitator), "set_phase", phase="input")
    anna, bram = join(bs, "Anna"), join(bs, "Bram")
    command(anna, "submit_idea", text=SECRET_TEXT, client_id=str(uuid4()))
    command(bram, "submit_idea", text="Bram zijn vraagstuk over werkdruk", client_id=str(uuid4()))

    response = anna.http.get(f"/s/{bs.join_code}/mijn-gegevens.json")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["participant"]["display_name"] == "Anna"
    assert [idea["text"] for idea in data["ideas"]] == [SECRET_TEXT]
    assert "Bram" not in response.get_data(as_text=True)
    # Someone who is not in the session is sent to the join page, not given anything.
    stranger = app.test_client().get(f"/s/{bs.join_code}/mijn-gegevens.json")
    assert stranger.status_code == 302 and "/j/" in stranger.headers["Location"]


@pytest.mark.time_sensitive
def test_the_organiser_removes_an_events_personal_data_on_request(
    app, make_user, make_session, login, join, facilitate
):
    facilitator = make_user()
    bs = make_session(facilitator)
    data = RegistrationData(
        "Carla de Vries", "carla@school.example", "Pabo Noord", sector="po", consent=True
    )
    registration = register(bs.event, data, now=bs.event.starts_at - timedelta(days=3))
    command(facilitate(bs, facilitator), "set_phase", phase="input")
    anna = join(bs, "Anna Jansen")
    command(anna, "submit_idea", text=SECRET_TEXT, client_id=str(uuid4()))
    organiser = login(facilitator)
    url = f"/events/{bs.event_id}/personal-data/forget"

    unconfirmed = organiser.post(url, follow_redirects=True)
    assert "Vink eerst aan" in unconfirmed.get_data(as_text=True)
    assert db.session.get(Registration, registration.id).email == "carla@school.example"

    done = organiser.post(url, data={"confirm": "yes"}, follow_redirects=True)

    assert "1 aanmeldingen en 1 deelnemers" in done.get_data(as_text=True)
    db.session.expire_all()
    forgotten = db.session.get(Registration, registration.id)
    assert forgotten.name == "" and "carla" not in forgotten.email
    assert forgotten.sector == "po"  # anonymous counts stay
    assert db.session.scalars(select(Participant.display_name)).all() == [""]
    assert db.session.scalars(select(SessionEvent)).all() == []  # the log named authors
    # The vraagstuk stays, and the room still works: a page reconnecting gets a snapshot.
    assert SECRET_TEXT in organiser.get(f"/s/{bs.join_code}/results").get_data(as_text=True)


def test_a_participant_cannot_remove_an_events_personal_data(app, make_session, join):
    bs = make_session()
    anna = join(bs, "Anna")
    response = anna.http.post(
        f"/events/{bs.event_id}/personal-data/forget", data={"confirm": "yes"}
    )
    assert response.status_code in (302, 401, 403)
    assert db.session.scalars(select(Participant.display_name)).all() == ["Anna"]


def test_logs_hold_no_idea_texts_or_email_addresses(
    app, make_user, make_session, join, facilitate, caplog
):
    caplog.set_level(logging.DEBUG)
    facilitator = make_user(email="facilitator.geheim@example.org")
    bs = make_session(facilitator)
    console = facilitate(bs, facilitator)
    command(console, "set_phase", phase="input")
    anna = join(bs, "Anna")
    first = command(anna, "submit_idea", text=SECRET_TEXT, client_id=str(uuid4()))
    command(console, "hide_idea", idea_id=first["id"])  # moderation is logged to the audit trail
    client = app.test_client()
    client.post("/wachtwoord-vergeten", data={"email": "facilitator.geheim@example.org"})

    assert SECRET_TEXT not in caplog.text
    assert "facilitator.geheim@example.org" not in caplog.text
    assert "Anna" not in caplog.text
