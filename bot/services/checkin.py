"""Check-in at the venue with a code that changes every minute.

The code is an HMAC of the center's secret, the session and the minute, so any process can show or
check it with nothing stored, and a code photographed yesterday is worthless. The window runs from
30 minutes before a session starts to 60 minutes after.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.database import insert_unless_there
from bot.models import (
    LIVE,
    Activity,
    ActivitySession,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    AuditEntry,
    Center,
    Gender,
    HeadCount,
    Person,
)
from bot.services import audit

HELD = (*LIVE, ActivityStatus.FINISHED)  # activities whose past sessions can be entered: not drafts, not called off

BEFORE = timedelta(minutes=30)
AFTER = timedelta(minutes=60)
GRACE_MINUTES = 1  # the code shown a moment ago still works while someone types it


class Check(enum.Enum):
    OK = "ok"
    EXPIRED = "expired"
    WRONG = "wrong"


def minute_of(now: datetime) -> int:
    return int(now.timestamp() // 60)


def code(secret: str, session_id: int, minute: int) -> str:
    digest = hmac.new(secret.encode(), f"{session_id}:{minute}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 10000:04d}"


def verify(secret: str, session_id: int, typed: str, now: datetime, since: datetime) -> Check:
    """OK for this minute's code (or the last one's); EXPIRED for an older code of this session's window;
    WRONG otherwise. Only the window is searched: with four digits, a longer look-back would match by chance."""
    current = minute_of(now)
    for age in range(max(current - minute_of(since), GRACE_MINUTES) + 1):
        if hmac.compare_digest(code(secret, session_id, current - age), typed):
            return Check.OK if age <= GRACE_MINUTES else Check.EXPIRED
    return Check.WRONG


def ticket_signature(secret: str, registration_id: int) -> str:
    """Signs a personal ticket, so a made-up or altered ticket is refused."""
    digest = hmac.new(secret.encode(), f"ticket:{registration_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:12]


def ticket_valid(secret: str, registration_id: int, signature: str) -> bool:
    return hmac.compare_digest(ticket_signature(secret, registration_id), signature)


def window_open(activity_session: ActivitySession, now: datetime) -> bool:
    if activity_session.closed_at is not None:
        return False
    return activity_session.starts_at - BEFORE <= now <= activity_session.starts_at + AFTER


_OPEN_SESSIONS = (  # built once: a storm of check-ins asks it for every code typed
    select(ActivitySession)
    .join(Activity)
    .where(
        Activity.center_id == bindparam("center_id"),
        Activity.status.in_(LIVE),
        ActivitySession.starts_at <= bindparam("latest_start"),
        ActivitySession.starts_at >= bindparam("earliest_start"),
        ActivitySession.closed_at.is_(None),
    )
)


async def open_sessions(session: AsyncSession, center_id: int, now: datetime) -> list[ActivitySession]:
    found = await session.scalars(
        _OPEN_SESSIONS, {"center_id": center_id, "latest_start": now + BEFORE, "earliest_start": now - AFTER}
    )
    return list(found)


async def secret_of(session: AsyncSession, activity_session: ActivitySession) -> str:
    activity = await session.get(Activity, activity_session.activity_id)
    assert activity is not None
    center = await session.get(Center, activity.center_id)
    assert center is not None
    return center.secret


_COUNT_VISIT = (
    update(ActivitySession)
    .where(ActivitySession.id == bindparam("session_id"))
    .values(visits=ActivitySession.visits + 1, women_visits=ActivitySession.women_visits + bindparam("women"))
)


async def record(
    session: AsyncSession,
    activity_session: ActivitySession,
    person: Person,
    now: datetime,
    method: AttendanceMethod,
    by: Person | None = None,
    *,
    afterwards: bool = False,
) -> bool:
    """Mark the person present; False when they already were (checking in twice counts once). The session's
    tally moves with the row, in the same transaction. A row typed in `afterwards` says so and is audited."""
    added = await session.scalar(  # a resident checking in twice at once still counts once
        insert_unless_there(session, Attendance, Attendance.session_id, Attendance.person_id)
        .values(
            session_id=activity_session.id,
            person_id=person.id,
            method=method,
            at=now,
            recorded_by_id=by.id if by else None,
            afterwards=afterwards,
        )
        .returning(Attendance.id)
    )
    if added is None:
        return False
    if afterwards:
        counted_in = await _name_within_total(session, activity_session, person)
        audit.record(
            session,
            action="attendance.afterwards",
            at=now,
            center_id=person.center_id,
            actor_id=by.id if by else None,
            session_id=activity_session.id,
            person_id=person.id,
            **({"counted_in": counted_in} if counted_in is not None else {}),
        )
    await session.execute(
        _COUNT_VISIT,
        {"session_id": activity_session.id, "women": 1 if person.gender is Gender.FEMALE else 0},
        execution_options={"synchronize_session": False},  # nothing here reads the tally again
    )
    return True


async def _name_within_total(session: AsyncSession, activity_session: ActivitySession, person: Person) -> int | None:
    """A name entered afterwards for a session whose attendance was typed as a total (a head count entered
    afterwards, as /new records a past activity) is one of that total, not one more: it takes one off the head
    count, and one woman off its women when the person is a woman (never below zero, never more women than
    people). Returns the head count's id; None when no such count is left (the name then adds to the figures)."""
    head_count = await session.scalar(
        select(HeadCount)
        .where(HeadCount.session_id == activity_session.id, HeadCount.afterwards.is_(True), HeadCount.total > 0)
        .order_by(HeadCount.id)
        .limit(1)
        .with_for_update()
    )
    if head_count is None:
        return None
    head_count.total -= 1
    if person.gender is Gender.FEMALE:
        head_count.women = max(head_count.women - 1, 0)
    head_count.women = min(head_count.women, head_count.total)
    return head_count.id


