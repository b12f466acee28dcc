"""The start-of-month reminder: at 08:00 on the first of each month, in the center's zone, the director is sent
one message listing that month's activities still planned only for the month or the day, each with the command
that sets its day and time.

No job of its own is kept, as for check-in openings (scheduler/checkin_opens.py): `Center.plan_reminded_month`
is the truth. The wake-up (scheduler/wakeup.py) asks `next_due` when the next month's reminder falls due, and
each run of the sender calls `tell`, which marks the month of each center whose reminder is owed and writes the
notice to the outbox in the same transaction. So a restart, or several processes, remind each month once. A bot
that was down at 08:00 on the first reminds when it is back, later that month; a month with nothing to set is
marked and sends nothing. The message is worded when it is sent (bot/notices.py), from what is true then.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update

from bot.database import Database
from bot.models import Center, Person, Role, RoleKind
from bot.notices import Notice, owe
from bot.services import month_plan
from bot.services.month_plan import Month, Span

HOUR = 8  # in the center's zone, on the first of the month


def due_at(month: Month, timezone: str) -> datetime:
    return datetime(month.year, month.month, 1, HOUR, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _owed(month: Month):  # type: ignore[no-untyped-def]
    return or_(Center.plan_reminded_month.is_(None), Center.plan_reminded_month < month.key)


def _by_zone():  # type: ignore[no-untyped-def]
    """Each time zone with the earliest month reminded there: a few rows, however many centers."""
    return select(Center.timezone, func.min(func.coalesce(Center.plan_reminded_month, ""))).group_by(Center.timezone)


async def next_due(db: Database, now: datetime) -> datetime | None:
    """When the next reminder not yet sent falls due (now, if one is owed): one row per time zone."""
    async with db.session() as session:
        rows = await session.execute(_by_zone())
    due: list[datetime] = []
    for timezone, reminded in rows:
        month = Month.of(now, timezone)
        if reminded < month.key:
            due.append(max(due_at(month, timezone), now))
        else:
            due.append(due_at(month.shifted(1), timezone))
    return min(due, default=None)


async def tell(db: Database, now: datetime) -> int:
    """Remind the director of each center whose month has begun and was not yet marked; returns how many
    centers were marked."""
    async with db.session() as session:  # a read first: nearly every run finds nothing, and writes nothing
        zones = [
            (timezone, Month.of(now, timezone))
            for timezone, reminded in await session.execute(_by_zone())
            if reminded < Month.of(now, timezone).key and now >= due_at(Month.of(now, timezone), timezone)
        ]
        centers = [
            (center_id, month)
            for timezone, month in zones
            for center_id in await session.scalars(
                select(Center.id).where(Center.timezone == timezone, _owed(month)).order_by(Center.id)
            )
        ]
    marked = 0
    for center_id, month in centers:
        async with db.session() as session, session.begin():
            ours = await session.scalar(  # of two processes at once, only one marks the month
                update(Center)
                .where(Center.id == center_id, _owed(month))
                .values(plan_reminded_month=month.key)
                .returning(Center.id)
                .execution_options(synchronize_session=False)
            )
            center = await session.get(Center, center_id) if ours else None
            if center is None:
                continue
            marked += 1
            found = month_plan.unset(await month_plan.lines(session, center, Span(month, month), now))
            if not found:
                continue
            directors = await session.scalars(
                select(Person)
                .join(Role, Role.person_id == Person.id)
                .where(Role.center_id == center_id, Role.kind == RoleKind.DIRECTOR)
                .order_by(Person.id)
            )
            for director in directors:
                owe(session, director, Notice.PLAN_REMINDER, center_id=center_id, now=now, month=month.key)
    return marked
