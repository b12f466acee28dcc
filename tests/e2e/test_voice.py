"""Loa Làng speaks to an elder as a villager would (locales/VOICE.md): a woman of 68 is "bà", a man of 35 "anh",
and before it knows who is reading it calls nobody anything, least of all the casual "bạn"."""

from __future__ import annotations

import re

from bot.channels.telegram.fake import FakeTelegram
from tests.conftest import Bot
from tests.journeys import commune, onboard, publish

PRONOUN = re.compile(r"(?<!\w)(bạn|bà|ông|cô|chú|chị|anh|em)(?!\w)", re.IGNORECASE)


async def test_a_woman_of_68_is_called_ba_and_reads_what_when_where_on_separate_lines(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    nga = fake.add_user("Ngà")
    await onboard(bot, nga, name="Lê Thị Ngà", year=str(bot.clock().year - 68))
    done = (await bot.say(nga, f"/register {activity_id}"))[-1]
    assert done.text == (
        "Đã đăng ký xong cho bà:\n"
        "Chuyên đề phòng chống lừa đảo qua mạng\n"
        "🗓 Thứ Hai, 06/10/2025 lúc 13:30\n"
        "📍 Hội trường UBND xã\n"
        "Loa Làng sẽ nhắc bà trước giờ bắt đầu."
    )


async def test_a_man_of_35_is_called_anh(bot: Bot, fake: FakeTelegram) -> None:
    place = await commune(bot, fake)
    activity_id = await publish(bot, place)
    minh = fake.add_user("Minh")
    await onboard(bot, minh, name="Đỗ Văn Minh", gender="male", year=str(bot.clock().year - 35))
    await bot.say(minh, f"/register {activity_id}")
    again = (await bot.say(minh, f"/register {activity_id}"))[-1]
    assert again.text == "Anh đã đăng ký Chuyên đề phòng chống lừa đảo qua mạng rồi. Hẹn gặp anh!"


async def test_before_her_profile_a_newcomer_is_called_nothing_at_all(bot: Bot, fake: FakeTelegram) -> None:
    await commune(bot, fake)
    lan = fake.add_user("Lan")
    await onboard(bot, lan, name="Nguyễn Thị Lan", year="1957")
    *before, summary = lan.private_chat.bot_messages  # the notice, the thanks and the four questions
    assert len(before) >= 5
    for message in before:
        said = (message.text or "").replace("tiếng Anh", "")  # the language, not a man
        assert not PRONOUN.search(said), said
    assert "bạn" not in (summary.text or "").lower()
