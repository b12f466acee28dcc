"""Which sending processes are alive, so that only a dead one's rows in progress are sent again.

Each process picks a random number and names it on every outbox row it claims. On PostgreSQL it also holds
a session advisory lock on that number, on a connection of its own, for as long as it lives; the server
lets go of the lock the moment the process or its connection dies. A number whose lock can be taken is
therefore dead, and its rows go back to RETRY, whichever process notices first (at start and every
15 seconds). A live process's rows are never touched, however long a send takes.

When PostgreSQL restarts, every lock is let go at once, the live processes' too. So a number is taken for
dead only when its lock was free at two looks GRACE apart and never held at a look in between: every look
probes the numbers it has seen free as well as the claimers it asks about, so a process that takes its lock
again clears its count whatever the looks' spacing. Each process takes its own lock again at every look and
at every tick of `hold` (the wake-ups' safety job and the inbox's watch, every 15 seconds), trying a fresh
connection when the old one died with the server. A process killed for real is therefore noticed GRACE later
than it used to be (under a minute and a half), but a live one keeps its rows. GRACE is counted on the
process's clock; a clock stepped forward by more than GRACE could shorten it.

On SQLite, whose processes can only share a database file on one machine, the lock is an exclusive `flock`
on a file named after the number, in a folder beside the database (`FileLocks`): the system lets go of it when
the process dies, and nothing restarts under it, so no grace is needed. Without `fcntl` (Windows) or with an
in-memory database, there is one process, and every number but our own is a past run of it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.database import Database

try:
    import fcntl
except ImportError:  # Windows: one process per SQLite database
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
NAMESPACE = 7156  # the first key of our advisory locks; 7155 serialises migrations
GRACE = timedelta(seconds=60)  # well over the 15 s (two ticks if the first meets a dead connection) a live
# process takes to hold its lock again
FORGET = timedelta(hours=1)


class FileLocks:
    """SQLite's advisory locks: one file per process number, held with an exclusive flock while it lives."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._mine: int | None = None

    def hold(self, number: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._mine = os.open(self.folder / str(number), os.O_CREAT | os.O_RDWR)
        fcntl.flock(self._mine, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def release(self, number: int) -> None:
        if self._mine is not None:
            (self.folder / str(number)).unlink(missing_ok=True)
            os.close(self._mine)  # closing lets go of the lock
            self._mine = None

    def dead(self, number: int) -> bool:
        path = self.folder / str(number)
        probe = os.open(path, os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(probe)
        path.unlink(missing_ok=True)
        return True

    @classmethod
    def beside(cls, url: str) -> FileLocks | None:
        database = make_url(url).database
        if fcntl is None or not database or database == ":memory:":
            return None
        return cls(Path(database).with_name(Path(database).name + ".live"))


class Liveness:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
        self._free: dict[int, datetime] = {}  # numbers whose lock was free at every look since that moment
        self.number = secrets.randbelow(2**31 - 2) + 1
        self.shared = db.engine.dialect.name == "postgresql"
        self.files = None if self.shared else FileLocks.beside(db.url)
        self._held: AsyncConnection | None = None
        self._using = asyncio.Lock()  # the sender and the webhook inbox both ask, on one connection

    async def start(self) -> None:
        if self.files is not None:
            self.files.hold(self.number)
        await self._hold()

    async def stop(self) -> None:
        if self.files is not None:
            self.files.release(self.number)
        if self._held is not None:  # our rows are all recorded by now
            await self._held.invalidate()  # closed for good, not back to the pool with the lock held
            self._held = None

    async def hold(self) -> None:
        """Take our own lock again if the database lost it (it restarted); before anything else that may fail."""
        if not self.shared:
            return
        try:
            async with self._using:
                await self._hold()
        except Exception:
            log.warning("could not take the liveness lock again; trying at the next tick", exc_info=True)

    async def dead(self, claimers: set[int | None]) -> set[int | None]:
        """The claimers (of rows in progress) whose process is gone."""
        others = claimers - {self.number}
        if not self.shared:
            files = self.files
            return {n for n in others if n is None or files is None or files.dead(n)}
        async with self._using:
            await self._hold()  # every look first makes sure our own lock is held
            return await self._dead(others)

    async def _dead(self, others: set[int | None]) -> set[int | None]:
        assert self._held is not None
        now = self.clock()
        gone: set[int | None] = {None} & others
        for number in (others - {None}) | set(self._free):
            assert number is not None
            if await self._held.scalar(text("SELECT pg_try_advisory_lock(:ns, :n)"), {"ns": NAMESPACE, "n": number}):
                await self._held.scalar(text("SELECT pg_advisory_unlock(:ns, :n)"), {"ns": NAMESPACE, "n": number})
                since = self._free.setdefault(number, now)
                if number in others and now - since >= GRACE:
                    gone.add(number)
                elif number not in others and now - since > FORGET:
                    del self._free[number]  # long dead, and nothing of it left to take
            else:
                self._free.pop(number, None)
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
                self._held = None
        for attempt in range(2):  # the pool's first connection may be one the restart killed too
            connection = await self.db.engine.connect()
            try:
                await connection.execute(text("SELECT pg_advisory_lock(:ns, :n)"), {"ns": NAMESPACE, "n": self.number})
                await connection.commit()
            except Exception:
                await connection.invalidate()
                if attempt:
                    raise
                continue
            self._held = connection
            return
