"""The sender: claims due rows from the outbox, renders them in the reader's language, sends them through
the channel of their chat within that channel's limits, and records each outcome in its own small
transaction (see `bot.services.outbox` for the states)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import cards, choices, logs, notices
from bot.database import Database
from bot.i18n import Translator, pick_locale
from bot.messaging import ChatMoved, ChatRef, Messenger, RateLimited, RecipientGone, Send, TransientFailure
from bot.models import (
    Account,
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
from bot.services import groups, outbox, people, recipients, registrations
from scheduler import checkin_codes, live_cards
from scheduler.limits import Limiter
from scheduler.liveness import Liveness

if TYPE_CHECKING:
    from scheduler.shared_limits import SharedLimiter

log = logging.getLogger(__name__)
LONGEST_WAIT = 1.5  # seconds a worker may wait for a slot before handing the row back: over one overall window


@dataclass
class Job:
    delivery_id: int
    chat: ChatRef
    message: Send


class Sender:
    def __init__(
        self,
        *,
        db: Database,
        channels: dict[str, Messenger],
        clock: Callable[[], datetime],
        default_locale: str,
        limiters: dict[str, Limiter | SharedLimiter] | None = None,
        batch: int = 50,
        concurrency: int = 8,
    ) -> None:
        """`channels` and `limiters` by channel name: each row goes out through its chat's channel, under that
        channel's own sending rules."""
        self.db = db
        self.channels = channels
        self.clock = clock
        self.default_locale = default_locale
        self.limiters = limiters or {name: Limiter() for name in channels}
        self.batch = batch
        self.concurrency = concurrency
        self.liveness = Liveness(db, clock)
        self._lock = asyncio.Lock()
        self._stopping = False

    async def run_due(self) -> int:
        """Send everything that is due now; returns how many rows were handled. One run at a time.

        A pipeline: workers send while the next batch is claimed (once fewer than half a batch wait), and
        outcomes are recorded a few dozen to a transaction, not one each, so neither a slow send nor the
        database's commits hold the others back. A crash between a send and its record sends it again
        after the restart: the same "in flight" as before, bounded by a batch."""
        async with self._lock:
            if self._stopping:
                return 0
            handled = await live_cards.refresh(self.db, self.channels, self.clock())
            handled += await checkin_codes.refresh(self.db, self.channels, self.clock())
            run = _Run(self)
            workers = [asyncio.create_task(run.work()) for _ in range(self.concurrency)]
            try:
                while not self._stopping:
                    try:
                        claimed, jobs = await self._claim()
                    except Exception:  # the database is away: send what is claimed, then stop this run
                        log.exception("could not claim deliveries; the next wake-up tries again")
                        break
                    if claimed:
                        handled += claimed
                        await run.queue_up(jobs)
                        continue
                    await run.queue.join()
                    await run.flush()
                    if not run.due_again:  # a group moved: its message is due at the new id at once
                        break
                    run.due_again = False
                await run.queue.join()
            finally:
                for worker in workers:
                    worker.cancel()
                for ended in await asyncio.gather(*workers, return_exceptions=True):
                    if isinstance(ended, Exception):
                        log.error("a sending worker failed", exc_info=ended)
                await run.flush()
            return handled

    @property
    def busy(self) -> bool:
        return self._lock.locked()

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
        for limiter in self.limiters.values():
            await limiter.close()

    async def recover(self) -> int:
        """Rows of dead processes go back to RETRY; so do our own when no run of ours is sending (a run
        that failed half way, say on a lost database connection, left them behind)."""
        if self._stopping:
            return 0
        if self.busy:
            return await self._recover(mine=False)
        async with self._lock:
            return await self._recover(mine=True)

    async def _recover(self, *, mine: bool) -> int:
        async with self.db.session() as session, session.begin():
            claimers = await outbox.claimers(session)
            dead = await self.liveness.dead(claimers)
            if mine and self.liveness.number in claimers:
                dead.add(self.liveness.number)
            return await outbox.recover(session, self.clock(), dead)

    async def _claim(self) -> tuple[int, list[Job]]:
        """Claim a batch; returns how many rows were claimed and the ones still worth sending."""
        now = self.clock()
        jobs = []
        async with self.db.session() as session, session.begin():
            claimed = await outbox.claim(session, now, self.batch, by=self.liveness.number)
            for delivery in claimed:
                message = await self._render(session, delivery, now)
                if message is None:
                    continue
                if not self.channels[delivery.channel].capabilities.buttons:  # numbered, saved before it is sent
                    message, commands = choices.number(message)
                    await choices.offer(session, delivery.to, commands, now)
                jobs.append(Job(delivery.id, delivery.to, message))
        return len(claimed), jobs

    async def _render(self, session: AsyncSession, delivery: Delivery, now: datetime) -> Send | None:
        """The message for this row as it should read now, or None when it is no longer worth sending."""
        activity = await session.get(Activity, delivery.activity_id) if delivery.activity_id else None
        reason = (
            _stale(delivery, activity, now)
            or await _superseded(session, delivery, now)
            or await _unreachable(session, delivery)
        )
        if reason is None and activity is None and delivery.kind is not DeliveryKind.NOTICE:
            reason = "activity deleted"
        if reason is not None:
            return _drop(delivery, reason)
        center = await session.get(Center, delivery.center_id)
        assert center is not None
        in_group = delivery.is_group
        person = await session.get(Person, delivery.person_id) if delivery.person_id else None
        locale = pick_locale(
            person.language if person else None,
            person.messenger_language if person else None,
            center.locale,
            self.default_locale,
        )
        t = Translator(locale, center.timezone)
        if delivery.kind is DeliveryKind.NOTICE:
            said = await notices.render(session, delivery, t)
            return _drop(delivery, "no longer true") if said is None else Send(delivery.to, *said)
        assert activity is not None
        group = await groups.by_chat(session, delivery.to) if in_group else None
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
                activity,
                t,
                in_group=in_group,
                village_id=village_id,
                deep_link=self.channels[delivery.channel].deep_link,
            )
        return Send(delivery.to, text, choices)

    async def send(self, job: Job) -> _Result:
        """Send one message within the limits; the outcome, to be recorded. Never raises."""
        try:
            limiter = self.limiters[job.chat.channel]
            wait = await limiter.book(job.chat, longest=LONGEST_WAIT)
            if wait > LONGEST_WAIT:  # nothing was booked: the row waits in the outbox, not in a worker
                return _later(wait, "waiting for the chat's sending limit", count=False)
            if wait > 0:
                await asyncio.sleep(wait)
            message_id = await self.channels[job.chat.channel].send(job.message)
        except RateLimited as limited:
            return _later(limited.retry_after, "429: retry after", count=False)
        except ChatMoved as moved:
            return _Moved(moved.new_chat)
        except RecipientGone as gone:
            return _Failed(gone.reason, gone=True)
        except TransientFailure as failure:
            return _Retry(logs.scrub(str(failure)))
        except Exception as error:  # a bug or an unexpected answer: retry a few times, then give up
            log.exception("delivery %s failed", job.delivery_id)
            return _Retry(logs.scrub(f"{type(error).__name__}: {error}"))  # kept in the row
        try:
            await limiter.sent(job.chat)
        except Exception:  # the message went out; only the limiter's bookkeeping is off
            log.exception("the limiter could not note a sent message")
        return _Sent(message_id)

    async def record(self, outcomes: list[tuple[Job, _Result]]) -> None:
        """Record outcomes, a batch to a transaction. Only rows still in progress and ours are touched: a row
        deleted meanwhile (/forget) or taken back (we were thought dead) is left alone. If the batch fails,
        each is tried alone, and one that still fails is logged and left in progress for recover()."""
        try:
            await self._record(outcomes)
        except Exception:
            for outcome in outcomes:
                try:
                    await self._record([outcome])
                except Exception:
                    log.exception("the outcome of delivery %s could not be recorded", outcome[0].delivery_id)

    async def _record(self, outcomes: list[tuple[Job, _Result]]) -> None:
        now = self.clock()
        async with self.db.session() as session, session.begin():
            rows = {
                row.id: row
                for row in await session.scalars(
                    select(Delivery).where(
                        Delivery.id.in_([job.delivery_id for job, _ in outcomes]),
                        Delivery.status == DeliveryStatus.IN_PROGRESS,
                        Delivery.claimed_by == self.liveness.number,
                    )
                )
            }
            for job, result in outcomes:
                row = rows.get(job.delivery_id)
                if row is not None:
                    await result.apply(session, row, now)


