"""Registration for an event: the deadline, the places, the waiting list, cancelling.

Kept apart from the event services because it is its own use case with its own rules; the
mails that go with it (confirmation, invitation) come on top of these functions.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from brainstorm.errors import InputError, NotFound, PhaseClosed
from brainstorm.events import mails
from brainstorm.events.models import Event, Registration, RegistrationStatus
from brainstorm.extensions import db
from brainstorm.mail import OutboxMail
from brainstorm.sessions.models import Sector
from brainstorm.timeutil import to_local, utcnow

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)
TEXT_MAX = {"name": 120, "organisation": 200, "role": 200, "partnership": 120, "remarks": 2000}


@dataclass
class RegistrationData:
    """What someone filled in on the registration form."""

    name: str
    email: str
    organisation: str = ""
    role: str = ""
    sector: str = ""
    partnership: str = ""
    remarks: str = ""
    consent: bool = False
    answers: dict[int, str] = field(default_factory=dict)


class RegistrationInvalid(InputError):
    """Fields of the form that are wrong: per field name, what to fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Niet alles klopt. Kijk de gemarkeerde velden na."))
        self.errors = errors


def registration_open(event: Event, now: datetime | None = None) -> bool:
    """Before the deadline (or, without one, before the event starts)."""
    now = now or utcnow()
    return now < (event.registration_deadline or event.starts_at)


def places_taken(event: Event) -> int:
    """How many people hold a place (the waiting list not counted)."""
    query = (
        select(func.count())
        .select_from(Registration)
        .filter_by(event_id=event.id, status=RegistrationStatus.REGISTERED)
    )
    return db.session.scalar(query)


def is_full(event: Event) -> bool:
    """No places left: new registrations go on the waiting list."""
    return event.capacity is not None and places_taken(event) >= event.capacity


