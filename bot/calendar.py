"""An activity as an iCalendar file, so a phone can add it to its calendar with one tap.

The format is a few lines of RFC 5545 text; writing them here (with the escaping the RFC asks for)
costs less than a dependency.
"""

from __future__ import annotations

from datetime import datetime

from bot.models import Activity


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            out.append(current)
            current = " "
        current += char
    out.append(current)
    return "\r\n".join(out)


def ics(activity: Activity, now: datetime, *, domain: str = "loalang") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Loa Lang//VI", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for number, session in enumerate(activity.sessions, 1):
        lines += [
            "BEGIN:VEVENT",
            f"UID:activity-{activity.id}-{number}@{domain}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(session.starts_at)}",
            f"DTEND:{_stamp(session.ends_at)}",
            f"SUMMARY:{_escape(activity.title)}",
        ]
        if activity.place:
            lines.append(f"LOCATION:{_escape(activity.place)}")
        if activity.partner:
            lines.append(f"DESCRIPTION:{_escape(activity.partner)}")
        lines += [
            "BEGIN:VALARM",
            "TRIGGER:-PT2H",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{_escape(activity.title)}",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
