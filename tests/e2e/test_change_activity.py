"""Directors and staff change an activity's time, place or reminders, or call it off; everyone who
was told (groups, residents, registrants) hears about it."""

from __future__ import annotations

from bot.channels.telegram.fake import FakeTelegram
from tests.conftest import Bot
from tests.journeys import commune, local, onboard, publish


async def test_moving_an_activity_tells_groups_and_registrants_and_moves_reminders(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, villages=("Thôn Đông",))
    await bot.deliver()
    lan = fake.add_user("Lan")
    await onboard(bot, lan, village="Thôn Tây")
    await bot.say(lan, f"/register {activity_id}")

    hung = place.director
    what = (await bot.say(hung, f"/change {activity_id}"))[-1]
    assert what.buttons == ["🗓 Thời gian", "📍 Địa điểm", "⏰ Lời nhắc", "🤝 Đơn vị phối hợp", "✖ Hủy"]
    asked = (await bot.press(hung, what, "🗓 Thời gian"))[-1]
    assert asked.text == "Giờ bắt đầu mới là khi nào? Ví dụ: 4/10 8h."  # next Saturday, never past
    wanted = "Hoạt động bắt đầu lúc mấy giờ? Xin ghi thêm giờ, ví dụ: 4/10 8h."
    assert (await bot.say(hung, "hôm qua"))[-1].text == wanted
    saved = (await bot.say(hung, "7/10 14h"))[-1]
    assert "Thứ Ba, 07/10/2025 lúc 14:00" in saved.text
    await bot.deliver()
    update = "🔔 Có thay đổi: xin lưu ý thời gian hoặc địa điểm mới."
    assert place.groups["Thôn Đông"].bot_messages[-1].text.startswith(update)
    assert place.groups["Xã"].bot_messages[-1].text.startswith(update)
    assert not place.groups["Thôn Tây"].bot_messages[-1].text.startswith(update)
    assert lan.private_chat.bot_messages[-1].text.startswith(update)

    bot.clock.current = local("06/10/2025 19:00")
    await bot.deliver()
    assert lan.private_chat.bot_messages[-1].text.startswith("⏰ Nhắc lịch")


async def test_an_activity_can_get_its_own_reminder_rule(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    await bot.deliver()
    hung = place.director
    await bot.say(hung, f"/change {activity_id}")
    await bot.say(hung, "nhắc")
    assert (await bot.say(hung, "sáng mai"))[-1].text.startswith("Chưa đọc được “sáng mai”")
    await bot.say(hung, "30m")
    group = place.groups["Thôn Bắc"]
    count = len(group.bot_messages)
    bot.clock.current = local("05/10/2025 19:00")
    await bot.deliver()
    assert len(group.bot_messages) == count  # no update message and no evening reminder any more
    bot.clock.current = local("06/10/2025 13:00")
    await bot.deliver()
    assert group.bot_messages[-1].text.startswith("⏰ Nhắc lịch")


async def test_calling_off_tells_everyone_and_residents_cannot(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    await bot.deliver()
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    await bot.say(lan, f"/register {activity_id}")
    refused = (await bot.say(lan, f"/calloff {activity_id}"))[-1]
    assert refused.text == "Xin lỗi, lệnh này chỉ dành cho Giám đốc và cán bộ Trung tâm:\n/calloff"

    ask = (await bot.say(place.director, f"/calloff {activity_id}"))[-1]
    done = (await bot.press(place.director, ask, "Có, hủy hoạt động"))[-1]
    assert done.text.startswith("Đã hủy Chuyên đề phòng chống lừa đảo qua mạng.")
    await bot.deliver()
    cancelled = "❌ Đã hủy:\nChuyên đề phòng chống lừa đảo qua mạng"
    assert all(g.bot_messages[-1].text.startswith(cancelled) for g in place.groups.values())
    assert lan.private_chat.bot_messages[-1].text.startswith(cancelled)
    again = (await bot.say(place.director, f"/change {activity_id}"))[-1]
    assert again.text == "Hoạt động này không thể thay đổi nữa."


async def test_the_director_sets_the_centers_reminder_times(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    assert "1d@19:00,2h" in (await bot.say(place.director, "/reminders"))[-1].text
    await bot.say(place.director, "/reminders 3h")
    await publish(bot, place)
    await bot.deliver()
    group = place.groups["Xã"]
    bot.clock.current = local("06/10/2025 10:30")
    await bot.deliver()
    assert group.bot_messages[-1].text.startswith("⏰ Nhắc lịch")
    assert (await bot.say(place.director, "/reminders mai"))[-1].text.startswith("Chưa đọc được “mai”")


async def test_a_new_place_alone_keeps_the_reminders_at_their_times(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, villages=("Thôn Đông",))
    await bot.deliver()
    lan = fake.add_user("Lan")
    await onboard(bot, lan, village="Thôn Đông")
    await bot.say(lan, f"/register {activity_id}")

    hung = place.director
    what = (await bot.say(hung, f"/change {activity_id}"))[-1]
    await bot.press(hung, what, "📍 Địa điểm")
    saved = (await bot.say(hung, "Nhà văn hóa thôn Tây"))[-1]
    assert "Nhà văn hóa thôn Tây" in saved.text
    await bot.deliver()
    assert lan.private_chat.bot_messages[-1].text.startswith("🔔 Có thay đổi")

    reminded = len([m for m in lan.private_chat.bot_messages if (m.text or "").startswith("⏰ Nhắc lịch")])
    bot.clock.current = local("05/10/2025 19:00")  # the evening before, as the rule had it
    await bot.deliver()
    reminders = [m.text or "" for m in lan.private_chat.bot_messages if (m.text or "").startswith("⏰ Nhắc lịch")]
    assert len(reminders) == reminded + 1 and "Nhà văn hóa thôn Tây" in reminders[-1]
