"""Two processes handed one person's two answers at the same moment take them one after the other: the
second reads the step the first moved to, so neither answer is lost. PostgreSQL only: that is where
several processes serve one bot (on SQLite one process handles one update at a time)."""

from __future__ import annotations

import asyncio
import enum
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.database import Database
from bot.models import Person
from bot.services import centers, conversations
from tests import databases

NOW = datetime(2025, 10, 1, 1, 0, tzinfo=UTC)


class Step(enum.Enum):
    NAME = "1"
    GENDER = "2"
    BIRTH_YEAR = "3"


async def _answer(db: Database, person_id: int) -> tuple[str, str]:
    """What a journey does with an answer: read the step, move to the next one of the same journey, commit.
    Returns the journey and step it read."""
    async with db.session() as session, session.begin():
        conversation = await conversations.current(session, person_id)
        assert conversation is not None, "the answer found no step at all"
        read = (conversation.journey, conversation.step)
        following = Step(str(int(conversation.step) + 1))
        await conversations.move_to(session, person_id, conversation.journey, following, NOW)
    return read


async def _waiting_on_a_lock(db: Database) -> bool:
    async with db.engine.connect() as connection:
        waiting = await connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return bool(waiting)


@pytest.mark.parametrize("backend", [b for b in databases.BACKENDS if b == "postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("journey", "moved_to", "then"),
    [("profile", Step.GENDER, ("profile", "2")), ("desk", Step.NAME, ("desk", "1"))],  # a step on, or another journey
)
async def test_one_persons_two_answers_in_two_processes_are_taken_in_turn(
    database_url: str, journey: str, moved_to: Step, then: tuple[str, str]
) -> None:
    first, second = Database(database_url), Database(database_url)
    try:
        async with first.session() as session, session.begin():
            center = await centers.create_center(session, name="TTHTCĐ", villages=["Thôn Đông"], now=NOW)
            lan = Person(center_id=center.id, created_at=NOW)
            session.add(lan)
            await session.flush()
            await conversations.move_to(session, lan.id, "profile", Step.NAME, NOW)
        async with first.session() as session, session.begin():  # the first process has read her step...
            conversation = await conversations.current(session, lan.id)
            assert conversation is not None and conversation.step == Step.NAME.value
            other = asyncio.create_task(_answer(second, lan.id))  # ...when the second is handed her next answer
            deadline = time.monotonic() + 10
            while not await _waiting_on_a_lock(first):
                assert not other.done(), "the second process read the step the first was still answering"
                assert time.monotonic() < deadline, "the second process never waited"
                await asyncio.sleep(0.02)
            await conversations.move_to(session, lan.id, journey, moved_to, NOW)
        assert await other == then  # the step the first moved to, so both answers count
    finally:
        await first.dispose()
        await second.dispose()
