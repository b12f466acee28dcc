"""Residents see what is coming for their village, open a card's link, and add it to their calendar;
village heads copy a plain-text version for other messengers."""

from __future__ import annotations

from bot.channels.telegram.fake import FakeTelegram
from tests.conftest import Bot
from tests.journeys import commune, onboard, publish


async def test_a_newcomer_who_taps_register_on_a_card_is_registered_once_her_profile_is_done(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place, villages=("Thôn Đông",))
    await bot.deliver()
    card = place.groups["Thôn Đông"].bot_messages[-1]
    link = card.reply_markup["inline_keyboard"][0][0]["url"]  # type: ignore[index]
    payload = link.split("?start=")[1]
    assert payload == f"a{activity_id}-v{place.villages['Thôn Đông']}"

    newcomer = fake.add_user("Hạnh")
    await onboard(bot, newcomer, name="Lê Thị Hạnh", start=f"/start {payload}")
    done = newcomer.private_chat.bot_messages[-1]
    assert done.text.startswith("Đã đăng ký xong cho bà:\nChuyên đề phòng chống lừa đảo qua mạng")  # no second tap
    assert done.buttons == ["🙅 Không đi được"]

    again = await bot.say(newcomer, f"/start {payload}")
    assert "rồi" in again[-1].text and "Chuyên đề phòng chống lừa đảo qua mạng" in again[-1].text


async def test_events_lists_only_what_is_for_the_residents_village(bot: Bot, fake: FakeTelegram, lang: str) -> None:
    place = await commune(bot, fake)
    await publish(bot, place, "Chuyên đề chăm sóc sức khỏe người cao tuổi", villages=("Thôn Tây",))
    await publish(bot, place, "Lớp tập huấn trồng lúa", start="08/10/2025 07:30", villages=("Thôn Đông",))
    await publish(bot, place, "Hội diễn văn nghệ toàn xã", start="07/10/2025 19:30")
    lan = fake.add_user("Lan", language_code=lang)
    await onboard(bot, lan, village="Thôn Đông")
    shown = await bot.say(lan, "/events")
    titles = [m.text.splitlines()[0] for m in shown[1:]]
    assert titles == ["📢 Hội diễn văn nghệ toàn xã", "📢 Lớp tập huấn trồng lúa"]
    staff_view = await bot.say(place.director, "/events")
    assert len(staff_view) == 4
    for day in (11, 9, 10):
        await publish(bot, place, f"Chuyên đề ngày {day}", start=f"{day:02d}/10/2025 07:30")
    listed = await bot.say(place.director, "/events")
    titles = [m.text.splitlines()[0] for m in listed[1:-1]]
    assert titles == [  # the five soonest, soonest first; the 11th waits its turn
        "📢 Chuyên đề chăm sóc sức khỏe người cao tuổi",
        "📢 Hội diễn văn nghệ toàn xã",
        "📢 Lớp tập huấn trồng lúa",
        "📢 Chuyên đề ngày 9",
        "📢 Chuyên đề ngày 10",
    ]
    more = await bot.press(place.director, listed[-1], "➡ Xem thêm")  # the director reads Vietnamese
    assert [m.text.splitlines()[0] for m in more] == ["📢 Chuyên đề ngày 11"]


async def test_the_calendar_file_holds_the_activity_in_utc(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    lan = fake.add_user("Lan")
    await onboard(bot, lan)
    sent = (await bot.say(lan, f"/ics {activity_id}"))[-1]
    assert sent.document is not None
    name, content = sent.document
    assert name == f"loalang-{activity_id}.ics"
    text = content.decode()
    assert "DTSTART:20251006T063000Z" in text and "SUMMARY:Chuyên đề phòng chống lừa đảo qua mạng" in text
    assert text.endswith("END:VCALENDAR\r\n")
    assert (await bot.say(lan, "/ics 999"))[-1].text == "Hoạt động này không còn nữa."


async def test_a_village_head_gets_a_plain_text_version_with_their_village_link(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    head = fake.add_user("Tâm")
    await onboard(bot, head, name="Vũ Văn Tâm", gender="male", village="Thôn Tây")
    await bot.say(place.director, "/appoint head Thôn Tây")
    await bot.press(place.director, place.director.private_chat.bot_messages[-1], "Vũ Văn Tâm (1965)")
    await bot.deliver()  # the appointee is told of the role (an outbox row) now, not in the middle of a later answer
    text = (await bot.say(head, f"/text {activity_id}"))[-1].text
    assert text.startswith("📢 Chuyên đề phòng chống lừa đảo qua mạng\n🗓 Thứ Hai, 06/10/2025 lúc 13:30")
    assert text.endswith(
        f"Để đăng ký qua Telegram: https://t.me/loalang_bot?start=a{activity_id}-v{place.villages['Thôn Tây']}"
    )
    resident = fake.add_user("Lan")
    await onboard(bot, resident)
    refused = await bot.say(resident, f"/text {activity_id}")
    assert refused[-1].text.startswith("Xin lỗi, lệnh này chỉ dành cho Giám đốc, cán bộ Trung tâm và trưởng thôn")
