"""Mail over a real SMTP server on 127.0.0.1 (aiosmtpd): confirmations, invitations with the
personal login link and a calendar file, retries after an outage, and the AVG purge."""

import email
import re
import socket
from datetime import time, timedelta
from email.message import EmailMessage
from email.policy import default
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from brainstorm.events import mails
from brainstorm.events import registrations as reg
from brainstorm.events.models import Registration
from brainstorm.events.services import create_event
from brainstorm.extensions import db
from brainstorm.mail import OutboxMail
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import Idea, Participant
from brainstorm.timeutil import local_today, utcnow

# Invitations, reminders and the purge are due at moments relative to the event.
pytestmark = pytest.mark.time_sensitive


class Inbox:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = _free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    servers = []

    def start():
        servers.append(Controller(inbox, hostname="127.0.0.1", port=port))
        servers[-1].start()

    inbox.start, inbox.stop = start, lambda: servers[-1].stop()
    start()
    yield inbox
    if servers[-1].loop.is_running():
        servers[-1].stop()


@pytest.fixture
def soon(make_user):
    """An event in three days, with its live session."""
    day = local_today() + timedelta(days=3)
    event = create_event(make_user(), "Brainstormsessie RATO", day, time(9), time(11))
    bs = sessions.create_session(event, "Vraagstukken")
    return event, bs


def person(n: int, **extra) -> reg.RegistrationData:
    return reg.RegistrationData(
        name=f"Persoon {n}",
        email=f"persoon{n}@school.nl",
        sector="mbo",
        partnership="RATO Utrecht",
        consent=True,
        **extra,
    )


def path(url: str) -> str:
    return urlsplit(url).path


def body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_registering_sends_a_confirmation_with_a_cancel_link(smtp, soon, app):
    event, _bs = soon
    registration = reg.register(event, person(1))
    (message,) = smtp.to("persoon1@school.nl")
    assert message["Subject"] == "Bevestiging van je aanmelding: Brainstormsessie RATO"
    assert f"/aanmelding/{registration.token}" in body(message)
    assert message.get_body(preferencelist=("html",)) is not None  # HTML and plain text


def test_moving_up_from_the_waiting_list_is_mailed(smtp, soon):
    event, _bs = soon
    event.capacity = 1
    db.session.commit()
    first = reg.register(event, person(1))
    reg.register(event, person(2))
    assert "wachtlijst" in smtp.to("persoon2@school.nl")[0]["Subject"]
    reg.cancel(first)
    assert smtp.to("persoon2@school.nl")[-1]["Subject"].startswith("Er is een plaats voor je")


def test_invitations_once_each_with_a_working_login_link_and_a_calendar(smtp, soon, app):
    event, bs = soon
    reg.register(event, person(1))
    reg.register(event, person(2))
    runner = app.test_cli_runner()
    assert "Uitnodigingen: 2" in runner.invoke(args=["send-invitations"]).output
    assert "Uitnodigingen: 0" in runner.invoke(args=["send-invitations"]).output
    invites = [m for m in smtp.to("persoon1@school.nl") if "inloglink" in m["Subject"]]
    assert len(invites) == 1
    (calendar,) = [
        p for p in invites[0].iter_attachments() if p.get_content_type() == "text/calendar"
    ]
    ics = calendar.get_content()
    start = event.starts_at.astimezone().strftime("%Y%m%d")
    assert f"DTSTART;TZID=Europe/Amsterdam:{start}T090000" in ics and "TZID:Europe/Amsterdam" in ics

    link = re.search(r"http://\S+/uitnodiging/\S+", body(invites[0])).group(0)
    browser = app.test_client()
    response = browser.get(path(link))
    assert response.status_code == 302 and response.location.endswith(f"/s/{bs.join_code}")
    participant = db.session.scalar(select(Participant).filter_by(display_name="Persoon 1"))
    assert (participant.sector, participant.partnership) == ("mbo", "RATO Utrecht")
    assert browser.get(response.location).status_code == 200  # in the live session, as them
    browser.get(path(link))
    assert db.session.query(Participant).filter_by(display_name="Persoon 1").count() == 1


def test_forged_expired_and_cancelled_links_are_refused(smtp, soon, app):
    event, _bs = soon
    registration = reg.register(event, person(1))
    client = app.test_client()
    forged = client.get("/uitnodiging/eyJyIjoxLCJ0IjoieCJ9.bogus")
    assert forged.status_code == 403 and "klopt niet" in forged.get_data(as_text=True)
    link = path(mails.login_link(registration))
    with pytest.raises(mails.NotAllowed, match="voorbij"):
        mails.redeem(link.rsplit("/", 1)[-1], now=event.ends_at)
    reg.cancel(registration)
    cancelled = client.get(link)
    assert cancelled.status_code == 403 and "geannuleerd" in cancelled.get_data(as_text=True)
    assert db.session.query(Participant).count() == 0


