"""Which sending processes are alive, so that only a dead one's rows in progress are sent again.

Each process picks a random number and names it on every outbox row it claims. On PostgreSQL it also holds
a session advisory lock on that number, on a connection of its own, for as long as it lives; the server
lets go of the lock the moment the process or its connection dies. A number whose lock can be taken is
therefore dead, and its rows go back to RETRY, whichever process notices first (at start and every
minute). A live process's rows are never touched, however long a send takes.

SQLite serves one process (a commune), so there every number but our own is a past run of this process.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.database import Database

log = logging.getLogger(__name__)
NAMESPACE = 7156  # the first key of our advisory locks; 7155 serialises migrations


class Liveness:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.number = secrets.randbelow(2**31 - 2) + 1
        self.shared = db.engine.dialect.name == "postgresql"
        self._held: AsyncConnection | None = None
        self._using = asyncio.Lock()  # the sender and the webhook inbox both ask, on one connection

    async def start(self) -> None:
        await self._hold()

    async def stop(self) -> None:
        if self._held is not None:  # our rows are all recorded by now
            await self._held.invalidate()  # closed for good, not back to the pool with the lock held
            self._held = None

    async def dead(self, claimers: set[int | None]) -> set[int | None]:
        """The claimers (of rows in progress) whose process is gone."""
        others = claimers - {self.number}
        if not self.shared or not others:
            return others
        async with self._using:
            return await self._dead(others)

    async def _dead(self, others: set[int | None]) -> set[int | None]:
        await self._hold()
        assert self._held is not None
        gone: set[int | None] = {None} & others
        for number in others - {None}:
            assert number is not None
            if await self._held.scalar(text("SELECT pg_try_advisory_lock(:ns, :n)"), {"ns": NAMESPACE, "n": number}):
                await self._held.scalar(text("SELECT pg_advisory_unlock(:ns, :n)"), {"ns": NAMESPACE, "n": number})
                gone.add(number)
        await self._held.commit()
        return gone

    async def _hold(self) -> None:
        """Take our own lock, again if the connection was lost (the database restarted)."""
        if not self.shared:
            return
        if self._held is not None and not self._held.closed and not self._held.invalidated:
            try:
                await self._held.scalar(text("SELECT 1"))
                await self._held.commit()
                return
            except Exception:
                log.warning("the liveness connection was lost; taking the lock again")
                await self._held.invalidate()
        self._held = await self.db.engine.connect()
        await self._held.execute(text("SELECT pg_advisory_lock(:ns, :n)"), {"ns": NAMESPACE, "n": self.number})
        await self._held.commit()
