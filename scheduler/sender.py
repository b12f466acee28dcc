"""The sender runs the outbox's state machine (see `bot.services.outbox`) in four steps: claim due rows and
render each (scheduler/render.py) in one transaction; deliver them through their chats' channels within each
channel's limits (scheduler/deliver.py), several chats at once and each chat's in order; record the outcomes
(scheduler/record.py), a few dozen to a transaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot import choices
from bot.database import Database
from bot.messaging import ChatRef, Messenger
from bot.services import outbox
from scheduler import (
    bulletins,
    campaign_summaries,
    checkin_codes,
    checkin_opens,
    feedback_ask,
    live_cards,
    plan_reminder,
)
from scheduler.deliver import Job, deliver
from scheduler.limits import Limiter
from scheduler.liveness import Liveness
from scheduler.record import Moved, Result, record
from scheduler.render import render

if TYPE_CHECKING:
    from scheduler.shared_limits import SharedLimiter

log = logging.getLogger(__name__)


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
        public_base_url: str | None = None,
    ) -> None:
        """`channels` and `limiters` by channel name: each row goes out through its chat's channel, under that
        channel's own sending rules. `public_base_url`: the bot's web address, for the hall screen's links."""
        self.db = db
        self.channels = channels
        self.clock = clock
        self.default_locale = default_locale
        self.limiters = limiters or {name: Limiter() for name in channels}
        self.batch = batch
        self.concurrency = concurrency
        self.public_base_url = public_base_url
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
            handled += await checkin_codes.refresh(self.db, self.channels, self.clock(), self.public_base_url)
            await checkin_opens.tell(self.db, self.clock(), self.public_base_url)  # rows the claims below send
            await campaign_summaries.owe_due(self.db, self.clock())  # so are the campaigns' summaries
            await plan_reminder.tell(self.db, self.clock())  # and the month's plan reminders
            await feedback_ask.tell(self.db, self.clock())  # and the question after a session
            await bulletins.tell(self.db, self.clock())  # and the loudspeaker bulletins
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
            claimed = await outbox.claim(session, now, self.batch, by=self.liveness.number, channels=self.channels)
            offers = choices.Offers()  # chats without buttons: numbered on across the batch
            for delivery in claimed:
                message = await render(
                    session,
                    delivery,
                    now,
                    channels=self.channels,
                    default_locale=self.default_locale,
                    base_url=self.public_base_url,
                )
                if message is None:
                    continue
                if not self.channels[delivery.channel].capabilities.buttons:
                    message = offers.number(message)
                jobs.append(Job(delivery.id, delivery.to, message))
            await offers.save(session, now)  # before they are sent
        return len(claimed), jobs

    async def send(self, job: Job) -> Result:
        """Deliver one claimed message (scheduler/deliver.py); never raises."""
        return await deliver(job, self.channels[job.chat.channel], self.limiters[job.chat.channel])

    async def record(self, outcomes: list[tuple[Job, Result]]) -> None:
        """Their rows' next states (scheduler/record.py); logs what it cannot record, never raises."""
        await record(self.db, self.liveness.number, self.clock, outcomes)


class _Run:
    """One run of the sender: a queue of chats with claimed jobs, workers that send them, outcomes awaiting
    their record. A chat is with one worker at a time, and jobs for it claimed meanwhile join that worker's
    list, so a chat's messages keep their order and its limit is booked by one worker."""

    RECORD_EVERY = 25

    def __init__(self, sender: Sender) -> None:
        self.sender = sender
        self.queue: asyncio.Queue[ChatRef] = asyncio.Queue()
        self.chats: dict[ChatRef, list[Job]] = {}  # queued or being sent, with the jobs still to send
        self.outcomes: list[tuple[Job, Result]] = []
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
            self.due_again |= any(isinstance(result, Moved) for _, result in outcomes)
