"""Telegram's errors while broadcasting: every message that can be delivered is delivered exactly
once; every other one is recorded with its reason."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram, Fault
from bot.models import Delivery, DeliveryStatus, GroupChat
from scheduler.limits import Limits
from tests.conftest import Bot
from tests.journeys import Commune, commune, onboard, person_of, publish

TITLE = "📢 Chuyên đề phòng chống lừa đảo qua mạng"


def _announcements(place: Commune) -> Counter[str]:
    return Counter({name: sum(m.text.startswith(TITLE) for m in g.bot_messages) for name, g in place.groups.items()})


async def _rows(bot: Bot) -> list[Delivery]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return list(await session.scalars(select(Delivery).where(Delivery.kind == "announce")))


async def test_a_429_is_waited_out_for_that_chat_only(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    fake.inject("sendMessage", Fault.too_many_requests(7), chat_id=place.groups["Thôn Tây"].id)
    await publish(bot, place)
    await bot.deliver()
    assert _announcements(place) == {"Thôn Đông": 1, "Thôn Tây": 0, "Thôn Bắc": 1, "Xã": 1}

    bot.clock.advance(seconds=6)
    await bot.deliver()
    assert _announcements(place)["Thôn Tây"] == 0
    bot.clock.advance(seconds=1)
    await bot.deliver()
    assert set(_announcements(place).values()) == {1}


async def test_server_errors_and_timeouts_are_retried_with_backoff_and_delivered_once(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    fake.inject("sendMessage", Fault.server_error(502), chat_id=place.groups["Thôn Đông"].id, times=2)
    fake.inject("sendMessage", Fault.timeout(), chat_id=place.groups["Xã"].id)
    await publish(bot, place)
    await bot.deliver()
    for seconds in (30, 60):
        bot.clock.advance(seconds=seconds)
        await bot.deliver()
    assert set(_announcements(place).values()) == {1}
    attempts = {int(r.chat): r.attempts for r in await _rows(bot)}
    assert attempts[place.groups["Thôn Đông"].id] == 3 and attempts[place.groups["Xã"].id] == 2


async def test_a_group_that_removed_the_bot_is_recorded_and_no_longer_written_to(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    place.groups["Thôn Bắc"].remove_bot(place.director)
    fake.drop_pending_updates()  # the bot never hears of it (as after a day down): it learns from the refusal
    await publish(bot, place)
    await bot.deliver()
    failed = [r for r in await _rows(bot) if r.status is DeliveryStatus.FAILED]
    assert [int(r.chat) for r in failed] == [place.groups["Thôn Bắc"].id]
    assert "kicked" in str(failed[0].last_error)
    assert bot.app is not None
    async with bot.app.db.session() as session:
        group = await session.scalar(select(GroupChat).where(GroupChat.external_id == str(place.groups["Thôn Bắc"].id)))
    assert group is not None and not group.active

    await publish(bot, place, "Lớp dưỡng sinh cho người cao tuổi", start="07/10/2025 06:00")
    await bot.deliver()
    assert len([r for r in await _rows(bot) if r.chat == str(place.groups["Thôn Bắc"].id)]) == 1


async def test_a_resident_who_blocked_the_bot_is_marked_and_skipped(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    await bot.say(lan, "/notify on")
    fake.inject("sendMessage", Fault.blocked(), chat_id=lan.id)
    await publish(bot, place)
    await bot.deliver()
    person = await person_of(bot, lan)
    assert person is not None and person.blocked_at is not None
    row = next(r for r in await _rows(bot) if r.chat == str(lan.id))
    assert row.status is DeliveryStatus.FAILED and "blocked" in str(row.last_error)


async def test_a_group_that_became_a_supergroup_gets_the_message_at_its_new_id(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    old = place.groups["Thôn Đông"]
    await publish(bot, place)
    new = old.migrate_to_supergroup()  # before the sender runs: the first attempt bounces
    await bot.deliver()
    assert sum(m.text.startswith(TITLE) for m in new.bot_messages) == 1
    row = next(r for r in await _rows(bot) if r.chat == str(new.id))
    assert row.status is DeliveryStatus.SENT


async def test_attempts_are_bounded_and_the_reason_is_kept(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    fake.inject("sendMessage", Fault.server_error(500), chat_id=place.groups["Xã"].id, times=50)
    await publish(bot, place)
    for _ in range(8):
        await bot.deliver()
        bot.clock.advance(minutes=30)
    row = next(r for r in await _rows(bot) if r.chat == str(place.groups["Xã"].id))
    assert row.status is DeliveryStatus.FAILED and row.attempts == 6
    assert "NetworkError" in str(row.last_error)


async def test_the_sender_keeps_to_telegrams_real_limits(bot: Bot, fake: FakeTelegram) -> None:
    """40 groups at Telegram's real rates, with the fake refusing anything faster: no 429 at all."""
    await bot.stop()
    bot.limits = Limits()
    await bot.start()
    place = await commune(bot, fake)
    for index in range(36):
        group = fake.add_group(f"Tổ {index}")
        group.add_bot(place.director)
        await bot.settle()
        await bot.say(place.director, "/link all", group)
    fake.enforce_limits = True
    await publish(bot, place)
    await bot.deliver()
    bot.clock.advance(seconds=5)  # a row handed back to wait for the next second's window is due now
    await bot.deliver()
    sends = [c for c in fake.calls_to("sendMessage") if str(c.params.get("text", "")).startswith("📢")]
    assert all(call.status == 200 for call in sends)
    assert sorted(call.params["chat_id"] for call in sends) == sorted(g.id for g in fake.chats.values() if g.is_group)
