"""Terugkoppeling: the outcome mailed to the people who registered (and so to the participants
who came in through their invitation), through the outbox like every mail: once per person,
retried when it fails, its state on the registrations page, in each person's language."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from brainstorm import mail
from brainstorm.accounts.models import User
from brainstorm.accounts.services import can_facilitate
from brainstorm.background import run_blocking
from brainstorm.errors import InputError, NotAllowed
from brainstorm.events.models import Event, Registration, RegistrationStatus
from brainstorm.extensions import db
from brainstorm.outcomes.models import Outcome, Visibility
from brainstorm.outcomes.services import build_outcome, outcome_of
from brainstorm.reports import cache
from brainstorm.reports.pdf import render_pdf
from brainstorm.reports.services import report_filename

KIND = "outcome"  # the outbox key's first part, as the registrations page shows it
# While one press sends to everyone, the PDFs are made once for all (event id -> files).
_prepared: dict[int, list[tuple[bytes, str, str, str]]] = {}


def outcome_link(row: Outcome) -> str:
    """The address readers get: the public page, or the secret link."""
    if row.visibility == Visibility.LINK:
        return mail.external_url("outcomes.secret", token=row.token)
    return mail.external_url("outcomes.page", event_id=row.event_id)


def recipients(event: Event) -> list[Registration]:
    """Everyone with a place who still has an address (not forgotten), once each."""
    query = select(Registration).filter_by(
        event_id=event.id, status=RegistrationStatus.REGISTERED, purged_at=None
    )
    return list(db.session.scalars(query.order_by(Registration.id)))


def send_feedback(event: Event, actor: User, *, attach_report: bool) -> tuple[int, int, int]:
    """Queue the terugkoppeling for everyone who has none yet, then send what waits in the
    outbox for them. Returns (queued, sent, failed). The page must be published first."""
    if not can_facilitate(actor, event.id):
        raise NotAllowed(_("Alleen de begeleiders van dit evenement versturen de terugkoppeling."))
    row = outcome_of(event)
    if row is None or not row.published:
        raise InputError(_("Publiceer eerst de uitkomstpagina; de mail linkt ernaartoe."))
    row.attach_report = bool(attach_report)
    outcome = build_outcome(event)
    titles = [theme.title for theme in outcome.themes][:8]
    link = outcome_link(row)
    queued = []
    for registration in recipients(event):
        with force_locale(registration.language or "nl"):
            added = mail.queue(
                f"{KIND}:{event.id}:{registration.id}",
                registration.email,
                "outcome",
                registration_id=registration.id,
                registration=registration,
                event=event,
                link=link,
                titles=titles,
                theme_count=len(outcome.themes),
                with_report=row.attach_report,
                current_lang=registration.language or "nl",  # the mail's, not the organiser's
            )
        if added is not None:
            queued.append(added)
    db.session.commit()
    people = {r.id for r in recipients(event)}
    waiting = db.session.scalars(
        select(mail.OutboxMail).where(
            mail.OutboxMail.key.like(f"{KIND}:{event.id}:%"),
            mail.OutboxMail.status != "sent",
            mail.OutboxMail.registration_id.in_(people),
        )
    ).all()
    sent = failed = 0
    if waiting:
        _prepared[event.id] = _files(event, row)
    try:
        for each in waiting:
            if mail.deliver(each):
                sent += 1
            else:
                failed += 1
    finally:
        _prepared.pop(event.id, None)
    return len(queued), sent, failed


def _attachments(item: mail.OutboxMail) -> list[tuple[bytes, str, str, str]]:
    """The PDF report of each of the event's sessions with themes, when the organiser chose it."""
    event_id = int(item.key.split(":")[1])
    if event_id in _prepared:
        return _prepared[event_id]
    event = db.session.get(Event, event_id)
    return _files(event, outcome_of(event)) if event else []


def _files(event: Event, row: Outcome | None) -> list[tuple[bytes, str, str, str]]:
    if row is None or not row.attach_report:
        return []
    files = []
    for part in build_outcome(event).sessions:
        report = part.report
        data = cache.rendered(report, "pdf", lambda r=report: run_blocking(render_pdf, r))
        files.append((data, "application", "pdf", report_filename(report, "pdf")))
    return files


mail.attachers[KIND] = _attachments
