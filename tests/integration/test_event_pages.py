"""Event pages over HTTP: the public agenda and registration, and the organisers' pages."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from brainstorm.accounts import services as accounts
from brainstorm.accounts.models import TeamRole
from brainstorm.events.models import Event, Registration
from brainstorm.events.services import create_event
from brainstorm.extensions import db
from brainstorm.timeutil import local_today, utcnow

# The public page and registering depend on the event's date and deadline.
pytestmark = pytest.mark.time_sensitive

TEAMS = "https://teams.microsoft.com/l/meetup-join/geheim"
FORM = {
    "name": "Fatima el Amrani",
    "email": "fatima@hogeschool.nl",
    "organisation": "Hogeschool Utrecht",
    "role": "programmaleider",
    "sector": "po",
    "partnership": "RATO Utrecht",
    "consent": "y",
}


@pytest.fixture
def organiser(make_user, login):
    user = make_user()
    return user, login(user)


@pytest.fixture
def event(organiser):
    user, client = organiser
    day = local_today() + timedelta(days=60)
    event = create_event(user, "Brainstormsessie RATO", day, time(9), time(11))
    response = client.post(
        f"/events/{event.id}/edit",
        data={
            "title": "Brainstormsessie RATO",
            "day": day.isoformat(),
            "start": "09:00",
            "end": "11:00",
            "location": "Online via MS Teams",
            "online_url": TEAMS,
            "description": "Een online brainstorm over de RATO's.",
            "audience": "Programmaleiders van partnerschappen po, vo en mbo",
            "sectors": ["po", "vo", "mbo"],
            "costs": "Gratis",
            "agenda": "09.00 - 09.10 Welkom\n9.10-10.30 Brainstorm\n10.30 - 11.00 Afsluiting",
            "capacity": "2",
            "questions": "* Welke deelsessie? | Noord; Zuid\nOpmerking voor de facilitator",
            "published": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(Event, event.id)


def registrations_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def register(app, event, **changes):
    question = event.questions[0]
    data = {**FORM, f"q{question.id}": "Noord", **changes}
    return app.test_client().post(f"/evenementen/{event.id}", data=data)


def test_the_organiser_builds_the_page_the_public_sees(event, app):
    assert [item.title for item in event.agenda] == ["Welkom", "Brainstorm", "Afsluiting"]
    assert event.questions[0].required and event.questions[0].options == ["Noord", "Zuid"]
    public = app.test_client()
    agenda = public.get("/evenementen").get_data(as_text=True)
    assert "Brainstormsessie RATO" in agenda
    assert "Brainstormsessie RATO" not in public.get(
        "/evenementen?sector=xyz&wanneer=voorbij"
    ).get_data(as_text=True)
    page = public.get(f"/evenementen/{event.id}").get_data(as_text=True)
    assert "09.10–10.30" in page and "Programmaleiders" in page and "Gratis" in page
    assert TEAMS not in page  # the meeting link is for registered people only
    assert "/privacy" in page


def test_registering_gives_a_confirmation_with_the_meeting_link(event, app):
    response = register(app, event)
    assert response.status_code == 302
    confirmation = app.test_client().get(response.location).get_data(as_text=True)
    assert "Je bent aangemeld" in confirmation and TEAMS in confirmation
    registration = db.session.scalar(select(Registration))
    assert registration.partnership == "RATO Utrecht"
    assert registration.answers == {str(event.questions[0].id): "Noord"}


def test_a_full_event_puts_people_on_the_waiting_list_and_a_cancel_moves_them_up(event, app):
    first = register(app, event, email="a@school.nl").location
    register(app, event, email="b@school.nl")
    page = app.test_client().get(f"/evenementen/{event.id}").get_data(as_text=True)
    assert "wachtlijst" in page
    waiting = register(app, event, email="c@school.nl").location
    waiting_page = app.test_client().get(waiting).get_data(as_text=True)
    assert "Je staat op de wachtlijst" in waiting_page and TEAMS not in waiting_page
    app.test_client().post(first + "/annuleren")
    assert "Je bent aangemeld" in app.test_client().get(waiting).get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "geen-adres"}, "geldig e-mailadres"),
        ({"consent": ""}, "toestemming"),
        ({"name": ""}, "Vul je naam in"),
        ({"__question": ""}, "Deze vraag moet je beantwoorden"),
    ],
)
def test_bad_registrations_get_a_clear_message_and_nothing_is_stored(event, app, changes, message):
    if "__question" in changes:
        changes = {f"q{event.questions[0].id}": ""}
    response = register(app, event, **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert registrations_count() == 0


def test_a_second_registration_with_the_same_email_is_refused(event, app):
    register(app, event)
    again = register(app, event, email=FORM["email"].upper())
    assert "al aangemeld" in again.get_data(as_text=True) and registrations_count() == 1


def test_after_the_deadline_registration_is_closed(event, app):
    event.registration_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = register(app, event)
    assert "gesloten" in response.get_data(as_text=True) and registrations_count() == 0


def test_the_form_needs_its_csrf_token(event, app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = register(app, event)
    assert response.status_code == 400 and "verlopen" in response.get_data(as_text=True).lower()
    assert registrations_count() == 0


def test_an_unpublished_event_is_only_for_its_team(event, app, organiser):
    event.published = False
    db.session.commit()
    assert app.test_client().get(f"/evenementen/{event.id}").status_code == 404
    assert organiser[1].get(f"/evenementen/{event.id}").status_code == 200
    assert "Brainstormsessie RATO" not in app.test_client().get("/evenementen").get_data(
        as_text=True
    )


def test_organisers_see_filter_export_and_mark_attendance(event, app, organiser, make_user, login):
    _user, client = organiser
    register(app, event)
    register(app, event, email="bo@mbo.nl", name="Bo de Vries", sector="mbo", partnership="")
    page = client.get(f"/events/{event.id}/registrations?sector=mbo").get_data(as_text=True)
    assert "Bo de Vries" in page and "Fatima" not in page
    assert "RATO Utrecht" in client.get(f"/events/{event.id}/registrations").get_data(as_text=True)
    assert "fatima@hogeschool.nl" in client.get(f"/events/{event.id}/registrations.csv").get_data(
        as_text=True
    )
    fatima = db.session.scalar(select(Registration).filter_by(email="fatima@hogeschool.nl"))
    client.post(f"/events/{event.id}/registrations/{fatima.id}/attendance", data={"attended": "1"})
    db.session.refresh(fatima)
    assert fatima.attended

    staff = make_user()
    accounts.add_to_team(event.id, staff, TeamRole.STAFF)
    db.session.commit()
    reader = login(staff)
    assert reader.get(f"/events/{event.id}/registrations").status_code == 200
    assert reader.get(f"/events/{event.id}/edit").status_code == 403
    assert app.test_client().get(f"/events/{event.id}/registrations").status_code in (302, 401)


def test_team_and_duplicate(event, organiser, make_user):
    user, client = organiser
    colleague = make_user()
    client.post(f"/events/{event.id}/team", data={"email": colleague.email, "role": "facilitator"})
    assert accounts.can_facilitate(colleague, event.id)
    unknown = client.post(
        f"/events/{event.id}/team", data={"email": "niemand@x.nl", "role": "staff"}
    )
    assert "geen account" in unknown.get_data(as_text=True)
    client.post(f"/events/{event.id}/team/{colleague.id}/remove")
    assert not accounts.can_facilitate(colleague, event.id)
    last = client.post(f"/events/{event.id}/team/{user.id}/remove", follow_redirects=True)
    assert "minstens één facilitator" in last.get_data(as_text=True)

    response = client.post(
        f"/events/{event.id}/duplicate",
        data={"day": (event.starts_at + timedelta(days=28)).date().isoformat()},
    )
    copy = db.session.scalars(select(Event).order_by(Event.id.desc())).first()
    assert response.status_code == 302 and copy.id != event.id
    assert [i.title for i in copy.agenda] == ["Welkom", "Brainstorm", "Afsluiting"]
    assert copy.questions[0].label == "Welke deelsessie?" and not copy.published


def test_page_titles_are_plain_text(event, organiser, app):
    _user, client = organiser
    for url in (f"/events/{event.id}/manage", f"/evenementen/{event.id}", "/evenementen"):
        head = client.get(url).get_data(as_text=True).split("</title>")[0]
        title = head.split("<title>")[1]
        assert "<" not in title
        assert "Brainstormsessie RATO" in title or url == "/evenementen"
