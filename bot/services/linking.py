"""One person, two messengers: a one-time code made on one (`/connect`) and typed on the other joins the second
account to the same person, so they are counted once and reached on the messenger they used last.

The code is eight digits, lives ten minutes and works once; a person has one at a time. Typing it shows whose
account it joins (their name, birth year and village) and asks to confirm: a code passed around in a village
group joins nobody by surprise. Guessing a live code would take tens of millions of tries, and the flood guard
lets a chat try about sixty a minute.

When the account typing the code already belongs to someone (they agreed on both messengers before linking),
the two are joined: the places and check-ins of the newer move to the older, a place or check-in both hold
stays once (the seat over the waitlist), and the newer is removed. That needs the same name on both sides, no
role on the typing side (a role is never moved by a typed code), no withdrawn consent on either, and no other
messenger's account on the typing side."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Account, Attendance, Base, LinkCode, Person, Registration, RegistrationStatus, SurveyAnswer
from bot.text import fold

LIFETIME = timedelta(minutes=10)
ONE_PER_PERSON = {"account", "conversation", "link_code"}  # the newer person's own: they go with it
DIGITS = 8


class Linked(enum.Enum):
    ASK = "ask"  # a live code: the person is shown whose account it joins, and confirms
    DONE = "done"
    UNKNOWN = "unknown"  # no such code, or it expired
    SAME = "same"  # the account already belongs to the person who made the code
    TAKEN = "taken"  # the person already has another account on this messenger
    SOMEONE_ELSE = "someone_else"  # the typing account is someone with another name, a role, or withdrawn consent


async def make(session: AsyncSession, person: Person, now: datetime) -> str:
    """A new code for `person`; their earlier one, and every expired one, stop working."""
    await session.execute(delete(LinkCode).where((LinkCode.person_id == person.id) | (LinkCode.expires_at <= now)))
    while True:
        code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
        if await session.scalar(select(LinkCode.id).where(LinkCode.code == code)) is None:
            break
    session.add(LinkCode(code=code, person_id=person.id, created_at=now, expires_at=now + LIFETIME))
    return code


async def redeem(
    session: AsyncSession,
    code: str,
    *,
    channel: str,
    external_id: str,
    current: Person | None,
    now: datetime,
    confirmed: bool,
) -> tuple[Linked, Person | None]:
    """Join the account (`channel`, `external_id`) to the person who made `code`, once `confirmed`; (what
    happened, that person). `current`: whoever the account belongs to now, withdrawn or not."""
    row = await session.scalar(select(LinkCode).where(LinkCode.code == code.strip(), LinkCode.expires_at > now))
    target = await session.get(Person, row.person_id) if row is not None else None
    if row is None or target is None or target.consent_withdrawn_at is not None or target.forgotten_at is not None:
        return Linked.UNKNOWN, None
    if current is not None and current.id == target.id:
        return Linked.SAME, target
    if any(account.channel == channel for account in target.accounts):
        return Linked.TAKEN, target
    if current is not None and not _joinable(current, target):
        return Linked.SOMEONE_ELSE, target
    if not confirmed:
        return Linked.ASK, target
    if current is not None:
        await _join(session, current, target)
    await session.delete(row)
    session.add(Account(person=target, channel=channel, external_id=external_id, created_at=now, used_at=now))
    return Linked.DONE, target


def _joinable(newer: Person, older: Person) -> bool:
    """Two people may be joined by a code when they are plainly one: the same name (or none given yet), no role
    that would move, nobody who withdrew consent, and no third account to carry along."""
    return (
        not newer.roles
        and newer.consent_withdrawn_at is None
        and len(newer.accounts) <= 1
        and (newer.full_name is None or fold(newer.full_name) == fold(older.full_name or ""))
    )


async def _join(session: AsyncSession, newer: Person, older: Person) -> None:
    """Move what `newer` holds to `older`, keeping once what both hold, then remove `newer`. Every column that
    names a person is followed (read from the tables themselves, so a table added later is not forgotten)."""
    seated = RegistrationStatus.REGISTERED
    newer_seats = select(Registration.activity_id).where(
        Registration.person_id == newer.id, Registration.status == seated
    )
    await session.execute(  # where only the newer holds the seat, the older's waiting or cancelled place gives way
        delete(Registration).where(
            Registration.person_id == older.id,
            Registration.status != seated,
            Registration.activity_id.in_(newer_seats),
        )
    )
    held = select(Registration.activity_id).where(Registration.person_id == older.id)
    await session.execute(
        delete(Registration).where(Registration.person_id == newer.id, Registration.activity_id.in_(held))
    )
    present = select(Attendance.session_id).where(Attendance.person_id == older.id)
    await session.execute(
        delete(Attendance).where(Attendance.person_id == newer.id, Attendance.session_id.in_(present))
    )
    answered = select(SurveyAnswer.survey_id).where(SurveyAnswer.person_id == older.id)
    await session.execute(  # one answer per survey: where both answered, the older's stays (issue 20)
        delete(SurveyAnswer).where(SurveyAnswer.person_id == newer.id, SurveyAnswer.survey_id.in_(answered))
    )
    person_id = Person.__table__.c.id
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not any(key.column is person_id for key in column.foreign_keys):
                continue
            if table.name in ONE_PER_PERSON:
                await session.execute(delete(table).where(column == newer.id))
            else:
                await session.execute(update(table).where(column == newer.id).values({column.name: older.id}))
    for field in ("full_name", "gender", "birth_year", "village_id", "center_id"):
        if getattr(older, field) is None and getattr(newer, field) is not None:
            setattr(older, field, getattr(newer, field))
    session.expunge(newer)
    await session.execute(delete(Person).where(Person.id == newer.id))
