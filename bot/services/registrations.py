"""Registering for an activity, the waitlist, and giving a seat back.

The activity row is locked while seats are counted, so two people pressing for the last seat at the
same moment never both get it. When the activity is full the person goes on the waitlist, first come
first served; a freed seat goes at once to the first person waiting, who is told and can decline.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import notices
from bot.models import Activity, ActivitySession, Attendance, Person, Registration, RegistrationStatus, Standing
from bot.services import activities, helped, outbox
from bot.services.outbox import Recipient
from bot.services.people import chat_of, reachable


class Outcome(enum.Enum):
    REGISTERED = "registered"
    ALREADY = "already"
    WAITLISTED = "waitlisted"
    ALREADY_WAITING = "already_waiting"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    registration: Registration
    position: int = 0  # on the waitlist, counting from 1


async def count(
    session: AsyncSession, activity_id: int, status: RegistrationStatus = RegistrationStatus.REGISTERED
) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.activity_id == activity_id, Registration.status == status)
        )
        or 0
    )


async def has_seat(session: AsyncSession, activity_id: int | None, person_id: int | None) -> bool:
    """Whether the person holds a seat (not a waitlist place, not one given back) at the activity."""
    status = await session.scalar(
        select(Registration.status).where(Registration.activity_id == activity_id, Registration.person_id == person_id)
    )
    return status is RegistrationStatus.REGISTERED


async def _lock(session: AsyncSession, activity: Activity) -> None:
    await session.execute(select(Activity.id).where(Activity.id == activity.id).with_for_update())


async def register(
    session: AsyncSession,
    activity: Activity,
    person: Person,
    *,
    village_id: int | None,
    now: datetime,
    by: Person | None = None,
) -> Result:
    await _lock(session, activity)
    existing = await session.scalar(
        select(Registration).where(Registration.activity_id == activity.id, Registration.person_id == person.id)
    )
    if existing is not None and existing.status is RegistrationStatus.REGISTERED:
        return Result(Outcome.ALREADY, existing)
    if existing is not None and existing.status is RegistrationStatus.WAITLISTED:
        return Result(Outcome.ALREADY_WAITING, existing, await _position(session, existing))
    full = activity.capacity is not None and await count(session, activity.id) >= activity.capacity
    if existing is None:
        existing = Registration(
            activity_id=activity.id, person_id=person.id, created_at=now, status=RegistrationStatus.CANCELLED
        )
        session.add(existing)
    existing.village_id = village_id if village_id is not None else person.village_id
    existing.via_village_id = village_id
    existing.registered_by_id = by.id if by else None
    existing.updated_at = now
    if full:
        existing.status = RegistrationStatus.WAITLISTED
        existing.queued_at = now
        await session.flush()
        return Result(Outcome.WAITLISTED, existing, await _position(session, existing))
    await _seat(session, activity, existing, person, now)
    return Result(Outcome.REGISTERED, existing)


async def give_up(session: AsyncSession, registration: Registration, now: datetime) -> Registration | None:
    """Cancel a seat or leave the waitlist. Returns whoever got the freed seat, if anyone."""
    activity = await session.get(Activity, registration.activity_id)
    assert activity is not None
    await _lock(session, activity)
    await session.refresh(registration, with_for_update=True)  # a double tap must not hand the seat on twice
    if registration.status is RegistrationStatus.CANCELLED:
        return None
    had_seat = registration.status is RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.updated_at = now
    activity.counts_version = Activity.counts_version + 1
    await outbox.drop_for_person(session, activity.id, registration.person_id, "the seat was given back", now)
    await session.flush()
    if not had_seat or activity.starts_at <= now:  # no "a seat is free" for something already under way
        return None
    first = await session.scalar(
        select(Registration)
        .where(Registration.activity_id == activity.id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.queued_at, Registration.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if first is None:
        return None
    person = await session.get(Person, first.person_id)
    assert person is not None
    await _seat(session, activity, first, person, now)
    notices.owe(
        session, person, notices.Notice.SEAT_FREED, center_id=activity.center_id, now=now, activity_id=activity.id
    )
    return first


async def _seat(
    session: AsyncSession, activity: Activity, registration: Registration, person: Person, now: datetime
) -> None:
    registration.status = RegistrationStatus.REGISTERED
    registration.queued_at = None
    registration.updated_at = now
    activity.counts_version = Activity.counts_version + 1  # counted in SQL: concurrent changes all count
    await session.flush()
    chat = chat_of(person)
    if reachable(person) and chat is not None:
        await activities.plan_reminders(session, activity, [Recipient(chat, person.id)], now)
    elif chat is None and registration.registered_by_id is not None:  # no phone: the helper is reminded
        await helped.plan(session, activity, now)


async def _position(session: AsyncSession, registration: Registration) -> int:
    ahead = await session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.activity_id == registration.activity_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            (Registration.queued_at < registration.queued_at)
            | ((Registration.queued_at == registration.queued_at) & (Registration.id < registration.id)),
        )
    )
    return int(ahead or 0) + 1


async def of_person(session: AsyncSession, person_id: int) -> list[Registration]:
    rows = await session.scalars(
        select(Registration).where(
            Registration.person_id == person_id,
            Registration.status.in_((RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)),
        )
    )
    return list(rows)


async def counts(session: AsyncSession, activity_ids: list[int]) -> dict[int, int]:
    """Seats taken per activity, in one query: every card of a list shows the same count as the group's card."""
    if not activity_ids:
        return {}
    rows = await session.execute(
        select(Registration.activity_id, func.count())
        .where(Registration.activity_id.in_(activity_ids), Registration.status == RegistrationStatus.REGISTERED)
        .group_by(Registration.activity_id)
    )
    return {activity_id: int(n) for activity_id, n in rows}


async def standings(session: AsyncSession, person_id: int, activity_ids: list[int]) -> dict[int, Standing]:
    """What this person has done about each activity: checked in (at any of its sessions) beats registered."""
    if not activity_ids:
        return {}
    found: dict[int, Standing] = {}
    rows = await session.execute(
        select(Registration.activity_id, Registration.status).where(
            Registration.person_id == person_id,
            Registration.activity_id.in_(activity_ids),
            Registration.status.in_((RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)),
        )
    )
    for activity_id, status in rows:
        found[activity_id] = Standing.REGISTERED if status is RegistrationStatus.REGISTERED else Standing.WAITLISTED
    checked_in = await session.scalars(
        select(ActivitySession.activity_id)
        .join(Attendance, Attendance.session_id == ActivitySession.id)
        .where(Attendance.person_id == person_id, ActivitySession.activity_id.in_(activity_ids))
    )
    for activity_id in checked_in:
        found[activity_id] = Standing.CHECKED_IN
    return found