class _Run:
    """One run of the sender: a queue of chats with claimed jobs, workers that send them, outcomes awaiting
    their record. A chat is with one worker at a time, and jobs for it claimed meanwhile join that worker's
    list, so a chat's messages keep their order and its limit is booked by one worker."""

    RECORD_EVERY = 25

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.queue: asyncio.Queue[ChatRef] = asyncio.Queue()
        self.chats: dict[ChatRef, list[Job]] = {}  # queued or being sent, with the jobs still to send
        self.outcomes: list[tuple[Job, _Result]] = []
        self.due_again = False
        self._room = asyncio.Event()
        self._writing = asyncio.Lock()

    async def queue_up(self, jobs: list[Job]) -> None:
        for job in jobs:
            if job.chat in self.chats:
                self.chats[job.chat].append(job)
            else:
                self.chats[job.chat] = [job]
                self.queue.put_nowait(job.chat)
        while self.queue.qsize() > self.sender.batch // 2:  # claim the next batch while these are sent
            self._room.clear()
            await self._room.wait()

    async def work(self) -> None:
        while True:
            chat = await self.queue.get()
            if self.queue.qsize() <= self.sender.batch // 2:
                self._room.set()
            try:
                jobs = self.chats[chat]
                while jobs:
                    job = jobs.pop(0)
                    result = await self.sender.send(job)  # not inside append(): a flush may swap the list
                    self.outcomes.append((job, result))
                del self.chats[chat]  # no await since the list was seen empty: nothing joined it
                if len(self.outcomes) >= self.RECORD_EVERY:
                    await self.flush()
            finally:
                self.queue.task_done()

    async def flush(self) -> None:
        async with self._writing:
            outcomes, self.outcomes = self.outcomes, []
            if not outcomes:
                return
            try:
                await self.sender.record(outcomes)  # logs what it cannot record; never raises
            except BaseException:  # cancelled half way: keep them for the run's last flush
                self.outcomes[:0] = outcomes
                raise
            self.due_again |= any(isinstance(result, _Moved) for _, result in outcomes)


