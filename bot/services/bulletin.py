"""The loudspeaker bulletin: the text an announcer reads aloud on the village loudspeaker at six in the morning.

Most villagers hear of activities from the loudspeaker, not from a phone, so the bulletin is written to be spoken:
a greeting, each activity with when (the Vietnamese way: "bảy giờ ba mươi sáng thứ Ba, ngày tám tháng Mười
Hai"), where, for whom and how to take part ("báo tên với trưởng thôn" for those with no phone), then a closing.
No emoji, no links, no abbreviations, numbers written as they are read. The text building (`write`) is pure and
takes `Item`s; `gather` reads them from the database. English gets a plain version: digits, Babel's dates.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import cards
from bot.i18n import N_, Translator
from bot.models import LIVE, Activity, ActivitySession, Center, Village
from bot.text import fold, spelled_out

SENT_AT = time(17, 0)  # the automatic bulletins go out the evening before, in the center's zone
COMING_DAYS = 3  # "the coming days": today and the two after

_UNITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_MONTHS = ("Một", "Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Mười Một", "Mười Hai")
_ORDINALS = {1: "nhất", 4: "tư"}  # "thứ nhất", "thứ tư"; the others are the numbers themselves

# What plans and place names abbreviate, as an announcer says it (locales/VOICE.md: no abbreviation).
_SPOKEN = {
    "TTHTCĐ": "Trung tâm học tập cộng đồng",
    "TT HTCĐ": "Trung tâm học tập cộng đồng",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "HTX": "hợp tác xã",
    "CLB": "câu lạc bộ",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "TYT": "Trạm y tế",
    "PCCC": "phòng cháy chữa cháy",
    "ATGT": "an toàn giao thông",
    "ATTP": "an toàn thực phẩm",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "KHKT": "khoa học kỹ thuật",
    "CNTT": "công nghệ thông tin",
    "LHPN": "Liên hiệp Phụ nữ",
    "CCB": "Cựu chiến binh",
    "NCT": "người cao tuổi",
    "ĐTN": "Đoàn Thanh niên",
    "HCM": "Hồ Chí Minh",
    "VN": "Việt Nam",
}
_ABBREVIATION = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, _SPOKEN), key=len, reverse=True)) + r")(?!\w)")
_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])")
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})(?:h|g|:)(\d{2})?(?![\d\w])")
_RANGE = re.compile(r"(?<![\w/])(\d+)\s*[-–]\s*(\d+)(?![\w/])")
_NUMBER = re.compile(r"\d+(?:[.,]\d{3})*")
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_PLACE_KINDS = ("thôn", "xóm", "ấp", "bản", "làng", "buôn", "tổ", "khu", "khối", "xã", "phường", "thị trấn")


def spoken_number(n: int) -> str:
    """2025 -> "hai nghìn không trăm hai mươi lăm", 21 -> "hai mươi mốt", 105 -> "một trăm linh năm"."""
    if n < 0:
        return "âm " + spoken_number(-n)
    if n < 10:
        return _UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        head = "mười" if tens == 1 else f"{_UNITS[tens]} mươi"
        if unit == 0:
            return head
        word = "mốt" if unit == 1 and tens > 1 else "lăm" if unit == 5 else _UNITS[unit]
        return f"{head} {word}"
    for size, name in ((1_000_000_000, "tỷ"), (1_000_000, "triệu"), (1000, "nghìn"), (100, "trăm")):
        if n >= size:
            high, rest = divmod(n, size)
            head = f"{spoken_number(high)} {name}"
            if rest == 0:
                return head
            if size == 100:
                return f"{head} linh {_UNITS[rest]}" if rest < 10 else f"{head} {spoken_number(rest)}"
            if rest < 100:  # "hai nghìn không trăm linh năm"
                return f"{head} không trăm {'linh ' + _UNITS[rest] if rest < 10 else spoken_number(rest)}"
            return f"{head} {spoken_number(rest)}"
    raise AssertionError(n)


def spoken_clock(moment: datetime) -> str:
    """A local time as said: "bảy giờ ba mươi sáng", "một giờ chiều", "mười hai giờ trưa"."""
    hour, minute = moment.hour, moment.minute
    part = "đêm" if hour < 4 else "sáng" if hour < 11 else "trưa" if hour < 13 else "chiều" if hour < 18 else "tối"
    said = hour if 0 < hour <= 12 else 12 if hour == 0 else hour - 12
    minutes = "" if minute == 0 else f" {spoken_number(minute)}" + (" phút" if minute < 10 else "")
    return f"{spoken_number(said)} giờ{minutes} {part}"


def spoken_day(day: date) -> str:
    """ "thứ Ba, ngày tám tháng Mười Hai": the weekday, the day in words, the month as it is named."""
    return f"{_WEEKDAYS[day.weekday()]}, ngày {spoken_number(day.day)} tháng {_MONTHS[day.month - 1]}"


def spoken_when(moment: datetime) -> str:
    """ "bảy giờ ba mươi sáng thứ Ba, ngày tám tháng Mười Hai", from a local moment."""
    return f"{spoken_clock(moment)} {spoken_day(moment.date())}"


def spoken_text(text: str) -> str:
    """What a plan wrote, made readable aloud: abbreviations spelled out, dates, clock times, ranges and numbers
    in words, links and emoji dropped ("Lớp tin học 12 buổi, Hội trường UBND" -> "… mười hai buổi, … Ủy ban nhân
    dân")."""
    text = _LINK.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("So", "Cs", "Co") and ch != "\ufe0f")
    text = _ABBREVIATION.sub(lambda m: _SPOKEN[m.group(1)], text)

    def _date(m: re.Match[str]) -> str:
        day, month = int(m.group(1)), int(m.group(2))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return m.group(0)
        year = f" năm {spoken_number(int(m.group(3)))}" if m.group(3) else ""
        return f"ngày {spoken_number(day)} tháng {_MONTHS[month - 1]}{year}"

    def _clock(m: re.Match[str]) -> str:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if hour > 23 or minute > 59:
            return m.group(0)
        return f"{spoken_number(hour)} giờ" + (f" {spoken_number(minute)}" if minute else "")

    text = _DATE.sub(_date, text)
    text = _RANGE.sub(r"\1 đến \2", text)  # "2025-2026", "7-9 giờ": said "… đến …"
    text = _CLOCK.sub(_clock, text)
    text = _NUMBER.sub(lambda m: spoken_number(int(re.sub(r"[.,]", "", m.group(0)))), text)
    return " ".join(text.split()).strip(" ,;:-–")


