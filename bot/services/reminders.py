"""Reminder rules: when, before each session, a reminder goes out.

A rule is written the way a director would say it, and the same text is stored:
"1d@19:00" is the day before at 19:00 local time, "2h" two hours before, "30m" thirty minutes
before. A center keeps a comma-separated list (default "1d@19:00,2h"); an activity may override it.

Registrants get every reminder. A village group gets one per activity, for its first session, from the first
rule: a group hears about a talk in the evening before, not again two hours later. The director asks for more
by marking a rule with "*" ("1d@19:00,2h*": groups are reminded at both times).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_RULES = "1d@19:00,2h"
_RULE = re.compile(
    r"^(?:(?P<days>\d{1,2})d@(?P<hour>\d{1,2}):(?P<minute>\d{2})|(?P<hours>\d{1,3})h|(?P<minutes>\d{1,4})m)"
    r"(?P<groups>\*)?$"
)


class BadRule(ValueError):
    pass


def parse(rules: str) -> list[str]:
    """Check and normalise "1d@19:00, 2h" -> ["1d@19:00", "2h"]; an empty text means no reminders."""
    parsed = [part.strip().lower() for part in rules.split(",") if part.strip()]
    for rule in parsed:
        match = _RULE.match(rule)
        if match is None or (match["hour"] is not None and (int(match["hour"]) > 23 or int(match["minute"]) > 59)):
            raise BadRule(rule)
    return parsed


def due_times(rules: str, starts_at: datetime, timezone: str, *, groups: bool = False) -> list[datetime]:
    """The UTC moments the reminders of a session starting at `starts_at` are due, earliest first; with
    `groups`, only those a village group gets (the first rule, and any marked "*")."""
    zone = ZoneInfo(timezone)
    moments = set()
    for index, rule in enumerate(parse(rules)):
        match = _RULE.match(rule)
        assert match is not None
        if groups and index > 0 and not match["groups"]:
            continue
        if match["days"] is not None:
            day = starts_at.astimezone(zone).date() - timedelta(days=int(match["days"]))
            local = datetime.combine(day, time(int(match["hour"]), int(match["minute"])), tzinfo=zone)
            moments.add(local.astimezone(starts_at.tzinfo))
        elif match["hours"] is not None:
            moments.add(starts_at - timedelta(hours=int(match["hours"])))
        else:
            moments.add(starts_at - timedelta(minutes=int(match["minutes"])))
    return sorted(m for m in moments if m < starts_at)