def _checked(event: Event, data: RegistrationData) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    clean = {name: " ".join(str(getattr(data, name) or "").split()) for name in TEXT_MAX}
    clean["remarks"] = str(data.remarks or "").strip()
    for name, limit in TEXT_MAX.items():
        if len(clean[name]) > limit:
            errors[name] = _("Hoogstens %(max)d tekens.", max=limit)
    if not clean["name"]:
        errors["name"] = _("Vul je naam in.")
    try:
        email = validate_email(data.email or "", check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors["email"] = _("Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl.")
        email = ""
    if data.sector and data.sector not in set(Sector):
        errors["sector"] = _("Kies po, vo, mbo of anders.")
    if not data.consent:
        errors["consent"] = _("Geef toestemming voor het gebruik van je gegevens.")
    answers = {}
    for question in event.questions:
        answer = " ".join(str(data.answers.get(question.id) or "").split())[:1000]
        if question.options and answer and answer not in question.options:
            errors[f"q{question.id}"] = _("Kies een van de mogelijkheden.")
        elif question.required and not answer:
            errors[f"q{question.id}"] = _("Deze vraag moet je beantwoorden.")
        elif answer:
            answers[str(question.id)] = answer
    return {**clean, "email": email, "sector": data.sector or "", "answers": answers}, errors


def register(event: Event, data: RegistrationData, now: datetime | None = None) -> Registration:
    """Sign someone up: a place while there is one, else the waiting list (and it says so)."""
    now = now or utcnow()
    if not registration_open(event, now):
        deadline = to_local(event.registration_deadline or event.starts_at)
        raise PhaseClosed(
            _("Aanmelden kon tot %(when)s.", when=deadline.strftime("%d-%m-%Y %H:%M"))
        )
    values, errors = _checked(event, data)
    if errors:
        raise RegistrationInvalid(errors)
    # One writer at a time per event, so the last place is never given twice (PostgreSQL;
    # SQLite serialises writers anyway).
    db.session.execute(select(Event.id).filter_by(id=event.id).with_for_update())
    existing = db.session.scalar(
        select(Registration).filter_by(event_id=event.id, email=values["email"])
    )
    if existing is not None and existing.status in ACTIVE:
        raise InputError(
            _("Met dit e-mailadres ben je al aangemeld. Kijk in je mail voor de bevestiging.")
        )
    registration = existing or Registration(event_id=event.id, token=secrets.token_urlsafe(16))
    for name, value in values.items():
        setattr(registration, name, value)
    registration.consent_at, registration.cancelled_at = now, None
    registration.language = get_locale().language if get_locale() else "nl"
    full = is_full(event)
    registration.status = RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED
    registration.waiting_since = now if full else None
    db.session.add(registration)
    db.session.commit()
    mails.send_confirmation(registration)
    return registration


def find_registration(token: str) -> Registration:
    """The registration behind a personal link."""
    registration = db.session.scalar(select(Registration).filter_by(token=token))
    if registration is None:
        raise NotFound(_("Deze aanmelding bestaat niet (meer)."))
    return registration


def cancel(
    registration: Registration, now: datetime | None = None, *, forget: bool = False
) -> Registration | None:
    """Cancel (with `forget` the personal data goes too); a place that comes free goes to the
    first on the waiting list (returned)."""
    had_place = registration.status == RegistrationStatus.REGISTERED
    if registration.status != RegistrationStatus.CANCELLED:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now or utcnow()
        registration.waiting_since = None
    if forget:
        mails.forget(registration)
    promoted = None
    if had_place:
        promoted = db.session.scalar(
            select(Registration)
            .filter_by(event_id=registration.event_id, status=RegistrationStatus.WAITING)
            .order_by(Registration.waiting_since, Registration.id)
            .limit(1)
        )
        if promoted is not None:
            promoted.status, promoted.waiting_since = RegistrationStatus.REGISTERED, None
    db.session.commit()
    if promoted is not None:
        mails.send_moved_up(promoted)
    return promoted


def registrants(
    event: Event, *, status: str = "", sector: str = "", partnership: str = "", search: str = ""
) -> list[Registration]:
    """The event's registrations, filtered; waiting list in its order after the others."""
    query = select(Registration).filter_by(event_id=event.id)
    if status:
        query = query.filter_by(status=status)
    if sector:
        query = query.filter_by(sector=sector)
    if partnership:
        query = query.where(func.lower(Registration.partnership) == partnership.lower())
    if search:
        like = f"%{search.lower()}%"
        query = query.where(
            func.lower(Registration.name).like(like)
            | func.lower(Registration.email).like(like)
            | func.lower(Registration.organisation).like(like)
        )
    order = (Registration.status == RegistrationStatus.WAITING, Registration.waiting_since)
    return list(db.session.scalars(query.order_by(*order, Registration.name)))


def set_attendance(registration: Registration, attended: bool) -> Registration:
    """Mark whether someone came."""
    registration.attended = bool(attended)
    db.session.commit()
    return registration


UNKNOWN = "onbekend"  # the key of the people who gave no sector or partnership


def ranked(*counts: Mapping[str, int]) -> dict[str, int]:
    """Counts (added up, when several) most first, and those who gave none (UNKNOWN) last: a
    table of who took part should lead with what is known."""
    total: Counter[str] = Counter()
    for count in counts:
        total.update(count)
    return dict(sorted(total.items(), key=lambda item: (item[0] == UNKNOWN, -item[1])))


def counts(event: Event) -> dict:
    """Registered people per sector and per partnership (counts only: used by the report)."""
    people = registrants(event, status=RegistrationStatus.REGISTERED)
    return {
        "registered": len(people),
        "waiting": len(registrants(event, status=RegistrationStatus.WAITING)),
        "attended": sum(p.attended for p in people),
        "sector": ranked(Counter(p.sector or UNKNOWN for p in people)),
        "partnership": ranked(Counter(p.partnership or UNKNOWN for p in people)),
    }


def export_rows(event: Event) -> list[list]:
    """The registrants as rows, with a column per extra question."""
    questions = list(event.questions)
    head = [
        _("Naam"), _("E-mail"), _("Organisatie"), _("Functie"), _("Sector"),
        _("Partnerschap of regio"), _("Status"), _("Aanwezig"), _("Opmerkingen"),
        *(q.label for q in questions),
    ]  # fmt: skip
    rows = [head]
    for r in registrants(event):
        rows.append(
            [
                r.name,
                r.email,
                r.organisation,
                r.role,
                r.sector,
                r.partnership,
                r.status,
                "ja" if r.attended else "",
                r.remarks,
                *(r.answers.get(str(q.id), "") for q in questions),
            ]
        )
    return rows


def mail_state(event: Event) -> dict[int, dict[str, str]]:
    """Per registration id: the status of each kind of mail ("invite": "sent" / "failed")."""
    rows = db.session.execute(
        select(OutboxMail.registration_id, OutboxMail.key, OutboxMail.status, OutboxMail.error)
        .join(Registration, Registration.id == OutboxMail.registration_id)
        .where(Registration.event_id == event.id)
        .order_by(OutboxMail.id)
    )
    state: dict[int, dict[str, str]] = {}
    for registration_id, key, status, error in rows:
        state.setdefault(registration_id, {})[key.split(":")[0]] = (
            status if not error else f"{status}: {error}"
        )
    return state
