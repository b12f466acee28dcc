"""Only a dead process's half-sent deliveries are taken back: on PostgreSQL a live process keeps its rows
however long it takes, and the moment it dies another process sends them again."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.database import Database
from bot.models import Delivery, DeliveryKind, DeliveryStatus
from bot.services import centers
from scheduler import outbox
from scheduler.liveness import Liveness

NOW = datetime(2025, 10, 1, 1, 0, tzinfo=UTC)


async def _claimed_by(db: Database, liveness: Liveness, groups: int) -> None:
    async with db.session() as session, session.begin():
        center = await centers.create_center(session, name="TTHTCĐ", villages=["Thôn Đông"], now=NOW)
        outbox.enqueue(
            session,
            center_id=center.id,
            activity_id=None,
            recipients=[outbox.Recipient(-5000 - n) for n in range(groups)],
            kind=DeliveryKind.ANNOUNCE,
            due_at=NOW,
        )
    async with db.session() as session, session.begin():
        assert len(await outbox.claim(session, NOW, groups, by=liveness.number)) == groups


async def _take_back(db: Database, liveness: Liveness) -> int:
    async with db.session() as session, session.begin():
        return await outbox.recover(session, NOW, await liveness.dead(await outbox.claimers(session)))


async def test_a_live_process_keeps_its_rows_and_a_dead_ones_are_sent_again(database_url: str, backend: str) -> None:
    first, second = Database(database_url), Database(database_url)
    sending, watching = Liveness(first), Liveness(second)
    await sending.start()
    await watching.start()
    try:
        await _claimed_by(first, sending, 3)
        if backend == "postgresql":
            assert await _take_back(second, watching) == 0  # alive: its sends are under way
            assert await _take_back(first, sending) == 0  # nor does a process take back its own
        await sending.stop()  # the process dies: the server lets go of its lock
        assert await _take_back(second, watching) == 3
        async with second.session() as session:
            statuses = set(await session.scalars(select(Delivery.status)))
        assert statuses == {DeliveryStatus.RETRY}
    finally:
        await watching.stop()
        await first.dispose()
        await second.dispose()