class _Result:
    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        raise NotImplementedError


@dataclass
class _Sent(_Result):
    message_id: str | None

    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.message_id = self.message_id
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
            await recipients.gone(session, delivery.to, now)


@dataclass
class _Moved(_Result):
    new_chat: ChatRef

    async def apply(self, session: AsyncSession, delivery: Delivery, now: datetime) -> None:
        await groups.migrated(session, chat=delivery.to, new_chat=self.new_chat, now=now)
        delivery.to = self.new_chat
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts -= 1
        delivery.next_attempt_at = now
        delivery.last_error = f"group moved to {self.new_chat.id}"


def _drop(delivery: Delivery, reason: str) -> None:
    delivery.status = DeliveryStatus.DROPPED
    delivery.last_error = reason


async def _has_seat(session: AsyncSession, activity: Activity, person: Person) -> bool:
    status = await session.scalar(
        select(Registration.status).where(Registration.activity_id == activity.id, Registration.person_id == person.id)
    )
    return status is RegistrationStatus.REGISTERED


async def _unreachable(session: AsyncSession, delivery: Delivery) -> str | None:
    """A private message to someone who withdrew their consent, was forgotten or is no one any more."""
    if delivery.is_group:
        return None
    reader = await session.scalar(
        select(Person).join(Account).where(Account.channel == delivery.channel, Account.external_id == delivery.chat)
    )
    return None if people.reachable(reader) else "the reader withdrew consent or is gone"


async def _superseded(session: AsyncSession, delivery: Delivery, now: datetime) -> str | None:
    """After downtime several reminders may be due at once: only the latest one is worth sending."""
    if delivery.kind is not DeliveryKind.REMINDER:
        return None
    later = await session.scalar(
        select(Delivery.id)
        .where(
            Delivery.activity_id == delivery.activity_id,
            Delivery.channel == delivery.channel,
            Delivery.chat == delivery.chat,
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
