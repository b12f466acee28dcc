"""Injected faults and enforced limits reach python-telegram-bot as the exceptions Telegram causes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram.fake import FakeTelegram, FakeUser, Fault


@pytest.fixture
def lan(tg: FakeTelegram) -> FakeUser:
    user = tg.add_user("Lan")
    user.send("/start")
    return user


async def test_too_many_requests(ptb: Bot, tg: FakeTelegram, lan: FakeUser) -> None:
    tg.inject("sendMessage", Fault.too_many_requests(7))
    with pytest.raises(RetryAfter) as raised:
        await ptb.send_message(lan.id, "x")
    assert raised.value.retry_after == timedelta(seconds=7)
    assert tg.calls[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    await ptb.send_message(lan.id, "x")  # used up


async def test_blocked_and_chat_not_found(ptb: Bot, tg: FakeTelegram, lan: FakeUser) -> None:
    tg.inject("send_message", Fault.blocked())
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await ptb.send_message(lan.id, "x")
    tg.inject("sendMessage", Fault.chat_not_found())
    with pytest.raises(BadRequest, match="Chat not found"):
        await ptb.send_message(lan.id, "x")
    assert lan.private_chat.bot_messages == []


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_network_errors(ptb: Bot, tg: FakeTelegram, lan: FakeUser, status: int) -> None:
    tg.inject("sendMessage", Fault.server_error(status))
    with pytest.raises(NetworkError) as raised:
        await ptb.send_message(lan.id, "x")
    assert not isinstance(raised.value, BadRequest | TimedOut)
    assert tg.calls[-1].status == status


async def test_migrated(ptb: Bot, tg: FakeTelegram, lan: FakeUser) -> None:
    tg.inject("sendMessage", Fault.migrated(-1001234567890))
    with pytest.raises(ChatMigrated) as raised:
        await ptb.send_message(lan.id, "x")
    assert raised.value.new_chat_id == -1001234567890


async def test_timeouts_lost_and_delivered(ptb: Bot, tg: FakeTelegram, lan: FakeUser) -> None:
    tg.inject("sendMessage", Fault.timeout())
    with pytest.raises(TimedOut):
        await ptb.send_message(lan.id, "lost")
    assert lan.private_chat.bot_messages == []
    assert (tg.calls[-1].status, tg.calls[-1].timed_out) == (0, True)
    tg.inject("sendMessage", Fault.timeout(delivered=True))
    with pytest.raises(TimedOut):
        await ptb.send_message(lan.id, "arrived anyway")
    assert [m.text for m in lan.private_chat.bot_messages] == ["arrived anyway"]
    assert (tg.calls[-1].status, tg.calls[-1].timed_out) == (200, True)


async def test_faults_target_a_chat_and_count(ptb: Bot, tg: FakeTelegram, lan: FakeUser) -> None:
    minh = tg.add_user("Minh")
    minh.send("/start")
    tg.inject("sendMessage", Fault.blocked(), chat_id=minh.id, times=2)
    await ptb.send_message(lan.id, "Lan is fine")
    for _ in range(2):
        with pytest.raises(Forbidden):
            await ptb.send_message(minh.id, "x")
    await ptb.send_message(minh.id, "Minh is fine again")
    tg.inject("*", Fault.server_error())
    with pytest.raises(NetworkError):
        await ptb.get_chat(lan.id)


async def test_limits_per_chat_overall_and_per_group(ptb: Bot, tg: FakeTelegram, lan: FakeUser) -> None:
    now = [100.0]
    tg.limiter.monotonic = lambda: now[0]
    tg.enforce_limits = True
    await ptb.send_message(lan.id, "một")
    with pytest.raises(RetryAfter) as raised:
        await ptb.send_message(lan.id, "hai")
    assert raised.value.retry_after == timedelta(seconds=1)
    assert tg.calls[-1].status == 429
    now[0] += 1.0
    await ptb.send_message(lan.id, "hai")

    others = [tg.add_user(f"U{n}") for n in range(30)]
    for user in others:
        user.send("/start")
    now[0] += 1.0
    for user in others[:29]:
        await ptb.send_message(user.id, "tin")
    await ptb.send_message(lan.id, "30th this second")
    with pytest.raises(RetryAfter):
        await ptb.send_message(others[29].id, "31st this second")

    group = tg.add_group("Thôn Đông")
    group.add_bot(by=lan)
    for _ in range(20):
        now[0] += 1.0
        await ptb.send_message(group.id, "tin nhóm")
    now[0] += 1.0
    with pytest.raises(RetryAfter) as raised:
        await ptb.send_message(group.id, "21st this minute")
    assert raised.value.retry_after == timedelta(seconds=40)


async def test_limit_scale_speeds_limits_up(ptb: Bot, tg: FakeTelegram, lan: FakeUser) -> None:
    now = [0.0]
    tg.limiter.monotonic = lambda: now[0]
    tg.enforce_limits, tg.limit_scale = True, 10.0
    await ptb.send_message(lan.id, "một")
    now[0] += 0.1
    await ptb.send_message(lan.id, "hai")  # 10 per second per chat now
