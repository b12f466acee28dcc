"""The delivery outbox: every message the bot owes is a row, written in the same transaction as
the change that causes it, and moved through these states by the sender:

    PENDING ──claim──> IN_PROGRESS ──sent──> SENT
       ▲                   │
       │                   ├── 429, per-chat limit, 5xx, timeout ──> RETRY ──(next_attempt_at)──claim──> …
       │                   ├── blocked, kicked, chat gone ─────────> FAILED (reason kept; chat marked inactive)
       │                   ├── attempts used up ───────────────────> FAILED
       └──── group became a supergroup: same row, new chat id ─────┘
    PENDING/RETRY reminder whose session already started ─────────> DROPPED (reason kept)
    IN_PROGRESS of a process that died mid-send ─────────────────────> RETRY

Rows are claimed with FOR UPDATE SKIP LOCKED where the database has it (PostgreSQL), so several
processes never send the same row; SQLite serialises writers anyway. A claimed row names the process
that claimed it, and only a dead process's rows are taken back (see scheduler/liveness.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, event, func, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction

from bot.messaging import ChatRef
from bot.models import Activity, ActivitySession, Delivery, DeliveryKind, DeliveryStatus

WAITING = (DeliveryStatus.PENDING, DeliveryStatus.RETRY)
MAX_ATTEMPTS = 6
WAKE = "loalang.wake"  # in a session's info: what it wrote wants the sender (bot/dispatcher.py reads it)
# What the sender does besides rows: the group cards' counts and the staff's check-in screen (scheduler/)
WAKING_FIELDS = {Activity: ("counts_version",), ActivitySession: ("checkin_shown_minute", "checkin_chat")}


@event.listens_for(Session, "after_flush")
def _wants_the_sender(session: Session, _: UOWTransaction) -> None:
    """Queuing a row, a count the group cards show or a check-in screen wakes the sender by itself, once the
    transaction commits: no journey has to remember to."""
    if session.info.get(WAKE):
        return
    for thing in (*session.new, *session.dirty):
        if isinstance(thing, Delivery) or any(
            inspect(thing).attrs[name].history.has_changes() for name in WAKING_FIELDS.get(type(thing), ())
        ):
            session.info[WAKE] = True
            return


@dataclass(frozen=True)
class Recipient:
    chat: ChatRef
    person_id: int | None = None


def enqueue(
    session: AsyncSession,
    *,
    center_id: int,
    activity_id: int | None,
    recipients: list[Recipient],
    kind: DeliveryKind,
    due_at: datetime,
    detail: dict | None = None,
) -> None:
    for recipient in recipients:
        session.add(
            Delivery(
                center_id=center_id,
                activity_id=activity_id,
                channel=recipient.chat.channel,
                chat=recipient.chat.id,
                is_group=recipient.chat.group,
                person_id=recipient.person_id,
                kind=kind,
                due_at=due_at,
                next_attempt_at=due_at,
                status=DeliveryStatus.PENDING,
                attempts=0,
                detail=detail or {},
            )
        )


async def claim(
    session: AsyncSession, now: datetime, limit: int, *, by: int, channels: Collection[str] | None = None
) -> list[Delivery]:
    """Take up to `limit` due rows for process `by`, oldest first, and mark them in progress. One UPDATE
    does it, so that two processes cannot both take a row: on PostgreSQL the rows another process is
    claiming are skipped (SKIP LOCKED); SQLite runs the statement alone. With `channels`, only rows of those
    channels: a process leaves alone what it cannot send (a messenger it is not set up for)."""
    due = (
        select(Delivery.id)
        .where(Delivery.status.in_(WAITING), Delivery.next_attempt_at <= now, *_of(channels))
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    taken = list(
        await session.scalars(
            update(Delivery)
            .where(Delivery.id.in_(due), Delivery.status.in_(WAITING))
            .values(status=DeliveryStatus.IN_PROGRESS, claimed_at=now, claimed_by=by, attempts=Delivery.attempts + 1)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
    )
    if not taken:
        return []
    return list(
        await session.scalars(
            select(Delivery).where(Delivery.id.in_(taken)).order_by(Delivery.next_attempt_at, Delivery.id)
        )
    )


async def next_due(session: AsyncSession, channels: Collection[str] | None = None) -> datetime | None:
    return await session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(Delivery.status.in_(WAITING), *_of(channels))
    )


def _of(channels: Collection[str] | None) -> tuple[ColumnElement[bool], ...]:
    return () if channels is None else (Delivery.channel.in_(list(channels)),)


async def claimers(session: AsyncSession) -> set[int | None]:
    """The processes that have rows in progress (None: claimed before rows named their process)."""
    return set(
        await session.scalars(
            select(Delivery.claimed_by).where(Delivery.status == DeliveryStatus.IN_PROGRESS).distinct()
        )
    )


async def recover(session: AsyncSession, now: datetime, dead: set[int | None]) -> int:
    """Rows that dead processes were sending go back to RETRY (those already sent may repeat once)."""
    if not dead:
        return 0
    known = {number for number in dead if number is not None}
    whose = Delivery.claimed_by.in_(known)
    if None in dead:
        whose = or_(whose, Delivery.claimed_by.is_(None))
    result = await session.execute(
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.IN_PROGRESS, whose)
        .values(status=DeliveryStatus.RETRY, next_attempt_at=now, last_error="interrupted while sending")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def drop_waiting(
    session: AsyncSession, activity_id: int, kinds: tuple[DeliveryKind, ...], reason: str, now: datetime
) -> None:
    """Withdraw messages not yet sent (reminders of a moved activity, announcements of a cancelled one)."""
    await session.execute(
        update(Delivery)
        .where(Delivery.activity_id == activity_id, Delivery.kind.in_(kinds), Delivery.status.in_(WAITING))
        .values(status=DeliveryStatus.DROPPED, last_error=reason, next_attempt_at=now)
    )


async def withdraw_waiting(session: AsyncSession, activity_id: int, kinds: tuple[DeliveryKind, ...]) -> None:
    """Delete messages not yet sent that are about to be planned again (the reminders of a changed activity):
    a row kept as dropped would hold the place of its successor due at the same moment (one row per chat, kind
    and time), as when only the place changes."""
    await session.execute(
        delete(Delivery).where(
            Delivery.activity_id == activity_id, Delivery.kind.in_(kinds), Delivery.status.in_(WAITING)
        )
    )


async def drop_for_person(session: AsyncSession, activity_id: int, person_id: int, reason: str, now: datetime) -> None:
    """Withdraw the reminders still owed to one person (they gave their seat back)."""
    await session.execute(
        update(Delivery)
        .where(
            Delivery.activity_id == activity_id,
            Delivery.person_id == person_id,
            Delivery.kind == DeliveryKind.REMINDER,
            Delivery.status.in_(WAITING),
        )
        .values(status=DeliveryStatus.DROPPED, last_error=reason, next_attempt_at=now)
    )


async def announced_chats(session: AsyncSession, activity_id: int, *, waiting_too: bool) -> list[Recipient]:
    """Everyone an activity's announcement has reached, and with `waiting_too` those still owed it."""
    statuses = (DeliveryStatus.SENT, *WAITING) if waiting_too else (DeliveryStatus.SENT,)
    rows = await session.execute(
        select(Delivery.channel, Delivery.chat, Delivery.is_group, Delivery.person_id)
        .where(Delivery.activity_id == activity_id, Delivery.kind == DeliveryKind.ANNOUNCE)
        .where(Delivery.status.in_(statuses))
        .distinct()
    )
    return [Recipient(ChatRef(channel, chat, group), person_id) for channel, chat, group, person_id in rows]


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min, ... capped at 30 minutes."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 1800))
