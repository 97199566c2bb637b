"""The mails around a registration: confirmation, moving up, the invitation with the personal
login link and a calendar file, the reminder; and removing personal data after the event."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from brainstorm import mail
from brainstorm.errors import NotAllowed
from brainstorm.events import signals
from brainstorm.events.calendar import event_ics
from brainstorm.events.models import Event, Registration, RegistrationStatus
from brainstorm.extensions import db
from brainstorm.timeutil import local_to_utc, local_today, to_local, utcnow

PURGED_EMAIL = "verwijderd-{id}@invalid"


def _stamp(registration: Registration) -> int:
    # A new registration after a cancel is a new one: it gets its own confirmation.
    return int(registration.consent_at.timestamp())


def days_until(event: Event, today: date | None = None) -> int:
    """Calendar days in Amsterdam from today to the event's day: 0 today, 1 tomorrow."""
    return (to_local(event.starts_at).date() - (today or local_today())).days


def when(days: int) -> str:
    """ "Morgen is het zover.", from the real number of days (in the current language)."""
    if days <= 0:
        return _("Vandaag is het zover.")
    if days == 1:
        return _("Morgen is het zover.")
    if days == 7:
        return _("Over een week is het zover.")
    if days < 14:
        return _("Over %(days)s dagen is het zover.", days=days)
    weeks, rest = divmod(days, 7)
    if rest:
        return _("Over ruim %(weeks)s weken is het zover.", weeks=weeks)
    return _("Over %(weeks)s weken is het zover.", weeks=weeks)


def _invitation_promise(days: int) -> str:
    """When the mail with the login link comes: only what send_invitations will still do."""
    invite_days = int(current_app.config["INVITE_DAYS"])
    if days > invite_days:
        if invite_days == 7:
            return _(
                "Een week voor de bijeenkomst ontvang je een mail met je persoonlijke link "
                "om in te loggen."
            )
        if invite_days == 1:
            return _(
                "De dag voor de bijeenkomst ontvang je een mail met je persoonlijke link "
                "om in te loggen."
            )
        return _(
            "%(days)s dagen voor de bijeenkomst ontvang je een mail met je persoonlijke link "
            "om in te loggen.",
            days=invite_days,
        )
    if days >= 1:  # the next daily run sends it, before the day of the event is out
        return _("Je persoonlijke link om in te loggen krijg je binnenkort in een aparte mail.")
    return _("In de live sessie doe je mee met de code die op het scherm staat.")


def next_steps(registration: Registration, days: int) -> list[str]:
    """What a person with a place still receives: the login link, and (when reminders are
    switched on and the day before is still to come) a reminder. Nothing on the waiting list."""
    if registration.status != RegistrationStatus.REGISTERED:
        return []
    steps = [_invitation_promise(days)]
    if current_app.config["REMINDERS"] and days >= 2:
        steps.append(_("De dag voor de bijeenkomst krijg je nog een herinnering."))
    return steps


def _queue(
    registration: Registration, key: str, template: str, **extra: object
) -> mail.OutboxMail | None:
    event = registration.event
    days = days_until(event)
    with force_locale(registration.language or "nl"):
        return mail.queue(
            key,
            registration.email,
            template,
            registration_id=registration.id,
            registration=registration,
            event=event,
            days=days,
            when=when(days),
            next_steps=next_steps(registration, days),
            cancel_url=mail.external_url("events.registered", token=registration.token),
            **extra,
        )


def send_confirmation(registration: Registration) -> None:
    """The mail after registering: a place or the waiting list, and how to cancel."""
    _queue(registration, f"confirm:{registration.id}:{_stamp(registration)}", "confirmation")
    db.session.commit()
    _deliver_for(registration)


def send_moved_up(registration: Registration) -> None:
    """The mail to someone who got a place from the waiting list."""
    _queue(registration, f"moved-up:{registration.id}:{_stamp(registration)}", "moved_up")
    db.session.commit()
    _deliver_for(registration)


def _deliver_for(registration: Registration) -> None:
    for each in mail.mails_for(registration.id):
        if each.status != "sent":
            mail.deliver(each)


# --- the personal login link ----------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="invitation")


