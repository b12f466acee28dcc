"""The webhook's inbox: save first, answer second. Each update a messenger posts is written to `inbox_update`
before the post is answered 200, and emptied once handled (its text is personal data). A process killed
with updates still queued therefore loses none: whoever notices it died (its liveness lock has been free for
a while, see scheduler/liveness.py) claims its rows and handles them; the watch looks every 15 seconds and at
start. A handled update keeps only its id (the channel's, as a string), for a day: an update posted twice (our
answer was lost) is handled once. One inbox serves one channel. Saving and marking are group commits
(bot/group_commit.py): under a storm, the posts that arrive while one transaction is written share the next.

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

from bot.database import Database, insert_unless_there
from bot.group_commit import GroupCommit
from bot.models import InboxUpdate
from scheduler.liveness import Liveness

log = logging.getLogger(__name__)
EVERY = 15.0  # seconds between looks for a dead process's updates
KEEP_IDS = timedelta(days=1)  # messengers give up on an update long before


class Inbox:
    def __init__(self, db: Database, liveness: Liveness, clock: Callable[[], datetime], *, channel: str) -> None:
        self.channel = channel
        self.db = db
        self.liveness = liveness
        self.clock = clock
        self._keep = GroupCommit(self._keep_all)  # under a storm, many posts share one transaction
        self._handled = GroupCommit(self._handled_all)

    async def keep(self, update_id: str, payload: dict[str, Any]) -> bool:
        """Save a posted update under the channel's id for it; False if it was already here (posted twice)."""
        return await self._keep((update_id, payload))

    async def handled(self, update_id: str) -> None:
        """Its text goes (it is personal data); its id stays a day, to know the update if posted again."""
        await self._handled(update_id)

    async def _keep_all(self, posts: list[tuple[str, dict[str, Any]]]) -> list[bool]:
        now = self.clock()
        ids = [update_id for update_id, _ in posts]
        rows = dict(posts)
        async with self.db.session() as session, session.begin():
            fresh = set(
                await session.scalars(
                    insert_unless_there(session, InboxUpdate, InboxUpdate.channel, InboxUpdate.update_id)
                    .values(
                        [
                            {
                                "channel": self.channel,
                                "update_id": update_id,
                                "payload": payload,
                                "received_at": now,
                                "claimed_by": self.liveness.number,
                            }
                            for update_id, payload in sorted(rows.items())  # one order: no deadlock
                        ]
                    )
                    .returning(InboxUpdate.update_id)
                )
            )
        answers = []
        for update_id in ids:  # the same update twice in one write: the first is new, the second is not
            answers.append(update_id in fresh)
            fresh.discard(update_id)
        return answers

    async def _handled_all(self, update_ids: list[str]) -> list[None]:
        async with self.db.session() as session, session.begin():
            await session.execute(
                update(InboxUpdate)
                .where(InboxUpdate.channel == self.channel, InboxUpdate.update_id.in_(update_ids))
                .values(payload={}, handled_at=self.clock())
                .execution_options(synchronize_session=False)
            )
        return [None] * len(update_ids)

    async def purge(self) -> None:
        async with self.db.session() as session, session.begin():
            await session.execute(delete(InboxUpdate).where(InboxUpdate.handled_at < self.clock() - KEEP_IDS))

    async def take_over(self) -> list[dict[str, Any]]:
        """The updates of processes that died before handling them, now ours, oldest first."""
        async with self.db.session() as session, session.begin():
            waiting = (InboxUpdate.channel == self.channel) & InboxUpdate.handled_at.is_(None)
            claimers = set(await session.scalars(select(InboxUpdate.claimed_by).where(waiting).distinct()))
            dead = {number for number in await self.liveness.dead(set(claimers)) if number is not None}
            if not dead:
                return []
            rows = list(
                await session.scalars(
                    select(InboxUpdate)
                    .where(waiting, InboxUpdate.claimed_by.in_(dead))
                    .order_by(InboxUpdate.id)  # as they were saved: ids are the channel's strings
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
            await self.liveness.hold()
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
