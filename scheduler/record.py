"""Record: each outcome of a send moves its row to its next state (see `bot.services.outbox`): SENT with the
message's id, RETRY with backoff (or after the wait a 429 or the chat's limit asked for, which uses up no
attempt), FAILED with the reason (a chat that is gone is marked so), or back to PENDING at a group's new id."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.database import Database
from bot.messaging import ChatRef
from bot.models import Delivery, DeliveryStatus
from bot.services import groups, outbox, recipients

if TYPE_CHECKING:
    from scheduler.deliver import Job

log = logging.getLogger(__name__)


class Result:
    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        raise NotImplementedError


@dataclass
class Sent(Result):
    message_id: str | None

    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.message_id = self.message_id
        delivery.last_error = None


@dataclass
class Retry(Result):
    reason: str
    delay: timedelta | None = None
    count: bool = True

    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        if not self.count:
            delivery.attempts -= 1
        delivery.last_error = self.reason
        if delivery.attempts >= outbox.MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            return
        delivery.status = DeliveryStatus.RETRY
        delivery.next_attempt_at = now + (self.delay or outbox.backoff(delivery.attempts))


def later(seconds: float, reason: str, *, count: bool) -> Retry:
    return Retry(f"{reason} {seconds:.1f}s", timedelta(seconds=seconds), count)


@dataclass
class Failed(Result):
    reason: str
    gone: bool = False

    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = self.reason
        if self.gone:
            await recipients.gone(session, delivery.to, now)


@dataclass
class Moved(Result):
    new_chat: ChatRef

    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        await groups.migrated(session, chat=delivery.to, new_chat=self.new_chat, now=now)
        delivery.to = self.new_chat
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts -= 1
        delivery.next_attempt_at = now
        delivery.last_error = f"group moved to {self.new_chat.id}"


async def record(db: Database, by: int, clock: Callable[[], datetime], outcomes: list[tuple[Job, Result]]) -> None:
    """Record outcomes, a batch to a transaction. Only rows still in progress and ours are touched: a row
    deleted meanwhile (/forget) or taken back (we were thought dead) is left alone. If the batch fails,
    each is tried alone, and one that still fails is logged and left in progress for recover()."""
    try:
        await _record(db, by, clock, outcomes)
    except Exception:
        for outcome in outcomes:
            try:
                await _record(db, by, clock, [outcome])
            except Exception:
                log.exception("the outcome of delivery %s could not be recorded", outcome[0].delivery_id)


async def _record(db: Database, by: int, clock: Callable[[], datetime], outcomes: list[tuple[Job, Result]]) -> None:
    now = clock()
    async with db.session() as session, session.begin():
        rows = {
            row.id: row
            for row in await session.scalars(
                select(Delivery).where(
                    Delivery.id.in_([job.delivery_id for job, _ in outcomes]),
                    Delivery.status == DeliveryStatus.IN_PROGRESS,
                    Delivery.claimed_by == by,
                )
            )
        }
        for job, result in outcomes:
            row = rows.get(job.delivery_id)
            if row is not None:
                await result.apply(session, row, now)