def login_link(registration: Registration) -> str:
    """A link for one person into the event's live session (valid until the event ends)."""
    token = _serializer().dumps({"r": registration.id, "t": registration.token})
    return mail.external_url("events.invitation", token=token)


def registration_of_link(token: str, now: datetime | None = None) -> Registration:
    """The registration behind a personal login link, while the link is valid."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise NotAllowed(
            _("Deze inloglink klopt niet. Gebruik de link uit je uitnodiging.")
        ) from None
    registration = db.session.get(Registration, data.get("r")) if isinstance(data, dict) else None
    if registration is None or registration.token != data.get("t"):
        raise NotAllowed(_("Deze inloglink klopt niet. Gebruik de link uit je uitnodiging."))
    if registration.status != RegistrationStatus.REGISTERED:
        raise NotAllowed(_("Deze aanmelding is geannuleerd; de inloglink werkt niet meer."))
    if (now or utcnow()) >= registration.event.ends_at:
        raise NotAllowed(_("Deze bijeenkomst is voorbij; de inloglink is verlopen."))
    return registration


# --- invitations and reminders --------------------------------------------------------------


def invite_event(event: Event) -> int:
    """Queue the invitation for everyone with a place who has none yet; returns how many."""
    count = 0
    for registration in _registered(event):
        link = login_link(registration)
        with force_locale(registration.language or "nl"):
            lines = [_("Inloggen: %(link)s", link=link)]
            if event.online_url:
                lines.append(_("Online bijeenkomst") + ": " + event.online_url)
            calendar = event_ics(
                event,
                url=link,
                description="\n".join(lines),
                organizer=current_app.config["MAIL_DEFAULT_SENDER"],
            )
        queued = _queue(
            registration,
            f"invite:{registration.id}",
            "invitation",
            login_url=link,
            calendar=calendar,
        )
        count += queued is not None
    db.session.commit()
    return count


def invite_now(event: Event) -> tuple[int, int, int]:
    """The organiser's button: this event's invitations now (the caller checks that its live
    session exists), then everything waiting in the outbox. Returns (queued, sent, failed)."""
    queued = invite_event(event)
    sent, failed = mail.deliver_pending()
    return queued, sent, failed


def _registered(event: Event) -> list[Registration]:
    query = select(Registration).filter_by(
        event_id=event.id, status=RegistrationStatus.REGISTERED, purged_at=None
    )
    return list(db.session.scalars(query.order_by(Registration.id)))


def send_invitations(now: datetime | None = None) -> dict[str, int]:
    """For cron: invitations for events INVITE_DAYS days ahead or sooner (counted in calendar
    days, so a daily run at 07.00 sends them a week before, not six days), reminders from the
    day before (when switched on), then deliver whatever waits in the outbox. Running it twice
    sends once."""
    now = now or utcnow()
    config = current_app.config
    today = to_local(now).date()
    # Events starting before the end of the day INVITE_DAYS ahead.
    soon = local_to_utc(today + timedelta(days=int(config["INVITE_DAYS"]) + 1), time(0))
    events = db.session.scalars(
        select(Event).where(Event.starts_at < soon, Event.ends_at > now)
    ).all()
    invited = reminded = 0
    for event in events:
        invited += invite_event(event)
        if config["REMINDERS"] and days_until(event, today) <= 1:
            for registration in _registered(event):
                queued = _queue(
                    registration,
                    f"remind:{registration.id}",
                    "reminder",
                    login_url=login_link(registration),
                )
                reminded += queued is not None
            db.session.commit()
    sent, failed = mail.deliver_pending()
    return {"invited": invited, "reminded": reminded, "sent": sent, "failed": failed}


# --- privacy (AVG) ------------------------------------------------------------------------


def forget(registration: Registration) -> None:
    """Remove a registrant's personal data; sector and partnership stay as anonymous counts.

    What other packages hold about the same person goes through signals.registration_forgotten
    (brainstorm/privacy clears the participant's name), in the same transaction."""
    registration.name = ""
    registration.email = PURGED_EMAIL.format(id=registration.id)
    registration.organisation = registration.role = registration.remarks = ""
    registration.answers = {}
    registration.purged_at = utcnow()
    db.session.execute(
        delete(mail.OutboxMail).where(mail.OutboxMail.registration_id == registration.id)
    )
    signals.registration_forgotten.send(registration)
