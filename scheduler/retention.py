"""Retention: the personal rows of activities older than the center's period (24 months by default) are
detached from the people in them. Their registrations and check-ins move to shared anonymous stand-ins
that keep only gender and village (see bot/services/anonymous.py), so every total, by year, village or
gender, stays as it was. People
added by helpers (no phone) who have nothing newer are forgotten entirely, and notices about roles and
handovers as old go. Numbered choices offered more than a month ago go too (they name a chat and what it was
shown, and a number typed back after a month means nothing). Runs once a day and at start."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot import shelf
from bot.database import Database
from bot.models import (
    Activity,
    ActivitySession,
    Attendance,
    Center,
    Delivery,
    OfferedChoices,
    Person,
    Registration,
)
from bot.services import anonymous, audit, privacy

CHOICES_KEPT = timedelta(days=30)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` earlier (the last day of a shorter month)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    for day in range(moment.day, 0, -1):
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


async def run(db: Database, now: datetime) -> int:
    """Anonymize what has outlived every center's period; returns how many people were detached."""
    detached = 0
    async with db.session() as session, session.begin():
        await session.execute(delete(OfferedChoices).where(OfferedChoices.offered_at < now - CHOICES_KEPT))
        await shelf.purge(session, now)  # pictures and files handed out as links, a day after
    async with db.session() as session:
        centers = list(await session.scalars(select(Center)))
    for center in centers:
        async with db.session() as session, session.begin():
            if not await _ours(session, center.id):
                continue  # another process is at it right now
            detached += await _expire(session, center.id, months_before(now, center.retention_months), now)
    return detached


async def _expire(session: AsyncSession, center_id: int, cutoff: datetime, now: datetime) -> int:
    ended = (
        select(ActivitySession.activity_id)
        .group_by(ActivitySession.activity_id)
        .having(func.max(ActivitySession.ends_at) < cutoff)
    )
    old = list(
        await session.scalars(
            select(Activity).where(Activity.center_id == center_id, Activity.id.in_(ended)).order_by(Activity.id)
        )
    )
    detached: set[int] = set()
    folding = anonymous.Folding(session)
    for activity in old:
        sessions = select(ActivitySession.id).where(ActivitySession.activity_id == activity.id)
        people = set(
            await session.scalars(
                select(Person.id).where(
                    Person.anonymous.is_(False),
                    or_(
                        Person.id.in_(select(Attendance.person_id).where(Attendance.session_id.in_(sessions))),
                        Person.id.in_(select(Registration.person_id).where(Registration.activity_id == activity.id)),
                    ),
                )
            )
        )
        await folding.fold(activity, people)
        detached |= people
    for person_id in sorted(detached):
        person = await session.get(Person, person_id)
        assert person is not None
        if not person.accounts and person.forgotten_at is None and not await _has_rows(session, person_id):
            await privacy.forget(session, person, now)  # a record a helper made, with nothing newer
    await session.execute(  # who was reminded of what
        delete(Delivery).where(Delivery.activity_id.in_([activity.id for activity in old]))
    )
    await session.execute(  # who was told of a role or a handover (bot/notices.py) as long ago
        delete(Delivery).where(
            Delivery.center_id == center_id, Delivery.activity_id.is_(None), Delivery.due_at < cutoff
        )
    )
    if detached:
        audit.record(
            session, action="retention.expired", at=now, center_id=center_id, actor_id=None, people=len(detached)
        )
    return len(detached)


async def _ours(session: AsyncSession, center_id: int) -> bool:
    """Every process runs the daily job; on PostgreSQL one at a time takes each center (SQLite has one)."""
    if session.bind.dialect.name != "postgresql":
        return True
    lock = text("SELECT pg_try_advisory_xact_lock(:ns, :c)")
    return bool(await session.scalar(lock, {"ns": anonymous.CENTER_LOCK, "c": center_id}))


async def _has_rows(session: AsyncSession, person_id: int) -> bool:
    for table in (Attendance, Registration):
        if await session.scalar(select(table.id).where(table.person_id == person_id).limit(1)) is not None:
            return True
    return False
