"""Registering for an activity. The activity row is locked while seats are counted, so two people
pressing for the last seat at the same moment never both get it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Activity, Person, Registration, RegistrationStatus
from bot.services import activities
from scheduler.outbox import Recipient


class Outcome(enum.Enum):
    REGISTERED = "registered"
    ALREADY = "already"
    FULL = "full"


async def count(session: AsyncSession, activity_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.activity_id == activity_id, Registration.status == RegistrationStatus.REGISTERED)
        )
        or 0
    )


async def register(
    session: AsyncSession,
    activity: Activity,
    person: Person,
    *,
    village_id: int | None,
    now: datetime,
    by: Person | None = None,
) -> Outcome:
    await session.execute(select(Activity.id).where(Activity.id == activity.id).with_for_update())
    existing = await session.scalar(
        select(Registration).where(Registration.activity_id == activity.id, Registration.person_id == person.id)
    )
    if existing is not None and existing.status is RegistrationStatus.REGISTERED:
        return Outcome.ALREADY
    if activity.capacity is not None and await count(session, activity.id) >= activity.capacity:
        return Outcome.FULL
    if existing is None:
        existing = Registration(activity_id=activity.id, person_id=person.id, created_at=now)
        session.add(existing)
    existing.status = RegistrationStatus.REGISTERED
    existing.village_id = village_id if village_id is not None else person.village_id
    existing.registered_by_id = by.id if by else None
    existing.updated_at = now
    activity.counts_version = Activity.counts_version + 1  # counted in SQL: concurrent changes all count
    if person.telegram_user_id is not None:
        await activities.plan_reminders(session, activity, [Recipient(person.telegram_user_id, person.id)], now)
    return Outcome.REGISTERED