def test_smtp_down_keeps_the_mail_and_sends_it_exactly_once_when_back(smtp, soon, app, login):
    event, _bs = soon
    smtp.stop()
    reg.register(event, person(1))  # the confirmation fails: kept, not lost
    runner = app.test_cli_runner()
    assert "mislukt: 2" in runner.invoke(args=["send-invitations"]).output
    states = {m.key.split(":")[0]: m.status for m in db.session.scalars(select(OutboxMail))}
    assert states == {"confirm": "failed", "invite": "failed"}
    page = login(event_team_member(event)).get(f"/events/{event.id}/registrations")
    assert "mislukt" in page.get_data(as_text=True)  # the organiser sees it

    smtp.start()
    assert "verstuurd: 2" in runner.invoke(args=["send-invitations"]).output
    assert "verstuurd: 0" in runner.invoke(args=["send-invitations"]).output
    subjects = sorted(m["Subject"].split(":")[0] for m in smtp.to("persoon1@school.nl"))
    assert subjects == ["Bevestiging van je aanmelding", "Je persoonlijke inloglink"]


def event_team_member(event):
    from brainstorm.accounts.models import EventTeamMember, User

    return db.session.scalar(
        select(User).join(EventTeamMember).where(EventTeamMember.event_id == event.id)
    )


def test_the_purge_removes_personal_data_but_keeps_counts_and_ideas(smtp, soon, app, clock):
    event, bs = soon
    registration = reg.register(event, person(1, remarks="graag vegetarisch"))
    participant = mails.redeem(path(mails.login_link(registration)).rsplit("/", 1)[-1])
    sessions.submit_idea(
        bs, participant, "Wie betaalt de begeleiding?", "00000000-0000-4000-8000-000000000001"
    )
    runner = app.test_cli_runner()
    assert "geanonimiseerd: 0" in runner.invoke(args=["purge-personal-data"]).output  # too soon
    clock.move_to(event.ends_at + timedelta(days=29, hours=23))
    assert "geanonimiseerd: 0" in runner.invoke(args=["purge-personal-data"]).output
    clock.move_to(event.ends_at + timedelta(days=30, minutes=1))  # PURGE_DAYS after the event
    assert "geanonimiseerd: 1" in runner.invoke(args=["purge-personal-data"]).output
    assert "geanonimiseerd: 0" in runner.invoke(args=["purge-personal-data"]).output
    db.session.expire_all()
    registration = db.session.get(Registration, registration.id)
    assert (registration.name, registration.remarks) == ("", "")
    assert registration.email.endswith("@invalid") and "persoon1" not in registration.email
    assert reg.counts(event)["sector"] == {"mbo": 1}  # anonymous counts stay
    assert db.session.get(Participant, participant.id).display_name == ""
    assert db.session.scalar(select(Idea.text)) == "Wie betaalt de begeleiding?"
    assert db.session.scalar(select(OutboxMail.id)) is None  # the mails held the address


def test_cancel_and_remove_my_data_through_the_link(smtp, soon, app):
    event, _bs = soon
    registration = reg.register(event, person(1))
    app.test_client().post(f"/aanmelding/{registration.token}/annuleren", data={"forget": "1"})
    db.session.expire_all()
    registration = db.session.get(Registration, registration.id)
    assert registration.status == "cancelled" and registration.name == "" and registration.purged_at
    assert utcnow() - registration.purged_at < timedelta(minutes=1)


def test_a_password_reset_link_works_once_and_only_for_an_hour(smtp, app, make_user, monkeypatch):
    from brainstorm.accounts import services as accounts

    user = make_user()
    client = app.test_client()
    for address in (user.email, "niemand@example.org"):
        page = client.post("/wachtwoord-vergeten", data={"email": address}, follow_redirects=True)
        assert "Als er een account is" in page.get_data(as_text=True)  # the same either way
    (message,) = smtp.messages
    assert message["To"] == user.email
    link = path(re.search(r"http://\S+/wachtwoord/\S+", body(message)).group(0))

    new = {"password": "een nieuw lang wachtwoord", "again": "een nieuw lang wachtwoord"}
    assert client.post(link, data=new).status_code == 302
    assert accounts.authenticate(user.email, new["password"]) is not None
    reused = app.test_client().post(link, data=new, follow_redirects=True)
    assert "al gebruikt" in reused.get_data(as_text=True)
    forged = app.test_client().get("/wachtwoord/nep.token", follow_redirects=True)
    assert "klopt niet" in forged.get_data(as_text=True)

    client.post("/wachtwoord-vergeten", data={"email": user.email})
    fresh = path(re.search(r"http://\S+/wachtwoord/\S+", body(smtp.messages[-1])).group(0))
    monkeypatch.setattr(accounts, "RESET_MAX_AGE", -1)
    expired = app.test_client().get(fresh, follow_redirects=True)
    assert "verlopen" in expired.get_data(as_text=True)


def test_a_reminder_the_day_before_when_switched_on(smtp, soon, app, clock):
    event, _bs = soon
    reg.register(event, person(1))
    app.config["REMINDERS"] = True
    runner = app.test_cli_runner()
    assert "herinneringen: 0" in runner.invoke(args=["send-invitations"]).output  # 3 days out
    clock.move_to(event.starts_at - timedelta(hours=12))  # the evening before
    assert "herinneringen: 1" in runner.invoke(args=["send-invitations"]).output
    assert "herinneringen: 0" in runner.invoke(args=["send-invitations"]).output
    assert smtp.to("persoon1@school.nl")[-1]["Subject"].startswith("Morgen:")


def test_an_unknown_cancel_link_changes_nothing(smtp, soon, app):
    event, _bs = soon
    registration = reg.register(event, person(1))
    response = app.test_client().post("/aanmelding/niet-de-goede-link/annuleren")
    assert response.status_code == 404
    assert db.session.get(Registration, registration.id).status == "registered"
