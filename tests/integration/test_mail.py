"""Mail over a real SMTP server on 127.0.0.1 (aiosmtpd): confirmations, invitations with the
personal login link and a calendar file, retries after an outage, and the AVG purge."""

import re
from datetime import time, timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import icalendar
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from brainstorm.events import mails
from brainstorm.events import registrations as reg
from brainstorm.events.models import Registration
from brainstorm.events.services import create_event
from brainstorm.extensions import db
from brainstorm.mail import OutboxMail
from brainstorm.sessions import board
from brainstorm.sessions import services as sessions
from brainstorm.sessions.models import Idea, Participant
from brainstorm.timeutil import local_to_utc, local_today, to_local, utcnow

# Invitations, reminders and the purge are due at moments relative to the event.
pytestmark = pytest.mark.time_sensitive


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


def test_someone_who_registered_in_english_gets_the_whole_mail_in_english(smtp, soon, app):
    event, _bs = soon
    with force_locale("en"):  # the English registration page
        reg.register(event, person(1))
    (message,) = smtp.to("persoon1@school.nl")
    assert message["Subject"] == "Your registration is confirmed: Brainstormsessie RATO"
    assert "Cancel your registration here:" in body(message)


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
        sessions.redeem_invitation(link.rsplit("/", 1)[-1], now=event.ends_at)
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
    participant = sessions.redeem_invitation(
        path(mails.login_link(registration)).rsplit("/", 1)[-1]
    )
    board.submit_idea(
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


TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d"


def event_on(make_user, days: int, **fields):
    """An event that many days after the clock's today (Amsterdam), 9.00-11.00, with its live
    session."""
    event = create_event(
        make_user(),
        "Brainstormsessie RATO",
        local_today() + timedelta(days=days),
        time(9),
        time(11),
    )
    for name, value in fields.items():
        setattr(event, name, value)
    db.session.commit()
    sessions.create_session(event, "Vraagstukken")
    return event


def invitation_to(smtp, address: str) -> EmailMessage:
    (invite,) = [m for m in smtp.to(address) if "inloglink" in m["Subject"]]
    return invite


def calendar_of(message: EmailMessage) -> icalendar.Event:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    (vevent,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    return vevent


@pytest.mark.parametrize(
    ("days", "hour", "wording"),
    [
        (0, time(0, 30), "Vandaag is het zover."),
        (1, time(23, 30), "Morgen is het zover."),  # 9.5 hours, but tomorrow
        (1, time(7), "Morgen is het zover."),
        (3, time(7), "Over 3 dagen is het zover."),
        (7, time(7), "Over een week is het zover."),
        (10, time(7), "Over 10 dagen is het zover."),
        (14, time(7), "Over 2 weken is het zover."),
        (17, time(7), "Over ruim 2 weken is het zover."),
    ],
)
def test_the_invitation_says_how_many_days_are_left(
    smtp, app, make_user, clock, days, hour, wording
):
    event = event_on(make_user, 30)
    reg.register(event, person(1))
    event_day = to_local(event.starts_at).date()
    clock.move_to(local_to_utc(event_day - timedelta(days=days), hour))
    app.config["INVITE_DAYS"] = 30
    assert "Uitnodigingen: 1" in app.test_cli_runner().invoke(args=["send-invitations"]).output
    invite = invitation_to(smtp, "persoon1@school.nl")
    assert wording in body(invite)
    assert wording in invite.get_body(preferencelist=("html",)).get_content()
    assert "een week" not in body(invite).replace(wording, "")


def test_invitations_go_out_a_week_before_on_the_calendar_not_six_days(smtp, app, make_user, clock):
    event = event_on(make_user, 30)
    reg.register(event, person(1))
    event_day = to_local(event.starts_at).date()
    runner = app.test_cli_runner()
    clock.move_to(local_to_utc(event_day - timedelta(days=8), time(7)))  # the daily run
    assert "Uitnodigingen: 0" in runner.invoke(args=["send-invitations"]).output
    clock.move_to(local_to_utc(event_day - timedelta(days=7), time(7)))
    assert "Uitnodigingen: 1" in runner.invoke(args=["send-invitations"]).output
    assert "Over een week is het zover." in body(invitation_to(smtp, "persoon1@school.nl"))


@pytest.mark.parametrize("reminders", [False, True])
def test_the_confirmation_promises_only_mails_that_will_still_come(
    smtp, app, make_user, clock, reminders
):
    app.config["REMINDERS"] = reminders
    far, tomorrow, today = event_on(make_user, 30), event_on(make_user, 1), event_on(make_user, 0)
    clock.move_to(local_to_utc(to_local(today.starts_at).date(), time(7)))
    reg.register(far, person(1))
    reg.register(tomorrow, person(2))
    reg.register(today, person(3))
    far_text, tomorrow_text, today_text = (
        body(smtp.to(f"persoon{n}@school.nl")[0]) for n in (1, 2, 3)
    )
    assert "Een week voor de bijeenkomst ontvang je een mail" in far_text
    assert ("De dag voor de bijeenkomst krijg je nog een herinnering." in far_text) is reminders
    for text in (tomorrow_text, today_text):
        assert "week" not in text and "herinnering" not in text
    assert "binnenkort in een aparte mail" in tomorrow_text  # the run of tomorrow morning
    assert "aparte mail" not in today_text and "code die op het scherm staat" in today_text


def test_the_reminder_comes_the_day_before_with_the_meeting_link(smtp, app, make_user, clock):
    event = event_on(make_user, 3, online_url=TEAMS)
    reg.register(event, person(1))
    app.config["REMINDERS"] = True
    runner = app.test_cli_runner()
    event_day = to_local(event.starts_at).date()
    clock.move_to(local_to_utc(event_day - timedelta(days=2), time(7)))
    assert "herinneringen: 0" in runner.invoke(args=["send-invitations"]).output
    clock.move_to(local_to_utc(event_day - timedelta(days=1), time(7)))  # 26 hours before
    assert "herinneringen: 1" in runner.invoke(args=["send-invitations"]).output
    reminder = smtp.to("persoon1@school.nl")[-1]
    assert reminder["Subject"] == "Morgen: Brainstormsessie RATO"
    assert "Morgen is het zover." in body(reminder)
    assert TEAMS in body(reminder)
    assert TEAMS in reminder.get_body(preferencelist=("html",)).get_content()


def test_a_reminder_sent_on_the_day_itself_says_today(smtp, app, make_user, clock):
    event = event_on(make_user, 5)
    app.config["REMINDERS"] = True
    clock.move_to(local_to_utc(to_local(event.starts_at).date(), time(7)))
    reg.register(event, person(1))
    assert "herinneringen: 1" in app.test_cli_runner().invoke(args=["send-invitations"]).output
    reminder = smtp.to("persoon1@school.nl")[-1]
    assert reminder["Subject"] == "Vandaag: Brainstormsessie RATO"
    assert "Vandaag is het zover." in body(reminder)


def test_the_calendar_keeps_the_address_and_gives_the_meeting_link_organiser_and_alarm(
    smtp, app, make_user
):
    address = "Hogeschool Utrecht, Padualaan 99; zaal 1.05"
    hybrid = event_on(make_user, 3, location=address, online_url=TEAMS, organisers="RATO Utrecht")
    online = event_on(make_user, 3, online_url=TEAMS)
    on_site = event_on(make_user, 3, location=address)
    for n, event in enumerate((hybrid, online, on_site), 1):
        reg.register(event, person(n))
    app.test_cli_runner().invoke(args=["send-invitations"])

    invite = invitation_to(smtp, "persoon1@school.nl")
    login = re.search(r"http://\S+/uitnodiging/\S+", body(invite)).group(0)
    vevent = calendar_of(invite)
    assert str(vevent["LOCATION"]) == address
    assert str(vevent["URL"]) == TEAMS
    assert TEAMS in vevent["DESCRIPTION"] and login in vevent["DESCRIPTION"]
    assert vevent.start == hybrid.starts_at and vevent.end == hybrid.ends_at
    assert str(vevent["ORGANIZER"]) == "mailto:noreply@brainstorm.local"
    assert vevent["ORGANIZER"].params["CN"] == "RATO Utrecht"
    (alarm,) = vevent.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == -timedelta(hours=1)

    online_event = calendar_of(invitation_to(smtp, "persoon2@school.nl"))
    assert (str(online_event["LOCATION"]), str(online_event["URL"])) == ("Online", TEAMS)
    assert online_event["ORGANIZER"].params["CN"] == "Platform Samen Opleiden"

    on_site_invite = invitation_to(smtp, "persoon3@school.nl")
    on_site_event = calendar_of(on_site_invite)
    assert str(on_site_event["LOCATION"]) == address
    assert str(on_site_event["URL"]) in body(on_site_invite)  # the personal login link
    assert "teams" not in on_site_event.to_ical().decode().lower()


def test_mail_headers_a_dutch_date_auto_submitted_and_one_content_type_per_part(
    smtp, soon, app, clock
):
    event, _bs = soon
    reg.register(event, person(1))
    app.test_cli_runner().invoke(args=["send-invitations"])
    confirmation, invite = smtp.to("persoon1@school.nl")
    for message in (confirmation, invite):
        assert message["Auto-Submitted"] == "auto-generated"
        assert not message["Date"].endswith("-0000")
        sent = parsedate_to_datetime(message["Date"])
        assert sent.utcoffset() == to_local(utcnow()).utcoffset()  # +0100 or +0200
        assert abs(sent - utcnow()) < timedelta(minutes=5)
        for part in message.walk():
            assert len(part.get_all("Content-Type")) == 1
    (calendar,) = [p for p in invite.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_param("method") == "PUBLISH"
