"""Only a dead process's half-sent deliveries are taken back: a live process keeps its rows however long it
takes (on SQLite too, where two processes on one file hold lock files), even when PostgreSQL lets go of its
lock for a moment (a restart); once it has been dead for the grace period another process sends them again."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text

from bot.database import Database
from bot.messaging import ChatRef
from bot.models import Delivery, DeliveryKind, DeliveryStatus
from bot.services import centers, outbox
from scheduler.liveness import GRACE, NAMESPACE, Liveness
from tests.conftest import Clock

NOW = datetime(2025, 10, 1, 1, 0, tzinfo=UTC)


async def _claimed_by(db: Database, liveness: Liveness, groups: int) -> None:
    async with db.session() as session, session.begin():
        center = await centers.create_center(session, name="TTHTCĐ", villages=["Thôn Đông"], now=NOW)
        outbox.enqueue(
            session,
            center_id=center.id,
            activity_id=None,
            recipients=[outbox.Recipient(ChatRef("test", f"group {n}", group=True)) for n in range(groups)],
            kind=DeliveryKind.ANNOUNCE,
            due_at=NOW,
        )
    async with db.session() as session, session.begin():
        assert len(await outbox.claim(session, NOW, groups, by=liveness.number)) == groups


async def _take_back(db: Database, liveness: Liveness) -> int:
    async with db.session() as session, session.begin():
        return await outbox.recover(session, NOW, await liveness.dead(await outbox.claimers(session)))


async def _lose_lock(db: Database, number: int) -> None:
    """What a PostgreSQL restart does to a live process: its connection, and so its lock, is gone."""
    async with db.engine.connect() as connection:
        ended = await connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                " WHERE locktype = 'advisory' AND classid = :ns AND objid = :n"
            ),
            {"ns": NAMESPACE, "n": number},
        )
    assert ended == 1


async def test_a_live_process_keeps_its_rows_and_a_dead_ones_are_sent_again(database_url: str, backend: str) -> None:
    clock = Clock(NOW)
    first, second = Database(database_url), Database(database_url)
    sending, watching = Liveness(first, clock), Liveness(second, clock)
    await sending.start()
    await watching.start()
    try:
        await _claimed_by(first, sending, 3)
        assert await _take_back(second, watching) == 0  # alive: its sends are under way
        assert await _take_back(first, sending) == 0  # nor does a process take back its own
        if backend == "postgresql":
            await _lose_lock(second, sending.number)
            assert await _take_back(second, watching) == 0  # its lock is free, but only just
            clock.advance(seconds=15)
            assert await _take_back(first, sending) == 0  # its next look takes its lock again
            clock.advance(seconds=GRACE.total_seconds())
            assert await _take_back(second, watching) == 0  # so it is still alive, and keeps its rows
        await sending.stop()  # the process dies: the server lets go of its lock
        if backend == "postgresql":
            assert await _take_back(second, watching) == 0  # noticed; a restart looks the same at first
            clock.advance(seconds=3 * GRACE.total_seconds())  # however far apart the looks
        assert await _take_back(second, watching) == 3  # on SQLite, its lock file is free at once
        async with second.session() as session:
            statuses = set(await session.scalars(select(Delivery.status)))
        assert statuses == {DeliveryStatus.RETRY}
    finally:
        await watching.stop()
        await first.dispose()
        await second.dispose()
