"""A card forwarded out of the village group keeps its link buttons, as Telegram keeps them, so whoever
registers from the copy is still credited to the village whose card it was."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Registration
from tests.conftest import Bot
from tests.journeys import AGREE, commune, make_head, onboard, publish, tr


async def test_a_card_a_village_head_forwards_keeps_its_register_button_and_credits_the_village(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    tam = fake.add_user("Tâm")
    await onboard(bot, tam, name="Vũ Thị Tâm", village="Thôn Đông")
    await make_head(bot, place.center_id, "Vũ Thị Tâm", place.villages, "Thôn Đông")
    activity_id = await publish(bot, place)
    await bot.deliver()
    card = place.groups["Thôn Đông"].bot_messages[-1]

    # The head passes it on to the women's union group of the village, where the bot is not a member.
    women = fake.add_group("Chi hội phụ nữ thôn Đông")
    forwarded = tam.forward(card, women)
    assert forwarded.text == card.text
    assert forwarded.buttons == ["✍️ Đăng ký", "📅 Thêm vào lịch"]

    hoa = fake.add_user("Hoa")  # lives in Thôn Tây, reads the women's group of Thôn Đông
    hoa.send("Để tôi đăng ký", women)
    opened = hoa.follow(forwarded, "✍️ Đăng ký")
    assert opened is not None and opened.chat_id == hoa.id
    await bot.settle()
    notice = hoa.private_chat.bot_messages[-1]
    await bot.press(hoa, notice, tr("vi", AGREE))
    await bot.say(hoa, "Trần Thị Hoa")
    await bot.say(hoa, "1970")
    done = (await bot.press(hoa, hoa.private_chat.bot_messages[-1], "Thôn Tây"))[-1]
    assert (done.text or "").startswith("Đã đăng ký xong cho cô:\nChuyên đề phòng chống lừa đảo qua mạng")

    assert bot.app is not None
    async with bot.app.db.session() as session:
        [registration] = await session.scalars(select(Registration))
    assert registration.activity_id == activity_id
    assert registration.village_id == place.villages["Thôn Đông"]  # the card's village, not Hoa's own


async def test_a_card_a_village_head_opens_privately_can_be_forwarded_with_its_button(
    bot: Bot, fake: FakeTelegram
) -> None:
    place = await commune(bot, fake)
    tam = fake.add_user("Tâm")
    await onboard(bot, tam, name="Vũ Thị Tâm", village="Thôn Đông")
    await make_head(bot, place.center_id, "Vũ Thị Tâm", place.villages, "Thôn Đông")
    await publish(bot, place)
    card = (await bot.say(tam, "/events"))[1]
    women = fake.add_group("Chi hội phụ nữ thôn Đông")
    forwarded = tam.forward(card, women)
    assert forwarded.buttons == ["✍️ Đăng ký", "📅 Thêm vào lịch"]  # her actions stay behind; the links go on
    link = forwarded.reply_markup["inline_keyboard"][0][0]["url"]  # type: ignore[index]
    assert link.endswith(f"-v{place.villages['Thôn Đông']}")
