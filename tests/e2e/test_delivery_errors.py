"""Telegram's refusals while answering are recorded, and never undo the work that caused the message."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram, Fault
from bot.models import GroupChat, RoleKind
from tests.conftest import Bot
from tests.journeys import center_with_director, onboard, person_of


async def test_a_person_who_blocked_the_bot_unnoticed_is_recorded_when_a_message_bounces(
    bot: Bot, fake: FakeTelegram
) -> None:
    director = await center_with_director(bot, fake)
    mai = fake.add_user("Mai")
    await onboard(bot, mai, name="Đỗ Thị Mai")

    fake.inject("sendMessage", Fault.blocked(), chat_id=mai.id)
    await bot.say(director, "/appoint staff")
    done = await bot.press(director, director.private_chat.bot_messages[-1], "Đỗ Thị Mai (1965)")

    assert done[-1].text == "Xong: từ nay Đỗ Thị Mai là cán bộ."
    await bot.deliver()  # her notice bounces in the outbox
    person = await person_of(bot, mai)
    assert person is not None
    assert [r.kind for r in person.roles] == [RoleKind.STAFF]  # saved first: the bounce undoes nothing
    assert person.blocked_at == bot.clock()


async def test_a_reply_to_a_group_that_just_became_a_supergroup_follows_it(bot: Bot, fake: FakeTelegram) -> None:
    payload = await bot.create_center()
    director = fake.add_user("Hùng")
    await onboard(bot, director, name="Phạm Văn Hùng", start=f"/start {payload}")
    group = fake.add_group("Xã Thanh Bình")
    group.add_bot(director)
    await bot.settle()

    director.send("/link all", group)
    supergroup = group.migrate_to_supergroup()  # before the bot has answered: its reply bounces
    await bot.settle()

    assert any(c.method == "sendMessage" and c.status == 400 for c in fake.calls), "the first reply bounced"
    assert supergroup.bot_messages[-1].text == "Xong! Từ nay nhóm này sẽ nhận thông báo dành cho cả xã."
    assert bot.app is not None
    async with bot.app.db.session() as session:
        stored = await session.scalar(select(GroupChat).where(GroupChat.external_id == str(supergroup.id)))
    assert stored is not None and stored.center_id is not None


async def test_a_server_error_on_a_reply_is_logged_and_the_bot_carries_on(bot: Bot, fake: FakeTelegram) -> None:
    await bot.create_center()
    lan = fake.add_user("Lan")
    fake.inject("sendMessage", Fault.server_error(502), chat_id=lan.id)
    assert await bot.say(lan, "/start") == []
    assert (await bot.say(lan, "/start"))[-1].text.startswith("Chào mừng đến với Loa Làng!")
