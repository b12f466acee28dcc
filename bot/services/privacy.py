"""A person's rights under the personal data law (Law 91/2025/QH15): to see what is kept about them,
to withdraw their consent, and to have their data deleted.

Deleting keeps the center's totals: the person's past registrations and check-ins move to shared
anonymous stand-ins (see anonymous.py), and their own row is left empty, kept only because the audit
log names it as the one who did things. Name, gender, birth year, village, phone, Telegram account,
languages, consent, roles and anything still to come (seats, waitlist places, messages not yet sent)
are gone, and nothing links any row to anyone any more. Withdrawing consent stops every message and
gives back future seats, but keeps the data until the person asks to delete it or agrees again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot import choices
from bot.models import (
    Activity,
    ActivitySession,
    Attendance,
    AuditEntry,
    Conversation,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Partner,
    Person,
    Registration,
    RegistrationStatus,
    RoleKind,
    SharedFile,
)
from bot.services import anonymous, audit, feedback, registrations, surveys
from bot.services.outbox import WAITING
from bot.services.people import has_role


class DirectorMustStay(Exception):
    """A center cannot be left without its director: they hand the center over first."""


async def export(session: AsyncSession, person: Person) -> dict[str, Any]:
    """Everything stored about the person, as plain data (the JSON file /mydata sends): their row, roles,
    registrations and check-ins with who made them, the question in progress with its answers so far, the
    messages the bot sent or owes them, and the audit log's entries by or about them."""
    helper = aliased(Person)
    rows = await session.execute(
        select(Registration, Activity, helper.full_name)
        .select_from(Registration)
        .join(Activity, Activity.id == Registration.activity_id)
        .outerjoin(helper, helper.id == Registration.registered_by_id)
        .where(Registration.person_id == person.id)
        .order_by(Registration.id)
    )
    visits = await session.execute(
        select(Attendance, ActivitySession, Activity, helper.full_name)
        .select_from(Attendance)
        .join(ActivitySession, ActivitySession.id == Attendance.session_id)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .outerjoin(helper, helper.id == Attendance.recorded_by_id)
        .where(Attendance.person_id == person.id)
        .order_by(ActivitySession.starts_at)
    )
    step = await session.scalar(select(Conversation).where(Conversation.person_id == person.id))
    listed = await session.scalars(select(Partner).where(Partner.person_id == person.id).order_by(Partner.id))
    return {
        "person": {
            "number": person.id,
            "full_name": person.full_name,
            "gender": person.gender.value if person.gender else None,
            "birth_year": person.birth_year,
            "village": person.village.name if person.village else None,
            "phone": person.phone,
            "language": person.language,
            "phone_app_language": person.messenger_language,
            "announcements_in_private": person.private_notices,
            "consent_given_at": _iso(person.consent_at),
            "consent_withdrawn_at": _iso(person.consent_withdrawn_at),
            "blocked_the_bot_at": _iso(person.blocked_at),
            "registered_by_person": person.registered_by_id,
            "first_seen_at": _iso(person.created_at),
        },
        "messenger_accounts": [
            {"messenger": a.channel, "id": a.external_id, "since": _iso(a.created_at)} for a in person.accounts
        ],
        "roles": [
            {"role": r.kind.value, "center": r.center_id, "village": r.village_id, "since": _iso(r.granted_at)}
            for r in person.roles
        ],
        "listed_as_partner_or_speaker": [{"name": p.name, "kind": p.kind.value} for p in listed],
        "registrations": [
            {
                "activity": activity.title,
                "starts_at": _iso(activity.starts_at),
                "status": registration.status.value,
                "since": _iso(registration.created_at),
                "registered_by": by,
            }
            for registration, activity, by in rows
        ],
        "check_ins": [
            {
                "activity": activity.title,
                "session_starts_at": _iso(current.starts_at),
                "at": _iso(visit.at),
                "how": visit.method.value,
                "recorded_by": by,
            }
            for visit, current, activity, by in visits
        ],
        "question_in_progress": (
            {"journey": step.journey, "step": step.step, "answers": step.data, "since": _iso(step.updated_at)}
            if step
            else None
        ),
        "feedback": await feedback.mine(session, person.id),  # what they thought of sessions (issue 20)
        "survey_answers": await surveys.answers_of(session, person.id),
        "messages": await _messages(session, person),
        "log": await _log(session, person),
    }


def _to_them(person: Person) -> ColumnElement[bool]:
    """The deliveries owed or sent to a person: named theirs, or addressed to one of their private chats."""
    return or_(
        Delivery.person_id == person.id,
        *(and_(Delivery.channel == a.channel, Delivery.chat == a.external_id) for a in person.accounts),
    )


