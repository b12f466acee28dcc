"""Registering from a card: the village whose card brought the person is credited, the group cards
show the count (edited at most once a minute), and the registrant is reminded in private."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram, FakeUser, Fault
from bot.models import Registration
from tests.conftest import Bot
from tests.journeys import commune, local, onboard, publish


async def _registrations(bot: Bot) -> list[Registration]:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return list(await session.scalars(select(Registration).order_by(Registration.id)))


async def test_a_registration_from_a_forwarded_card_is_credited_to_that_cards_village(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    await bot.deliver()
    card = place.groups["Thôn Đông"].bot_messages[-1]
    payload = card.reply_markup["inline_keyboard"][0][0]["url"].split("?start=")[1]  # type: ignore[index]

    hoa = fake.add_user("Hoa")  # lives in Thôn Tây, but the Thôn Đông head forwarded the card to her
    await onboard(bot, hoa, name="Trần Thị Hoa", village="Thôn Tây", start=f"/start {payload}")
    done = hoa.private_chat.bot_messages[-1]  # the card's Register: registered once her profile is done
    assert done.text == (
        "Đã đăng ký xong cho bà:\nChuyên đề phòng chống lừa đảo qua mạng\n🗓 Thứ Hai, 06/10/2025 lúc 13:30\n"
        "📍 Hội trường UBND xã\nLoa Làng sẽ nhắc bà trước giờ bắt đầu."
    )
    [registration] = await _registrations(bot)
    assert registration.activity_id == activity_id and registration.village_id == place.villages["Thôn Đông"]

    again = (await bot.say(hoa, f"/register {activity_id}"))[-1]
    assert again.text.startswith("Bà đã đăng ký Chuyên đề phòng chống lừa đảo qua mạng rồi.")
    assert len(await _registrations(bot)) == 1

    bot.clock.current = local("05/10/2025 19:00")
    await bot.deliver()
    assert hoa.private_chat.bot_messages[-1].text.startswith("⏰ Nhắc lịch\n📢 Chuyên đề phòng chống lừa đảo")


async def test_someone_without_a_profile_registers_after_answering_it(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    lan = fake.add_user("Lan")
    notice = (await bot.say(lan, "/start"))[-1]
    await bot.press(lan, notice, "✅ Đồng ý")
    first = await bot.say(lan, f"/register {activity_id}")
    assert first[0].text == "Trước khi đăng ký, xin trả lời vài câu hỏi ngắn."
    await bot.say(lan, "Nguyễn Thị Lan")
    await bot.say(lan, "nữ")
    await bot.say(lan, "1965")
    finished = await bot.say(lan, "Thôn Bắc")
    assert finished[-1].text.startswith("Đã đăng ký xong cho bà:\nChuyên đề phòng chống lừa đảo qua mạng")
    [registration] = await _registrations(bot)
    assert registration.village_id == place.villages["Thôn Bắc"]


async def test_group_cards_show_the_count_edited_at_most_once_a_minute(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, capacity=100)
    await bot.deliver()
    card = place.groups["Xã"].bot_messages[-1]
    assert "✍️ Đã đăng ký: 0/100 (còn 100 chỗ)" in card.text

    people = [fake.add_user(f"Người {i}") for i in range(3)]
    for index, person in enumerate(people):
        await onboard(bot, person, name=f"Người Số {index}")
    await bot.say(people[0], f"/register {activity_id}")
    await bot.deliver()
    assert "✍️ Đã đăng ký: 1/100 (còn 99 chỗ)" in card.text and card.edits == 1

    await bot.say(people[1], f"/register {activity_id}")
    await bot.say(people[2], f"/register {activity_id}")
    bot.clock.advance(seconds=30)
    await bot.deliver()
    assert card.edits == 1  # not yet: one edit a minute
    bot.clock.advance(seconds=30)
    await bot.deliver()
    assert "✍️ Đã đăng ký: 3/100 (còn 97 chỗ)" in card.text and card.edits == 2
    assert card.buttons == ["✍️ Đăng ký", "📅 Thêm vào lịch"]


async def test_a_full_activity_puts_people_on_the_waitlist_and_a_freed_seat_goes_to_the_first(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, capacity=1)
    first, second, third = fake.add_user("Một"), fake.add_user("Hai"), fake.add_user("Ba", language_code="en")
    for user, name in ((first, "Người Một"), (second, "Người Hai"), (third, "Người Ba")):
        await onboard(bot, user, name=name)
    await bot.say(first, f"/register {activity_id}")
    full = (await bot.say(second, f"/register {activity_id}"))[-1]
    assert full.text.startswith("Chuyên đề phòng chống lừa đảo qua mạng đã hết chỗ. Bà đứng thứ 1 trong danh sách chờ")
    assert full.buttons == ["Rời danh sách chờ"]
    third_full = (await bot.say(third, f"/register {activity_id}"))[-1]
    assert "You are number 2 on the waitlist" in third_full.text

    mine = await bot.say(first, "/my")
    assert mine[1].text.startswith("✅ Đã đăng ký.\n📢 Chuyên đề phòng chống lừa đảo qua mạng")
    given_back = (await bot.press(first, mine[1], "🙅 Không đi được"))[-1]
    assert given_back.text == "Đã trả lại chỗ của bà ở Chuyên đề phòng chống lừa đảo qua mạng. Cảm ơn bà đã báo!"
    await bot.deliver()  # the notice to them goes through the outbox
    told = second.private_chat.bot_messages[-1]
    assert told.text.startswith("Tin vui: đã có chỗ trống dành cho bà.")
    declined = (await bot.press(second, told, "🙅 Không đi được"))[-1]
    assert declined.text.startswith("Đã trả lại chỗ của bà")
    await bot.deliver()  # the notice to them goes through the outbox
    assert third.private_chat.bot_messages[-1].text.startswith("Good news: a seat is free and it is yours.")

    statuses = {r.person_id: r.status.value for r in await _registrations(bot)}
    assert sorted(statuses.values()) == ["cancelled", "cancelled", "registered"]
    assert (await bot.say(second, "/register abc"))[-1].text.startswith("Xin ghi số của hoạt động")
    assert (await bot.say(second, f"/unregister {activity_id}"))[-1].text == "Bà chưa đăng ký hoạt động này."


async def _lan_seated_and_hoa_waiting(bot: Bot, fake: FakeTelegram) -> tuple[int, FakeUser, FakeUser]:
    """A talk with one seat: Lan has it, Hoa waits for it."""
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, capacity=1)
    lan, hoa = fake.add_user("Lan"), fake.add_user("Hoa")
    await onboard(bot, lan)
    await onboard(bot, hoa, name="Trần Thị Hoa")
    await bot.say(lan, f"/register {activity_id}")
    await bot.say(hoa, f"/register {activity_id}")
    return activity_id, lan, hoa


async def test_a_freed_seat_reaches_the_first_waiting_once_although_the_first_try_fails(
    bot: Bot, fake: FakeTelegram
) -> None:
    activity_id, lan, hoa = await _lan_seated_and_hoa_waiting(bot, fake)
    fake.inject("sendMessage", Fault.server_error(502), chat_id=hoa.id)
    await bot.say(lan, f"/unregister {activity_id}")
    await bot.deliver()

    def good_news() -> list[str]:
        return [m.text for m in hoa.private_chat.bot_messages if m.text.startswith("Tin vui")]

    assert good_news() == []  # Telegram answered 502: the notice waits in the outbox to be tried again
    for _ in range(3):
        bot.clock.advance(minutes=1)
        await bot.deliver()
    assert good_news() == [
        "Tin vui: đã có chỗ trống dành cho bà. Đã đăng ký xong:\nChuyên đề phòng chống lừa đảo qua mạng\n"
        "🗓 Thứ Hai, 06/10/2025 lúc 13:30\n📍 Hội trường UBND xã"
    ]
    assert hoa.private_chat.bot_messages[-1].buttons == ["🙅 Không đi được"]


async def test_the_evening_reminder_asks_registrants_if_they_still_come(bot: Bot, fake: FakeTelegram) -> None:
    _, lan, hoa = await _lan_seated_and_hoa_waiting(bot, fake)
    bot.clock.current = local("05/10/2025 19:00")
    await bot.deliver()
    question = lan.private_chat.bot_messages[-1]
    assert question.text.startswith("⏰ Nhắc lịch") and question.text.endswith("Bà vẫn đến dự chứ ạ?")
    assert question.buttons == ["✅ Có, tôi sẽ đến", "🙅 Không đi được"]
    assert (await bot.press(lan, question, "🙅 Không đi được"))[-1].text.startswith("Đã trả lại chỗ của bà")
    await bot.deliver()  # the notice to them goes through the outbox
    assert hoa.private_chat.bot_messages[-1].text.startswith("Tin vui: đã có chỗ trống dành cho bà.")

    bot.clock.current = local("06/10/2025 11:30")
    await bot.deliver()
    second = hoa.private_chat.bot_messages[-1]
    assert second.text.endswith("Bà vẫn đến dự chứ ạ?")
    assert (await bot.press(hoa, second, "✅ Có, tôi sẽ đến"))[-1].text == (
        "Cảm ơn bà! Hẹn gặp bà ở Chuyên đề phòng chống lừa đảo qua mạng."
    )
    assert lan.private_chat.bot_messages[-1].text.startswith("Đã trả lại chỗ")  # no reminder after giving it back


async def test_a_double_tap_on_cant_come_hands_the_seat_on_once_and_old_cards_do_not_register(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, capacity=1)
    users = [fake.add_user(name) for name in ("Một", "Hai", "Ba")]
    for user, name in zip(users, ("Người Một", "Người Hai", "Người Ba"), strict=True):
        await onboard(bot, user, name=name)
        await bot.say(user, f"/register {activity_id}")
    seated = users[0].private_chat.bot_messages[-1]
    users[0].press(seated, "🙅 Không đi được")
    users[0].send(f"/unregister {activity_id}")  # the same wish twice, before the bot answers either
    await bot.settle()
    await bot.deliver()  # the notice to them goes through the outbox
    assert users[1].private_chat.bot_messages[-1].text.startswith("Tin vui")
    assert not users[2].private_chat.bot_messages[-1].text.startswith("Tin vui")
    assert sorted(r.status.value for r in await _registrations(bot)) == ["cancelled", "registered", "waitlisted"]

    bot.clock.current = local("06/10/2025 16:00")  # the talk is over
    late = fake.add_user("Muộn")
    await onboard(bot, late, name="Người Muộn")
    assert (await bot.say(late, f"/register {activity_id}"))[-1].text == "Hoạt động này không còn nữa."
