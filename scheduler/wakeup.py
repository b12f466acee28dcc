"""APScheduler wakes the sender when the earliest row of the outbox falls due.

The outbox rows are the truth: at start the one job is rebuilt from them, and after any change that
adds rows (`poke`) it is moved. So are the campaigns whose summary is owed (scheduler/campaign_summaries.py), and
the sessions: the next check-in to open that staff were not yet told of
(scheduler/checkin_opens.py), the check-in screens to renew and the start-of-month plan reminder
(scheduler/plan_reminder.py) and the question after a session (scheduler/feedback_ask.py) wake it too. A
safety job also runs every 15 seconds: it takes back what a process that died was sending, and a missed poke
costs 15 seconds at most.
Running the sender when nothing is due does no harm, so several processes may all wake.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.database import Database
from bot.services import outbox, people
from scheduler import (
    bulletins,
    campaign_summaries,
    checkin_codes,
    checkin_opens,
    feedback_ask,
    live_cards,
    plan_reminder,
    retention,
)
from scheduler.sender import Sender

log = logging.getLogger(__name__)
JOB = "outbox"
SAFETY_SECONDS = 15  # how late a missed poke, or a dead process's half-sent batch, is picked up at most


class Wakeup:
    def __init__(self, *, db: Database, sender: Sender, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.sender = sender
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._stopping = False
        self._jobs: set[asyncio.Task[None]] = set()  # wake-ups under way, which a stop waits for

    async def start(self) -> None:
        interrupted = await self.sender.start()
        if interrupted:
            log.warning("%s deliveries were interrupted by the last stop; they will be sent again", interrupted)
        self.scheduler.add_job(
            self._safety, "interval", seconds=SAFETY_SECONDS, id="safety", coalesce=True, max_instances=1
        )
        daily = {"hours": 24, "coalesce": True, "max_instances": 1}
        self.scheduler.add_job(self._expire, "interval", id="retention", next_run_time=datetime.now(UTC), **daily)
        self.scheduler.start()
        await self.poke()

    async def stop(self) -> None:
        """No new wake-ups; deliveries being sent are finished (their rows recorded), and wake-ups under way
        end, before the database is closed under them. Shutting the scheduler down at once would cancel a
        run halfway and send its rows again after a restart."""
        self._stopping = True
        if self.scheduler.running:
            self.scheduler.pause()
        await self.sender.stop()
        await asyncio.gather(*self._jobs, return_exceptions=True)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def poke(self) -> None:
        """Move the wake-up to the earliest due row (now, if it is already due)."""
        if self._stopping:
            return
        async with self.db.session() as session:
            owed = await outbox.next_due(session, self.sender.channels)
        cards = await live_cards.next_due(self.db, self.clock())
        codes = await checkin_codes.next_due(self.db, self.clock())
        opening = await checkin_opens.next_due(self.db, self.clock())
        summary = await campaign_summaries.next_due(self.db, self.clock())
        month = await plan_reminder.next_due(self.db, self.clock())
        asking = await feedback_ask.next_due(self.db, self.clock())
        spoken = await bulletins.next_due(self.db, self.clock())  # the loudspeaker bulletins
        due = min(
            (d for d in (owed, cards, codes, opening, summary, month, asking, spoken) if d is not None), default=None
        )
        if due is None:
            return
        delay = max((due - self.clock()).total_seconds(), 0.0)
        run_at = datetime.now(UTC) + timedelta(seconds=delay)
        # Two instances: a wake-up that fires while a run is finishing (past its claims, in its own poke) waits
        # for the sender's lock and sends what was just saved; with one it would be skipped, and those rows
        # would wait for the safety job.
        self.scheduler.add_job(
            self._run,
            "date",
            run_date=run_at,
            id=JOB,
            replace_existing=True,
            misfire_grace_time=None,
            max_instances=2,
        )

    async def _safety(self) -> None:
        """Our liveness lock, rows a process that died was sending, then whatever is due."""
        if not self._started():
            return
        await self.sender.liveness.hold()
        try:
            taken_back = await self.sender.recover()
        except Exception:
            log.exception("could not look for a dead process's deliveries; trying again shortly")
        else:
            if taken_back:
                log.warning("%s deliveries of a process that stopped are sent again", taken_back)
        if not self.sender.busy:  # a run under way sends whatever is due; waiting behind it helps no one
            run = asyncio.create_task(self._run())  # apart, so that a long run never holds up the next tick
            self._jobs.add(run)
            run.add_done_callback(self._jobs.discard)

    async def _expire(self) -> None:
        """Daily, and at start: what has outlived its retention period, and names missing their folded copy."""
        if not self._started():
            return
        try:
            await retention.run(self.db, self.clock())
        except Exception:
            log.exception("retention stopped early; it runs again tomorrow")
        try:
            async with self.db.session() as session, session.begin():
                folded = await people.fold_missing_names(session)
        except Exception:
            log.exception("could not fold the names missing their folded copy; trying again tomorrow")
        else:
            if folded:
                log.info("%s names were given their folded copy for searching", folded)

    def _started(self) -> bool:
        """Count this wake-up as under way, unless we are stopping."""
        task = asyncio.current_task()
        if self._stopping or task is None:
            return False
        self._jobs.add(task)
        task.add_done_callback(self._jobs.discard)
        return True

    async def _run(self) -> None:
        if not self._started():
            return
        try:
            await self.sender.run_due()
        except Exception:
            log.exception("the sender stopped early; the next wake-up will carry on")
        await self.poke()
