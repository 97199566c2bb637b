"""An .ics file for an event, in Europe/Amsterdam time (RFC 5545), without a dependency."""

from __future__ import annotations

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


def event_ics(event: Event, *, url: str = "", description: str = "") -> str:
    """A calendar file with the event, its place (or meeting link) and a link back."""
    start, end = to_local(event.starts_at), to_local(event.ends_at)
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
        f"LOCATION:{_escape(event.online_url or event.location)}",
        f"DESCRIPTION:{_escape(description)}",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
