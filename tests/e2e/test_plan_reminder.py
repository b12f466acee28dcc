"""The start-of-month reminder: at 08:00 on the first, the director is sent the month's activities still
without their day or time, each with /change N; once a month, through a restart; a month with nothing to set
sends nothing."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.telegram.fake import FakeTelegram
from bot.models import Activity, Center, DateKnown
from scheduler import plan_reminder
from tests.conftest import Bot
from tests.e2e.test_month_plan import ELDERS, RICE, TEACHERS, WOMEN, october
from tests.journeys import commune, local


async def _reminded(bot: Bot) -> str | None:
    assert bot.app is not None
    async with bot.app.db.session() as session:
        return await session.scalar(select(Center.plan_reminded_month))


async def test_the_director_is_reminded_on_the_first_at_eight_of_what_has_no_day_yet(
    bot: Bot, fake: FakeTelegram, lang: str
) -> None:
    place = await commune(bot, fake)
    hung = place.director
    if lang == "en":
        await bot.say(hung, "/lang en")
    ids = await october(bot, place.center_id)
    assert bot.app is not None
    await bot.deliver()  # September, the center's first month: nothing to set, nothing sent
    assert await _reminded(bot) == "2025-09"
    assert await plan_reminder.next_due(bot.app.db, bot.clock()) == local("01/10/2025 08:00")
    before = len(hung.private_chat.bot_messages)

    bot.clock.current = local("01/10/2025 07:59")
    await bot.deliver()
    assert len(hung.private_chat.bot_messages) == before

    bot.clock.current = local("01/10/2025 08:00")
    await bot.deliver()
    assert len(hung.private_chat.bot_messages) == before + 1
    reminder = hung.private_chat.bot_messages[-1]
    if lang == "vi":
        assert reminder.text == (
            "Tháng mới bắt đầu. Trong kế hoạch tháng 10/2025 có 2 hoạt động chưa có ngày giờ. Xin đặt ngày giờ để "
            "Loa Làng đăng tin được:\n\n"
            f"📌 Trong tháng 10/2025 · {ELDERS}\nChưa có ngày giờ. Để đặt ngày giờ, gửi:\n/change {ids[ELDERS]}\n\n"
            f"📌 20/10 · {WOMEN}\nChưa có giờ. Để đặt giờ, gửi:\n/change {ids[WOMEN]}"
        )
        assert reminder.buttons == ["📋 Kế hoạch tháng"]
    else:
        assert reminder.text.startswith(
            "A new month begins. In the plan of 10/2025, 2 activities have no day or time yet. Please set them, so "
            f"that they can be announced:\n\n📌 In 10/2025 · {ELDERS}\nNo day or time yet. To set them, send:\n"
        )
    assert RICE not in (reminder.text or "")  # its day and time are set: nothing to remind
    assert await _reminded(bot) == "2025-10"

    await bot.restart()  # rebuilt from the database: owed once, not again
    await bot.deliver()
    bot.clock.advance(hours=3)
    await bot.deliver()
    assert len(hung.private_chat.bot_messages) == before + 1
    assert await plan_reminder.next_due(bot.app.db, bot.clock()) == local("01/11/2025 08:00")

    plan = (await bot.press(hung, reminder, reminder.buttons[0]))[-1]
    assert f"/publish {ids[RICE]}" in (plan.text or "")

    bot.clock.current = local("01/11/2025 08:30")  # the bot was down at eight: reminded when it is back
    await bot.deliver()
    assert len(hung.private_chat.bot_messages) == before + 3
    assert f"/change {ids[TEACHERS]}" in (hung.private_chat.bot_messages[-1].text or "") and ELDERS not in (
        hung.private_chat.bot_messages[-1].text or ""
    )

    bot.clock.current = local("01/12/2025 08:00")  # December has nothing to set: marked, nothing sent
    await bot.deliver()
    assert len(hung.private_chat.bot_messages) == before + 3
    assert await _reminded(bot) == "2025-12"


async def test_a_reminder_whose_activities_got_their_day_meanwhile_is_not_sent(bot: Bot, fake: FakeTelegram) -> None:
    """Worded when it goes out: an activity given its day and time before the message leaves is not listed, and
    a message left with nothing to say is not sent."""
    place = await commune(bot, fake)
    ids = await october(bot, place.center_id)
    await bot.deliver()
    bot.clock.current = local("01/10/2025 08:00")
    assert bot.app is not None
    await plan_reminder.tell(bot.app.db, bot.clock())  # owed, not yet sent
    async with bot.app.db.session() as session, session.begin():
        for key in (ELDERS, WOMEN):
            activity = await session.get(Activity, ids[key])
            assert activity is not None
            activity.date_known = DateKnown.EXACT
    before = len(place.director.private_chat.bot_messages)
    await bot.deliver()
    assert len(place.director.private_chat.bot_messages) == before
