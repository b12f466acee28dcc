"""The month's plan: a center's activities of a month (or a quarter, or a school year) as the director reads them,
each with its state in plain words and what to do next, and the same rows as the seed-001 table
("V. KẾ HOẠCH TỪNG THÁNG": Tháng, Nội dung hoạt động, Số người tham gia, Đối tượng học, Đơn vị phối hợp/Người
dạy, Kinh phí) for the notice board and the commune.

An activity belongs to the month its first session starts in, in the center's zone; one planned only for a
month starts at that month's first moment, so it falls in its month too. Cancelled activities are not in the
plan. A school year runs from September to August ("2025-2026": 09/2025 to 08/2026), as seed 001's table does.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator
from bot.messaging import Choice, Keyboard
from bot.models import Activity, ActivitySession, ActivityStatus, Center, DateKnown
from bot.services import registrations
from bot.text import fold

MOST_SHOWN = 20  # activities listed in one chat message; the file holds them all


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime, timezone: str) -> Month:
        local = moment.astimezone(ZoneInfo(timezone))
        return cls(local.year, local.month)

    def shifted(self, months: int) -> Month:
        year, month = divmod(self.year * 12 + self.month - 1 + months, 12)
        return Month(year, month + 1)

    def starts(self, timezone: str) -> datetime:
        """The month's first moment in the center's zone, as a UTC moment."""
        return datetime(self.year, self.month, 1, tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC"))

    @property
    def label(self) -> str:
        """ "10/2025", as the seed's table writes a month."""
        return f"{self.month:02d}/{self.year}"

    @property
    def key(self) -> str:
        """ "2025-10": `Center.plan_reminded_month` and the commands' arguments."""
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def from_key(cls, key: str) -> Month | None:
        found = re.fullmatch(r"(\d{4})-(\d{1,2})", key.strip())
        if found is None or not 1 <= int(found.group(2)) <= 12:
            return None
        return cls(int(found.group(1)), int(found.group(2)))


@dataclass(frozen=True)
class Span:
    """Months from `first` to `last`, both included: one month, a quarter or a school year."""

    first: Month
    last: Month
    kind: str = "month"  # "month", "quarter" or "year": how the heading names it

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1


_MONTH = re.compile(r"^(?:thang\s*)?(\d{1,2})(?:\s*(?:/|-|\s|nam)\s*(\d{4}))?$")
_KEY = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(?:q|quy\s*)([1-4])(?:\s*(?:/|-|\s|nam)\s*(\d{4}))?$")
_SCHOOL_YEAR = re.compile(r"^(?:nam hoc\s*)?(\d{4})\s*-\s*(\d{4})$")


def read_span(text: str, today: Month) -> Span | None:
    """What a director types after /plan: "10/2025", "tháng 10", "2025-10", "quý 4/2025", "Q4", "2025-2026".
    A month or quarter without its year is the one of this year. None when it reads as none of these."""
    plain = fold(text).replace("month", "thang").replace("quarter", "quy")
    if not plain:
        return Span(today, today)
    if (found := _KEY.match(plain)) and (month := Month.from_key(plain)) is not None:
        return Span(month, month)
    if (found := _SCHOOL_YEAR.match(plain)) is not None:
        start, end = int(found.group(1)), int(found.group(2))
        if end != start + 1:
            return None
        return Span(Month(start, 9), Month(end, 8), "year")
    if (found := _QUARTER.match(plain)) is not None:
        year = int(found.group(2) or today.year)
        first = Month(year, 3 * int(found.group(1)) - 2)
        return Span(first, first.shifted(2), "quarter")
    if (found := _MONTH.match(plain)) is not None and 1 <= int(found.group(1)) <= 12:
        month = Month(int(found.group(2) or today.year), int(found.group(1)))
        return Span(month, month)
    return None


class State(enum.StrEnum):
    """Where an activity of the plan stands, and so what the director does next."""

    NEEDS_DAY = "needs_day"  # planned for the month: the day and time are to be set (/change)
    NEEDS_TIME = "needs_time"  # planned for the day: the time is to be set (/change)
    DRAFT = "draft"  # ready to announce (/publish)
    MISSED = "missed"  # a draft whose time has passed unannounced
    ANNOUNCED = "announced"  # published, still to come
    HELD = "held"  # over, or recorded as held


@dataclass(frozen=True)
class Line:
    activity: Activity
    state: State
    registered: int

    @property
    def budget(self) -> int | None:
        """The planned money of every source, summed (đồng); None when the plan says none."""
        planned = [b.planned_vnd for b in self.activity.budgets if b.planned_vnd is not None]
        return sum(planned) if planned else None


