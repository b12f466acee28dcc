"""A person's rights under the personal data law (Law 91/2025/QH15): to see what is kept about them,
to withdraw their consent, and to have their data deleted.

Deleting keeps the center's totals: the person's row stays as an anonymous one with only its gender
and village (what the totals are broken down by), and their past registrations and check-ins keep
pointing at it. Name, birth year, phone, Telegram account, languages, consent, roles and anything
still to come (seats, waitlist places, messages not yet sent) are gone, and nothing links the row to
anyone any more. Withdrawing consent stops every message and gives back future seats, but keeps the
data until the person asks to delete it or agrees again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import (
    Activity,
    ActivitySession,
    Attendance,
    Conversation,
    Delivery,
    DeliveryStatus,
    Person,
    Registration,
    RegistrationStatus,
    RoleKind,
)
from bot.services import audit, registrations
from bot.services.people import has_role
from scheduler.outbox import WAITING


class DirectorMustStay(Exception):
    """A center cannot be left without its director: they hand the center over first."""


async def export(session: AsyncSession, person: Person) -> dict[str, Any]:
    """Everything stored about the person, as plain data (the JSON file /mydata sends)."""
    rows = await session.execute(
        select(Registration, Activity)
        .join(Activity)
        .where(Registration.person_id == person.id)
        .order_by(Registration.id)
    )
    visits = await session.execute(
        select(Attendance, ActivitySession, Activity)
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(Attendance.person_id == person.id)
        .order_by(ActivitySession.starts_at)
    )
    step = await session.scalar(select(Conversation).where(Conversation.person_id == person.id))
    return {
        "person": {
            "number": person.id,
            "full_name": person.full_name,
            "gender": person.gender.value if person.gender else None,
            "birth_year": person.birth_year,
            "village": person.village.name if person.village else None,
            "phone": person.phone,
            "telegram_user_id": person.telegram_user_id,
            "language": person.language,
            "phone_app_language": person.messenger_language,
            "announcements_in_private": person.private_notices,
            "consent_given_at": _iso(person.consent_at),
            "consent_withdrawn_at": _iso(person.consent_withdrawn_at),
            "blocked_the_bot_at": _iso(person.blocked_at),
            "registered_by_person": person.registered_by_id,
            "first_seen_at": _iso(person.created_at),
        },
        "roles": [
            {"role": r.kind.value, "center": r.center_id, "village": r.village_id, "since": _iso(r.granted_at)}
            for r in person.roles
        ],
        "registrations": [
            {
                "activity": activity.title,
                "starts_at": _iso(activity.starts_at),
                "status": registration.status.value,
                "since": _iso(registration.created_at),
            }
            for registration, activity in rows
        ],
        "check_ins": [
            {"activity": activity.title, "session_starts_at": _iso(current.starts_at), "how": visit.method.value}
            for visit, current, activity in visits
        ],
        "conversation_in_progress": step.journey if step else None,
    }


async def withdraw(
    session: AsyncSession, person: Person, now: datetime, *, by: Person | None = None
) -> list[Registration]:
    """No more messages: future seats and waitlist places are given back, unsent messages dropped,
    roles ended. Returns the registrations that got a freed seat (their people are told)."""
    _may_leave(person)
    promoted = await _let_go(session, person, now, by=by)
    person.consent_withdrawn_at = now
    person.private_notices = False
    audit.record(
        session,
        action="consent.withdrawn",
        at=now,
        center_id=person.center_id,
        actor_id=(by or person).id,
        person_id=person.id,
    )
    return promoted


async def forget(
    session: AsyncSession, person: Person, now: datetime, *, by: Person | None = None
) -> list[Registration]:
    """Delete the person's personal data, keeping an anonymous row so the totals do not change."""
    _may_leave(person)
    promoted = await _let_go(session, person, now, by=by)
    if person.telegram_user_id is not None:  # what was sent to them would tie the row back to their account
        await session.execute(delete(Delivery).where(Delivery.chat_id == person.telegram_user_id))
    await session.execute(delete(Delivery).where(Delivery.person_id == person.id))
    await session.execute(
        update(Registration)
        .where(or_(Registration.person_id == person.id, Registration.registered_by_id == person.id))
        .values(registered_by_id=None)
    )
    await session.execute(update(Person).where(Person.registered_by_id == person.id).values(registered_by_id=None))
    await session.execute(update(Attendance).where(Attendance.recorded_by_id == person.id).values(recorded_by_id=None))
    for field in ("full_name", "birth_year", "phone", "telegram_user_id", "language", "messenger_language"):
        setattr(person, field, None)
    person.consent_at = person.consent_withdrawn_at = person.blocked_at = None
    person.registered_by_id = None
    person.private_notices = False
    person.forgotten_at = now
    audit.record(
        session,
        action="person.forgotten",
        at=now,
        center_id=person.center_id,
        actor_id=(by or person).id,
        person_id=person.id,
    )
    await session.flush()
    return promoted


def _may_leave(person: Person) -> None:
    if has_role(person, RoleKind.DIRECTOR):
        raise DirectorMustStay


async def _let_go(session: AsyncSession, person: Person, now: datetime, *, by: Person | None) -> list[Registration]:
    """Give back what is still to come, drop what is still to be sent and the question in progress; end the
    person's roles."""
    await session.execute(delete(Conversation).where(Conversation.person_id == person.id))
    promoted = []
    coming = await session.scalars(
        select(Registration)
        .join(Activity)
        .where(
            Registration.person_id == person.id,
            Registration.status.in_((RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)),
        )
    )
    for registration in list(coming):
        activity = await session.get(Activity, registration.activity_id)
        if activity is not None and activity.starts_at > now:  # one under way keeps its seat: totals stay
            seated = await registrations.give_up(session, registration, now)
            if seated is not None:
                promoted.append(seated)
    if person.telegram_user_id is not None:
        await session.execute(
            update(Delivery)
            .where(Delivery.chat_id == person.telegram_user_id, Delivery.status.in_(WAITING))
            .values(status=DeliveryStatus.DROPPED, last_error="consent withdrawn", next_attempt_at=now)
        )
        await session.execute(  # a check-in screen in their chat is no longer renewed
            update(ActivitySession)
            .where(ActivitySession.checkin_chat_id == person.telegram_user_id)
            .values(checkin_chat_id=None, checkin_message_id=None)
        )
    for role in list(person.roles):
        audit.record(
            session,
            action="role.revoke",
            at=now,
            center_id=role.center_id,
            actor_id=(by or person).id,
            person_id=person.id,
            role=role.kind.value,
            village_id=role.village_id,
        )
        await session.delete(role)
    person.roles = []
    await session.flush()
    return promoted


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
