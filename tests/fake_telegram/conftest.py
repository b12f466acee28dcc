"""A fresh fake Bot API per test, and a real python-telegram-bot `Bot` wired to it in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.telegram.fake import FakeTelegram


@pytest.fixture(autouse=True)
def timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns on every int time period (RetryAfter.retry_after, even inside RetryAfter.__init__);
    with warnings as errors that warning would replace the RetryAfter. Opt in to timedeltas instead."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def tg() -> FakeTelegram:
    return FakeTelegram()


def wired_bot(tg: FakeTelegram) -> Bot:
    """Exactly how production builds its Bot, but with the fake's transport."""
    return Bot(
        tg.token,
        base_url=tg.base_url,
        base_file_url=tg.base_file_url,
        request=HTTPXRequest(httpx_kwargs={"transport": tg.transport()}),
        get_updates_request=HTTPXRequest(httpx_kwargs={"transport": tg.transport()}),
    )


@pytest.fixture
def make_bot(tg: FakeTelegram) -> Callable[[], Bot]:
    """For tests that need a second client or control its lifetime themselves."""
    return lambda: wired_bot(tg)


@pytest.fixture
async def ptb(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with wired_bot(tg) as bot:
        yield bot
