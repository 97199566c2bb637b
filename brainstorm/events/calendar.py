"""An .ics file for an event, in Europe/Amsterdam time (RFC 5545), without a dependency."""

from __future__ import annotations

from email.utils import parseaddr

from brainstorm.events.models import Event
from brainstorm.timeutil import to_local, utcnow

# The Dutch time zone as calendars expect it spelled out: summer time from the last Sunday of
# March, winter time from the last Sunday of October.
_TIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Amsterdam
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start = [], 0
    while start < len(data):
        end = min(start + (75 if not parts else 74), len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a character
            end -= 1
        parts.append(data[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def _uri(value: str) -> str:
    """A link as a property value: no line breaks (it is a URI, not escaped text)."""
    return "".join(value.split())


def _organizer(organizer: str, name: str) -> str:
    """ORGANIZER from a sender such as "Platform Samen Opleiden <noreply@…>"; the event's
    organisers, when given, are its name."""
    sender_name, address = parseaddr(organizer)
    common_name = " ".join((name or sender_name).split()).replace('"', "")
    if not address:
        return ""
    parameter = f';CN="{common_name}"' if common_name else ""
    return f"ORGANIZER{parameter}:mailto:{address}"


def event_ics(
    event: Event,
    *,
    url: str = "",
    description: str = "",
    organizer: str = "",
    alarm_minutes: int = 60,
) -> str:
    """A calendar file with the event: its address in LOCATION ("Online" when it has none but
    a meeting link), the meeting link in URL (else the given link), the description, the
    organiser, and an alarm alarm_minutes before the start."""
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    location = event.location or ("Online" if event.online_url else "")
    link = _uri(event.online_url or url)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//brainstorm//Samen Opleiden//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *_TIMEZONE.splitlines(),
        "BEGIN:VEVENT",
        f"UID:event-{event.id}@brainstorm",
        f"DTSTAMP:{utcnow():%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID=Europe/Amsterdam:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=Europe/Amsterdam:{end:%Y%m%dT%H%M%S}",
        f"SUMMARY:{_escape(event.title)}",
    ]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    if link:
        lines.append(f"URL:{link}")
    if organizer_line := _organizer(organizer, event.organisers):
        lines.append(organizer_line)
    if alarm_minutes:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(event.title)}",
            f"TRIGGER:-PT{alarm_minutes}M",
            "END:VALARM",
        ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