def _plain(text: str) -> str:
    """English keeps its digits; links, emoji and abbreviations still go."""
    text = _ABBREVIATION.sub(lambda m: _SPOKEN[m.group(1)], _LINK.sub("", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("So", "Cs", "Co") and ch != "\ufe0f")
    return " ".join(text.split()).strip(" ,;:-–")


def place_name(name: str) -> str:
    """ "Thôn Đông" -> "thôn Đông", as said after "bà con nhân dân"; a name without its kind stays as it is."""
    folded = fold(name)
    for kind in _PLACE_KINDS:
        if folded.startswith(fold(kind) + " "):
            return name[: len(kind)].lower() + name[len(kind) :]
    return name


def commune_name(center: Center) -> str:
    """ "TTHTCĐ xã Thanh Bình" -> "xã Thanh Bình": the commune as the greeting names it."""
    name = spelled_out(center.commune or center.name)
    folded = fold(name)
    for kind in ("xã", "phường", "thị trấn"):
        at = folded.find(fold(kind) + " ")
        if at >= 0:
            return kind + name[at + len(kind) :]
    return name


def spoken_what(activity: Activity, t: Translator) -> str:
    """ "Lớp dưỡng sinh" as it is (not "Lớp học: Lớp dưỡng sinh", which reads oddly aloud), "Chuyên đề: Trồng
    lúa" when the title does not say its kind."""
    kind = t.gettext(cards.KIND_NAMES[activity.kind])
    if fold(activity.title).startswith(fold(kind).split()[0]):
        return activity.title
    return f"{kind}: {activity.title}"


@dataclass(frozen=True)
class Item:
    """One activity as the bulletin tells it: its sessions within the bulletin's days, in local time."""

    what: str  # the title, after its kind when the title does not begin with it (`spoken_what`)
    starts: tuple[datetime, ...]
    sessions: int  # in all, within the days or not
    place: str | None = None
    target: str | None = None
    villages: tuple[str, ...] = ()  # empty: the whole commune
    capacity: int | None = None


@dataclass(frozen=True)
class Audience:
    """Who hears it and who says it: a village ("thôn Đông") or the commune ("xã Thanh Bình"), and the
    center's name spelled out."""

    listeners: str
    center: str


def _join(parts: list[str], t: Translator) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return t.gettext(N_("{first} and {last}")).format(first=", ".join(parts[:-1]), last=parts[-1])


def _english_when(moment: datetime) -> str:
    part = "at night" if moment.hour < 4 else "in the morning" if moment.hour < 12 else "at noon"
    if moment.hour >= 13:
        part = "in the afternoon" if moment.hour < 18 else "in the evening"
    hour = moment.hour % 12 or 12
    clock = f"{hour}:{moment.minute:02d}" if moment.minute else f"{hour}"
    return f"{clock} {part}, {_english_day(moment.date())}"


def _english_day(day: date) -> str:
    return format_date(day, "EEEE d MMMM", locale="en")


def write(items: list[Item], first: date, last: date, audience: Audience, t: Translator) -> str:
    """The bulletin's whole text, ready to read aloud, for the days `first` to `last`."""
    vi = t.locale == "vi"
    say = spoken_text if vi else _plain
    day = spoken_day if vi else _english_day
    when = spoken_when if vi else _english_when
    center = say(audience.center)
    blocks = [t.gettext(N_("Dear people of {place},")).format(place=say(audience.listeners))]
    if first == last:
        intro = t.gettext(N_("{center} announces the activities of {day}.")).format(center=center, day=day(first))
    else:
        intro = t.gettext(N_("{center} announces the activities from {first} to {last}.")).format(
            center=center, first=day(first), last=day(last)
        )
    if items:
        count = spoken_number(len(items)) if vi else str(len(items))
        intro += " " + t.ngettext("There is {count} activity.", "There are {count} activities.", len(items)).format(
            count=count
        )
    else:
        intro += " " + t.gettext(N_("No activity is planned for these days."))
    blocks.append(intro)
    for number, item in enumerate(items, 1):
        ordinal = _ORDINALS.get(number, spoken_number(number)) if vi else str(number)
        lines = [t.gettext(N_("Activity number {number}: {what}.")).format(number=ordinal, what=say(item.what))]
        times = _join([when(start) for start in item.starts], t)
        lines.append(t.gettext(N_("When: {when}.")).format(when=times))
        if item.sessions > len(item.starts):
            total = spoken_number(item.sessions) if vi else str(item.sessions)
            lines.append(t.gettext(N_("It has {count} sessions in all.")).format(count=total))
        if item.place:
            lines.append(t.gettext(N_("Where: {place}.")).format(place=say(item.place)))
        whom = say(item.target) if item.target else t.gettext(N_("everyone"))
        if item.villages:
            villages = _join([say(place_name(v)) for v in item.villages], t)
            whom = t.gettext(N_("{whom} of {villages}")).format(whom=whom, villages=villages)
        lines.append(t.gettext(N_("For: {whom}.")).format(whom=whom))
        lines.append(
            t.gettext(
                N_(
                    "To take part: people with a phone please register with Loa Làng; people with no phone please "
                    "give their name to the village head."
                )
            )
        )
        if item.capacity:
            seats = spoken_number(item.capacity) if vi else str(item.capacity)
            lines.append(t.gettext(N_("Places are limited to {count} people.")).format(count=seats))
        blocks.append("\n".join(lines))
    if items:
        blocks.append(t.gettext(N_("We respectfully invite everyone to come.")))
    blocks.append(t.gettext(N_("Announced by {center}.")).format(center=center))
    return "\n\n".join(blocks)


def week_of(today: date) -> tuple[date, date]:
    """The week a bulletin asked for today tells: from today to Sunday, or on a Sunday the week that follows."""
    monday = (today + timedelta(days=1)) - timedelta(days=(today + timedelta(days=1)).weekday())
    return max(today, monday), monday + timedelta(days=6)


def coming_days(today: date) -> tuple[date, date]:
    return today, today + timedelta(days=COMING_DAYS - 1)


def week_key(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


async def gather(
    session: AsyncSession, center: Center, village: Village | None, first: date, last: date, t: Translator
) -> list[Item]:
    """The announced activities with a session from `first` to `last` (local days) that the village's people may
    attend (all of the commune's, for the commune), the earliest first."""
    zone = ZoneInfo(center.timezone)
    begin = datetime.combine(first, time(0), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(UTC)
    found = await session.scalars(
        select(Activity)
        .join(ActivitySession, ActivitySession.activity_id == Activity.id)
        .where(
            Activity.center_id == center.id,
            Activity.status.in_(LIVE),
            ActivitySession.starts_at >= begin,
            ActivitySession.starts_at < end,
        )
        .distinct()
    )
    items = []
    for activity in found:
        villages = tuple(sorted(v.name for v in activity.villages)) if not activity.all_villages else ()
        if village is not None and villages and village.name not in villages:
            continue
        starts = tuple(
            s.starts_at.replace(tzinfo=UTC).astimezone(zone)
            for s in activity.sessions
            if begin <= s.starts_at.replace(tzinfo=UTC) < end
        )
        items.append(
            Item(
                what=spoken_what(activity, t),
                starts=starts,
                sessions=len(activity.sessions),
                place=activity.place,
                target=activity.target_group,
                villages=villages if village is None else (),
                capacity=activity.capacity,
            )
        )
    return sorted(items, key=lambda item: (item.starts[0], item.what))


def audience(center: Center, village: Village | None) -> Audience:
    return Audience(place_name(village.name) if village else commune_name(center), spelled_out(center.name))


async def text(
    session: AsyncSession, center: Center, village: Village | None, first: date, last: date, t: Translator
) -> tuple[str, int]:
    """The bulletin's text for the village (None: the commune) and days, and how many activities it tells."""
    items = await gather(session, center, village, first, last, t)
    return write(items, first, last, audience(center, village), t), len(items)
