"""The webhook's inbox: save first, answer second. Each update Telegram posts is written to `inbox_update`
before the post is answered 200, and deleted once handled (its text is personal data). A process killed
with updates still queued therefore loses none: whoever notices it died (its liveness lock is free, see
scheduler/liveness.py) claims its rows and handles them, every 15 seconds and at start. A handled update
keeps only its id, for a day: an update Telegram posts twice (our answer was lost) is handled once.

A process killed after handling an update but before marking it handled handles it again; every journey
copes with a repeat (a second check-in is "already checked in", a second registration "already registered").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.database import Database
from bot.models import InboxUpdate
from scheduler.liveness import Liveness

log = logging.getLogger(__name__)
EVERY = 15.0  # seconds between looks for a dead process's updates
KEEP_IDS = timedelta(days=1)  # Telegram gives up on an update long before


class Inbox:
    def __init__(self, db: Database, liveness: Liveness, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.liveness = liveness
        self.clock = clock

    async def keep(self, payload: dict[str, Any]) -> bool:
        """Save a posted update; False if it was already here (posted twice)."""
        try:
            async with self.db.session() as session, session.begin():
                session.add(
                    InboxUpdate(
                        update_id=int(payload["update_id"]),
                        payload=payload,
                        received_at=self.clock(),
                        claimed_by=self.liveness.number,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def handled(self, update_id: int) -> None:
        """Its text goes (it is personal data); its id stays a day, to know the update if posted again."""
        async with self.db.session() as session, session.begin():
            await session.execute(
                update(InboxUpdate)
                .where(InboxUpdate.update_id == update_id)
                .values(payload={}, handled_at=self.clock())
            )

    async def purge(self) -> None:
        async with self.db.session() as session, session.begin():
            await session.execute(delete(InboxUpdate).where(InboxUpdate.handled_at < self.clock() - KEEP_IDS))

    async def take_over(self) -> list[dict[str, Any]]:
        """The updates of processes that died before handling them, now ours, oldest first."""
        async with self.db.session() as session, session.begin():
            waiting = InboxUpdate.handled_at.is_(None)
            claimers = set(await session.scalars(select(InboxUpdate.claimed_by).where(waiting).distinct()))
            dead = {number for number in await self.liveness.dead(set(claimers)) if number is not None}
            if not dead:
                return []
            rows = list(
                await session.scalars(
                    select(InboxUpdate)
                    .where(waiting, InboxUpdate.claimed_by.in_(dead))
                    .order_by(InboxUpdate.update_id)
                    .with_for_update(skip_locked=True)
                )
            )
            await session.execute(
                update(InboxUpdate)
                .where(InboxUpdate.id.in_([row.id for row in rows]))
                .values(claimed_by=self.liveness.number)
            )
            return [row.payload for row in rows]

    async def watch(self, enqueue: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        """At start and every EVERY seconds, handle what dead processes left; until cancelled."""
        while True:
            try:
                await self.purge()
                payloads = await self.take_over()
                if payloads:
                    log.warning("%s updates of a process that stopped are handled here", len(payloads))
                for payload in payloads:
                    await enqueue(payload)
            except Exception:
                log.exception("could not look for a dead process's updates; trying again shortly")
            await asyncio.sleep(EVERY)