async def _messages(session: AsyncSession, person: Person) -> list[dict[str, Any]]:
    """What the bot sent them in private, or still owes them (reminders, notices)."""
    rows = await session.execute(
        select(Delivery, Activity.title)
        .outerjoin(Activity, Activity.id == Delivery.activity_id)
        .where(_to_them(person))
        .order_by(Delivery.due_at, Delivery.id)
    )
    return [
        {
            "kind": delivery.kind.value,
            "activity": title,
            "due_at": _iso(delivery.due_at),
            "status": delivery.status.value,
            "sent_at": _iso(delivery.sent_at),
        }
        for delivery, title in rows
    ]


async def _log(session: AsyncSession, person: Person) -> list[dict[str, Any]]:
    """The audit log's entries they made, or that were about them (a role given, their data read)."""
    entries = await session.scalars(
        select(AuditEntry)
        .where(or_(AuditEntry.actor_id == person.id, AuditEntry.detail["person_id"].as_integer() == person.id))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return [
        {"at": _iso(entry.at), "action": entry.action, "by_person": entry.actor_id, "detail": entry.detail}
        for entry in entries
    ]


async def withdraw(session: AsyncSession, person: Person, now: datetime, *, by: Person | None = None) -> None:
    """No more messages: future seats and waitlist places are given back (whoever gets one is told), unsent
    messages dropped, roles ended."""
    _may_leave(person)
    await _let_go(session, person, now, by=by)
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


async def forget(session: AsyncSession, person: Person, now: datetime, *, by: Person | None = None) -> None:
    """Delete the person's personal data; their visits move to stand-ins, so the totals do not change."""
    _may_leave(person)
    await _let_go(session, person, now, by=by)
    # what was sent to them would tie the row back to their account; a notice to another that names them goes too
    await session.execute(delete(Delivery).where(_to_them(person)))
    await session.execute(
        delete(Delivery).where(
            Delivery.kind == DeliveryKind.NOTICE, Delivery.detail["successor_id"].as_integer() == person.id
        )
    )
    await session.execute(delete(SharedFile).where(SharedFile.person_id == person.id))  # their /mydata link dies
    await session.execute(
        update(Registration)
        .where(or_(Registration.person_id == person.id, Registration.registered_by_id == person.id))
        .values(registered_by_id=None)
    )
    await session.execute(update(Person).where(Person.registered_by_id == person.id).values(registered_by_id=None))
    await session.execute(update(Attendance).where(Attendance.recorded_by_id == person.id).values(recorded_by_id=None))
    # the roster's speaker or partner stays (the activities name it); that it was this person goes
    await session.execute(update(Partner).where(Partner.person_id == person.id).values(person_id=None))
    folding = anonymous.Folding(session)
    if person.center_id is not None:
        await folding.lock(person.center_id)
    for activity in await anonymous.activities_of(session, person.id):
        await folding.fold(activity, [person.id])
    await feedback.forget_rest(session, person.id)  # their answers went with their check-ins, without the words
    await surveys.fold(session, person)  # their survey answers, to stand-ins: the survey's totals stay
    for field in (
        "full_name",
        "gender",
        "birth_year",
        "village_id",
        "phone",
        "language",
        "messenger_language",
    ):
        setattr(person, field, None)
    person.accounts.clear()  # their messenger ids go: nothing ties the row to anyone
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


def _may_leave(person: Person) -> None:
    if has_role(person, RoleKind.DIRECTOR):
        raise DirectorMustStay


async def _let_go(session: AsyncSession, person: Person, now: datetime, *, by: Person | None) -> None:
    """Give back what is still to come, drop what is still to be sent and the question in progress; end the
    person's roles."""
    await session.execute(delete(Conversation).where(Conversation.person_id == person.id))
    await choices.forget(session, [account.chat for account in person.accounts])
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
            await registrations.give_up(session, registration, now)
    await session.execute(
        update(Delivery)
        .where(_to_them(person), Delivery.status.in_(WAITING))
        .values(status=DeliveryStatus.DROPPED, last_error="consent withdrawn", next_attempt_at=now)
    )
    for account in person.accounts:
        await session.execute(  # a check-in screen in their chat is no longer renewed
            update(ActivitySession)
            .where(
                ActivitySession.checkin_channel == account.channel, ActivitySession.checkin_chat == account.external_id
            )
            .values(checkin_channel=None, checkin_chat=None, checkin_message=None)
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


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