def state_of(activity: Activity, now: datetime) -> State:
    over = activity.ends_at <= now
    if activity.status is ActivityStatus.FINISHED or (activity.status is not ActivityStatus.DRAFT and over):
        return State.HELD
    if activity.status is not ActivityStatus.DRAFT:
        return State.ANNOUNCED
    if activity.date_known is DateKnown.MONTH:
        return State.NEEDS_DAY
    if activity.date_known is DateKnown.DAY:
        return State.NEEDS_TIME
    return State.MISSED if activity.starts_at <= now else State.DRAFT


async def lines(session: AsyncSession, center: Center, span: Span, now: datetime) -> list[Line]:
    """The span's activities, not cancelled, in the order they start (planned-for-month ones first in their
    month, since they start at its first moment)."""
    first = (
        select(ActivitySession.activity_id, func.min(ActivitySession.starts_at).label("starts"))
        .group_by(ActivitySession.activity_id)
        .subquery()
    )
    found = list(
        await session.scalars(
            select(Activity)
            .join(first, first.c.activity_id == Activity.id)
            .where(
                Activity.center_id == center.id,
                Activity.status != ActivityStatus.CANCELLED,
                first.c.starts >= span.first.starts(center.timezone),
                first.c.starts < span.last.shifted(1).starts(center.timezone),
            )
            .order_by(first.c.starts, Activity.id)
        )
    )
    taken = await registrations.counts(session, [a.id for a in found])
    return [Line(a, state_of(a, now), taken.get(a.id, 0)) for a in found]


def unset(found: list[Line]) -> list[Line]:
    """The lines whose day or time is still to be set: what the start-of-month reminder lists."""
    return [line for line in found if line.state in (State.NEEDS_DAY, State.NEEDS_TIME)]


@dataclass(frozen=True)
class Row:
    """One row of the seed-001 table; `month` only on the first row of its month."""

    month: str
    content: str
    participants: int | None
    target_group: str
    partner: str
    budget: int | None


def table(found: list[Line], timezone: str) -> list[Row]:
    rows: list[Row] = []
    last: Month | None = None
    for line in found:
        month = Month.of(line.activity.starts_at, timezone)
        rows.append(
            Row(
                month=month.label if month != last else "",
                content=line.activity.title,
                participants=line.activity.expected,
                target_group=line.activity.target_group or "",
                partner=line.activity.partner or "",
                budget=line.budget,
            )
        )
        last = month
    return rows


SAYS = {
    State.NEEDS_DAY: N_("No day or time yet. To set them, send:"),
    State.NEEDS_TIME: N_("No time yet. To set it, send:"),
    State.DRAFT: N_("A draft, not announced yet. To announce it, send:"),
    State.MISSED: N_("A draft whose time has passed without being announced."),
    State.HELD: N_("Held."),
}
NEXT = {State.NEEDS_DAY: "change", State.NEEDS_TIME: "change", State.DRAFT: "publish"}


def block(line: Line, t: Translator) -> str:
    """An activity of the plan: when and title, its state in plain words, and the command that moves it on,
    alone on its line (locales/VOICE.md)."""
    activity = line.activity
    if activity.date_known is DateKnown.MONTH:
        when = t.gettext(N_("In {month}")).format(month=Month.of(activity.starts_at, t.timezone).label)
    elif activity.date_known is DateKnown.DAY:
        when = t.datetime(activity.starts_at, "dd/MM")
    else:
        when = t.datetime(activity.starts_at, "dd/MM HH:mm")
    if line.state is State.ANNOUNCED:
        says = t.ngettext(
            "Announced: {count} person registered.", "Announced: {count} people registered.", line.registered
        ).format(count=line.registered)
    else:
        says = t.gettext(SAYS[line.state])
    text = f"📌 {when} · {activity.title}\n{says}"
    if (command := NEXT.get(line.state)) is not None:
        text += f"\n/{command} {activity.id}"
    return text


async def reminder(
    session: AsyncSession, center: Center, key: str, t: Translator, now: datetime
) -> tuple[str, Keyboard] | None:
    """The start-of-month reminder as sent (scheduler/plan_reminder.py): the month's activities still without
    their day or time, worded from what is true when it goes out; None once there are none left."""
    month = Month.from_key(key)
    found = unset(await lines(session, center, Span(month, month), now)) if month else []
    if month is None or not found:
        return None
    heading = t.ngettext(
        "A new month begins. In the plan of {month}, {count} activity has no day or time yet. Please set them, "
        "so that it can be announced:",
        "A new month begins. In the plan of {month}, {count} activities have no day or time yet. Please set "
        "them, so that they can be announced:",
        len(found),
    ).format(month=month.label, count=len(found))
    text = "\n\n".join([heading, *(block(line, t) for line in found[:MOST_SHOWN])])
    return text, ((Choice(t.gettext(N_("📋 The month's plan")), f"/plan {month.label}"),),)
