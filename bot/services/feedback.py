"""What people thought of a session: after it ends, those who came are asked once whether it was useful, and may
add a word; the director reads the answers per activity and per partner.

When: an hour after the session ends, in the center's zone; a question that would fall at 20:00 or later waits for
08:00 the next morning, one before 08:00 waits for 08:00 that day (nobody is woken by it). A question whose time
passed more than `STALE` ago (the bot was down) is not asked: the session is marked and nothing is sent.

Who: the people with a check-in (an `Attendance` row) who can be written to (an account, consent kept, not blocked,
not forgotten); a row of `Feedback` per person, with the outbox row, in the transaction that marks the session.
Asking is the center's choice (`Center.ask_feedback`, the director's /feedback on|off, off by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import LIVE, Activity, ActivitySession, Attendance, Center, Feedback, Partner, Person

AFTER = timedelta(hours=1)  # after the session ends
EVENING = time(20, 0)  # from here on, the question waits for the morning
MORNING = time(8, 0)
STALE = timedelta(hours=12)  # a question this late is no longer asked
LOOKBACK = AFTER + timedelta(hours=13) + STALE  # the longest a session may have ended before it is still asked
LONGEST = timedelta(days=2)  # a session lasting longer is asked about only if it ends within a day of starting
WORD_LENGTH = 500  # Feedback.word


def due_at(ends_at: datetime, timezone: str) -> datetime:
    """When those who came to a session that ends at `ends_at` are asked: an hour later, but never at night."""
    zone = ZoneInfo(timezone)
    local = (ends_at + AFTER).astimezone(zone)
    if local.time() >= EVENING:
        local = datetime.combine(local.date() + timedelta(days=1), MORNING, tzinfo=zone)
    elif local.time() < MORNING:
        local = datetime.combine(local.date(), MORNING, tzinfo=zone)
    return local.astimezone(UTC)


def unasked(now: datetime):  # type: ignore[no-untyped-def]
    """The sessions still to be asked about: of a center that asks, announced and not called off, ended recently."""
    return (
        ActivitySession.starts_at >= now - LOOKBACK - LONGEST,  # the index on starts_at narrows the search
        ActivitySession.feedback_asked_at.is_(None),
        ActivitySession.ends_at >= now - LOOKBACK,
        ActivitySession.activity_id.in_(
            select(Activity.id)
            .join(Center, Center.id == Activity.center_id)
            .where(Activity.status.in_(LIVE), Center.ask_feedback.is_(True))
        ),
    )


async def who_came(session: AsyncSession, session_id: int) -> list[Person]:
    """Those with a check-in at the session, stand-ins aside."""
    return list(
        await session.scalars(
            select(Person)
            .join(Attendance, Attendance.person_id == Person.id)
            .where(Attendance.session_id == session_id, Person.anonymous.is_(False))
            .order_by(Person.id)
        )
    )


async def of(session: AsyncSession, session_id: int, person_id: int) -> Feedback | None:
    return await session.scalar(
        select(Feedback).where(Feedback.session_id == session_id, Feedback.person_id == person_id)
    )


@dataclass
class Thoughts:
    """The answers about one activity (or one partner's activities): asked, useful, not useful, and the words."""

    label: str
    starts_at: datetime | None = None
    partner: str | None = None
    asked: int = 0
    useful: int = 0
    not_useful: int = 0
    words: list[str] = field(default_factory=list)


def _counts():  # type: ignore[no-untyped-def]
    return (
        func.count(Feedback.id),
        func.sum(case((Feedback.useful.is_(True), 1), else_=0)),
        func.sum(case((Feedback.useful.is_(False), 1), else_=0)),
    )


def _within(span: tuple[datetime, datetime] | None):  # type: ignore[no-untyped-def]
    return () if span is None else (ActivitySession.starts_at >= span[0], ActivitySession.starts_at < span[1])


async def per_activity(
    session: AsyncSession,
    center_id: int,
    *,
    limit: int | None = 8,
    span: tuple[datetime, datetime] | None = None,
    newest_first: bool = True,
) -> list[Thoughts]:
    """The activities whose sessions were asked about (the latest `limit`, or those of a period's `span`), with their
    words (oldest first)."""
    last = func.max(ActivitySession.starts_at)
    rows = await session.execute(
        select(Activity.id, Activity.title, func.min(ActivitySession.starts_at), Activity.partner, *_counts())
        .join(ActivitySession, ActivitySession.activity_id == Activity.id)
        .join(Feedback, Feedback.session_id == ActivitySession.id)
        .where(Activity.center_id == center_id, *_within(span))
        .group_by(Activity.id, Activity.title, Activity.partner)
        .order_by(*((last.desc(), Activity.id.desc()) if newest_first else (last, Activity.id)))
        .limit(limit)
    )
    found = {
        activity_id: Thoughts(title, starts, partner, int(asked or 0), int(yes or 0), int(no or 0))
        for activity_id, title, starts, partner, asked, yes, no in rows
    }
    if found:
        words = await session.execute(
            select(ActivitySession.activity_id, Feedback.word)
            .join(Feedback, Feedback.session_id == ActivitySession.id)
            .where(ActivitySession.activity_id.in_(found), Feedback.word.is_not(None))
            .order_by(Feedback.answered_at, Feedback.id)
        )
        for activity_id, word in words:
            found[activity_id].words.append(word)
    return list(found.values())


async def per_partner(
    session: AsyncSession, center_id: int, *, span: tuple[datetime, datetime] | None = None
) -> list[Thoughts]:
    """The answers grouped by partner: the roster's organisation the activity names (`Activity.partner_id`), else
    the partner the plan wrote (`Activity.partner`, as typed); an activity with neither comes under an empty
    label, last."""
    name = func.coalesce(Partner.name, Activity.partner)
    rows = await session.execute(
        select(name, *_counts())
        .select_from(Activity)
        .outerjoin(Partner, Partner.id == Activity.partner_id)
        .join(ActivitySession, ActivitySession.activity_id == Activity.id)
        .join(Feedback, Feedback.session_id == ActivitySession.id)
        .where(Activity.center_id == center_id, *_within(span))
        .group_by(name)
    )
    found = [
        Thoughts((name or "").strip(), None, None, int(a or 0), int(y or 0), int(n or 0)) for name, a, y, n in rows
    ]
    merged: dict[str, Thoughts] = {}  # "Hội Nông dân" and "Hội Nông dân " are one partner
    for thoughts in found:
        into = merged.setdefault(thoughts.label.casefold(), Thoughts(thoughts.label))
        into.asked, into.useful = into.asked + thoughts.asked, into.useful + thoughts.useful
        into.not_useful += thoughts.not_useful
    return sorted(merged.values(), key=lambda t: (t.label == "", -t.asked, t.label))


async def for_report(
    session: AsyncSession, center_ids: tuple[int, ...], span: tuple[datetime, datetime]
) -> list[Thoughts]:
    """A center's answers in a year's report (bot/reports/layout.py): every activity of the year asked about, in
    order; none for a region's report, which sums many centers."""
    if len(center_ids) != 1:
        return []
    return await per_activity(session, center_ids[0], limit=None, span=span, newest_first=False)


def answer(asked: Feedback, useful: bool, now: datetime) -> None:
    """The person's answer; pressed again, the later answer stands."""
    asked.useful, asked.answered_at = useful, now


def note_word(asked: Feedback, word: str, now: datetime) -> None:
    """The optional word after the answer, cut to what the column holds."""
    asked.word, asked.answered_at = word.strip()[:WORD_LENGTH], now


async def mine(session: AsyncSession, person_id: int) -> list[dict[str, Any]]:
    """The person's answers, as /mydata's file shows them."""
    rows = await session.execute(
        select(Feedback, ActivitySession.starts_at, Activity.title)
        .join(ActivitySession, ActivitySession.id == Feedback.session_id)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(Feedback.person_id == person_id)
        .order_by(ActivitySession.starts_at, Feedback.id)
    )
    return [
        {
            "activity": title,
            "session_starts_at": starts.isoformat(),
            "asked_at": asked.asked_at.isoformat(),
            "useful": asked.useful,
            "word": asked.word,
            "answered_at": asked.answered_at.isoformat() if asked.answered_at else None,
        }
        for asked, starts, title in rows
    ]


async def forget_rest(session: AsyncSession, person_id: int) -> None:
    """After /forget's folding (bot/services/anonymous.py moves answers with the check-ins, without their words),
    any answer of theirs left without a check-in goes too."""
    await session.execute(delete(Feedback).where(Feedback.person_id == person_id))
