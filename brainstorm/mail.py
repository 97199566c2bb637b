"""Outgoing mail: kept in an outbox table first, then sent over SMTP (or, with no SMTP server
configured, written as .eml files to instance/outbox/ so `make run` works out of the box).

A mail has a key ("invite:12"): asking for the same key again sends nothing new, so a cron job
that runs twice never mails anyone twice. A delivery that fails stays in the outbox as failed,
with the error, and is tried again by the next `deliver_pending`.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from brainstorm.extensions import db
from brainstorm.timeutil import UTCDateTime, to_local, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
# Key kind ("outcome") -> files to attach when such a mail is sent: [(data, maintype, subtype,
# filename)]. Made at sending time, so the outbox keeps no large files (registered from above).
attachers: dict[str, Callable[[OutboxMail], list[tuple[bytes, str, str, str]]]] = {}


class OutboxMail(db.Model):
    """One mail to one person, from queued to sent (or failed, with the reason)."""

    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)  # "invite:12": once per key
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    calendar: Mapped[str] = mapped_column(Text, default="")  # an .ics attachment, if any
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending / sent / failed
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def external_url(endpoint: str, **values: object) -> str:
    """A full link for a mail, also from a command (cron) where no request gives the host."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def queue(
    key: str,
    to: str,
    template: str,
    *,
    registration_id: int | None = None,
    calendar: str = "",
    **context: object,
) -> OutboxMail | None:
    """Put a mail in the outbox (subject, text and HTML from mail/<template>.*); None when a
    mail with this key was queued before. The caller commits."""
    if db.session.scalar(select(OutboxMail.id).filter_by(key=key)) is not None:
        return None
    subject = render_template(f"mail/{template}.subject.txt", **context).strip()
    mail = OutboxMail(
        key=key,
        registration_id=registration_id,
        to=to,
        subject=subject,
        text=render_template(f"mail/{template}.txt", **context),
        html=render_template(f"mail/{template}.html", subject=subject, **context),
        calendar=calendar,
    )
    db.session.add(mail)
    return mail


def message_of(mail: OutboxMail) -> EmailMessage:
    """The mail as a MIME message: plain text, HTML alternative, and the calendar file. Dated
    in Dutch time; marked as sent by a machine, so auto-replies (out of office) stay away."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(to_local(utcnow()))
    message["Message-ID"] = make_msgid(domain="brainstorm.local")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    if mail.calendar:
        message.add_attachment(
            mail.calendar.encode(),
            maintype="text",
            subtype="calendar",
            filename="bijeenkomst.ics",
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    attach = attachers.get(mail.key.split(":")[0])
    for data, maintype, subtype, filename in attach(mail) if attach else []:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def _send(message: EmailMessage) -> None:
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        outbox = Path(config["MAIL_OUTBOX"] or Path(current_app.instance_path) / "outbox")
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%d-%H%M%S}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
        (outbox / name).write_bytes(bytes(message))
        log.info("Mail written to %s", outbox / name)  # the log names no address (AVG)
        return
    port = int(config.get("MAIL_PORT") or 25)
    use_ssl = str(config.get("MAIL_USE_SSL", "")).lower() in ("1", "true", "yes")
    smtp_class = smtplib.SMTP_SSL if use_ssl else smtplib.SMTP
    with smtp_class(server, port, timeout=float(config.get("MAIL_TIMEOUT") or 10)) as smtp:
        if str(config.get("MAIL_USE_TLS", "")).lower() in ("1", "true", "yes"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)


def deliver(mail: OutboxMail) -> bool:
    """Try to send one queued mail; on failure keep it, with the reason. Commits."""
    mail.attempts += 1
    # Committed before talking to the SMTP server: no write stays open while this greenlet
    # waits on the network (see background.run_blocking), and a crash mid-send still counts.
    db.session.commit()
    try:
        _send(message_of(mail))
    except (OSError, smtplib.SMTPException) as error:
        mail.status, mail.error = "failed", str(error)[:500] or error.__class__.__name__
        # The reason stays with the mail (the organiser sees it); the log names no address.
        log.warning("Mail %s failed: %s", mail.key, error.__class__.__name__)
        db.session.commit()
        return False
    mail.status, mail.error, mail.sent_at = "sent", "", utcnow()
    db.session.commit()
    return True


def deliver_pending() -> tuple[int, int]:
    """Send every queued or failed mail (up to MAX_ATTEMPTS tries each): (sent, failed)."""
    query = select(OutboxMail).where(
        OutboxMail.status.in_(("pending", "failed")), OutboxMail.attempts < MAX_ATTEMPTS
    )
    sent = failed = 0
    for mail in db.session.scalars(query.order_by(OutboxMail.id)).all():
        if deliver(mail):
            sent += 1
        else:
            failed += 1
    return sent, failed


def mails_for(registration_id: int) -> list[OutboxMail]:
    """A registrant's mails, oldest first (for the organiser's overview)."""
    query = select(OutboxMail).filter_by(registration_id=registration_id).order_by(OutboxMail.id)
    return list(db.session.scalars(query))
