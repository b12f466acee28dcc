"""Publishing an activity announces it in exactly the chosen villages; reminders go out at the right
local times; changes and cancellations reach everyone who was told. The clock only moves when a test
moves it."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Activity, Delivery, DeliveryStatus
from bot.services import activities
from tests.conftest import Bot
from tests.journeys import commune, local, onboard, publish


async def _deliver(bot: Bot) -> None:
    assert bot.app is not None
    await bot.app.sender.run_due()


def _texts(chat) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.text for m in chat.bot_messages]


async def test_an_announcement_reaches_exactly_the_chosen_villages(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    dong = fake.add_user("Lan")
    await onboard(bot, dong, village="Thôn Đông")
    await bot.say(dong, "/notify on")
    tay = fake.add_user("Hoa")
    await onboard(bot, tay, name="Trần Thị Hoa", village="Thôn Tây")
    await bot.say(tay, "/notify on")
    before = {name: len(group.bot_messages) for name, group in place.groups.items()}
    private_before = {dong.id: len(dong.private_chat.bot_messages), tay.id: len(tay.private_chat.bot_messages)}

    await publish(bot, place, villages=("Thôn Đông",))
    await _deliver(bot)

    got = {name: group.bot_messages[before[name] :] for name, group in place.groups.items()}
    assert {name for name, new in got.items() if new} == {"Thôn Đông", "Xã"}
    card = got["Thôn Đông"][0]
    assert card.text.splitlines()[:4] == [
        "📢 Chuyên đề phòng chống lừa đảo qua mạng",
        "🗓 Thứ Hai, 06/10/2025 lúc 13:30",
        "📍 Hội trường UBND xã",
        "🤝 Công an xã",
    ]
    assert "✍️ Đã đăng ký: 0/100 (còn 100 chỗ)" in card.text
    assert card.buttons == ["✍️ Đăng ký", "📅 Thêm vào lịch"]
    register = card.reply_markup["inline_keyboard"][0][0]["url"]  # type: ignore[index]
    assert register == f"https://t.me/loalang_bot?start=a1-v{place.villages['Thôn Đông']}"
    assert len(dong.private_chat.bot_messages) == private_before[dong.id] + 1
    assert len(tay.private_chat.bot_messages) == private_before[tay.id]


async def test_a_village_group_is_reminded_once_the_evening_before(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    group = place.groups["Thôn Tây"]
    await publish(bot, place, start="06/10/2025 13:30")  # the center's rules: 1d@19:00,2h
    await _deliver(bot)
    announced = len(group.bot_messages)

    bot.clock.current = local("05/10/2025 18:59")
    await _deliver(bot)
    assert len(group.bot_messages) == announced
    bot.clock.current = local("05/10/2025 19:00")
    await _deliver(bot)
    assert group.bot_messages[-1].text.startswith("⏰ Nhắc lịch\n📢 Chuyên đề phòng chống lừa đảo qua mạng")
    bot.clock.current = local("06/10/2025 11:30")  # two hours before: for those registered, not the village
    await _deliver(bot)
    assert len(group.bot_messages) == announced + 1


async def test_a_director_who_marks_a_rule_gets_the_village_groups_reminded_again(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    group = place.groups["Thôn Tây"]
    await publish(bot, place, start="06/10/2025 13:30", reminders="1d@19:00,2h*")
    await _deliver(bot)
    announced = len(group.bot_messages)
    bot.clock.current = local("05/10/2025 19:00")
    await _deliver(bot)
    bot.clock.current = local("06/10/2025 11:30")
    await _deliver(bot)
    assert len(group.bot_messages) == announced + 2


async def test_an_activity_can_override_the_reminder_times(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    group = place.groups["Xã"]
    await publish(bot, place, start="06/10/2025 13:30", reminders="30m")
    await _deliver(bot)
    announced = len(group.bot_messages)
    bot.clock.current = local("06/10/2025 11:30")
    await _deliver(bot)
    assert len(group.bot_messages) == announced
    bot.clock.current = local("06/10/2025 13:00")
    await _deliver(bot)
    assert group.bot_messages[-1].text.startswith("⏰ Nhắc lịch")


async def test_a_change_of_time_sends_an_update_and_moves_the_reminders(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    group = place.groups["Thôn Bắc"]
    activity_id = await publish(bot, place, start="06/10/2025 13:30")
    await _deliver(bot)
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        activity = await session.get(Activity, activity_id)
        assert activity is not None
        new_start = local("07/10/2025 08:00")
        await activities.reschedule(
            session,
            activity,
            now=bot.clock(),
            by=None,
            sessions=[(new_start, new_start.replace(hour=3))],
            place="Nhà văn hóa thôn Bắc",
        )
    await _deliver(bot)
    update = group.bot_messages[-1].text
    assert update.startswith("🔔 Có thay đổi: xin lưu ý thời gian hoặc địa điểm mới.")
    assert "Thứ Ba, 07/10/2025 lúc 08:00" in update and "Nhà văn hóa thôn Bắc" in update

    count = len(group.bot_messages)
    bot.clock.current = local("05/10/2025 19:00")  # the old evening-before reminder is gone
    await _deliver(bot)
    assert len(group.bot_messages) == count
    bot.clock.current = local("06/10/2025 19:00")
    await _deliver(bot)
    assert group.bot_messages[-1].text.startswith("⏰ Nhắc lịch")


async def test_a_cancellation_reaches_everyone_who_was_told_and_stops_reminders(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, villages=("Thôn Đông",))
    await _deliver(bot)
    assert bot.app is not None
    async with bot.app.db.session() as session, session.begin():
        activity = await session.get(Activity, activity_id)
        assert activity is not None
        await activities.cancel(session, activity, now=bot.clock(), by=None)
    await _deliver(bot)
    for name in ("Thôn Đông", "Xã"):
        assert place.groups[name].bot_messages[-1].text == (
            "❌ Đã hủy:\nChuyên đề phòng chống lừa đảo qua mạng\n🗓 Thứ Hai, 06/10/2025 lúc 13:30\n"
            "Hoạt động này sẽ không diễn ra. Rất mong được thông cảm."
        )
    assert not any("Hủy" in t for t in _texts(place.groups["Thôn Tây"]))
    counts = {name: len(g.bot_messages) for name, g in place.groups.items()}
    bot.clock.current = local("06/10/2025 11:30")
    await _deliver(bot)
    assert counts == {name: len(g.bot_messages) for name, g in place.groups.items()}


async def test_after_downtime_only_the_latest_useful_reminder_is_sent(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    group = place.groups["Xã"]
    await publish(bot, place, start="06/10/2025 13:30", reminders="1d@19:00,2h*")
    await _deliver(bot)
    await bot.stop()

    bot.clock.current = local("06/10/2025 12:00")  # down through both reminder times, back before the start
    await bot.start()
    await _deliver(bot)
    assert len([t for t in _texts(group) if t.startswith("⏰")]) == 1
    reasons = await _dropped_reasons(bot, group.id)
    assert reasons == ["a later reminder was due too"]


async def test_a_reminder_missed_until_after_the_start_is_dropped_and_recorded(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    group = place.groups["Xã"]
    await publish(bot, place, start="06/10/2025 13:30", reminders="1d@19:00,2h*")
    await _deliver(bot)
    await bot.stop()

    bot.clock.current = local("06/10/2025 13:45")
    await bot.start()
    await _deliver(bot)
    assert not [t for t in _texts(group) if t.startswith("⏰")]
    assert len(await _dropped_reasons(bot, group.id)) == 2


async def _dropped_reasons(bot: Bot, chat_id: int) -> list[str]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        rows = await session.scalars(
            select(Delivery).where(Delivery.chat == str(chat_id), Delivery.status == DeliveryStatus.DROPPED)
        )
        return sorted(str(r.last_error) for r in rows)
