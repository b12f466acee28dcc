"""Two processes share Telegram's limits through Redis: between them they book 30 slots a second overall and
one a second per chat, not twice that."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import pytest

from bot.messaging import ChatRef
from scheduler.limits import SECOND
from scheduler.shared_limits import SharedLimiter


def chat(number: int) -> ChatRef:
    return ChatRef("test", str(number))


@pytest.fixture
async def two(redis_url: str) -> AsyncIterator[tuple[SharedLimiter, SharedLimiter]]:
    prefix = f"loalang:test:{secrets.token_hex(4)}"
    first, second = SharedLimiter(redis_url, prefix=prefix), SharedLimiter(redis_url, prefix=prefix)
    yield first, second
    await first.client.delete(*[key async for key in first.client.scan_iter(f"{prefix}:*")] or ["none"])
    await first.close()
    await second.close()


async def test_two_processes_book_thirty_slots_a_second_between_them(two: tuple[SharedLimiter, SharedLimiter]) -> None:
    first, second = two
    waits = [await (first if n % 2 else second).book(chat(1000 + n)) for n in range(31)]
    assert max(waits[:30]) < 0.2  # thirty different chats: at once
    assert waits[30] == pytest.approx(SECOND, abs=0.2)  # the 31st waits for the window, whoever books it


async def test_one_chat_gets_one_message_a_second_from_both(two: tuple[SharedLimiter, SharedLimiter]) -> None:
    first, second = two
    assert await first.book(chat(7)) < 0.2
    assert await second.book(chat(7)) == pytest.approx(SECOND, abs=0.2)
    assert await first.book(chat(7), longest=0.5) > 0.5  # too far away: not booked, so it takes nobody's slot
    assert await first.book(chat(7)) == pytest.approx(2 * SECOND, abs=0.2)


async def test_without_redis_a_process_books_on_its_own() -> None:
    alone = SharedLimiter("redis://127.0.0.1:1/0", prefix="loalang:test:down")
    assert await alone.book(chat(7)) == 0.0
    assert await alone.book(chat(7)) == pytest.approx(SECOND, abs=0.01)
    await alone.close()
