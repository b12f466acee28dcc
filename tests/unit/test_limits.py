"""Our side of Telegram's limits: 30 a second overall, 20 a minute per group, 1 a second per chat."""

from __future__ import annotations

import pytest

from bot.messaging import ChatRef
from bot.services.reminders import BadRule, due_times, parse
from scheduler.limits import MINUTE, SECOND, Limiter, Limits
from tests.journeys import local


def chat(number: int) -> ChatRef:
    """A chat of a test channel; a negative number is a group, as these tests choose."""
    return ChatRef("test", str(number), group=number < 0)


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_thirty_chats_go_at_once_and_the_thirty_first_waits_about_a_second() -> None:
    limiter = Limiter(Limits(), Ticker())
    assert [limiter.reserve(chat(n)) for n in range(1, 31)] == [0.0] * 30
    assert limiter.reserve(chat(31)) == pytest.approx(SECOND)


def test_one_chat_gets_one_message_a_second() -> None:
    limiter = Limiter(Limits(), Ticker())
    assert limiter.reserve(chat(7)) == 0.0
    assert limiter.reserve(chat(7)) == pytest.approx(SECOND)
    assert limiter.reserve(chat(8)) == 0.0


def test_a_group_gets_twenty_messages_a_minute() -> None:
    clock = Ticker()
    limiter = Limiter(Limits(), clock)
    for _ in range(20):
        clock.now += 2
        assert limiter.reserve(chat(-100)) == 0.0
    clock.now += 2
    assert limiter.reserve(chat(-100)) == pytest.approx(
        1002 + MINUTE - 1042
    )  # the first of the twenty leaves the window


def test_scaling_shortens_every_window_as_the_fake_does() -> None:
    limiter = Limiter(Limits().scaled(10), Ticker())
    assert limiter.reserve(chat(7)) == 0.0
    assert limiter.reserve(chat(7)) == pytest.approx(SECOND / 10)
    burst = Limiter(Limits().scaled(10), Ticker())
    assert [burst.reserve(chat(n)) for n in range(100, 130)] == [0.0] * 30  # 30 in a tenth of a second
    assert burst.reserve(chat(200)) == pytest.approx(SECOND / 10)  # not 300 at once


def test_reminder_rules_read_like_a_director_says_them() -> None:
    assert parse(" 1d@19:00, 2h ,30m") == ["1d@19:00", "2h", "30m"]
    assert parse("") == []
    for bad in ("tomorrow", "1d@25:00", "2x", "1d@7"):
        with pytest.raises(BadRule):
            parse(bad)
    start = local("06/10/2025 13:30")
    assert due_times("1d@19:00,2h", start, "Asia/Ho_Chi_Minh") == [local("05/10/2025 19:00"), local("06/10/2025 11:30")]
    assert due_times("1d@19:00", local("06/10/2025 06:00"), "Asia/Ho_Chi_Minh") == [local("05/10/2025 19:00")]
    assert due_times("8h", local("06/10/2025 06:00"), "Asia/Ho_Chi_Minh") == [local("05/10/2025 22:00")]


def test_a_slot_moves_to_when_the_message_was_handled() -> None:
    ticker = Ticker()
    limiter = Limiter(Limits(), ticker)
    assert [limiter.reserve(chat(n)) for n in range(1, 31)] == [0.0] * 30
    ticker.now += 0.2  # Telegram answered the last of them 200 ms later: that is when it counted them
    for n in range(1, 31):
        limiter.done(chat(n))
    assert limiter.reserve(chat(31)) == pytest.approx(SECOND)  # a window from the answers, not from the bookings
