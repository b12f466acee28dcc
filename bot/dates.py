"""Reading a date and time the way people in the commune type them.

    "6/10 13h30", "13:30 06/10/2025", "thứ 2 tuần sau 14h", "mai 7h sáng", "next monday 2pm"

Nothing is guessed: a date without a time, a day of the month that does not exist, a moment in the
past, or a date without a year that has already gone by this year, each comes back as a question.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.text import fold


class Doubt(enum.Enum):
    UNREADABLE = "unreadable"
    NO_TIME = "no_time"
    NO_DATE = "no_date"
    PAST = "past"
    NO_SUCH_DAY = "no_such_day"
    WHICH_YEAR = "which_year"


@dataclass(frozen=True)
class Reading:
    """Either a moment (aware, in the center's zone) or the doubt to ask about."""

    moment: datetime | None = None
    doubt: Doubt | None = None


WEEKDAYS = {
    "thu 2": 0, "thu hai": 0, "t2": 0, "monday": 0, "mon": 0,
    "thu 3": 1, "thu ba": 1, "t3": 1, "tuesday": 1, "tue": 1,
    "thu 4": 2, "thu tu": 2, "t4": 2, "wednesday": 2, "wed": 2,
    "thu 5": 3, "thu nam": 3, "t5": 3, "thursday": 3, "thu": 3,
    "thu 6": 4, "thu sau": 4, "t6": 4, "friday": 4, "fri": 4,
    "thu 7": 5, "thu bay": 5, "t7": 5, "saturday": 5, "sat": 5,
    "chu nhat": 6, "cn": 6, "sunday": 6, "sun": 6,
}  # fmt: skip
RELATIVE = {
    "hom qua": -1,
    "yesterday": -1,
    "hom nay": 0,
    "today": 0,
    "ngay mai": 1,
    "mai": 1,
    "tomorrow": 1,
    "ngay kia": 2,
    "mot": 2,
}
NEXT_WEEK = ("tuan sau", "tuan toi", "next week", "next")
AFTERNOON = ("chieu", "toi", "pm", "dem")
MORNING = ("sang", "am")
NOON = "trua"  # "12h trưa" is noon, "1h trưa" is 13:00

_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?(?!\d)")
_TIME = re.compile(
    r"(?<![\d/.-])(\d{1,2})\s*(?:h|:|gio|g)(?![a-z])\s*(\d{2})?(?:\s*(?:phut|p))?(?![\d/])"
    r"|(?<![\d/.-])(\d{1,2})\s*(am|pm)\b"
)


def read(text: str, now: datetime, timezone: str) -> Reading:
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    plain = fold(text).replace(",", " ")
    clock, plain = _time_of(plain)
    day, doubt = _date_of(plain, today)
    if doubt is not None:
        return Reading(doubt=doubt)
    if day is None:
        return Reading(doubt=Doubt.NO_DATE if clock is not None else Doubt.UNREADABLE)
    if clock is None:
        return Reading(doubt=Doubt.NO_TIME)
    moment = datetime.combine(day, clock, tzinfo=zone)
    if moment <= now:
        return Reading(moment=moment, doubt=Doubt.PAST)
    return Reading(moment=moment)


def has_time(text: str) -> bool:
    """Whether the text holds a time of day ("13h30", "2pm"), so that "6/10 - 13h30" is not read as a range."""
    return _time_of(fold(text))[0] is not None


def example(now: datetime, timezone: str) -> datetime:
    """A moment to show as an example answer, always ahead: next Saturday at 8:00 in the center (a week on when
    today is Saturday), so that the director never reads a date that has passed."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    ahead = (5 - today.weekday()) % 7 or 7
    return datetime.combine(today + timedelta(days=ahead), time(8, 0), tzinfo=zone)


def with_year(text: str, year: int) -> str:
    """What was typed with the year written after its day and month ("28/11 8h", 2026 -> "28/11/2026 8h"):
    the example to give back when a date without a year has already passed this year."""
    match = _DATE.search(text)
    if match is None or match.group(3) is not None:
        return text
    separator = text[match.end(1)]  # as the day and month were separated: "28/11", "28.11", "28-11"
    return f"{text[: match.end()]}{separator}{year}{text[match.end() :]}"


def _time_of(plain: str) -> tuple[time | None, str]:
    match = _TIME.search(plain)
    if match is None:
        return None, plain
    if match.group(3) is not None:
        hour, minute, half = int(match.group(3)), 0, match.group(4)
    else:
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), None
    rest = plain[: match.start()] + " " + plain[match.end() :]
    words = rest
    for phrase in NEXT_WEEK:  # "tuần tới" (next week) is not "tối" (evening)
        words = words.replace(phrase, " ")
    words_list = words.split()
    if half == "pm" or (hour < 12 and any(w in AFTERNOON for w in words_list)) or (NOON in words_list and hour <= 2):
        hour += 12
    elif (half == "am" or any(w in MORNING for w in words_list)) and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None, rest
    return time(hour, minute), rest


def _date_of(plain: str, today: date) -> tuple[date | None, Doubt | None]:
    match = _DATE.search(plain)
    if match is not None:
        day, month, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
        year = today.year if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
        try:
            found = date(year, month, day)
        except ValueError:
            return None, Doubt.NO_SUCH_DAY
        if year_text is None and found < today:
            return None, Doubt.WHICH_YEAR
        return found, None
    for words, offset in RELATIVE.items():
        if re.search(rf"(^|\s){words}($|\s)", plain):
            return today + timedelta(days=offset), None
    for words, weekday in sorted(WEEKDAYS.items(), key=lambda item: -len(item[0])):
        if re.search(rf"(^|\s){words}($|\s)", plain):
            ahead = (weekday - today.weekday()) % 7
            if any(marker in plain for marker in NEXT_WEEK):
                monday_next = today + timedelta(days=7 - today.weekday())
                return monday_next + timedelta(days=weekday), None
            return today + timedelta(days=ahead), None
    return None, None