async def named_within_totals(session: AsyncSession, activity_session: ActivitySession) -> int:
    """How many names entered afterwards were taken out of the session's typed total (the audit says so)."""
    found = await session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "attendance.afterwards",
            AuditEntry.detail["session_id"].as_integer() == activity_session.id,
            AuditEntry.detail["counted_in"].as_integer().is_not(None),
        )
    )
    return int(found or 0)


def ended(activity_session: ActivitySession, now: datetime) -> bool:
    """Over, and its check-in window shut: what is entered for it now is entered afterwards."""
    return activity_session.ends_at <= now and not window_open(activity_session, now)


def count_heads(
    session: AsyncSession,
    activity_session: ActivitySession,
    total: int,
    women: int,
    *,
    center_id: int,
    now: datetime,
    by: Person | None,
    afterwards: bool,
) -> None:
    """Walk-ins counted without names (a total and how many women); one entered afterwards is audited."""
    session.add(
        HeadCount(
            session_id=activity_session.id,
            total=total,
            women=women,
            recorded_by_id=by.id if by else None,
            at=now,
            afterwards=afterwards,
        )
    )
    if afterwards:
        audit.record(
            session,
            action="headcount.afterwards",
            at=now,
            center_id=center_id,
            actor_id=by.id if by else None,
            session_id=activity_session.id,
            total=total,
            women=women,
        )


async def started_sessions(
    session: AsyncSession, center_id: int, now: datetime, *, since: datetime | None, offset: int = 0, limit: int = 6
) -> list[ActivitySession]:
    """The center's sessions already begun (since `since`, when given), the most recent first: what /headcount
    offers when no desk is open. One more than `limit` says there are more."""
    query = (
        select(ActivitySession)
        .join(Activity, Activity.id == ActivitySession.activity_id)
        .where(Activity.center_id == center_id, Activity.status.in_(HELD), ActivitySession.starts_at <= now)
    )
    if since is not None:
        query = query.where(ActivitySession.starts_at >= since)
    found = await session.scalars(
        query.order_by(ActivitySession.starts_at.desc(), ActivitySession.id.desc()).offset(offset).limit(limit + 1)
    )
    return list(found)


async def recount(session: AsyncSession, person_id: int) -> None:
    """Count again the sessions a person attended, after their gender was corrected."""
    attended = select(Attendance.session_id).where(Attendance.person_id == person_id)
    women = (
        select(func.count())
        .select_from(Attendance)
        .join(Person, Person.id == Attendance.person_id)
        .where(Attendance.session_id == ActivitySession.id, Person.gender == Gender.FEMALE)
        .scalar_subquery()
    )
    await session.execute(
        update(ActivitySession)
        .where(ActivitySession.id.in_(attended))
        .values(women_visits=women)
        .execution_options(synchronize_session=False)
    )
