"""The sender: claims due rows from the outbox, renders them in the reader's language, sends them
within Telegram's limits, and records each outcome in its own small transaction (see
`scheduler.outbox` for the states)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import cards, logs
from bot.database import Database
from bot.i18n import Translator, pick_locale
from bot.messaging import ChatMoved, Messenger, RateLimited, RecipientGone, Send, TransientFailure
from bot.models import (
    Activity,
    ActivityStatus,
    Center,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    GroupChat,
    Person,
    Registration,
    RegistrationStatus,
)
from bot.services import groups, people, recipients, registrations
from scheduler import checkin_codes, live_cards, outbox
from scheduler.limits import Limiter
from scheduler.liveness import Liveness
from scheduler.shared_limits import SharedLimiter

log = logging.getLogger(__name__)
LONGEST_WAIT = 1.0  # seconds a worker may wait for a slot before handing the row back


@dataclass
class Job:
    delivery_id: int
    chat_id: int
    message: Send


class Sender:
    def __init__(
        self,
        *,
        db: Database,
        messenger: Messenger,
        clock: Callable[[], datetime],
        default_locale: str,
        limiter: Limiter | SharedLimiter | None = None,
        batch: int = 50,
        concurrency: int = 8,
    ) -> None:
        self.db = db
        self.messenger = messenger
        self.clock = clock
        self.default_locale = default_locale
        self.limiter = limiter or Limiter()
        self.batch = batch
        self.concurrency = concurrency
        self.liveness = Liveness(db)
        self._lock = asyncio.Lock()
        self._stopping = False

    async def run_due(self) -> int:
        """Send everything that is due now; returns how many rows were handled. One run at a time."""
        async with self._lock:
            if self._stopping:
                return 0
            handled = await live_cards.refresh(self.db, self.messenger, self.clock())
            handled += await checkin_codes.refresh(self.db, self.messenger, self.clock())
            while not self._stopping:
                claimed, jobs = await self._claim()
                if not claimed:
                    return handled
                await self._send_all(jobs)
                handled += claimed
            return handled

    async def start(self) -> int:
        """Say we are alive, and take back what a dead process (an earlier run of this one) left half sent."""
        await self.liveness.start()
        return await self.recover()

    async def stop(self) -> None:
        """Finish the batch being sent, claim no more, and return once nothing is in flight."""
        self._stopping = True
        async with self._lock:
            pass
        await self.liveness.stop()
        await self.limiter.close()

    async def recover(self) -> int:
        async with self.db.session() as session, session.begin():
            dead = await self.liveness.dead(await outbox.claimers(session))
            return await outbox.recover(session, self.clock(), dead)

    async def _claim(self) -> tuple[int, list[Job]]:
        """Claim a batch; returns how many rows were claimed and the ones still worth sending."""
        now = self.clock()
        jobs = []
        async with self.db.session() as session, session.begin():
            claimed = await outbox.claim(session, now, self.batch, by=self.liveness.number)
            for delivery in claimed:
                message = await self._render(session, delivery, now)
                if message is not None:
                    jobs.append(Job(delivery.id, delivery.chat_id, message))
        return len(claimed), jobs

    async def _render(self, session: AsyncSession, delivery: Delivery, now: datetime) -> Send | None:
        """The message for this row as it should read now, or None when it is no longer worth sending."""
        activity = await session.get(Activity, delivery.activity_id) if delivery.activity_id else None
        reason = (
            _stale(delivery, activity, now)
            or await _superseded(session, delivery, now)
            or await _unreachable(session, delivery)
        )
        if reason is not None or activity is None:
            delivery.status = DeliveryStatus.DROPPED
            delivery.last_error = reason or "activity deleted"
            return None
        center = await session.get(Center, activity.center_id)
        assert center is not None
        in_group = delivery.chat_id < 0
        group = await groups.by_chat(session, delivery.chat_id) if in_group else None
        person = await session.get(Person, delivery.person_id) if delivery.person_id else None
        locale = pick_locale(
            person.language if person else None,
            person.messenger_language if person else None,
            center.locale,
            self.default_locale,
        )
        t = Translator(locale, center.timezone)
        text = {
            DeliveryKind.ANNOUNCE: cards.card,
            DeliveryKind.REMINDER: cards.reminder,
            DeliveryKind.UPDATE: cards.update,
            DeliveryKind.CANCEL: cards.cancellation,
        }[delivery.kind](activity, t, registered=await registrations.count(session, activity.id))
        choices = ()
        if delivery.kind is DeliveryKind.REMINDER and person is not None and await _has_seat(session, activity, person):
            text += "\n\n" + t.gettext("Are you still coming?")
            choices = cards.still_coming(activity, t)
        elif delivery.kind is not DeliveryKind.CANCEL:
            village_id = group.village_id if isinstance(group, GroupChat) else None
            choices = cards.buttons(
                activity, t, in_group=in_group, village_id=village_id, deep_link=self.messenger.deep_link
            )
        return Send(delivery.chat_id, text, choices)

    async def _send_all(self, jobs: list[Job]) -> None:
        by_chat: dict[int, list[Job]] = {}
        for job in jobs:
            by_chat.setdefault(job.chat_id, []).append(job)
        gate = asyncio.Semaphore(self.concurrency)

        async def one_chat(chat_jobs: list[Job]) -> None:
            async with gate:
                for job in chat_jobs:
                    await self._send(job)

        await asyncio.gather(*(one_chat(chat_jobs) for chat_jobs in by_chat.values()))

    async def _send(self, job: Job) -> None:
        wait = await self.limiter.book(job.chat_id)
        if wait > LONGEST_WAIT:
            await self.limiter.give_back(job.chat_id)
            await self._record(job, _later(wait, "waiting for the chat's sending limit", count=False))
            return
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            message_id = await self.messenger.send(job.message)
        except RateLimited as limited:
            await self._record(job, _later(limited.retry_after, "429: retry after", count=False))
        except ChatMoved as moved:
            await self._record(job, _Moved(moved.new_chat_id))
        except RecipientGone as gone:
            await self._record(job, _Failed(gone.reason, gone=True))
        except TransientFailure as failure:
            await self._record(job, _Retry(logs.scrub(str(failure))))
        except Exception as error:  # a bug or an unexpected answer: retry a few times, then give up
            log.exception("delivery %s failed", job.delivery_id)
            await self._record(job, _Retry(logs.scrub(f"{type(error).__name__}: {error}")))  # kept in the row
        else:
            await self._record(job, _Sent(message_id))

    async def _record(self, job: Job, result: _Result) -> None:
        now = self.clock()
        async with self.db.session() as session, session.begin():
            delivery = await session.get(Delivery, job.delivery_id)
            assert delivery is not None
            await result.apply(session, delivery, now)


class _Result:
    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        raise NotImplementedError


@dataclass
class _Sent(_Result):
    message_id: int | None

    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.telegram_message_id = self.message_id
        delivery.last_error = None


@dataclass
class _Retry(_Result):
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


def _later(seconds: float, reason: str, *, count: bool) -> _Retry:
    return _Retry(f"{reason} {seconds:.1f}s", timedelta(seconds=seconds), count)


@dataclass
class _Failed(_Result):
    reason: str
    gone: bool = False

    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = self.reason
        if self.gone:
            await recipients.gone(session, delivery.chat_id, now)


@dataclass
class _Moved(_Result):
    new_chat_id: int

    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        await groups.migrated(session, chat_id=delivery.chat_id, new_chat_id=self.new_chat_id, now=now)
        delivery.chat_id = self.new_chat_id
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts -= 1
        delivery.next_attempt_at = now
        delivery.last_error = f"group moved to {self.new_chat_id}"


async def _has_seat(session: AsyncSession, activity: Activity, person: Person) -> bool:
    status = await session.scalar(
        select(Registration.status).where(Registration.activity_id == activity.id, Registration.person_id == person.id)
    )
    return status is RegistrationStatus.REGISTERED


async def _unreachable(session: AsyncSession, delivery: Delivery) -> str | None:
    """A private message to someone who withdrew their consent, was forgotten or is no one any more."""
    if delivery.chat_id < 0:
        return None
    reader = await session.scalar(select(Person).where(Person.telegram_user_id == delivery.chat_id))
    return None if people.reachable(reader) else "the reader withdrew consent or is gone"


async def _superseded(session: AsyncSession, delivery: Delivery, now: datetime) -> str | None:
    """After downtime several reminders may be due at once: only the latest one is worth sending."""
    if delivery.kind is not DeliveryKind.REMINDER:
        return None
    later = await session.scalar(
        select(Delivery.id)
        .where(
            Delivery.activity_id == delivery.activity_id,
            Delivery.chat_id == delivery.chat_id,
            Delivery.kind == DeliveryKind.REMINDER,
            Delivery.due_at > delivery.due_at,
            Delivery.due_at <= now,
            Delivery.status.in_((*outbox.WAITING, DeliveryStatus.IN_PROGRESS, DeliveryStatus.SENT)),
        )
        .limit(1)
    )
    return "a later reminder was due too" if later is not None else None


def _stale(delivery: Delivery, activity: Activity | None, now: datetime) -> str | None:
    if activity is None:
        return None
    if activity.status is ActivityStatus.CANCELLED and delivery.kind is not DeliveryKind.CANCEL:
        return "activity cancelled"
    if delivery.kind is DeliveryKind.REMINDER:
        session_id = delivery.detail.get("session_id")
        starts = next((s.starts_at for s in activity.sessions if s.id == session_id), None)
        if starts is None or starts <= now:
            return "the session had already started when the reminder could be sent"
    return None
